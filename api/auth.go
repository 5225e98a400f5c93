package api

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/time/rate"

	"outbound/storage"
	"outbound/workflows"
)

const (
	sessionCookie = "outbound_session"
	csrfCookie    = "outbound_csrf"
	csrfHeader    = "X-CSRF-Token"
	ctxAccount    = "account"
	// Lockout after this many wrong passwords in a row.
	maxLoginFailures = 5
	lockoutFor       = 15 * time.Minute
)

// account is the signed-in account of a request.
func account(c *gin.Context) *storage.Account { return c.MustGet(ctxAccount).(*storage.Account) }

func role(c *gin.Context) workflows.Role { return workflows.Role(account(c).Role) }

// actor is the signed-in account as the workflow knows it.
func actor(c *gin.Context) workflows.Actor {
	a := account(c)
	return workflows.Actor{ID: a.ID, Name: a.DisplayName, Role: workflows.Role(a.Role), College: a.College()}
}

func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's randomness is gone; nothing safe can follow
	}
	return hex.EncodeToString(b)
}

func hashToken(t string) []byte {
	sum := sha256.Sum256([]byte(t))
	return sum[:]
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// wrongLogin is one answer for every failed sign-in, so that it tells nothing about which part was wrong.
var wrongLogin = &Error{Status: http.StatusUnauthorized, Code: "invalid_credentials", Message: "用户名或密码错误"}

// dummyHash keeps the time of a sign-in with an unknown user like that of a known one.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("outbound-dummy-password"), bcrypt.DefaultCost)

func (s *Server) login(c *gin.Context) {
	if !s.loginLimiter.allow(c.ClientIP()) {
		fail(c, &Error{Status: http.StatusTooManyRequests, Code: "too_many_attempts", Message: "登录尝试过于频繁，请稍后再试"})
		return
	}
	var req loginRequest
	if !bindJSON(c, &req) {
		return
	}
	fields := map[string]string{}
	if strings.TrimSpace(req.Username) == "" {
		fields["username"] = "请输入用户名（学号或工号）"
	}
	if req.Password == "" {
		fields["password"] = "请输入密码"
	}
	if len(fields) > 0 {
		fail(c, errInvalid(fields))
		return
	}
	ctx := c.Request.Context()
	acc, err := s.Store.AccountByUsername(ctx, strings.TrimSpace(req.Username))
	if errors.Is(err, storage.ErrNotFound) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(req.Password))
		fail(c, wrongLogin)
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	if acc.LockedUntil != nil && acc.LockedUntil.After(time.Now()) {
		fail(c, &Error{Status: http.StatusTooManyRequests, Code: "locked", Message: "密码错误次数过多，账号已临时锁定，请15分钟后再试"})
		return
	}
	if acc.Disabled || acc.PasswordHash == nil || bcrypt.CompareHashAndPassword([]byte(*acc.PasswordHash), []byte(req.Password)) != nil {
		if !acc.Disabled && acc.PasswordHash != nil {
			if err := s.Store.RecordLoginFailure(ctx, acc.ID, maxLoginFailures, lockoutFor); err != nil {
				fail(c, err)
				return
			}
		}
		fail(c, wrongLogin)
		return
	}
	if err := s.Store.RecordLoginSuccess(ctx, acc.ID); err != nil {
		fail(c, err)
		return
	}
	s.openSession(c, acc)
}

// openSession creates the session and answers with its token (for API clients) and the cookies (for browsers).
func (s *Server) openSession(c *gin.Context, acc *storage.Account) {
	token, csrf, expires, err := s.startSession(c, acc)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"token": token, "csrfToken": csrf, "expiresAt": expires, "account": accountView(acc)})
}

// startSession stores a new session and sets its cookies.
func (s *Server) startSession(c *gin.Context, acc *storage.Account) (token, csrf string, expires time.Time, err error) {
	token, csrf = newToken(), newToken()
	expires = time.Now().Add(s.Config.Auth.SessionTTL)
	if err := s.Store.CreateSession(c.Request.Context(), hashToken(token), acc.ID, csrf, expires); err != nil {
		return "", "", time.Time{}, err
	}
	maxAge := int(s.Config.Auth.SessionTTL.Seconds())
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.Config.Auth.CookieSecure, SameSite: http.SameSiteLaxMode})
	http.SetCookie(c.Writer, &http.Cookie{Name: csrfCookie, Value: csrf, Path: "/", MaxAge: maxAge,
		Secure: s.Config.Auth.CookieSecure, SameSite: http.SameSiteStrictMode})
	return token, csrf, expires, nil
}

// clearSessionCookies removes the browser's cookies.
func clearSessionCookies(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	http.SetCookie(c.Writer, &http.Cookie{Name: csrfCookie, Value: "", Path: "/", MaxAge: -1})
}

func (s *Server) logout(c *gin.Context) {
	if err := s.Store.DeleteSession(c.Request.Context(), c.MustGet("session_hash").([]byte)); err != nil {
		fail(c, err)
		return
	}
	clearSessionCookies(c)
	c.Status(http.StatusNoContent)
}

func (s *Server) me(c *gin.Context) { c.JSON(http.StatusOK, accountView(account(c))) }

func accountView(a *storage.Account) gin.H {
	return gin.H{"id": a.ID, "username": a.Username, "displayName": a.DisplayName, "role": a.Role,
		"collegeCode": a.CollegeCode, "collegeName": a.CollegeName}
}

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
		fail(c, errUnauthenticated)
		return
	}
	hash := hashToken(token)
	acc, csrf, err := s.Store.SessionAccount(c.Request.Context(), hash)
	if errors.Is(err, storage.ErrNotFound) {
		fail(c, &Error{Status: http.StatusUnauthorized, Code: "session_expired", Message: "登录已过期，请重新登录"})
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	if viaCookie && c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		if subtle.ConstantTimeCompare([]byte(c.GetHeader(csrfHeader)), []byte(csrf)) != 1 {
			fail(c, &Error{Status: http.StatusForbidden, Code: "csrf", Message: "页面已过期，请刷新后重试"})
			return
		}
	}
	if acc.Disabled {
		fail(c, errForbidden("账号已停用"))
		return
	}
	c.Set(ctxAccount, acc)
	c.Set("session_hash", hash)
	c.Next()
}

// allow admits only the listed roles.
func allow(roles ...workflows.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !slices.Contains(roles, role(c)) {
			fail(c, errForbidden("您的角色无权进行此操作"))
			return
		}
		c.Next()
	}
}

// limiter is a token bucket per client address.
type limiter struct {
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	burst   int
	every   rate.Limit
	swept   time.Time
}

func newLimiter(burst int, per time.Duration) *limiter {
	return &limiter{buckets: map[string]*rate.Limiter{}, burst: burst, every: rate.Every(per / time.Duration(burst))}
}

func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if time.Since(l.swept) > 10*time.Minute {
		l.buckets = map[string]*rate.Limiter{} // forget idle clients
		l.swept = time.Now()
	}
	b, ok := l.buckets[key]
	if !ok {
		b = rate.NewLimiter(l.every, l.burst)
		l.buckets[key] = b
	}
	return b.Allow()
}
