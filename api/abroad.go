package api

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"outbound/process"
	"outbound/service"
)

// The stay abroad: the student's 报平安, the offices' 在外学生, and the duty list.

func (s *Server) checkIn(c *gin.Context) (any, error) {
	id, in, err := idAndBody[process.CheckIn](c, "id")
	if err != nil {
		return nil, err
	}
	return messageAnswer(s.Service.CheckIn(c.Request.Context(), caller(c), id, in, idempotencyKey(c), reply(c)))
}

func (s *Server) requestChange(c *gin.Context) (any, error) {
	id, in, err := idAndBody[process.ChangeRequest](c, "id")
	if err != nil {
		return nil, err
	}
	return messageAnswer(s.Service.RequestChange(c.Request.Context(), caller(c), id, in, idempotencyKey(c), reply(c)))
}

func (s *Server) decideChange(c *gin.Context) (any, error) {
	id, in, err := idAndBody[service.ChangeDecision](c, "id")
	if err != nil {
		return nil, err
	}
	return messageAnswer(s.Service.DecideChange(c.Request.Context(), caller(c), id, in, idempotencyKey(c), reply(c)))
}

func (s *Server) reportReturn(c *gin.Context) (any, error) {
	id, in, err := idAndBody[process.ReturnReport](c, "id")
	if err != nil {
		return nil, err
	}
	return messageAnswer(s.Service.ReportReturn(c.Request.Context(), caller(c), id, in, idempotencyKey(c), reply(c)))
}

func (s *Server) passportReturned(c *gin.Context) (any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return messageAnswer(s.Service.PassportReturned(c.Request.Context(), caller(c), id, idempotencyKey(c), reply(c)))
}

func (s *Server) calendarDays(c *gin.Context) (any, error) {
	year, err := strconv.Atoi(c.Query("year"))
	if err != nil {
		return nil, service.Invalid(map[string]string{"year": "请提供年份（year），如 2027"})
	}
	return s.Service.CalendarDays(c.Request.Context(), year)
}

func (s *Server) setCalendarDays(c *gin.Context) (any, error) {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil {
		return nil, service.Invalid(map[string]string{"year": "年份应为数字，如 2027"})
	}
	in, err := body[service.Calendar](c)
	if err != nil {
		return nil, err
	}
	return s.Service.SetCalendarDays(c.Request.Context(), caller(c), year, in)
}

func abroadFilter(c *gin.Context) service.AbroadFilter {
	return service.AbroadFilter{College: c.Query("college"), Country: c.Query("country"), Alert: c.Query("alert"), Query: c.Query("q")}
}

func (s *Server) abroad(c *gin.Context) (any, error) {
	return s.Service.Abroad(c.Request.Context(), caller(c), abroadFilter(c))
}

// exportAbroad sends 在外学生, in the caller's scope, as an Excel workbook.
func (s *Server) exportAbroad(c *gin.Context) {
	book, name, err := s.Service.ExportAbroad(c.Request.Context(), caller(c), abroadFilter(c))
	sendWorkbook(c, book, name, err)
}

func (s *Server) dutyContacts(c *gin.Context) (any, error) {
	return s.Service.DutyContacts(c.Request.Context())
}

func (s *Server) setDutyContacts(c *gin.Context) (any, error) {
	in, err := body[service.DutyList](c)
	if err != nil {
		return nil, err
	}
	return s.Service.SetDutyContacts(c.Request.Context(), caller(c), in)
}
