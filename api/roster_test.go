//go:build integration

package api_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"outbound/sheet"
)

// newCollege creates a college of its own for a test, so that rosters of it touch no other test's accounts.
func newCollege(t *testing.T, admin *client) (code, name string) {
	n := time.Now().UnixNano() % 1e9
	code, name = fmt.Sprintf("T%d", n), fmt.Sprintf("测试学院%d", n)
	r := admin.call("POST", "/colleges", map[string]any{"code": code, "name": name})
	require.Equal(t, 201, r.status, string(r.body))
	return code, name
}

func csvOf(t *testing.T, rows [][]string) []byte {
	var buf bytes.Buffer
	require.NoError(t, sheet.WriteCSV(&buf, rows[0], rows[1:]))
	return buf.Bytes()
}

func xlsxOf(t *testing.T, rows [][]string) []byte {
	var buf bytes.Buffer
	require.NoError(t, sheet.WriteXLSX(&buf, "名单", rows[0], rows[1:]))
	return buf.Bytes()
}

// rowOf finds a row of an import report, or an item of a list, by one of its values.
func rowOf(t *testing.T, r *response, key, value string) map[string]any {
	for _, row := range append(r.list("rows"), r.list("items")...) {
		if m := row.(map[string]any); m[key] == value {
			return m
		}
	}
	t.Fatalf("no row with %s %s in %s", key, value, r.body)
	return nil
}

func problemsOf(row map[string]any) map[string]string {
	out := map[string]string{}
	ps, _ := row["problems"].([]any)
	for _, p := range ps {
		m := p.(map[string]any)
		out[m["column"].(string)] = m["message"].(string)
	}
	return out
}

