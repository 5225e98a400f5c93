package api

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"outbound/process"
	"outbound/service"
	"outbound/storage"
)

const (
	sessionCookie = "outbound_session"
	csrfCookie    = "outbound_csrf"
	csrfHeader    = "X-CSRF-Token"
	ctxAccount    = "account"
	ctxToken      = "session_token"
	ctxReadOnly   = "read_only"
)

// errCrossSite refuses a sign-in another site's page sent: nobody is signed in to an account they did not type.
var errCrossSite = &service.Error{Kind: service.KindForbidden, Code: "cross_site", Message: "请在本系统的登录页登录"}

func (s *Server) login(c *gin.Context) (any, error) {
	// Browsers say where a request comes from; a sign-in from another site's page is login CSRF.
	if c.GetHeader("Sec-Fetch-Site") == "cross-site" {
		return nil, errCrossSite
	}
	in, err := body[service.Credentials](c)
	if err != nil {
		return nil, err
	}
	acc, err := s.Service.CheckPassword(c.Request.Context(), in, c.ClientIP())
	if err != nil {
		return nil, err
	}
	return s.startSession(c, acc)
}

// startSession opens a session and sets its cookies; API clients use the token of the answer.
func (s *Server) startSession(c *gin.Context, acc *storage.Account) (*service.Session, error) {
	sess, err := s.Service.OpenSession(c.Request.Context(), acc)
	if err != nil {
		return nil, err
	}
	maxAge := int(s.Config.Auth.SessionTTL.Seconds())
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: sess.Token, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.Config.Auth.CookieSecure, SameSite: http.SameSiteLaxMode})
	http.SetCookie(c.Writer, &http.Cookie{Name: csrfCookie, Value: sess.CSRFToken, Path: "/", MaxAge: maxAge,
		Secure: s.Config.Auth.CookieSecure, SameSite: http.SameSiteStrictMode})
	return sess, nil
}

// clearSessionCookies removes the browser's cookies.
func clearSessionCookies(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	http.SetCookie(c.Writer, &http.Cookie{Name: csrfCookie, Value: "", Path: "/", MaxAge: -1})
}

func (s *Server) logout(c *gin.Context) (any, error) {
	if err := s.Service.CloseSession(c.Request.Context(), c.GetString(ctxToken)); err != nil {
		return nil, err
	}
	clearSessionCookies(c)
	return nil, nil
}

func (s *Server) me(c *gin.Context) (any, error) { return service.ViewOf(caller(c).Account), nil }

func (s *Server) changePassword(c *gin.Context) (any, error) {
	in, err := body[service.PasswordChange](c)
	if err != nil {
		return nil, err
	}
	return nil, s.Service.ChangePassword(c.Request.Context(), caller(c), c.GetString(ctxToken), in)
}

var errCSRF = &service.Error{Kind: service.KindForbidden, Code: "csrf", Message: "页面已过期，请刷新后重试"}

// authenticate finds the session from the bearer token or the cookie; cookie
// sessions must also present the CSRF token on every write.
func (s *Server) authenticate(c *gin.Context) {
	token, viaCookie := "", false
	if h := c.GetHeader("Authorization"); strings.HasPrefix(h, "Bearer ") {
		token = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	} else if ck, err := c.Cookie(sessionCookie); err == nil {
		token, viaCookie = ck, true
	}
	if token == "" {
		fail(c, service.ErrUnauthenticated)
		return
	}
	acc, csrf, err := s.Service.SessionAccount(c.Request.Context(), token)
	if err != nil {
		fail(c, err)
		return
	}
	if viaCookie && !c.GetBool(ctxReadOnly) && c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		if subtle.ConstantTimeCompare([]byte(c.GetHeader(csrfHeader)), []byte(csrf)) != 1 {
			fail(c, errCSRF)
			return
		}
	}
	if acc.MustChangePassword && !slices.Contains(beforePasswordChange, c.Request.Method+" "+c.FullPath()) {
		fail(c, errMustChangePassword)
		return
	}
	c.Set(ctxAccount, acc)
	c.Set(ctxToken, token)
	c.Next()
}

// An account whose password an administrator set may only choose its own (or sign out) first:
// the administrator, and whoever saw the password on its way, should not be able to use it.
var (
	errMustChangePassword = &service.Error{Kind: service.KindForbidden, Code: "password_change_required", Message: "管理员为您设置了密码，请先修改为只有您知道的密码"}
	beforePasswordChange  = []string{"GET /api/v1/me", "POST /api/v1/me/password", "POST /api/v1/auth/logout", "GET /api/v1/process"}
)

// allow admits only the listed roles.
func allow(roles ...process.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !slices.Contains(roles, caller(c).Role()) {
			fail(c, service.Forbidden("您的角色无权进行此操作"))
			return
		}
		c.Next()
	}
}
