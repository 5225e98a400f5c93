package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"outbound/process"
	"outbound/sheet"
	"outbound/storage"
)

// The roster's columns: the first name of each is the template's header, the
// others are names the same column often has in a registrar's export.
var (
	colUsername   = []string{"学号/工号", "学号", "工号", "学工号", "用户名", "账号"}
	colName       = []string{"姓名"}
	colRole       = []string{"角色"}
	colCollege    = []string{"学院", "所在学院", "学院代码", "院系"}
	colDegree     = []string{"在读学历", "学历"}
	colMajor      = []string{"专业"}
	colGrade      = []string{"年级"}
	colYear       = []string{"入学年份"}
	colStatus     = []string{"状态", "账号状态"}
	colEmail      = []string{"电子邮件", "邮箱", "电子邮箱", "Email", "E-mail"}
	rosterColumns = [][]string{colUsername, colName, colRole, colCollege, colDegree, colMajor, colGrade, colYear, colStatus, colEmail}
)

// rosterExamples are the template's example rows, in this university's colleges (by name and by
// code, both of which the import takes) and with 年级 in the words profiles and projects use: the
// template previews without a problem as it is downloaded.
func rosterExamples(colleges []storage.College) [][]string {
	name, code := "文学院", "LIT"
	if len(colleges) > 0 {
		name, code = colleges[0].Name, colleges[0].Code
	}
	return [][]string{
		{"2023010001", "张三", "学生", name, "本科生", "国际经济与贸易", "大二", "2023", "正常", "zhangsan@example.edu"},
		{"2022110002", "李四", "学生", code, "硕士研究生", "金融学", "研二", "2022", "正常", ""},
		{"T0001", "王老师", "学院审核员", name, "", "", "", "", "正常", "wang@example.edu"},
		{"2019010003", "赵五", "学生", name, "本科生", "金融学", "大四", "2019", "离校", ""},
	}
}

// rosterRoleNames are the words a roster may use for each role.
var rosterRoleNames = func() map[string]process.Role {
	out := map[string]process.Role{}
	for _, r := range process.RoleSpecs {
		out[r.Label] = r.Role
		for _, w := range r.RosterWords {
			out[w] = r.Role
		}
	}
	return out
}()

// The 状态 column: empty means enabled.
var (
	statusEnabled  = []string{"正常", "启用", "在读", "在校", "在职"}
	statusDisabled = []string{"停用", "禁用", "离校", "离职", "毕业", "退学"}
)

// RosterRow is one row of an import and what the import does with it.
// Line is the row's number in the spreadsheet; 0 for accounts the file does not name.
type RosterRow struct {
	Line        int    `json:"line"`
	Username    string `json:"username"`
	DisplayName string `json:"displayName"`
	Role        string `json:"role"`
	CollegeCode string `json:"collegeCode"`
	Disabled    bool   `json:"disabled"`
	// Action is create, update, unchanged, disable (not in the file) or invalid.
	Action   string        `json:"action"`
	Problems []CellProblem `json:"problems,omitempty"`
}

// Printed is the row as the command line prints it.
func (r RosterRow) Printed() (int, string, string, []CellProblem) {
	return r.Line, r.Username + " " + r.DisplayName, r.Action, r.Problems
}

// RosterReport is the result of a roster import.
type RosterReport = ImportReport[RosterRow]

// RosterOptions say how to import a roster.
type RosterOptions struct {
	// Apply writes the roster; without it the import is a preview.
	Apply bool
	// DisableAbsent disables the enabled accounts that the file does not name, of
	// the roles and colleges it names: a college's own roster leaves the others alone.
	DisableAbsent bool
}

// RosterTemplate writes the roster template (.xlsx or .csv) with example rows.
func (s *Service) RosterTemplate(ctx context.Context, w io.Writer, format string) error {
	colleges, err := s.Store.Colleges(ctx)
	if err != nil {
		return err
	}
	header := make([]string, len(rosterColumns))
	for i, names := range rosterColumns {
		header[i] = names[0]
	}
	if format == "csv" {
		return sheet.WriteCSV(w, header, rosterExamples(colleges))
	}
	return sheet.WriteXLSX(w, "名单", header, rosterExamples(colleges))
}