func TestRosterImport(t *testing.T) {
	admin := login(t, "admin")
	college, collegeName := newCollege(t, admin)
	n := time.Now().UnixNano() % 1e8
	stu, stu2, staff, left := fmt.Sprintf("S%d", n), fmt.Sprintf("M%d", n), fmt.Sprintf("T%d", n), fmt.Sprintf("L%d", n)

	// The templates open as tables with the documented columns.
	for _, format := range []string{"xlsx", "csv"} {
		r := admin.call("GET", "/roster/template?format="+format, nil)
		require.Equal(t, 200, r.status)
		require.Contains(t, r.header.Get("Content-Disposition"), "."+format)
		table, err := sheet.Read(bytes.NewReader(r.body))
		require.NoError(t, err)
		require.Equal(t, []string{"学号/工号", "姓名", "角色", "学院", "在读学历", "专业", "年级", "入学年份", "状态", "电子邮件"}, table.Header)
		require.NotEmpty(t, table.Rows)
		// The template as downloaded previews without a problem.
		preview := admin.upload("/roster/import", "名单模板."+format, r.body)
		require.Equal(t, 200, preview.status, string(preview.body))
		require.EqualValues(t, 0, preview.num("counts.invalid"), "%s template: %s", format, preview.body)
		require.False(t, preview.get("applied").(bool))
	}

	// A CSV as Excel saves it on a Chinese Windows (GB18030), with a mistake in every kind of cell.
	header := []string{"学号", "姓名", "角色", "学院", "在读学历", "专业", "年级", "入学年份", "邮箱"}
	wrong := [][]string{header,
		{stu, "新同学", "学生", collegeName, "本科生", "金融学", "2025级", "2025", ""},
		{stu, "重复的", "学生", college, "本科生", "金融学", "2025级", "2025", ""},
		{stu2, "", "学生", "没有这个学院", "大专", "金融学", "2025级", "二〇二五", "王老师的邮箱"},
		{staff, "新老师", "院长", college, "", "", "", "", ""},
		{"ab cd", "空格学号", "教务处", "", "", "", "", "", ""},
		{stu + "n", "控制\x00字符", "学生", college, "本科生", strings.Repeat("专", 200), "2025级", "99999999999999999999", ""},
	}
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String(strings.Join(func() []string {
		var lines []string
		for _, row := range wrong {
			lines = append(lines, strings.Join(row, ","))
		}
		return lines
	}(), "\r\n"))
	require.NoError(t, err)
	preview := admin.upload("/roster/import", "名单.csv", []byte(gbk))
	require.Equal(t, 200, preview.status, string(preview.body))
	require.False(t, preview.get("applied").(bool))
	require.EqualValues(t, 1, preview.num("counts.create"))
	require.EqualValues(t, 5, preview.num("counts.invalid"))
	require.Equal(t, "create", rowOf(t, preview, "username", stu)["action"])
	dup := rowOf(t, preview, "displayName", "重复的")
	require.EqualValues(t, 3, dup["line"])
	require.Equal(t, "与第 2 行的学号/工号重复", problemsOf(dup)["学号/工号"])
	bad := problemsOf(rowOf(t, preview, "username", stu2))
	require.Equal(t, "姓名不能为空", bad["姓名"])
	require.Contains(t, bad["学院"], "没有这个学院")
	require.Contains(t, bad["在读学历"], "在读学历应为")
	require.Contains(t, bad["入学年份"], "四位年份")
	require.Equal(t, "电子邮件格式不正确", bad["电子邮件"])
	require.Contains(t, problemsOf(rowOf(t, preview, "username", staff))["角色"], "角色应为")
	require.Contains(t, problemsOf(rowOf(t, preview, "username", "ab cd"))["学号/工号"], "学号/工号应为")
	// Control characters, text past its column and a year past any integer are refused per cell.
	odd := problemsOf(rowOf(t, preview, "username", stu+"n"))
	require.NotEmpty(t, odd["姓名"], "a NUL in the name")
	require.NotEmpty(t, odd["专业"], "a major of 200 characters")
	require.Contains(t, odd["入学年份"], "四位年份")

	// Applying a roster with a wrong row writes nothing.
	r := admin.upload("/roster/import?mode=apply", "名单.csv", []byte(gbk))
	require.Equal(t, 422, r.status, string(r.body))
	require.Contains(t, r.str("error.message"), "5 行有误")
	require.EqualValues(t, 0, admin.call("GET", "/accounts?q="+stu, nil).num("total"))

	// The corrected roster, as .xlsx: students, a reviewer, and one who already left.
	good := [][]string{{"学号/工号", "姓名", "角色", "学院", "在读学历", "专业", "年级", "入学年份", "状态", "电子邮件"},
		{stu, "新同学", "学生", collegeName, "本科生", "金融学", "2025级", "2025", "", ""},
		{stu2, "另一位同学", "学生", college, "硕士研究生", "会计学", "2024级", "2024", "在读", ""},
		{staff, "新老师", "学院审核员", college, "", "", "", "", "在职", staff + "@example.edu.cn"},
		{left, "已毕业", "学生", college, "本科生", "金融学", "2019级", "2019", "毕业", ""},
	}
	r = admin.upload("/roster/import?mode=apply", "名单.xlsx", xlsxOf(t, good))
	require.Equal(t, 200, r.status, string(r.body))
	require.True(t, r.get("applied").(bool))
	require.EqualValues(t, 4, r.num("counts.create"))
	require.Equal(t, staff+"@example.edu.cn", admin.call("GET", "/accounts?q="+staff, nil).str("items.0.email"), "the reviewer's e-mails go there")

	// The student can sign in once given a password, and their profile holds the roster's fields.
	student := signIn(t, admin, stu)
	me := student.call("GET", "/me", nil)
	require.Equal(t, "student", me.str("role"))
	require.Equal(t, college, me.str("collegeCode"))
	p := student.call("GET", "/profile", nil)
	require.Equal(t, 200, p.status, string(p.body))
	require.Equal(t, "本科生", p.str("profile.degreeLevel"))
	require.Equal(t, "金融学", p.str("profile.major"))
	require.Equal(t, "2025级", p.str("profile.grade"))
	require.EqualValues(t, 2025, p.num("profile.enrollmentYear"))
	require.Equal(t, "新同学", p.str("profile.nameCn"))
	reviewer := signIn(t, admin, staff)
	require.Equal(t, "college_reviewer", reviewer.call("GET", "/me", nil).str("role"))
	accounts := admin.call("GET", "/accounts?q="+left, nil)
	require.Equal(t, true, accounts.get("items.0.disabled"))

	// Importing it again changes nothing.
	r = admin.upload("/roster/import?mode=apply", "名单.xlsx", xlsxOf(t, good))
	require.Equal(t, 200, r.status, string(r.body))
	require.EqualValues(t, 4, r.num("counts.unchanged"))

	// A student moved on to a master's degree; the reviewer left the college and is not in the
	// next roster: with disableAbsent the accounts of this college that the file does not name are
	// disabled, and no account of another college is touched.
	next := [][]string{good[0],
		{stu, "新同学", "学生", college, "硕士研究生", "", "", "", ""},
		{stu2, "另一位同学", "学生", college, "", "", "", "", ""},
	}
	preview = admin.upload("/roster/import?disableAbsent=true", "名单.xlsx", xlsxOf(t, next))
	require.Equal(t, 200, preview.status, string(preview.body))
	require.EqualValues(t, 1, preview.num("counts.update"))
	require.EqualValues(t, 1, preview.num("counts.unchanged"))
	require.Zero(t, preview.num("counts.disable"), "the reviewer's role is not in the file")
	next = append(next, []string{staff + "x", "接任老师", "学院审核员", college, "", "", "", "", ""})
	r = admin.upload("/roster/import?mode=apply&disableAbsent=true", "名单.xlsx", xlsxOf(t, next))
	require.Equal(t, 200, r.status, string(r.body))
	require.EqualValues(t, 1, r.num("counts.disable"))
	require.Equal(t, "disable", rowOf(t, r, "username", staff)["action"])
	require.Equal(t, 401, reviewer.call("GET", "/me", nil).status, "a disabled account's sessions end")
	require.Equal(t, "硕士研究生", student.call("GET", "/profile", nil).str("profile.degreeLevel"))
	require.Equal(t, "金融学", student.call("GET", "/profile", nil).str("profile.major"), "an empty cell keeps the value")
	require.Equal(t, 200, login(t, "eco-reviewer").call("GET", "/me", nil).status)

	// A student stays a student; nobody but an administrator imports.
	r = admin.upload("/roster/import", "名单.csv", csvOf(t, [][]string{{"学号/工号", "姓名", "角色", "学院"}, {stu, "新同学", "教务处", ""}}))
	require.Equal(t, "学生账号不能改为其他角色", problemsOf(rowOf(t, r, "username", stu))["角色"])
	r = admin.upload("/roster/import", "名单.csv", csvOf(t, [][]string{{"姓名", "学院"}, {"无学号", college}}))
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("file"), "学号/工号")
	r = admin.upload("/roster/import", "名单.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0, 0, 0, 0})
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("file"), ".xlsx")
	for _, who := range []string{"eco-reviewer", "jwc1", "wsc"} {
		require.Equal(t, 403, login(t, who).upload("/roster/import", "名单.csv", csvOf(t, good)).status, who)
		require.Equal(t, 403, login(t, who).call("GET", "/roster/template", nil).status, who)
	}
}

