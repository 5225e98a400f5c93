package service

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"outbound/process"
	"outbound/sheet"
	"outbound/storage"
)

// 学分认定: the student's lines, the home course catalogue and the grade conversion tables the
// academic affairs office keeps, and the export an academic system imports.

// CreditRequest is a request's lines as its pages show them.
type CreditRequest struct {
	Lines    []storage.CreditLineRow `json:"lines"`
	Editable bool                    `json:"editable"`
	// Outcome is how the request ended (全部认定, 部分认定, 未予认定) once it has.
	Outcome string `json:"outcome,omitempty"`
}

// CreditLines answers an application's 学分认定 lines to whoever may see the application.
func (s *Service) CreditLines(ctx context.Context, who Caller, id int64) (*CreditRequest, error) {
	app, err := s.Application(ctx, who, id)
	if err != nil {
		return nil, err
	}
	lines, err := s.Store.CreditLines(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	out := &CreditRequest{Lines: lines, Editable: app.StudentID == who.ID && app.Stage == s.creditStage()}
	if app.Phase == process.PhaseCredits && app.Stage == process.StageCompleted {
		asked, recognised := 0, 0
		for _, l := range lines {
			if l.Kind == process.CreditNone {
				continue
			}
			asked++
			if l.Decision != nil && *l.Decision != process.LineRefused {
				recognised++
			}
		}
		out.Outcome = process.CreditOutcome(recognised, asked)
	}
	return out, nil
}

// creditStage is where the student works on a 学分认定 request.
func (s *Service) creditStage() string {
	for _, p := range s.Process.Phases {
		if p.Name == process.PhaseCredits {
			return p.EditableStage
		}
	}
	return ""
}

// CreditLinesInput replaces a request's lines.
type CreditLinesInput struct {
	Lines []process.CreditLine `json:"lines"`
}

// SaveCreditLines replaces the student's lines while they work on the request; a course named for
// recognition must be in the catalogue.
func (s *Service) SaveCreditLines(ctx context.Context, who Caller, id int64, in CreditLinesInput) (*CreditRequest, error) {
	app, err := s.ownApplication(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if app.Stage != s.creditStage() {
		return nil, conflict("wrong_stage", "当前状态（"+app.Status+"）不能修改学分认定申请")
	}
	f := fields{}
	if len(in.Lines) == 0 || len(in.Lines) > process.MaxCreditLines {
		f.add("lines", "请填写1到"+strconv.Itoa(process.MaxCreditLines)+"门境外课程")
	}
	for i := range in.Lines {
		l := &in.Lines[i]
		l.CourseName, l.HostCode, l.Grade, l.Scale = strings.TrimSpace(l.CourseName), strings.TrimSpace(l.HostCode), strings.TrimSpace(l.Grade), strings.TrimSpace(l.Scale)
		l.HomeCode, l.Elective = strings.TrimSpace(l.HomeCode), strings.TrimSpace(l.Elective)
		for field, msg := range l.Problems() {
			f.add(fmt.Sprintf("lines.%d.%s", i, field), msg)
		}
		if l.Kind == process.CreditCourse && l.HomeCode != "" && f[fmt.Sprintf("lines.%d.homeCode", i)] == "" {
			found, err := s.Store.HomeCourses(ctx, l.HomeCode, 50)
			if err != nil {
				return nil, err
			}
			if !containsCourse(found, l.HomeCode) {
				f.add(fmt.Sprintf("lines.%d.homeCode", i), "本校课程目录中没有课程代码 "+l.HomeCode)
			}
		}
		if l.Kind != process.CreditCourse {
			l.HomeCode = ""
		}
		if l.Kind != process.CreditElective {
			l.Elective = ""
		}
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	if err := s.Store.SaveCreditLines(ctx, app.ID, in.Lines); err != nil {
		return nil, err
	}
	return s.CreditLines(ctx, who, app.ID)
}

func containsCourse(courses []storage.HomeCourse, code string) bool {
	for _, c := range courses {
		if c.Code == code {
			return true
		}
	}
	return false
}

// checkCreditDecisions makes the college's review decide every line that asks for recognition, and
// any review decide only the request's own lines.
func (s *Service) checkCreditDecisions(ctx context.Context, app *storage.Application, decision string, decisions []process.LineDecision) error {
	if decision != process.DecisionApprove || app.Phase != process.PhaseCredits {
		return nil
	}
	lines, err := s.Store.CreditLines(ctx, app.ID)
	if err != nil {
		return err
	}
	decided := map[int]bool{}
	for _, d := range decisions {
		decided[d.Line] = true
	}
	first := app.Stage == s.Process.ReviewsOf(process.PhaseCredits)[0]
	for _, l := range lines {
		if first && l.Kind != process.CreditNone && !decided[l.Line] {
			return Invalid(map[string]string{"lines": fmt.Sprintf("请对第%d行（%s）作出认定决定", l.Line, l.CourseName)})
		}
		delete(decided, l.Line)
	}
	for line := range decided {
		return Invalid(map[string]string{"lines": fmt.Sprintf("申请中没有第%d行", line)})
	}
	return nil
}

// Catalogue headers, as the academic system exports them.
var (
	colCourseCode    = []string{"课程代码", "课程号", "code"}
	colCourseName    = []string{"课程名称", "name"}
	colCourseCredits = []string{"学分", "credits"}
	colCourseCollege = []string{"开课学院", "学院", "college"}
	colCourseType    = []string{"课程类别", "课程性质", "type"}
	colScale         = []string{"成绩制式", "scale"}
	colGradeText     = []string{"成绩", "grade"}
	colScore         = []string{"百分制成绩", "百分制", "score"}
)

// CourseRow is a row of a catalogue import's report.
type CourseRow struct {
	Line     int                `json:"line"`
	Course   storage.HomeCourse `json:"course"`
	Action   string             `json:"action"`
	Problems []CellProblem      `json:"problems"`
}

// Printed is the row as the command line prints it.
func (r CourseRow) Printed() (int, string, string, []CellProblem) {
	return r.Line, r.Course.Code + " " + r.Course.Name, r.Action, r.Problems
}

// ImportHomeCourses previews or applies a catalogue file (.xlsx or .csv, UTF-8 or GB18030): each
// row's problems named by column; nothing is written while any row has one.
func (s *Service) ImportHomeCourses(ctx context.Context, who Caller, file io.Reader, apply bool) (*ImportReport[CourseRow], error) {
	table, err := readTable(file)
	if err != nil {
		return nil, err
	}
	col := table.Columns([][]string{colCourseCode, colCourseName, colCourseCredits, colCourseCollege, colCourseType})
	if col[colCourseCode[0]] < 0 || col[colCourseName[0]] < 0 || col[colCourseCredits[0]] < 0 {
		return nil, Invalid(map[string]string{"file": "表头应包含“课程代码”“课程名称”“学分”（可选“开课学院”“课程类别”）"})
	}
	report := newImportReport[CourseRow](len(table.Rows))
	var save []storage.HomeCourse
	seen := map[string]int{}
	for i, row := range table.Rows {
		cell := func(names []string) string { return strings.TrimSpace(sheet.Cell(row, col[names[0]])) }
		c := storage.HomeCourse{Code: cell(colCourseCode), Name: cell(colCourseName), CollegeCode: cell(colCourseCollege), CourseType: cell(colCourseType)}
		out := CourseRow{Line: table.Lines[i], Course: c, Action: ImportCreate}
		problem := func(names []string, msg string) {
			out.Problems = append(out.Problems, CellProblem{Column: names[0], Message: msg})
		}
		for _, t := range []struct {
			names      []string
			label, val string
			max        int
			required   bool
		}{{colCourseCode, "课程代码", c.Code, process.MaxCodeRunes, true}, {colCourseName, "课程名称", c.Name, process.MaxCourseRunes, true},
			{colCourseCollege, "开课学院", c.CollegeCode, 32, false}, {colCourseType, "课程类别", c.CourseType, 50, false}} {
			if msg := process.TextProblem(t.label, t.val, t.max); msg != "" {
				problem(t.names, msg)
			} else if t.required && t.val == "" {
				problem(t.names, "请填写"+t.label)
			}
		}
		credits, err := strconv.ParseFloat(cell(colCourseCredits), 64)
		if err != nil || !(credits > 0 && credits <= process.MaxCourseCredits) {
			problem(colCourseCredits, "学分应为大于0且不超过30的数字")
		}
		out.Course.Credits = credits
		if first, dup := seen[c.Code]; dup && c.Code != "" {
			problem(colCourseCode, fmt.Sprintf("与第 %d 行的课程代码重复", first))
		}
		seen[c.Code] = out.Line
		if len(out.Problems) > 0 {
			out.Action = ImportInvalid
		} else {
			save = append(save, out.Course)
		}
		report.add(out)
	}
	if !apply {
		return report, nil
	}
	if err := report.refuseInvalid("courses_invalid", "课程"); err != nil {
		return nil, err
	}
	if err := s.Store.SaveHomeCourses(ctx, save); err != nil {
		return nil, err
	}
	report.Applied = true
	s.audit(ctx, who, "course.import", "home_courses", len(save), nil, report.Counts)
	return report, nil
}

// GradeRow is a row of a conversion table import's report.
type GradeRow struct {
	Line       int                     `json:"line"`
	Conversion storage.GradeConversion `json:"conversion"`
	Action     string                  `json:"action"`
	Problems   []CellProblem           `json:"problems"`
}

// Printed is the row as the command line prints it.
func (r GradeRow) Printed() (int, string, string, []CellProblem) {
	return r.Line, r.Conversion.Scale + " " + r.Conversion.Grade, r.Action, r.Problems
}

// ImportGradeConversions previews or applies conversion tables (成绩制式, 成绩, 百分制成绩): the
// scales in the file replace their tables whole.
func (s *Service) ImportGradeConversions(ctx context.Context, who Caller, file io.Reader, apply bool) (*ImportReport[GradeRow], error) {
	table, err := readTable(file)
	if err != nil {
		return nil, err
	}
	col := table.Columns([][]string{colScale, colGradeText, colScore})
	if col[colScale[0]] < 0 || col[colGradeText[0]] < 0 || col[colScore[0]] < 0 {
		return nil, Invalid(map[string]string{"file": "表头应为“成绩制式”“成绩”“百分制成绩”"})
	}
	report := newImportReport[GradeRow](len(table.Rows))
	var save []storage.GradeConversion
	seen := map[string]int{}
	for i, row := range table.Rows {
		cell := func(names []string) string { return strings.TrimSpace(sheet.Cell(row, col[names[0]])) }
		g := storage.GradeConversion{Scale: cell(colScale), Grade: cell(colGradeText)}
		out := GradeRow{Line: table.Lines[i], Action: ImportCreate}
		problem := func(names []string, msg string) {
			out.Problems = append(out.Problems, CellProblem{Column: names[0], Message: msg})
		}
		for _, t := range []struct {
			names      []string
			label, val string
		}{{colScale, "成绩制式", g.Scale}, {colGradeText, "成绩", g.Grade}} {
			if msg := process.TextProblem(t.label, t.val, process.MaxGradeRunes); msg != "" {
				problem(t.names, msg)
			} else if t.val == "" {
				problem(t.names, "请填写"+t.label)
			}
		}
		score, err := strconv.ParseFloat(cell(colScore), 64)
		if err != nil || score < 0 || score > 100 {
			problem(colScore, "百分制成绩应为0到100之间的数字")
		}
		g.Score = score
		key := g.Scale + "\x00" + g.Grade
		if first, dup := seen[key]; dup {
			problem(colGradeText, fmt.Sprintf("与第 %d 行重复", first))
		}
		seen[key] = out.Line
		out.Conversion = g
		if len(out.Problems) > 0 {
			out.Action = ImportInvalid
		} else {
			save = append(save, g)
		}
		report.add(out)
	}
	if !apply {
		return report, nil
	}
	if err := report.refuseInvalid("grades_invalid", "成绩换算"); err != nil {
		return nil, err
	}
	if err := s.Store.SaveGradeConversions(ctx, save); err != nil {
		return nil, err
	}
	report.Applied = true
	s.audit(ctx, who, "grade.import", "grade_conversions", len(save), nil, report.Counts)
	return report, nil
}

// creditColumns is the export's documented layout (docs: README, 学分认定导出).
var creditColumns = []any{"学号", "姓名", "学院", "项目", "行号", "境外课程名称", "境外课程代码", "原始成绩", "成绩制式",
	"认定方式", "本校课程代码", "本校课程名称", "选修类别", "认定学分", "认定成绩（百分制）", "认定成绩（五级制）"}

// ExportCredits is the recognised lines as a workbook: of one application, or of a college (or
// every college in the caller's scope) whose requests completed in a year.
func (s *Service) ExportCredits(ctx context.Context, who Caller, applicationID int64, college string, year int) (*excelize.File, string, error) {
	if applicationID != 0 {
		if _, err := s.Application(ctx, who, applicationID); err != nil {
			return nil, "", err
		}
	}
	if who.Role().Spec().Scope == process.ScopeCollege {
		college = who.College()
	}
	rows, err := s.Store.Recognised(ctx, applicationID, college, year)
	if err != nil {
		return nil, "", err
	}
	out := [][]any{creditColumns}
	for _, r := range rows {
		kind := "本校课程"
		if r.Kind == process.CreditElective {
			kind = "选修学分"
		}
		score, level := "", ""
		if r.Score != nil {
			score, level = strconv.FormatFloat(*r.Score, 'f', -1, 64), process.LevelOf(*r.Score)
		}
		out = append(out, []any{r.StudentNo, r.Name, r.CollegeName, r.ProjectName, r.Line, r.CourseName, r.HostCode, r.Grade, r.Scale,
			kind, r.HomeCode, deref(r.HomeName), r.Elective, r.Credits, score, level})
	}
	book, err := workbook("学分认定", out)
	if err != nil {
		return nil, "", err
	}
	s.audit(ctx, who, "credits.export", "credit_lines", len(rows), nil, map[string]any{"application": applicationID, "college": college, "year": year})
	return book, fmt.Sprintf("学分认定-%s.xlsx", time.Now().In(process.Zone).Format("20060102")), nil
}