// ImportRoster checks a roster (名单) file row by row against the accounts and
// colleges, and with Apply writes it all in one transaction, or nothing when
// any row is wrong.
func (s *Service) ImportRoster(ctx context.Context, who Caller, file io.Reader, opt RosterOptions) (*RosterReport, error) {
	table, err := readTable(file)
	if err != nil {
		return nil, err
	}
	col := table.Columns(rosterColumns)
	var missing []string
	for _, names := range [][]string{colUsername, colName} {
		if col[names[0]] < 0 {
			missing = append(missing, names[0])
		}
	}
	if len(missing) > 0 {
		return nil, Invalid(map[string]string{"file": "表头缺少“" + strings.Join(missing, "”、“") + "”列，请使用名单模板"})
	}
	colleges, err := s.Store.Colleges(ctx)
	if err != nil {
		return nil, err
	}
	usernames := make([]string, len(table.Rows))
	for i, row := range table.Rows {
		usernames[i] = sheet.Cell(row, col[colUsername[0]])
	}
	existing, err := s.Store.RosterAccounts(ctx, usernames)
	if err != nil {
		return nil, err
	}

	check := rosterCheck{col: col, colleges: colleges, existing: existing, caller: who.ID, seen: map[string]int{}}
	report := newImportReport[RosterRow](len(table.Rows))
	entries := make([]storage.RosterEntry, 0, len(table.Rows))
	scopes := map[storage.RosterScope]bool{}
	for i, row := range table.Rows {
		entry, out := check.row(table.Lines[i], row)
		report.add(out)
		if out.Action != ImportInvalid {
			scopes[storage.RosterScope{Role: entry.Role, College: deref(entry.CollegeCode)}] = true
			if out.Action != ImportUnchanged {
				entries = append(entries, entry)
			}
		}
	}
	var disable []int64
	if opt.DisableAbsent {
		// Administrators are never disabled by a roster: they are not in one.
		delete(scopes, storage.RosterScope{Role: string(process.RoleAdmin)})
		absent, err := s.Store.RosterAbsent(ctx, slices.Collect(maps.Keys(scopes)), usernames)
		if err != nil {
			return nil, err
		}
		for _, a := range absent {
			if a.ID == who.ID {
				continue
			}
			disable = append(disable, a.ID)
			report.add(RosterRow{Username: a.Username, DisplayName: a.DisplayName, Role: a.Role,
				CollegeCode: deref(a.CollegeCode), Disabled: true, Action: ImportDisable})
		}
	}
	if !opt.Apply {
		return report, nil
	}
	if err := report.refuseInvalid("roster_invalid", "账号"); err != nil {
		return nil, err
	}
	if err := s.Store.ApplyRoster(ctx, entries, disable); err != nil {
		return nil, err
	}
	report.Applied = true
	s.audit(ctx, who, "roster.import", "roster", len(table.Rows), nil, report.Counts)
	return report, nil
}

// readTable reads an uploaded spreadsheet, turning what cannot be read into a field error.
func readTable(file io.Reader) (*sheet.Table, error) {
	table, err := sheet.Read(file)
	var problem *sheet.Problem
	if errors.As(err, &problem) {
		return nil, Invalid(map[string]string{"file": problem.Message})
	}
	return table, err
}

// rosterCheck checks rows against the colleges, the existing accounts and the rows before them.
type rosterCheck struct {
	col      map[string]int
	colleges []storage.College
	existing map[string]storage.RosterAccount
	caller   int64
	// seen maps a 学号/工号 to the line it was first seen on.
	seen map[string]int
}

