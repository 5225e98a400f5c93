package api

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"outbound/service"
)

// statsQuery reads the dashboard's filter; a year that is not a number is refused by name.
func statsQuery(c *gin.Context) (service.StatsQuery, error) {
	q := service.StatsQuery{College: c.Query("college"), TermLength: c.Query("termLength"), FundingKind: c.Query("fundingKind"), Country: c.Query("country")}
	if y := c.Query("year"); y != "" {
		year, err := strconv.Atoi(y)
		if err != nil {
			return q, service.Invalid(map[string]string{"year": "年度应为数字"})
		}
		q.Year = year
	}
	return q, nil
}

func (s *Server) statistics(c *gin.Context) (any, error) {
	q, err := statsQuery(c)
	if err != nil {
		return nil, err
	}
	return s.Service.Statistics(c.Request.Context(), caller(c), q)
}

func (s *Server) statisticsReport(c *gin.Context) {
	q, err := statsQuery(c)
	if err != nil {
		fail(c, err)
		return
	}
	book, name, err := s.Service.StatisticsReport(c.Request.Context(), caller(c), q, c.Query("chart"))
	sendWorkbook(c, book, name, err)
}

func (s *Server) partners(c *gin.Context) (any, error) {
	return s.Service.Partners(c.Request.Context())
}

func (s *Server) savePartner(c *gin.Context) (any, error) {
	id, err := optionalID(c, "pid")
	if err != nil {
		return nil, err
	}
	var in service.Partner
	if err := bindJSON(c, &in); err != nil {
		return nil, err
	}
	return s.Service.SavePartner(c.Request.Context(), caller(c), id, in)
}
