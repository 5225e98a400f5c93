package service

import "fmt"

// Import actions, the result of a row of an imported spreadsheet.
const (
	ImportCreate    = "create"
	ImportUpdate    = "update"
	ImportUnchanged = "unchanged"
	ImportDisable   = "disable" // an account the roster does not name
	ImportInvalid   = "invalid"
)

// CellProblem is what is wrong with one cell of a row, named by its column.
type CellProblem struct {
	Column  string `json:"column"`
	Message string `json:"message"`
}

// ImportRow is a row of an import's report as the command line prints it.
type ImportRow interface {
	Printed() (line int, what, action string, problems []CellProblem)
}

// ImportReport is the result of an import, row by row, and the counts of each action.
type ImportReport[R ImportRow] struct {
	Applied bool           `json:"applied"`
	Counts  map[string]int `json:"counts"`
	Rows    []R            `json:"rows"`
}

func newImportReport[R ImportRow](rows int) *ImportReport[R] {
	return &ImportReport[R]{Counts: map[string]int{}, Rows: make([]R, 0, rows)}
}

func (r *ImportReport[R]) add(row R) {
	_, _, action, _ := row.Printed()
	r.Rows = append(r.Rows, row)
	r.Counts[action]++
}

// refuseInvalid is the error of applying a file with wrong rows: nothing of it is written.
func (r *ImportReport[R]) refuseInvalid(code, what string) error {
	if n := r.Counts[ImportInvalid]; n > 0 {
		return &Error{Kind: KindInvalid, Code: code, Message: fmt.Sprintf("有 %d 行有误，未导入任何%s；请按预览结果修改后再导入", n, what)}
	}
	return nil
}
