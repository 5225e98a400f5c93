//go:build integration

package api_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// creditsPhase takes a new student's application of a credit-bearing project abroad, back (回国报到)
// and through the return report: it waits for the 学分认定 request.
func creditsPhase(t *testing.T, college string) (*client, int64) {
	t.Helper()
	project := newProject(t, projectSpec{})
	_, err := env.Services.Store.DB.ExecContext(context.Background(), `UPDATE projects SET credit_bearing = true WHERE id = $1`, project)
	require.NoError(t, err)
	s, id := abroadIn(t, college, project)
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	r := s.call("POST", pathf("/applications/%d/return", id), map[string]any{"date": today})
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, 201, s.upload(pathf("/applications/%d/attachments?kind=return_report", id), "返校总结.pdf", pdfFile()).status)
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit-return-report", id), nil).status)
	decide(t, login(t, "wsc"), id, ok, 200)
	return s, id
}

// importSheet previews and applies a catalogue or conversion file.
func importSheet(t *testing.T, c *client, path, name string, content []byte) *response {
	t.Helper()
	preview := c.upload(path, name, content)
	require.Equal(t, 200, preview.status, string(preview.body))
	return preview
}

// TestCreditRecognitionOnTheRealStack: 教务处 imports the catalogue (.xlsx) and an ECTS table (a
// GB18030 .csv, its bad rows named); a returned student asks for four courses — one as a named home
// course, one as elective credits, one converted from an ECTS grade, one the college refuses — and
// the college decides line by line (correcting the converted grade with a reason), 教务处 confirms;
// the export holds exactly the recognised lines with their grades.
func TestCreditRecognitionOnTheRealStack(t *testing.T) {
	jwc := login(t, "jwc1")
	n := time.Now().UnixNano() % 1e6
	code1, code2 := fmt.Sprintf("CS%d", n), fmt.Sprintf("MA%d", n)

	book := excelize.NewFile()
	for i, row := range [][]any{{"课程代码", "课程名称", "学分", "开课学院", "课程类别"}, {code1, "数据结构", 3, "SCI", "专业必修"},
		{code2, "线性代数", 4, "SCI", "公共基础"}, {"", "无代码课程", 2, "", ""}, {"BAD1", "学分过多", 99, "", ""}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, book.SetSheetRow("Sheet1", cell, &row))
	}
	var buf bytes.Buffer
	require.NoError(t, book.Write(&buf))
	r := importSheet(t, jwc, "/home-courses/import", "courses.xlsx", buf.Bytes())
	require.Equal(t, float64(2), r.get("counts.invalid"), "the rows without a code and with 99 credits")
	require.Equal(t, 422, jwc.upload("/home-courses/import?mode=apply", "courses.xlsx", buf.Bytes()).status, "nothing is written while a row is wrong")
	book = excelize.NewFile()
	for i, row := range [][]any{{"课程代码", "课程名称", "学分", "开课学院", "课程类别"}, {code1, "数据结构", 3, "SCI", "专业必修"}, {code2, "线性代数", 4, "SCI", "公共基础"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, book.SetSheetRow("Sheet1", cell, &row))
	}
	buf.Reset()
	require.NoError(t, book.Write(&buf))
	r = jwc.upload("/home-courses/import?mode=apply", "courses.xlsx", buf.Bytes())
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, true, r.get("applied"))

	scale := fmt.Sprintf("ECTS%d", n%1000)
	csv, err := simplifiedchinese.GB18030.NewEncoder().String("成绩制式,成绩,百分制成绩\n" + scale + ",A,95\n" + scale + ",B,85\n" + scale + ",C,75\n" + scale + ",X,分数\n")
	require.NoError(t, err)
	r = importSheet(t, jwc, "/grade-conversions/import", "ects.csv", []byte(csv))
	require.Equal(t, float64(1), r.get("counts.invalid"))
	require.Equal(t, "百分制成绩", r.str("rows.3.problems.0.column"))
	csv, _ = simplifiedchinese.GB18030.NewEncoder().String("成绩制式,成绩,百分制成绩\n" + scale + ",A,95\n" + scale + ",B,85\n" + scale + ",C,75\n")
	require.Equal(t, 200, jwc.upload("/grade-conversions/import?mode=apply", "ects.csv", []byte(csv)).status)
	require.Equal(t, 403, login(t, "wsc").upload("/grade-conversions/import?mode=apply", "ects.csv", []byte(csv)).status)

	s, id := creditsPhase(t, "LIT")
	lines := []map[string]any{
		{"courseName": "Data Structures", "hostCode": "COMP2001", "credits": 6, "hours": 48, "grade": "A", "scale": scale, "kind": "course", "homeCode": code1},
		{"courseName": "Japanese Culture", "hostCode": "JPN1001", "credits": 3, "hours": 32, "grade": "B", "scale": scale, "kind": "elective", "elective": "通识选修"},
		{"courseName": "Linear Algebra", "hostCode": "MATH1101", "credits": 6, "hours": 48, "grade": "C", "scale": scale, "kind": "course", "homeCode": code2},
		{"courseName": "Sailing", "hostCode": "PE1", "credits": 1, "hours": 16, "grade": "A", "scale": scale, "kind": "elective", "elective": "体育"},
	}
	bad := []map[string]any{{"courseName": "X\x00", "credits": 99, "grade": "", "scale": scale, "kind": "course", "homeCode": "NOPE"}}
	r = s.call("PUT", pathf("/applications/%d/credit-lines", id), map[string]any{"lines": bad})
	require.Equal(t, 422, r.status)
	for _, f := range []string{"lines.0.courseName", "lines.0.credits", "lines.0.grade"} {
		require.NotEmpty(t, r.errField(f), f)
	}
	r = s.call("PUT", pathf("/applications/%d/credit-lines", id), map[string]any{"lines": []map[string]any{{"courseName": "X", "credits": 1, "grade": "A", "scale": scale, "kind": "course", "homeCode": "NOPE"}}})
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("lines.0.homeCode"), "本校课程目录中没有")
	r = s.call("PUT", pathf("/applications/%d/credit-lines", id), map[string]any{"lines": lines})
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, float64(95), r.get("lines.0.proposedScore"), "the ECTS table converts A")
	require.Equal(t, "数据结构", r.str("lines.0.homeName"))
	r = s.call("POST", pathf("/applications/%d/submit-credits", id), nil)
	require.Equal(t, 422, r.status, "the transcript is missing")
	require.NotEmpty(t, r.errField("transcript"))
	require.Equal(t, 201, s.upload(pathf("/applications/%d/attachments?kind=transcript", id), "transcript.pdf", pdfFile()).status)
	r = s.call("POST", pathf("/applications/%d/submit-credits", id), nil)
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, "学分认定审核中", r.str("application.status"))

	lit := login(t, "lit-reviewer")
	partial := map[string]any{"decision": "approve", "lines": []map[string]any{{"line": 1, "decision": "approved"}}}
	r = decide(t, lit, id, partial, 422)
	require.Contains(t, r.errField("lines"), "第2行", "every line that asks for recognition is decided by the college")
	decide(t, lit, id, map[string]any{"decision": "reject", "opinion": "不认定"}, 422)
	decisions := map[string]any{"decision": "approve", "opinion": "同意认定", "lines": []map[string]any{
		{"line": 1, "decision": "approved"},
		{"line": 2, "decision": "approved"},
		{"line": 3, "decision": "changed", "score": 78, "opinion": "成绩单注明C+，按78分认定"},
		{"line": 4, "decision": "refused", "opinion": "体育课不予认定"},
	}}
	decide(t, lit, id, decisions, 200)
	decide(t, jwc, id, ok, 200)
	r = s.call("GET", pathf("/applications/%d/credit-lines", id), nil)
	require.Equal(t, "部分认定", r.str("outcome"))
	require.Equal(t, float64(78), r.get("lines.2.score"))
	require.Equal(t, "学分认定完成", statusOf(t, s, id))

	// The export: exactly the three recognised lines, with the converted (or corrected) grades.
	x := jwc.call("GET", pathf("/exports/credits.xlsx?applicationId=%d", id), nil)
	require.Equal(t, 200, x.status)
	sheet, err := excelize.OpenReader(bytes.NewReader(x.body))
	require.NoError(t, err)
	rows, err := sheet.GetRows(sheet.GetSheetList()[0])
	require.NoError(t, err)
	require.Len(t, rows, 4, "the header and three lines")
	got := map[string][]string{}
	for _, row := range rows[1:] {
		got[row[5]] = []string{row[9], row[10], row[13], row[14], row[15]}
	}
	require.Equal(t, []string{"本校课程", code1, "3", "95", "优秀"}, got["Data Structures"], "a home course's credits, the table's grade")
	require.Equal(t, []string{"选修学分", "", "3", "85", "良好"}, got["Japanese Culture"])
	require.Equal(t, []string{"本校课程", code2, "4", "78", "中等"}, got["Linear Algebra"], "the reviewer's corrected grade")
	require.NotContains(t, got, "Sailing", "a refused line is not exported")
	require.Equal(t, 404, newStudent(t, "LIT").call("GET", pathf("/applications/%d/credit-lines", id), nil).status)
}
