package process

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// The formats a field's value may have to follow; the forms' checks and the profile's share them.
var (
	mobileRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	phoneRE  = regexp.MustCompile(`^[0-9+\-() ]{5,20}$`)
	// Passports: a letter or two and digits (E12345678, G1234567, …).
	passportRE = regexp.MustCompile(`^[A-Za-z0-9]{5,20}$`)
)

// ValidMobile checks a mainland mobile number.
func ValidMobile(s string) bool { return mobileRE.MatchString(s) }

// ValidPhone checks a landline or fax number loosely.
func ValidPhone(s string) bool { return phoneRE.MatchString(s) }

// ValidPassport checks a passport number's shape.
func ValidPassport(s string) bool { return passportRE.MatchString(s) }

// ValidEmail checks an e-mail address without a display name.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// DayOf is the day of a time in China, as dates are stored (midnight UTC); zero stays zero.
func DayOf(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (time.Time, bool) {
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil && t.Year() >= 1900 && t.Year() <= 2100
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// IDCardProblem checks a resident identity card number (身份证号): 18
// characters, the check digit, and that the birth date and gender it carries
// agree with the form's (when given). It returns "" when the number is good.
func IDCardProblem(id, birthDate, gender string) string {
	if len(id) != 18 {
		return "身份证号应为18位"
	}
	sum := 0
	for i := 0; i < 17; i++ {
		if id[i] < '0' || id[i] > '9' {
			return "身份证号前17位应为数字"
		}
		sum += int(id[i]-'0') * idWeights[i]
	}
	last := id[17]
	if last == 'x' {
		last = 'X'
	}
	if idCheckChars[sum%11] != last {
		return "身份证号校验位不正确"
	}
	born, err := time.Parse("20060102", id[6:14])
	if err != nil || born.Year() < 1900 || born.After(time.Now()) {
		return "身份证号中的出生日期无效"
	}
	if birthDate != "" && born.Format("2006-01-02") != birthDate {
		return "身份证号中的出生日期与填写的出生日期不一致"
	}
	if gender != "" {
		g := "女"
		if (id[16]-'0')%2 == 1 {
			g = "男"
		}
		if g != gender {
			return "身份证号与性别不一致"
		}
	}
	return ""
}
