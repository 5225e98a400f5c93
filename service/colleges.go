package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"outbound/sheet"
	"outbound/storage"
)

// Colleges lists the colleges.
func (s *Service) Colleges(ctx context.Context) ([]storage.College, error) {
	return s.Store.Colleges(ctx)
}

var collegeCodeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

func collegeProblems(c storage.College) fields {
	f := fields{}
	if !collegeCodeRE.MatchString(c.Code) {
		f.add("code", "学院代码应为1至32位字母、数字、_ 或 -")
	}
	f.requiredText("name", "学院名称", c.Name, 64)
	return f
}

// SaveCollege creates a college, or renames it when the code exists; a code never changes,
// because accounts, projects and applications refer to it.
func (s *Service) SaveCollege(ctx context.Context, who Caller, c storage.College) (*storage.College, error) {
	c.Code, c.Name = strings.TrimSpace(c.Code), strings.TrimSpace(c.Name)
	if err := collegeProblems(c).err(); err != nil {
		return nil, err
	}
	if err := s.saveColleges(ctx, []storage.College{c}); err != nil {
		return nil, err
	}
	s.audit(ctx, who, "college.save", "college", c.Code, nil, c)
	return &c, nil
}

func (s *Service) saveColleges(ctx context.Context, colleges []storage.College) error {
	err := s.Store.SaveColleges(ctx, colleges)
	if errors.Is(err, storage.ErrDuplicateCollege) {
		return &Error{Kind: KindConflict, Code: "duplicate_college", Message: "学院名称已被另一个学院使用", Fields: map[string]string{"name": "学院名称已存在"}}
	}
	return err
}

var (
	colCollegeCode = []string{"学院代码", "代码", "编号"}
	colCollegeName = []string{"学院名称", "学院", "名称"}
)

// CollegeTemplate writes the colleges template (.xlsx or .csv).
func CollegeTemplate(w io.Writer, format string) error {
	header := []string{colCollegeCode[0], colCollegeName[0]}
	rows := [][]string{{"ECO", "经济学院"}, {"LAW", "法学院"}}
	if format == "csv" {
		return sheet.WriteCSV(w, header, rows)
	}
	return sheet.WriteXLSX(w, "学院", header, rows)
}

// CollegeRow is one row of a colleges import.
type CollegeRow struct {
	Line int `json:"line"`
	storage.College
	// Action is create, update (renamed), unchanged or invalid.
	Action   string        `json:"action"`
	Problems []CellProblem `json:"problems,omitempty"`
}

// Printed is the row as the command line prints it.
func (r CollegeRow) Printed() (int, string, string, []CellProblem) {
	return r.Line, r.Code + " " + r.Name, r.Action, r.Problems
}

// CollegeReport is the result of a colleges import.
type CollegeReport = ImportReport[CollegeRow]

// ImportColleges creates and renames colleges from a spreadsheet (学院代码, 学院名称);
// with apply it writes them all in one transaction, or none when a row is wrong.
func (s *Service) ImportColleges(ctx context.Context, who Caller, file io.Reader, apply bool) (*CollegeReport, error) {
	table, err := readTable(file)
	if err != nil {
		return nil, err
	}
	col := table.Columns([][]string{colCollegeCode, colCollegeName})
	if col[colCollegeCode[0]] < 0 || col[colCollegeName[0]] < 0 {
		return nil, Invalid(map[string]string{"file": "表头应为“学院代码”和“学院名称”，请使用学院模板"})
	}
	existing, err := s.Store.Colleges(ctx)
	if err != nil {
		return nil, err
	}
	nameOwner := map[string]string{} // name → code, as it will be after the import
	byCode := map[string]string{}
	for _, c := range existing {
		nameOwner[c.Name], byCode[c.Code] = c.Code, c.Name
	}
	report := newImportReport[CollegeRow](len(table.Rows))
	var save []storage.College
	seen := map[string]int{}
	for i, row := range table.Rows {
		c := storage.College{Code: sheet.Cell(row, col[colCollegeCode[0]]), Name: sheet.Cell(row, col[colCollegeName[0]])}
		out := CollegeRow{Line: table.Lines[i], College: c}
		for field, msg := range collegeProblems(c) {
			column := map[string]string{"code": colCollegeCode[0], "name": colCollegeName[0]}[field]
			out.Problems = append(out.Problems, CellProblem{Column: column, Message: msg})
		}
		if first, dup := seen[c.Code]; dup {
			out.Problems = append(out.Problems, CellProblem{Column: colCollegeCode[0], Message: fmt.Sprintf("与第 %d 行的学院代码重复", first)})
		}
		seen[c.Code] = out.Line
		if owner, taken := nameOwner[c.Name]; taken && owner != c.Code {
			out.Problems = append(out.Problems, CellProblem{Column: colCollegeName[0], Message: "学院名称已被学院代码 " + owner + " 使用"})
		}
		switch was, ok := byCode[c.Code]; {
		case len(out.Problems) > 0:
			out.Action = ImportInvalid
		case !ok:
			out.Action = ImportCreate
		case was == c.Name:
			out.Action = ImportUnchanged
		default:
			out.Action = ImportUpdate
		}
		if out.Action != ImportInvalid {
			nameOwner[c.Name] = c.Code
			if out.Action != ImportUnchanged {
				save = append(save, c)
			}
		}
		report.add(out)
	}
	if !apply {
		return report, nil
	}
	if err := report.refuseInvalid("colleges_invalid", "学院"); err != nil {
		return nil, err
	}
	if len(save) > 0 {
		if err := s.saveColleges(ctx, save); err != nil {
			return nil, err
		}
	}
	report.Applied = true
	s.audit(ctx, who, "college.import", "college", len(table.Rows), nil, report.Counts)
	return report, nil
}
