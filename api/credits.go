package api

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"outbound/service"
)

// 学分认定: the student's lines, the catalogue and the conversion tables, and the export.

func (s *Server) creditLines(c *gin.Context) (any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.Service.CreditLines(c.Request.Context(), caller(c), id)
}

func (s *Server) saveCreditLines(c *gin.Context) (any, error) {
	id, in, err := idAndBody[service.CreditLinesInput](c, "id")
	if err != nil {
		return nil, err
	}
	return s.Service.SaveCreditLines(c.Request.Context(), caller(c), id, in)
}

func (s *Server) homeCourses(c *gin.Context) (any, error) {
	courses, err := s.Service.Store.HomeCourses(c.Request.Context(), c.Query("q"), 50)
	return map[string]any{"items": courses}, err
}

func (s *Server) importHomeCourses(c *gin.Context) (any, error) {
	up, err := oneFile(c, maxSheetBytes, "请选择课程目录文件（.xlsx 或 .csv）")
	if err != nil {
		return nil, err
	}
	return s.Service.ImportHomeCourses(c.Request.Context(), caller(c), up.Body, applying(c))
}

func (s *Server) gradeConversions(c *gin.Context) (any, error) {
	rows, err := s.Service.Store.GradeConversions(c.Request.Context())
	return map[string]any{"items": rows}, err
}

func (s *Server) importGradeConversions(c *gin.Context) (any, error) {
	up, err := oneFile(c, maxSheetBytes, "请选择成绩换算表（.xlsx 或 .csv）")
	if err != nil {
		return nil, err
	}
	return s.Service.ImportGradeConversions(c.Request.Context(), caller(c), up.Body, applying(c))
}

func (s *Server) exportCredits(c *gin.Context) {
	application, _ := strconv.ParseInt(c.Query("applicationId"), 10, 64)
	year, _ := strconv.Atoi(c.Query("year"))
	book, name, err := s.Service.ExportCredits(c.Request.Context(), caller(c), application, c.Query("college"), year)
	sendWorkbook(c, book, name, err)
}
