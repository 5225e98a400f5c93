//go:build integration

package api_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"outbound/process"
)

// sample is a valid value of a field of the catalogue, and another one for a change.
func sample(f process.FormField, second bool) any {
	pick := func(a, b any) any {
		if second {
			return b
		}
		return a
	}
	switch f.Kind {
	case process.FieldDate:
		return pick("2027-02-01", "2027-02-02")
	case process.FieldNumber:
		return pick(f.Range[0]+1, f.Range[0]+2)
	case process.FieldChoice:
		return f.Options[0]
	case process.FieldMobile, process.FieldPhone:
		return pick("13123263727", "13123263728")
	case process.FieldEmail:
		return pick("a@example.edu.cn", "b@example.edu.cn")
	case process.FieldPassport:
		return pick("E12345678", "E87654321")
	}
	return pick("甲"+f.Label, "乙"+f.Label)
}

// TestEveryFieldReachesEverySurface: a field of the catalogue is saved and read back under its
// name, named by its label in the change list after a resubmission, and in the export when marked
// for it. No field is spelled anywhere else, so a new entry (and its column) is all a field needs.
func TestEveryFieldReachesEverySurface(t *testing.T) {
	s := newStudent(t, "LIT")
	project := newProject(t, projectSpec{})
	d := newDraft(t, s, project)
	basic := basicInfo()
	for _, f := range process.FieldsOf(process.SectionBasic) {
		if _, set := basic[f.Name]; !set && !f.Derived {
			basic[f.Name] = sample(f, false)
		}
	}
	r := s.call("PUT", pathf("/applications/%d/basic-info", d.id), basic)
	require.Equal(t, 200, r.status, string(r.body))
	for name, v := range basic {
		require.Equal(t, fmt.Sprint(v), fmt.Sprint(r.get("application.form."+name)), "%s is read back as saved", name)
	}
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d.id), nil).status)
	reviewer := login(t, "lit-reviewer")
	decide(t, reviewer, d.id, map[string]any{"decision": "return", "opinion": "请核对基本信息"}, 200)

	// Every field the student may change is changed, and the change list names each by its label.
	changed := map[string]any{}
	for k, v := range basic {
		changed[k] = v
	}
	for _, f := range process.FieldsOf(process.SectionBasic) {
		if f.Derived || f.Kind == process.FieldChoice || f.Kind == process.FieldIDCard || f.Name == "birthDate" {
			continue // the 身份证号 carries the birth date; a choice may have one sensible value here
		}
		changed[f.Name] = sample(f, true)
	}
	r = s.call("PUT", pathf("/applications/%d/basic-info", d.id), changed)
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d.id), nil).status)
	listed := map[string]bool{}
	for _, c := range reviewer.call("GET", pathf("/applications/%d", d.id), nil).list("changes") {
		m := c.(map[string]any)
		listed[m["section"].(string)+"/"+m["field"].(string)] = true
	}
	for _, f := range process.FieldsOf(process.SectionBasic) {
		if fmt.Sprint(basic[f.Name]) != fmt.Sprint(changed[f.Name]) {
			require.True(t, listed["基本信息/"+f.Label], "the change of %s is listed under its label", f.Name)
		}
	}

	// The export has a column for each field marked for it, under its label, with its value.
	export := login(t, "jwc1").call("GET", fmt.Sprintf("/exports/applications.xlsx?projectId=%d", project), nil)
	require.Equal(t, 200, export.status)
	book, err := excelize.OpenReader(bytes.NewReader(export.body))
	require.NoError(t, err)
	rows, err := book.GetRows("申请列表")
	require.NoError(t, err)
	require.Len(t, rows, 2)
	for _, f := range process.Form {
		at := slices.Index(rows[0], f.Label)
		require.Equal(t, f.Export, at >= 0, "%s is exported exactly when the catalogue says", f.Label)
		if at >= 0 && f.Section == process.SectionBasic && !f.Derived {
			require.Equal(t, fmt.Sprint(changed[f.Name]), rows[1][at], "%s's column holds its value", f.Label)
		}
	}
}

// TestFormsRefuseHostileValues: at each step's edge, control characters, text past its limit,
// numbers past the column's range, values of the wrong kind and impossible dates are refused with
// a message naming the field, and nothing of the refused step is saved.
func TestFormsRefuseHostileValues(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{allowOutside: true}))
	before := s.call("GET", pathf("/applications/%d", d.id), nil)
	basic := basicInfo()
	basic["nameCn"] = "张\x00三"
	basic["familyAddress"] = strings.Repeat("长", 201)
	basic["ethnicity"] = strings.Repeat("汉", 10_000) // a body past 256 KB is refused whole (413), tested elsewhere
	basic["birthDate"] = "2003-02-30"
	basic["predepartureDate"] = "明天"
	basic["gender"] = 1
	r := s.call("PUT", pathf("/applications/%d/basic-info", d.id), basic)
	require.Equal(t, 422, r.status, string(r.body))
	for field, word := range map[string]string{"nameCn": "控制字符", "familyAddress": "不能超过200", "ethnicity": "不能超过100",
		"birthDate": "格式", "predepartureDate": "格式", "gender": "应为文字"} {
		require.Contains(t, r.errField(field), word, field)
	}
	apply := map[string]any{"departureDate": "2027-01-01", "returnDate": "2027-02-01", "gpa": 1e308, "weightedAverage": -0.01}
	r = s.call("PUT", pathf("/applications/%d/apply-info", d.id), apply)
	require.Equal(t, 422, r.status, string(r.body))
	require.Contains(t, r.errField("gpa"), "GPA应在0到5之间")
	require.Contains(t, r.errField("weightedAverage"), "加权平均分应在0到100之间")
	apply["gpa"], apply["weightedAverage"] = "3.5", 80
	r = s.call("PUT", pathf("/applications/%d/apply-info", d.id), apply)
	require.Equal(t, 422, r.status, string(r.body))
	require.Contains(t, r.errField("gpa"), "应为数字")
	after := s.call("GET", pathf("/applications/%d", d.id), nil)
	require.Equal(t, before.get("application.form"), after.get("application.form"), "nothing of a refused step is saved")

	// 申报须知 the same: control characters and text past its limit are refused, naming the field.
	r = login(t, "wsc").call("PUT", "/notice", map[string]any{"notice": "须知\x07", "commitment": strings.Repeat("诺", 2001), "readSeconds": 1 << 40})
	require.Equal(t, 422, r.status, string(r.body))
	require.Contains(t, r.errField("notice"), "控制字符")
	require.Contains(t, r.errField("commitment"), "不能超过2000")
	require.Contains(t, r.errField("readSeconds"), "阅读时间")
}
