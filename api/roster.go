package api

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"

	"outbound/service"
	"outbound/storage"
)

// maxSheetBytes bounds an imported spreadsheet: a roster of 50,000 rows is a few MB.
const maxSheetBytes = 20 << 20

// sheetTemplate sends a spreadsheet template as .xlsx, or .csv with ?format=csv.
func sheetTemplate(name string, write func(c *gin.Context, w *bytes.Buffer, format string) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		format, ctype := "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		if c.Query("format") == "csv" {
			format, ctype = "csv", "text/csv; charset=utf-8"
		}
		var buf bytes.Buffer
		if err := write(c, &buf, format); err != nil {
			fail(c, err)
			return
		}
		c.Header("Content-Disposition", contentDisposition("attachment", name+"."+format))
		c.Data(http.StatusOK, ctype, buf.Bytes())
	}
}

func (s *Server) rosterTemplate(c *gin.Context) {
	sheetTemplate("名单导入模板", func(c *gin.Context, w *bytes.Buffer, f string) error {
		return s.Service.RosterTemplate(c.Request.Context(), w, f)
	})(c)
}

var collegeTemplate = sheetTemplate("学院导入模板", func(_ *gin.Context, w *bytes.Buffer, f string) error { return service.CollegeTemplate(w, f) })

// applying reads ?mode=apply; anything else previews.
func applying(c *gin.Context) bool { return c.Query("mode") == "apply" }

func (s *Server) importRoster(c *gin.Context) (any, error) {
	up, err := oneFile(c, maxSheetBytes, "请选择名单文件（.xlsx 或 .csv）")
	if err != nil {
		return nil, err
	}
	opt := service.RosterOptions{Apply: applying(c), DisableAbsent: c.Query("disableAbsent") == "true"}
	return s.Service.ImportRoster(c.Request.Context(), caller(c), up.Body, opt)
}

func (s *Server) importColleges(c *gin.Context) (any, error) {
	up, err := oneFile(c, maxSheetBytes, "请选择学院文件（.xlsx 或 .csv）")
	if err != nil {
		return nil, err
	}
	return s.Service.ImportColleges(c.Request.Context(), caller(c), up.Body, applying(c))
}

func (s *Server) createCollege(c *gin.Context) (any, error) {
	in, err := body[storage.College](c)
	if err != nil {
		return nil, err
	}
	return s.Service.SaveCollege(c.Request.Context(), caller(c), in)
}

func (s *Server) renameCollege(c *gin.Context) (any, error) {
	in, err := body[struct {
		Name string `json:"name"`
	}](c)
	if err != nil {
		return nil, err
	}
	return s.Service.SaveCollege(c.Request.Context(), caller(c), storage.College{Code: c.Param("code"), Name: in.Name})
}
