package service

import (
	"strings"
	"testing"
	"time"

	"outbound/process"
	"unicode/utf8"

	"outbound/storage/demo"
)

func TestIDCard(t *testing.T) {
	// 11010519491231002X is the standard's own example.
	if msg := idCardProblem("11010519491231002X", "1949-12-31", "女"); msg != "" {
		t.Fatalf("valid number refused: %s", msg)
	}
	for id, want := range map[string]string{
		"11010519491231002":                  "18位",
		"11010519491231002Y":                 "校验位",
		"1101051949123100A2":                 "前17位",
		demo.IDCard("110105", "19491331", 2): "出生日期无效",
	} {
		if msg := idCardProblem(id, "", ""); !strings.Contains(msg, want) {
			t.Errorf("%s: %q, want %q", id, msg, want)
		}
	}
	if msg := idCardProblem("11010519491231002X", "1950-01-01", ""); !strings.Contains(msg, "不一致") {
		t.Errorf("birth date mismatch: %q", msg)
	}
	if msg := idCardProblem("11010519491231002X", "", "男"); !strings.Contains(msg, "性别") {
		t.Errorf("gender mismatch: %q", msg)
	}
}

func FuzzIDCard(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "", "x", "110105194912310021", "\xff\xfe"} {
		f.Add(s, "1949-12-31", "女")
	}
	f.Fuzz(func(t *testing.T, id, birth, gender string) {
		msg := idCardProblem(id, birth, gender)
		if msg == "" {
			if len(id) != 18 {
				t.Fatalf("accepted %q of length %d", id, len(id))
			}
			if _, err := time.Parse("20060102", id[6:14]); err != nil {
				t.Fatalf("accepted %q with no date", id)
			}
		} else if !utf8.ValidString(msg) {
			t.Fatal("message is not text")
		}
	})
}

func FuzzDatesAndNumbers(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2023-02-29", "0000-00-00", "2024-13-01", "99999-01-01", "", "2024-1-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseDate(s)
		if ok && d.Format("2006-01-02") != s {
			t.Fatalf("%q read as %v", s, d)
		}
		_ = validMobile(s)
		_ = validEmail(s)
		_ = validPhone(s)
	})
}

func FuzzApplyInfo(f *testing.F) {
	f.Add("2027-01-01", "2027-06-01", 3.5, 88.0)
	f.Add("2027-06-01", "2027-01-01", -1.0, 101.0)
	f.Fuzz(func(t *testing.T, dep, ret string, gpa, avg float64) {
		values, problems := checkSection(process.SectionApply, FormInput{"departureDate": dep, "returnDate": ret, "gpa": gpa, "weightedAverage": avg})
		checkApplyDates(problems, values, nil, true)
		if problems.err() == nil && (gpa < 0 || gpa > 5 || avg < 0 || avg > 100) {
			t.Fatalf("accepted GPA %v and average %v", gpa, avg)
		}
	})
}

// TestAddressKeys: one person's addresses count together — an IPv4 address, an IPv6 /64.
func TestAddressKeys(t *testing.T) {
	for addr, want := range map[string]string{
		"203.0.113.9":              "203.0.113.9",
		"2001:db8:1:2:aaaa::1":     "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ee::99": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":          "2001:db8:1:3::/64",
		"::ffff:198.51.100.4":      "::ffff:198.51.100.4",
	} {
		if got := addressKey(addr); got != want {
			t.Errorf("addressKey(%q) = %q, want %q", addr, got, want)
		}
	}
}

// TestPasswordPolicy: long enough and hard to guess, whatever the characters.
func TestPasswordPolicy(t *testing.T) {
	for pw, ok := range map[string]bool{
		"Staff-2026-secret": true, "correct horse battery": true, "出国交流申请2026春季学期": true,
		"Short-2026": false, "password1234": false, "qwertyuiop12": false, "aaaaaaaaaaaaaaaa": false,
		"zhangsan2026!": false, strings.Repeat("Long-and-odd-", 6): false,
	} {
		f := fields{}
		checkNewPassword(f, "password", pw, "zhangsan", "张三")
		if got := f["password"] == ""; got != ok {
			t.Errorf("%q accepted: %v, want %v (%s)", pw, got, ok, f["password"])
		}
	}
}
