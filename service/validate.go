package service

import (
	"net/mail"
	"regexp"
	"strings"
	"time"

	"outbound/process"
)

// fields collects field errors, keyed by the JSON field name, in Chinese.
type fields map[string]string

func (f fields) add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

func (f fields) required(field, label, value string) bool {
	if strings.TrimSpace(value) == "" {
		f.add(field, label+"不能为空")
		return false
	}
	return true
}

// text checks a free-text field: at most n characters, no control characters.
func (f fields) text(field, label, value string, n int) {
	if msg := process.TextProblem(label, value, n); msg != "" {
		f.add(field, msg)
	}
}

// requiredText checks a free text that must be filled in.
func (f fields) requiredText(field, label, value string, n int) {
	if f.required(field, label, value) {
		f.text(field, label, value, n)
	}
}

// amount checks a sum of money against what the read model holds.
func (f fields) amount(field, label string, value float64) {
	if value < 0 || value > process.MaxAmount {
		f.add(field, label+"应在0到9999999999.99之间")
	}
}

func (f fields) err() error {
	if len(f) == 0 {
		return nil
	}
	return Invalid(f)
}

var (
	mobileRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	phoneRE  = regexp.MustCompile(`^[0-9+\-() ]{5,20}$`)
	qqRE     = regexp.MustCompile(`^[1-9][0-9]{4,11}$`)
	pinyinRE = regexp.MustCompile(`^[A-Za-z][A-Za-z ]{0,63}$`)
	// Passports: a letter or two and digits (E12345678, G1234567, …).
	passportRE = regexp.MustCompile(`^[A-Za-z0-9]{5,20}$`)
)

// validMobile checks a mainland mobile number.
func validMobile(s string) bool { return mobileRE.MatchString(s) }

// validPhone checks a landline or fax number loosely.
func validPhone(s string) bool { return phoneRE.MatchString(s) }

// validEmail checks an e-mail address without a display name.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// parseDate reads YYYY-MM-DD.
func parseDate(s string) (time.Time, bool) {
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil && t.Year() >= 1900 && t.Year() <= 2100
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// idCardProblem checks a resident identity card number (身份证号): 18
// characters, the check digit, and that the birth date and gender it carries
// agree with the profile's (when given). It returns "" when the number is good.
func idCardProblem(id, birthDate, gender string) string {
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
