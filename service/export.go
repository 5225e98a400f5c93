package service

import (
	"context"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"outbound/process"
	"outbound/storage"
)

// exportLimit bounds one spreadsheet.
const exportLimit = 20000

// exportHeaders are the columns: the application's own, then the forms' fields marked for export
// in the catalogue, under their labels.
var exportHeaders = func() []any {
	out := []any{"序号", "系统编号", "项目名称", "项目编号", "项目年度", "项目类别", "申请状态", "当前环节", "是否超期", "提交时间", "录取时间"}
	for _, f := range exportFields {
		out = append(out, f.Label)
	}
	return append(out, "资助来源", "资助金额")
}()

// exportFields are the catalogue's fields marked for the export, in its order.
var exportFields = func() []process.FormField {
	var out []process.FormField
	for _, f := range process.Form {
		if f.Export {
			out = append(out, f)
		}
	}
	return out
}()

// Export is the filtered list of applications, in the caller's scope, as an
// Excel workbook, with the file name it is downloaded under.
func (s *Service) Export(ctx context.Context, who Caller, in ListFilter) (*excelize.File, string, error) {
	if err := in.check(); err != nil {
		return nil, "", err
	}
	// Up to 20,000 rows of personal data leave the system: who, from where, with which filter.
	if err := s.recordAccess(ctx, who, "application.export", "applications", "list", map[string]any{"filter": in}); err != nil {
		return nil, "", err
	}
	f := scoped(who, in)
	f.Limit = 500
	book := excelize.NewFile()
	fail := func(err error) (*excelize.File, string, error) {
		book.Close()
		return nil, "", err
	}
	const sheet = "申请列表"
	if err := book.SetSheetName("Sheet1", sheet); err != nil {
		return fail(err)
	}
	w, err := book.NewStreamWriter(sheet)
	if err != nil {
		return fail(err)
	}
	if err := w.SetRow("A1", exportHeaders); err != nil {
		return fail(err)
	}
	n := 0
	for f.Offset = 0; f.Offset < exportLimit; f.Offset += f.Limit {
		list, err := s.Store.Applications(ctx, f)
		if err != nil {
			return fail(err)
		}
		for i := range list.Items {
			n++
			cell, _ := excelize.CoordinatesToCellName(1, n+1)
			if err := w.SetRow(cell, s.exportRow(n, &list.Items[i])); err != nil {
				return fail(err)
			}
		}
		if len(list.Items) < f.Limit {
			break
		}
	}
	if err := w.Flush(); err != nil {
		return fail(err)
	}
	return book, fmt.Sprintf("申请列表-%s.xlsx", time.Now().In(process.Zone).Format("20060102-1504")), nil
}

func (s *Service) exportRow(n int, a *storage.Application) []any {
	overdue := "否"
	if a.Overdue {
		overdue = "是"
	}
	row := []any{n, a.SystemNo, a.ProjectName, a.ProjectCode, a.ProjectYear, a.ProjectCategory, a.Status, s.pendingStep(a), overdue,
		timeCell(a.SubmittedAt), timeCell(a.AdmittedAt)}
	for _, f := range exportFields {
		if number := a.Form.Number(f.Name); number != nil {
			row = append(row, *number)
		} else {
			row = append(row, a.Form.Text(f.Name))
		}
	}
	return append(row, a.Funding.Source, floatCell(a.Funding.Amount))
}

func timeCell(t *time.Time) string {
	if t == nil {
		return ""
	}
	return process.FormatTime(*t)
}

func floatCell(f *float64) any {
	if f == nil {
		return ""
	}
	return *f
}

// workbook is a one-sheet workbook of rows, the first of them the headers.
func workbook(sheet string, rows [][]any) (*excelize.File, error) {
	book := excelize.NewFile()
	if err := book.SetSheetName("Sheet1", sheet); err != nil {
		book.Close()
		return nil, err
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := book.SetSheetRow(sheet, cell, &row); err != nil {
			book.Close()
			return nil, err
		}
	}
	return book, nil
}
