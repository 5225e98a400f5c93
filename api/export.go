package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"outbound/storage"
)

// exportLimit bounds one spreadsheet.
const exportLimit = 20000

var exportHeaders = []any{"序号", "系统编号", "学生姓名", "学号", "学历", "所在院系", "专业", "年级", "项目名称", "项目编号", "项目年度",
	"项目类别", "申请状态", "当前环节", "是否超期", "提交时间", "录取时间", "出国(境)时间", "回国(入境)时间", "GPA", "加权平均分",
	"资助来源", "资助金额"}

// exportApplications writes the filtered list, in the list's scope, as an Excel workbook.
func (s *Server) exportApplications(c *gin.Context) {
	f := applicationFilter(c)
	f.Limit = 500
	book := excelize.NewFile()
	defer book.Close()
	const sheet = "申请列表"
	if err := book.SetSheetName("Sheet1", sheet); err != nil {
		fail(c, err)
		return
	}
	w, err := book.NewStreamWriter(sheet)
	if err != nil {
		fail(c, err)
		return
	}
	if err := w.SetRow("A1", exportHeaders); err != nil {
		fail(c, err)
		return
	}
	n := 0
	for f.Offset = 0; f.Offset < exportLimit; f.Offset += f.Limit {
		list, err := s.Store.Applications(c.Request.Context(), f)
		if err != nil {
			fail(c, err)
			return
		}
		for i := range list.Items {
			n++
			cell, _ := excelize.CoordinatesToCellName(1, n+1)
			if err := w.SetRow(cell, exportRow(n, &list.Items[i])); err != nil {
				fail(c, err)
				return
			}
		}
		if len(list.Items) < f.Limit {
			break
		}
	}
	if err := w.Flush(); err != nil {
		fail(c, err)
		return
	}
	name := fmt.Sprintf("applications-%s.xlsx", time.Now().In(chinaTime).Format("20060102-1504"))
	c.Header("Content-Disposition", contentDisposition("attachment", name))
	c.Header("Cache-Control", "private, no-store")
	c.Status(http.StatusOK)
	c.Writer.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	if err := book.Write(c.Writer); err != nil {
		c.Error(err) //nolint:errcheck // the answer has started; the log has it
	}
}

func exportRow(n int, a *storage.Application) []any {
	overdue := "否"
	if a.Overdue {
		overdue = "是"
	}
	return []any{n, a.SystemNo, a.NameCN, a.StudentNo, a.DegreeLevel, a.CollegeName, a.Major, a.Grade, a.ProjectName, a.ProjectCode,
		a.ProjectYear, a.ProjectCategory, a.Status, pendingStep(a), overdue, timeCell(a.SubmittedAt), timeCell(a.AdmittedAt),
		deref(a.DepartureDate), deref(a.ReturnDate), floatCell(a.GPA), floatCell(a.WeightedAverage), a.Funding.Source, floatCell(a.Funding.Amount)}
}

func timeCell(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(chinaTime).Format("2006-01-02 15:04")
}

func floatCell(f *float64) any {
	if f == nil {
		return ""
	}
	return *f
}
