package api

import (
	"strings"

	"github.com/gin-gonic/gin"

	"outbound/service"
	"outbound/storage"
)

// The selection round: the ranking board and its actions, and the 公示 with its objections.

func (s *Server) board(c *gin.Context) (any, error) {
	id, err := pathID(c, "pid")
	if err != nil {
		return nil, err
	}
	return s.Service.Board(c.Request.Context(), caller(c), id)
}

// roundAction sends one of the board's actions, named by the path's last segment.
func (s *Server) roundAction(name string) func(c *gin.Context) (any, error) {
	return func(c *gin.Context) (any, error) {
		id, in, err := idAndBody[service.RoundAction](c, "pid")
		if err != nil {
			return nil, err
		}
		return s.Service.ActOnRound(c.Request.Context(), caller(c), id, name, idempotencyKey(c), in)
	}
}

func (s *Server) rounds(c *gin.Context) (any, error) {
	return s.Service.Rounds(c.Request.Context(), caller(c))
}

func (s *Server) publicityIndex(c *gin.Context) (any, error) {
	return s.Service.PublicityIndex(c.Request.Context(), optionalCaller(c))
}

func (s *Server) publicityPage(c *gin.Context) (any, error) {
	return s.Service.PublicityPage(c.Request.Context(), optionalCaller(c), c.Param("rid"))
}

func (s *Server) object(c *gin.Context) (any, error) {
	in, err := body[service.NewObjection](c)
	if err != nil {
		return nil, err
	}
	return nil, s.Service.Object(c.Request.Context(), caller(c), c.Param("rid"), idempotencyKey(c), in)
}

// maybeAuthenticate reads a session when there is one: pages that a setting opens to visitors
// answer them read-only, and the signed-in with more.
func (s *Server) maybeAuthenticate(c *gin.Context) {
	token := ""
	if h := c.GetHeader("Authorization"); strings.HasPrefix(h, "Bearer ") {
		token = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	} else if ck, err := c.Cookie(sessionCookie); err == nil {
		token = ck
	}
	if token != "" {
		if acc, _, err := s.Service.SessionAccount(c.Request.Context(), token); err == nil {
			c.Set(ctxAccount, acc)
			c.Set(ctxToken, token)
		}
	}
	c.Next()
}

// optionalCaller is the signed-in caller, or nil for a visitor.
func optionalCaller(c *gin.Context) *service.Caller {
	acc, ok := c.Get(ctxAccount)
	if !ok {
		return nil
	}
	return &service.Caller{Account: acc.(*storage.Account), Addr: c.ClientIP()}
}

func (s *Server) exportPublicity(c *gin.Context) {
	book, name, err := s.Service.ExportPublicity(c.Request.Context(), caller(c), c.Param("rid"))
	sendWorkbook(c, book, name, err)
}