// signIn gives an imported account a password and signs it in.
func signIn(t *testing.T, admin *client, username string) *client {
	id := rowOf(t, admin.call("GET", "/accounts?q="+username, nil), "username", username)["id"]
	require.Equal(t, 204, admin.call("POST", pathf("/accounts/%v", id)+"/password", map[string]any{"password": "Roster-2026-ok!"}).status)
	c := newClient(t)
	r := c.call("POST", "/auth/login", map[string]string{"username": username, "password": "Roster-2026-ok!"})
	require.Equal(t, 200, r.status, string(r.body))
	c.token = r.str("token")
	// A password an administrator set opens nothing but its own change.
	require.Equal(t, true, c.call("GET", "/me", nil).get("mustChangePassword"))
	require.Equal(t, "password_change_required", c.call("GET", "/applications", nil).str("error.code"))
	require.Equal(t, 204, c.call("POST", "/me/password", map[string]any{"currentPassword": "Roster-2026-ok!", "newPassword": "Mine-only-2026-pw"}).status)
	require.Equal(t, false, c.call("GET", "/me", nil).get("mustChangePassword"))
	return c
}

func TestCollegesManagedByAdministrators(t *testing.T) {
	admin := login(t, "admin")
	code, name := newCollege(t, admin)
	r := admin.call("PUT", "/colleges/"+code, map[string]any{"name": name + "（新）"})
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, name+"（新）", r.str("name"))
	require.Equal(t, 409, admin.call("PUT", "/colleges/"+code, map[string]any{"name": "经济管理学院"}).status, "names are unique")
	r = admin.call("POST", "/colleges", map[string]any{"code": "a b", "name": ""})
	require.Equal(t, 422, r.status)
	require.NotEmpty(t, r.errField("code"))
	require.NotEmpty(t, r.errField("name"))

	// Import: one new, one renamed, one unchanged; a duplicate code and a taken name are refused per cell.
	n := time.Now().UnixNano() % 1e9
	fresh := fmt.Sprintf("N%d", n)
	rows := [][]string{{"学院代码", "学院名称"}, {fresh, fmt.Sprintf("新学院%d", n)}, {code, name}, {"ECO", "经济管理学院"}}
	r = admin.upload("/colleges/import", "学院.csv", csvOf(t, append(rows, []string{fresh, "又一个"}, []string{"X" + fresh, "文学院"})))
	require.Equal(t, 200, r.status, string(r.body))
	require.EqualValues(t, 2, r.num("counts.invalid"))
	require.Contains(t, problemsOf(rowOf(t, r, "name", "又一个"))["学院代码"], "重复")
	require.Contains(t, problemsOf(rowOf(t, r, "code", "X"+fresh))["学院名称"], "已被")
	require.Equal(t, 422, admin.upload("/colleges/import?mode=apply", "学院.csv", csvOf(t, append(rows, []string{fresh, "又一个"}))).status)
	r = admin.upload("/colleges/import?mode=apply", "学院.xlsx", xlsxOf(t, rows))
	require.Equal(t, 200, r.status, string(r.body))
	require.EqualValues(t, 1, r.num("counts.create"))
	require.EqualValues(t, 1, r.num("counts.update"))
	require.EqualValues(t, 1, r.num("counts.unchanged"))
	var names []string
	for _, c := range admin.call("GET", "/colleges", nil).list("items") {
		names = append(names, c.(map[string]any)["name"].(string))
	}
	require.Contains(t, names, name)
	require.Contains(t, names, fmt.Sprintf("新学院%d", n))
	require.Equal(t, 200, admin.call("GET", "/colleges/template?format=csv", nil).status)
	for _, who := range []string{"eco-reviewer", "jwc1", "2021216401"} {
		require.Equal(t, 403, login(t, who).call("POST", "/colleges", map[string]any{"code": "Z1", "name": "越权学院"}).status, who)
	}
}
