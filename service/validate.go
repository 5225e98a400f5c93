package service

import (
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
	qqRE     = regexp.MustCompile(`^[1-9][0-9]{4,11}$`)
	pinyinRE = regexp.MustCompile(`^[A-Za-z][A-Za-z ]{0,63}$`)
)

func validMobile(s string) bool { return process.ValidMobile(s) }
func validPhone(s string) bool  { return process.ValidPhone(s) }
func validEmail(s string) bool  { return process.ValidEmail(s) }

func parseDate(s string) (time.Time, bool) { return process.ParseDate(s) }

func idCardProblem(id, birthDate, gender string) string {
	return process.IDCardProblem(id, birthDate, gender)
}
