package api

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"outbound/service"

	"github.com/gin-gonic/gin"
)

// 统一身份认证: the university's CAS server. The login redirects there; the
// callback validates the ticket with serviceValidate (CAS 2.0/3.0) and opens
// a session for the account whose 学号/工号 CAS names.

func (s *Server) casEnabled() bool { return s.Config.CAS.URL != "" }

func (s *Server) casBase() string { return strings.TrimRight(s.Config.CAS.URL, "/") }

// casService is this system's callback URL, as registered with the CAS server, carrying the
// sign-in's state: CAS sends it back unchanged and validates the ticket against the whole URL.
func (s *Server) casService(state string) string {
	return s.Config.APIURL() + "/api/v1/auth/cas/callback?state=" + url.QueryEscape(state)
}

// casStateCookie binds a CAS sign-in to the browser that started it, so that nobody can sign a
// victim in as themselves with a ticket of their own (login CSRF).
const casStateCookie = "outbound_cas_state"

// authOptions says how people may sign in.
type authOptions struct {
	CASEnabled  bool   `json:"casEnabled"`
	LocalLogin  bool   `json:"localLogin"`
	CASLoginURL string `json:"casLoginUrl,omitempty"`
	// UniversityName and LogoURL brand the header and the sign-in page.
	UniversityName string `json:"universityName"`
	LogoURL        string `json:"logoUrl,omitempty"`
}

func (s *Server) authConfig(*gin.Context) (any, error) {
	out := authOptions{CASEnabled: s.casEnabled(), LocalLogin: true, UniversityName: s.Config.UI.UniversityName, LogoURL: s.Config.UI.LogoURL}
	if s.casEnabled() {
		out.CASLoginURL = "/api/v1/auth/cas/login"
	}
	return out, nil
}

var errNoCAS = service.NotFound("统一身份认证")

func (s *Server) casLogin(c *gin.Context) {
	if !s.casEnabled() {
		fail(c, errNoCAS)
		return
	}
	state := newState()
	http.SetCookie(c.Writer, &http.Cookie{Name: casStateCookie, Value: state, Path: "/api/v1/auth/cas", MaxAge: 600,
		HttpOnly: true, Secure: s.Config.Auth.CookieSecure, SameSite: http.SameSiteLaxMode})
	c.Redirect(http.StatusFound, s.casBase()+"/login?service="+url.QueryEscape(s.casService(state)))
}

func newState() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's randomness is gone; nothing safe can follow
	}
	return hex.EncodeToString(b)
}

type casResponse struct {
	XMLName xml.Name `xml:"serviceResponse"`
	Success *struct {
		User       string `xml:"user"`
		Attributes struct {
			Values []struct {
				XMLName xml.Name
				Value   string `xml:",chardata"`
			} `xml:",any"`
		} `xml:"attributes"`
	} `xml:"authenticationSuccess"`
	Failure *struct {
		Code    string `xml:"code,attr"`
		Message string `xml:",chardata"`
	} `xml:"authenticationFailure"`
}

// errCAS is a failed sign-in through CAS; Message is shown to the person.
type errCAS struct{ Message string }

func (e *errCAS) Error() string { return e.Message }

// validateTicket asks the CAS server who the ticket belongs to.
func (s *Server) validateTicket(ctx context.Context, ticket, state string) (service.CASIdentity, error) {
	var id service.CASIdentity
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	u := s.casBase() + "/serviceValidate?service=" + url.QueryEscape(s.casService(state)) + "&ticket=" + url.QueryEscape(ticket)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return id, err
	}
	resp, err := casClient.Do(req)
	if err != nil {
		return id, &errCAS{"统一身份认证服务暂时无法访问，请稍后重试"}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return id, &errCAS{"统一身份认证服务暂时无法访问，请稍后重试"}
	}
	var r casResponse
	if err := xml.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&r); err != nil {
		return id, &errCAS{"统一身份认证服务的应答无法识别"}
	}
	if r.Failure != nil || r.Success == nil {
		if r.Failure != nil {
			slog.Info("CAS ticket refused", "code", r.Failure.Code)
		}
		return id, &errCAS{"登录凭证无效或已过期，请重新登录"}
	}
	id.User, id.Attributes = r.Success.User, map[string]string{}
	for _, v := range r.Success.Attributes.Values {
		// An attribute with several values keeps its first.
		if _, seen := id.Attributes[v.XMLName.Local]; !seen {
			id.Attributes[v.XMLName.Local] = strings.TrimSpace(v.Value)
		}
	}
	return id, nil
}

func (s *Server) casCallback(c *gin.Context) {
	if !s.casEnabled() {
		fail(c, errNoCAS)
		return
	}
	ticket := c.Query("ticket")
	if ticket == "" || len(ticket) > 256 {
		s.casRefuse(c, http.StatusBadRequest, "缺少登录凭证，请从统一身份认证重新登录")
		return
	}
	state, err := c.Cookie(casStateCookie)
	if err != nil || state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(c.Query("state"))) != 1 {
		s.casRefuse(c, http.StatusBadRequest, "登录请求已失效或不是从本浏览器发起的，请重新登录")
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: casStateCookie, Value: "", Path: "/api/v1/auth/cas", MaxAge: -1, HttpOnly: true})
	identity, err := s.validateTicket(c.Request.Context(), ticket, state)
	var casErr *errCAS
	if errors.As(err, &casErr) {
		s.casRefuse(c, http.StatusUnauthorized, casErr.Message)
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	acc, err := s.Service.AccountForCAS(c.Request.Context(), identity, c.ClientIP())
	var refused *service.Error
	if errors.As(err, &refused) && refused.Kind == service.KindForbidden {
		s.casRefuse(c, http.StatusForbidden, refused.Message)
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	if _, err := s.startSession(c, acc); err != nil {
		fail(c, err)
		return
	}
	c.Redirect(http.StatusFound, "/")
}

// casLogout sends the browser on to the CAS server's logout. It changes nothing here: the
// session ends with POST /auth/logout, which the web UI sends first.
func (s *Server) casLogout(c *gin.Context) {
	target := "/"
	if s.casEnabled() {
		target = s.casBase() + "/logout?service=" + url.QueryEscape(s.Config.APIURL()+"/")
	}
	c.Redirect(http.StatusFound, target)
}

var casRefusalPage = template.Must(template.New("refused").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录失败 - 外事综合服务系统</title><link rel="stylesheet" href="/assets/app.css"></head>
<body><main class="narrow"><h1>统一身份认证登录失败</h1><p class="error">{{.}}</p><p><a href="/">返回登录页</a></p></main></body></html>`))

// casRefuse tells the person in their browser why the sign-in failed.
func (s *Server) casRefuse(c *gin.Context, status int, message string) {
	clearSessionCookies(c)
	c.Status(status)
	c.Header("Content-Type", "text/html; charset=utf-8")
	if err := casRefusalPage.Execute(c.Writer, message); err != nil {
		slog.Warn("refusal page", "error", err)
	}
}

// casClient validates tickets: it follows no redirect, so that the answer comes from the configured
// server itself (a redirect could lead to plain http or to another host).
var casClient = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