func (c *rosterCheck) row(line int, row []string) (storage.RosterEntry, RosterRow) {
	cell := func(names []string) string { return sheet.Cell(row, c.col[names[0]]) }
	var problems []CellProblem
	bad := func(names []string, msg string) {
		problems = append(problems, CellProblem{Column: names[0], Message: msg})
	}
	text := func(names []string, n int) string {
		v := cell(names)
		if msg := process.TextProblem(names[0], v, n); msg != "" {
			bad(names, msg)
		}
		return v
	}

	e := storage.RosterEntry{Username: cell(colUsername)}
	switch first, dup := c.seen[e.Username]; {
	case e.Username == "":
		bad(colUsername, "学号/工号不能为空")
	case !usernameRE.MatchString(e.Username):
		bad(colUsername, "学号/工号应为2至64位字母、数字或 _ . @ -")
	case dup:
		bad(colUsername, fmt.Sprintf("与第 %d 行的学号/工号重复", first))
	default:
		c.seen[e.Username] = line
	}
	if e.DisplayName = text(colName, process.MaxNameRunes); e.DisplayName == "" {
		bad(colName, "姓名不能为空")
	}
	role := process.RoleStudent
	if c.col[colRole[0]] >= 0 {
		var ok bool
		if role, ok = roleNamed(cell(colRole)); !ok {
			bad(colRole, "角色应为学生、学院审核员、教务处、外事部门或系统管理员")
		}
	}
	e.Role = string(role)
	if role.Scoped() {
		if code, msg := c.college(cell(colCollege)); msg != "" {
			bad(colCollege, msg)
		} else {
			e.CollegeCode = &code
		}
	}
	if e.Email = cell(colEmail); len(e.Email) > 254 || (e.Email != "" && !validEmail(e.Email)) {
		bad(colEmail, "电子邮件格式不正确")
	}
	if status := cell(colStatus); slices.Contains(statusDisabled, status) {
		e.Disabled = true
	} else if status != "" && !slices.Contains(statusEnabled, status) {
		bad(colStatus, "状态应为“正常”或“停用”（离校、离职、毕业也表示停用）")
	}
	if role == process.RoleStudent {
		if e.DegreeLevel = cell(colDegree); e.DegreeLevel != "" && !slices.Contains(process.DegreeLevels, e.DegreeLevel) {
			bad(colDegree, "在读学历应为本科生、硕士研究生或博士研究生")
		}
		e.Major, e.Grade = text(colMajor, 100), text(colGrade, 100)
		if y := cell(colYear); y != "" {
			n, err := strconv.Atoi(y)
			if err != nil || n < 1950 || n > time.Now().Year()+1 {
				bad(colYear, "入学年份应为四位年份，如 2023")
			}
			e.EnrollmentYear = n
		}
	}

	out := RosterRow{Line: line, Username: e.Username, DisplayName: e.DisplayName, Role: e.Role, CollegeCode: deref(e.CollegeCode), Disabled: e.Disabled}
	before, exists := c.existing[e.Username]
	switch {
	case !exists:
		out.Action = ImportCreate
	case before.ID == c.caller && (e.Disabled || e.Role != before.Role):
		bad(colRole, "不能停用自己的账号或修改自己的角色")
	case before.Role == string(process.RoleStudent) && e.Role != before.Role:
		bad(colRole, "学生账号不能改为其他角色")
	case sameRosterEntry(before.RosterEntry, e):
		out.Action = ImportUnchanged
	default:
		out.Action = ImportUpdate
	}
	if len(problems) > 0 {
		out.Action, out.Problems = ImportInvalid, problems
	}
	return e, out
}

// roleNamed reads a role by its label, its code or a common other name.
func roleNamed(s string) (process.Role, bool) {
	for _, r := range process.Roles {
		if s == process.RoleLabels[r] || strings.EqualFold(s, string(r)) {
			return r, true
		}
	}
	r, ok := rosterRoleNames[s]
	return r, ok
}

// college reads a college by its code or its name.
func (c *rosterCheck) college(s string) (code, problem string) {
	if s == "" {
		return "", "学生和学院审核员须填写学院"
	}
	for _, col := range c.colleges {
		if strings.EqualFold(s, col.Code) || s == col.Name {
			return col.Code, ""
		}
	}
	return "", "学院“" + s + "”不存在，请先在学院管理中添加"
}

// sameRosterEntry reports whether importing e would change nothing; empty student fields change nothing.
func sameRosterEntry(before, e storage.RosterEntry) bool {
	kept := func(now, was string) bool { return now == "" || now == was }
	return before.DisplayName == e.DisplayName && before.Role == e.Role && deref(before.CollegeCode) == deref(e.CollegeCode) &&
		before.Disabled == e.Disabled && kept(e.Email, before.Email) && kept(e.DegreeLevel, before.DegreeLevel) && kept(e.Major, before.Major) &&
		kept(e.Grade, before.Grade) && (e.EnrollmentYear == 0 || e.EnrollmentYear == before.EnrollmentYear)
}
