//go:build integration

package api_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLockoutAfterWrongPasswords(t *testing.T) {
	s := newStudent(t, "SCI")
	var username string
	require.NoError(t, env.Services.Store.DB.Get(&username, `SELECT username FROM accounts WHERE id = $1`, s.call("GET", "/me", nil).num("id")))
	c := newClient(t)
	for i := 0; i < 5; i++ {
		require.Equal(t, 401, c.call("POST", "/auth/login", map[string]string{"username": username, "password": "wrong"}).status)
	}
	r := c.call("POST", "/auth/login", map[string]string{"username": username, "password": "Outbound2026"})
	require.Equal(t, 429, r.status, "locked even with the right password")
	require.Equal(t, "locked", r.str("error.code"))
	_, err := env.Services.Store.DB.Exec(`UPDATE accounts SET locked_until = now() - interval '1 second' WHERE username = $1`, username)
	require.NoError(t, err)
	require.Equal(t, 200, c.call("POST", "/auth/login", map[string]string{"username": username, "password": "Outbound2026"}).status)
}

func TestExpiredSessionsAreRefused(t *testing.T) {
	s := login(t, "2021216403")
	sum := sha256.Sum256([]byte(s.token))
	_, err := env.Services.Store.DB.Exec(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE token_hash = $1`, sum[:])
	require.NoError(t, err)
	r := s.call("GET", "/me", nil)
	require.Equal(t, 401, r.status)
	require.Equal(t, "登录已过期，请重新登录", r.str("error.message"))
}

func TestMalformedInputGetsClearErrors(t *testing.T) {
	s := newStudent(t, "LIT")
	big := `{"nameCn":"` + strings.Repeat("长", 300_000) + `"}`
	r := s.raw("PUT", "/profile", "application/json", []byte(big))
	require.Equal(t, 413, r.status)
	for _, b := range []string{`[`, `{"nameCn": 5}`, "\xff\xfe", `{"enrollmentYear": "二零二一"}`} {
		r = s.raw("PUT", "/profile", "application/json", []byte(b))
		require.Contains(t, []int{400, 422}, r.status, b)
		for _, leak := range []string{"pq:", "sql", "goroutine", "runtime.", ".go:", "json:"} {
			require.NotContains(t, strings.ToLower(string(r.body)), leak, "no internals in %q", b)
		}
	}
	// SQL metacharacters in every free-text field are stored as text.
	evil := `'); DROP TABLE accounts; --`
	r = s.call("POST", "/profile/learning-experiences", map[string]string{"startDate": "2010-09-01", "endDate": "2013-06-30", "schoolName": evil, "schoolAddress": `%_\`, "degree": "初中"})
	require.Equal(t, 201, r.status)
	require.Equal(t, evil, r.str("schoolName"))
	for _, q := range []string{evil, "%' OR '1'='1", `\`} {
		r = login(t, "jwc1").call("GET", "/accounts?q="+urlQuery(q), nil)
		require.Equal(t, 403, r.status)
		r = login(t, "admin").call("GET", "/accounts?q="+urlQuery(q), nil)
		require.Equal(t, 200, r.status)
		require.EqualValues(t, 0, r.num("total"))
	}
}

func TestFilesAreNeverServedAsPages(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	// An HTML page named .pdf is refused at the door.
	r := s.upload(pathf("/applications/%d/attachments?requirementId=%d", d.id, d.required[0]), "x.pdf", []byte("<html><script>alert(1)</script></html>"))
	require.Equal(t, 422, r.status)
	r = s.upload(pathf("/applications/%d/attachments?requirementId=%d", d.id, d.required[0]), "x.html", []byte("<html></html>"))
	require.Equal(t, 422, r.status)
	// What is stored is served with its own type, nosniff and a sandbox.
	files := s.call("GET", pathf("/applications/%d", d.id), nil)
	fid := int64(files.list("requirements")[0].(map[string]any)["files"].([]any)[0].(map[string]any)["id"].(float64))
	dl := s.call("GET", pathf("/applications/%d/attachments/%d?inline=1", d.id, fid), nil)
	require.Equal(t, "application/pdf", dl.header.Get("Content-Type"))
	require.Equal(t, "nosniff", dl.header.Get("X-Content-Type-Options"))
	require.Contains(t, dl.header.Get("Content-Security-Policy"), "sandbox")
}

func TestSecurityHeadersOnPages(t *testing.T) {
	resp, err := http.Get(env.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "script-src 'self'", "object-src 'none'"} {
		require.Contains(t, csp, want)
	}
	require.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
	require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
}

// TestParallelDraftsFifty: fifty simultaneous creations for one student make exactly one draft.
func TestParallelDraftsFifty(t *testing.T) {
	s := newStudent(t, "ECO")
	project := newProject(t, projectSpec{})
	me := s.call("GET", "/me", nil).num("id")
	codes := make(chan int, 50)
	for i := 0; i < 50; i++ {
		go func() { codes <- s.call("POST", "/applications", acceptBody(project)).status }()
	}
	created := 0
	for i := 0; i < 50; i++ {
		code := <-codes
		require.Contains(t, []int{201, 409}, code)
		if code == 201 {
			created++
		}
	}
	require.Equal(t, 1, created)
	var rows int
	require.NoError(t, env.Services.Store.DB.Get(&rows, `SELECT count(*) FROM applications WHERE student_id = $1`, me))
	require.Equal(t, 1, rows, "no half-made application from the losers")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := env.Services.Temporal.DescribeWorkflow(ctx, fmt.Sprintf("application-%d", s.call("GET", "/applications", nil).num("items.0.application.id")), "")
	require.NoError(t, err, "the one draft has its workflow")
}
