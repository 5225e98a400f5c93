//go:build integration

package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"

	"outbound/server"
	"outbound/sheet"
	"outbound/storage/demo"
	"outbound/workflows"
)

// TestWrongPasswordsSlowDownNeverLockOut: wrong passwords for a name make its next tries wait,
// from that address; the same name from elsewhere still signs in (nobody can shut a reviewer out at
// a deadline); a known and an unknown name are answered alike; parallel guesses cannot outrun the
// count; the count is in PostgreSQL, shared by every API process.
func TestWrongPasswordsSlowDownNeverLockOut(t *testing.T) {
	username := newStudent(t, "SCI").call("GET", "/me", nil).str("username")
	unknown := fmt.Sprintf("nobody%d", time.Now().UnixNano()%1e9)
	other := frontBehindProxy(t)
	try := func(name, password, from string) *response {
		c := newClient(t)
		if from == "" {
			return c.call("POST", "/auth/login", map[string]string{"username": name, "password": password})
		}
		c.base = other.URL
		return c.call("POST", "/auth/login", map[string]string{"username": name, "password": password}, "X-Forwarded-For", from)
	}
	answers := map[string][]string{}
	for _, name := range []string{username, unknown} {
		for range 6 {
			r := try(name, "wrong-password", "")
			require.Equal(t, 401, r.status)
			answers[name] = append(answers[name], r.str("error.code")+" "+r.str("error.message"))
		}
		r := try(name, "Outbound2026", "")
		require.Equal(t, 429, r.status, "the sixth wrong password makes the next try wait, even with the right password")
		require.Equal(t, "1", r.header.Get("Retry-After"))
		answers[name] = append(answers[name], r.str("error.code")+" "+r.str("error.message"))
	}
	require.Equal(t, answers[username], answers[unknown], "a known and an unknown name get the same answers")
	require.Equal(t, 200, try(username, "Outbound2026", "198.51.100.7").status, "the same name from another address is not locked out")
	time.Sleep(1100 * time.Millisecond)
	require.Equal(t, 200, try(username, "Outbound2026", "").status, "after the wait the right password signs in")
	require.Equal(t, 401, try(username, "wrong-password", "").status, "and the count started again")

	// Twenty guesses at once for a fresh name: six are tried (five free, the sixth sets a wait of a
	// second), then one more each time a wait has passed (1 s, then 2 s, 4 s…); the others wait.
	fresh := fmt.Sprintf("guess%d", time.Now().UnixNano()%1e9)
	start := time.Now()
	codes := make(chan string, 20)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() { defer wg.Done(); codes <- try(fresh, "wrong-password", "").str("error.code") }()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(codes)
	count := map[string]int{}
	for code := range codes {
		count[code]++
	}
	most := 6
	for wait, waited := time.Second, time.Second; waited <= elapsed; wait, waited = 2*wait, waited+2*wait {
		most++
	}
	require.Equal(t, 20, count["invalid_credentials"]+count["too_many_attempts"], count)
	require.GreaterOrEqual(t, count["invalid_credentials"], 6, count)
	require.LessOrEqual(t, count["invalid_credentials"], most, "%v in %s", count, elapsed)
	var rows int
	require.NoError(t, env.Services.Store.DB.Get(&rows, `SELECT count(*) FROM sign_in_throttle WHERE key LIKE 'name:' || $1 || '%'`, fresh))
	require.Equal(t, 2, rows, "the name's count from this address and from everywhere, in the database")
}

// frontBehindProxy is a second API on the test's services that believes the loopback proxy's
// X-Forwarded-For, so that a test can sign in "from" another address.
func frontBehindProxy(t *testing.T) *httptest.Server {
	cfg := *env.Config
	cfg.HTTP.TrustedProxies = "127.0.0.1"
	front := httptest.NewServer((&server.Services{Config: &cfg, Store: env.Services.Store, Files: env.Services.Files, Temporal: env.Services.Temporal}).Handler())
	t.Cleanup(front.Close)
	return front
}

// TestPasswordsAdministratorsSetAreChanged: a reset password opens nothing but its own change,
// then everything; a weak or common password is refused wherever one is set.
func TestPasswordsAdministratorsSetAreChanged(t *testing.T) {
	admin := login(t, "admin")
	name := fmt.Sprintf("reset%d", time.Now().UnixNano()%1e9)
	for _, weak := range []string{"Outbound26", "password1234", "qwertyuiop12", "iloveyou1234", name + "2026", "Aa123456789!"} {
		r := admin.call("POST", "/accounts", map[string]any{"username": name, "displayName": "重置", "role": "foreign_affairs", "password": weak})
		require.Equal(t, 422, r.status, weak)
		require.NotEmpty(t, r.errField("password"), weak)
	}
	r := admin.call("POST", "/accounts", map[string]any{"username": name, "displayName": "重置", "role": "foreign_affairs", "password": "Staff-2026-secret"})
	require.Equal(t, 201, r.status, string(r.body))
	require.Equal(t, false, r.get("casSignIn"), "an account with a password here is not CAS's by default")
	id := r.num("id")
	require.Equal(t, 422, admin.call("POST", pathf("/accounts/%d/password", id), map[string]any{"password": "password1234"}).status)
	require.Equal(t, 204, admin.call("POST", pathf("/accounts/%d/password", id), map[string]any{"password": "Given-by-admin-77"}).status)
	c := newClient(t)
	lr := c.call("POST", "/auth/login", map[string]string{"username": name, "password": "Given-by-admin-77"})
	require.Equal(t, 200, lr.status)
	require.Equal(t, true, lr.get("account.mustChangePassword"))
	c.token = lr.str("token")
	for _, path := range []string{"/applications", "/projects", "/notifications"} {
		r := c.call("GET", path, nil)
		require.Equal(t, 403, r.status, path)
		require.Equal(t, "password_change_required", r.str("error.code"))
	}
	r = c.call("POST", "/me/password", map[string]any{"currentPassword": "Given-by-admin-77", "newPassword": "1234567890ab"})
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("newPassword"), "容易被猜到")
	require.Equal(t, 204, c.call("POST", "/me/password", map[string]any{"currentPassword": "Given-by-admin-77", "newPassword": "Only-mine-2026-x"}).status)
	require.Equal(t, 200, c.call("GET", "/applications", nil).status)
	require.Equal(t, false, c.call("GET", "/me", nil).get("mustChangePassword"))
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
	// What is stored is served with its own type, nosniff and a sandbox; framed only by this
	// origin. A PDF shown inline has no sandbox (Chrome would not draw it): its type is fixed.
	files := s.call("GET", pathf("/applications/%d", d.id), nil)
	fid := int64(files.list("requirements")[0].(map[string]any)["files"].([]any)[0].(map[string]any)["id"].(float64))
	dl := s.call("GET", pathf("/applications/%d/attachments/%d", d.id, fid), nil)
	require.Equal(t, "application/pdf", dl.header.Get("Content-Type"))
	require.Equal(t, "nosniff", dl.header.Get("X-Content-Type-Options"))
	require.Contains(t, dl.header.Get("Content-Security-Policy"), "sandbox")
	require.Contains(t, dl.header.Get("Content-Security-Policy"), "frame-ancestors 'self'")
	inline := s.call("GET", pathf("/applications/%d/attachments/%d?inline=1", d.id, fid), nil)
	require.Equal(t, "application/pdf", inline.header.Get("Content-Type"))
	require.Equal(t, "nosniff", inline.header.Get("X-Content-Type-Options"))
	require.Equal(t, "frame-ancestors 'self'", inline.header.Get("Content-Security-Policy"))
	require.Equal(t, "SAMEORIGIN", inline.header.Get("X-Frame-Options"))
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

// TestWordsTheDatabaseCannotHoldAreRefused sends, as each role and to each
// form, a control character, a number past its column and a text past its
// length: every one is a 422 naming the field (or a plain refusal), never a 500,
// and nothing reaches a workflow.
func TestWordsTheDatabaseCannotHoldAreRefused(t *testing.T) {
	nul, long := "x\u0000", strings.Repeat("长", 2001)
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	wsc, admin := login(t, "wsc"), login(t, "admin")
	reviewer := login(t, "lit-reviewer")
	_, app := submitted(t, "LIT", newProject(t, projectSpec{}))

	withField := func(body map[string]any, key string, value any) map[string]any {
		out := map[string]any{}
		for k, v := range body {
			out[k] = v
		}
		out[key] = value
		return out
	}
	project := func(key string, value any) map[string]any {
		return withField(projectBody(fmt.Sprintf("B%d", time.Now().UnixNano()%1e9)), key, value)
	}
	learning := map[string]any{"startDate": "2010-09-01", "endDate": "2013-06-30", "schoolName": "中学", "degree": "初中"}
	score := map[string]any{"language": "英语", "requirement": "六级", "score": "560", "examDate": "2020-06-01"}
	for _, c := range []struct {
		who          *client
		method, path string
		body         any
		field        string
	}{
		{s, "PUT", "/profile", map[string]any{"nameCn": nul}, "nameCn"},
		{s, "PUT", "/profile", map[string]any{"homeAddress": strings.Repeat("址", 101)}, "homeAddress"},
		{s, "POST", "/profile/learning-experiences", withField(learning, "schoolName", nul), "schoolName"},
		{s, "PUT", pathf("/applications/%d/basic-info", d.id), withField(basicInfo(), "familyAddress", nul), "familyAddress"},
		{s, "PUT", pathf("/applications/%d/basic-info", d.id), withField(basicInfo(), "major", nul), "major"},
		{s, "POST", pathf("/applications/%d/language-scores", d.id), withField(score, "score", nul), "score"},
		{reviewer, "POST", pathf("/applications/%d/decide", app), map[string]any{"decision": "return", "opinion": nul}, "opinion"},
		{reviewer, "POST", pathf("/applications/%d/decide", app), map[string]any{"decision": "return", "opinion": long}, "opinion"},
		{reviewer, "POST", "/reviews/batch-approve", map[string]any{"applicationIds": []int64{app}, "opinion": nul}, "opinion"},
		{wsc, "POST", "/projects", project("fee", 1e13), "fee"},
		{wsc, "POST", "/projects", project("quota", 3_000_000_000), "quota"},
		{wsc, "POST", "/projects", project("name", nul), "name"},
		{wsc, "POST", "/projects", project("eligibleGrades", []string{"大三", nul}), "eligibleGrades"},
		{wsc, "POST", "/projects", project("requirements", []map[string]any{{"kind": strings.Repeat("类", 101), "formats": []string{"pdf"}, "maxBytes": 1 << 20}}), "requirements.0.kind"},
		{admin, "POST", "/accounts", map[string]any{"username": "nul1", "displayName": nul, "role": "admin", "password": "Staff-2026-secret"}, "displayName"},
		{admin, "GET", "/accounts?q=" + urlQuery(nul), nil, "q"},
		{s, "GET", "/projects?q=" + urlQuery(nul), nil, "q"},
		{admin, "GET", "/applications?stage=" + urlQuery(nul), nil, "stage"},
		{admin, "GET", "/reviews?role=" + urlQuery(nul), nil, "role"},
		{wsc, "GET", "/exports/applications.xlsx?college=" + urlQuery(nul), nil, "college"},
	} {
		r := c.who.call(c.method, c.path, c.body)
		require.Equal(t, 422, r.status, "%s %s: %s", c.method, c.path, r.body)
		require.NotEmpty(t, r.errField(c.field), "%s %s names %s: %s", c.method, c.path, c.field, r.body)
	}
	// Funding at admission: the reviewer chain up to foreign affairs, then a sum past the column.
	decide(t, reviewer, app, ok, 200)
	decide(t, login(t, "jwc1"), app, ok, 200)
	for field, funding := range map[string]map[string]any{
		"funding.amount": {"source": "学校", "amount": 1e12},
		"funding.note":   {"source": "学校", "amount": 100, "note": nul},
		"funding.source": {"source": nul, "amount": 100},
	} {
		r := decide(t, wsc, app, map[string]any{"decision": "approve", "funding": funding}, 422)
		require.NotEmpty(t, r.errField(field), r.body)
	}
	r := decide(t, wsc, app, map[string]any{"decision": "approve", "funding": map[string]any{"source": "学校", "amount": 9_999_999_999.99}}, 200)
	require.Equal(t, "已录取", r.str("application.status"), "the largest sum the column holds is accepted")
	// A sign-in with a control character is a wrong sign-in, not a failure.
	require.Equal(t, 401, newClient(t).call("POST", "/auth/login", map[string]string{"username": nul, "password": "x"}).status)
}

// TestForwardedForOnlyFromTrustedProxies: a client cannot escape the sign-in throttle (or pick its
// address in the audit log) by sending X-Forwarded-For; the configured proxy can pass the real one.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	// The connection comes from an address of its own, so that other tests' sign-ins do not count.
	from := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+time.Now().UnixNano()%200))}
	direct := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: from}).DialContext}}
	attempts := func(trusted string, forwarded bool) []int {
		cfg := *env.Config
		cfg.Auth.LoginPerMinute, cfg.HTTP.TrustedProxies = 2, trusted
		front := httptest.NewServer((&server.Services{Config: &cfg, Store: env.Services.Store, Files: env.Services.Files, Temporal: env.Services.Temporal}).Handler())
		defer front.Close()
		var out []int
		for i := range 3 {
			req, _ := http.NewRequest("POST", front.URL+"/api/v1/auth/login", strings.NewReader(fmt.Sprintf(`{"username":"nobody%d","password":"wrong-password"}`, i)))
			req.Header.Set("Content-Type", "application/json")
			if forwarded {
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i+1))
			}
			req.Header.Set("X-Real-IP", fmt.Sprintf("192.0.2.%d", i+1))
			resp, err := direct.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			out = append(out, resp.StatusCode)
		}
		return out
	}
	require.Equal(t, []int{401, 401, 429}, attempts("", true), "a forged X-Forwarded-For or X-Real-IP is not a new client")
	require.Equal(t, []int{401, 401, 401}, attempts(from.IP.String(), true), "behind a trusted proxy each forwarded client counts on its own")
	require.Equal(t, []int{429, 429, 429}, attempts(from.IP.String(), false),
		"X-Real-IP is not believed even from the proxy: the requests are the proxy's own, already past the limit")
}

// TestListsCarryNoPersonalData: lists and exports are seen by a whole scope, so they carry no
// 身份证号, passport, phone, e-mail, address or emergency contact; the detail shows them to the
// application's reviewers.
func TestListsCarryNoPersonalData(t *testing.T) {
	project := newProject(t, projectSpec{})
	student, app := submitted(t, "LIT", project)
	personal := []string{demo.IDCard("120101", "20030101", 11), "E12345678", "13123263727", "13276876546", "test@example.edu.cn", "天津市和平区", "家长"}
	reviewer := login(t, "lit-reviewer")
	for who, c := range map[string]*client{"student": student, "reviewer": reviewer, "office": login(t, "jwc1"), "admin": login(t, "admin")} {
		for _, path := range []string{fmt.Sprintf("/applications?projectId=%d&pageSize=100", project), fmt.Sprintf("/reviews?projectId=%d&pageSize=100", project)} {
			r := c.call("GET", path, nil)
			if r.status == 403 {
				continue
			}
			require.Equal(t, 200, r.status, "%s %s", who, path)
			if who != "office" || strings.HasPrefix(path, "/applications") { // 教务处's queue does not hold it yet
				require.Contains(t, string(r.body), fmt.Sprintf(`"id":%d,`, app), "%s sees the application in %s: the check below is not of an empty list", who, path)
			}
			for _, p := range personal {
				require.NotContains(t, string(r.body), p, "%s sees %s in %s", who, p, path)
			}
		}
	}
	export := reviewer.call("GET", "/exports/applications.xlsx", nil)
	require.Equal(t, 200, export.status)
	table, err := sheet.Read(bytes.NewReader(export.body))
	require.NoError(t, err)
	require.NotEmpty(t, table.Rows)
	for _, row := range table.Rows {
		for _, p := range personal {
			require.NotContains(t, strings.Join(row, "|"), p)
		}
	}
	detail := reviewer.call("GET", pathf("/applications/%d", app), nil)
	require.Equal(t, 200, detail.status)
	require.Equal(t, personal[0], detail.str("application.form.idCardNo"), "the application's reviewer sees it in the detail")
}

// TestMissingObjectIsNotFound: a file whose object is gone from the store is a 404 that says so,
// not a 503 that invites retrying.
func TestMissingObjectIsNotFound(t *testing.T) {
	owner, app := submitted(t, "LIT", newProject(t, projectSpec{}))
	files := owner.call("GET", pathf("/applications/%d", app), nil)
	fileID := int64(files.list("requirements")[0].(map[string]any)["files"].([]any)[0].(map[string]any)["id"].(float64))
	var key string
	require.NoError(t, env.Services.Store.DB.Get(&key, `SELECT object_key FROM attachments WHERE id = $1`, fileID))
	require.NoError(t, env.Services.Files.Remove(context.Background(), key))
	r := owner.call("GET", pathf("/applications/%d/attachments/%d", app, fileID), nil)
	require.Equal(t, 404, r.status, string(r.body))
	require.Equal(t, "file_missing", r.str("error.code"))
	require.Contains(t, r.str("error.message"), "文件已丢失")
}

// TestTransfersAreBoundedByProgress: an upload that keeps coming is served however long it takes;
// one that stops is cut after http.request_timeout without a byte.
func TestTransfersAreBoundedByProgress(t *testing.T) {
	cfg := *env.Config
	// The timeout is six times the client's pause between chunks: a loaded machine cannot make a
	// steady upload look stalled, and the whole upload still lasts well past it.
	cfg.HTTP.RequestTimeout = 3 * time.Second
	front := httptest.NewServer((&server.Services{Config: &cfg, Store: env.Services.Store, Files: env.Services.Files, Temporal: env.Services.Temporal}).Handler())
	defer front.Close()
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	upload := func(stall time.Duration) (int, error) {
		content := append(pdfFile(), bytes.Repeat([]byte("%\n"), 200_000)...) // about 400 KB
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			part, _ := mw.CreateFormFile("file", "成绩单.pdf")
			for i := 0; i < len(content); i += 40_000 {
				if _, err := part.Write(content[i:min(i+40_000, len(content))]); err != nil {
					return
				}
				if stall > 0 && i >= 80_000 {
					time.Sleep(stall) // the client goes quiet
					stall = 0
				}
				time.Sleep(500 * time.Millisecond) // 10 chunks: about 5 s in all, past the 3 s timeout
			}
			_ = mw.Close()
			_ = pw.Close()
		}()
		req, _ := http.NewRequest("POST", front.URL+pathf("/api/v1/applications/%d/attachments?requirementId=%d", d.id, d.required[1]), pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+s.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	status, err := upload(0)
	require.NoError(t, err)
	require.Equal(t, 201, status, "a slow upload that keeps sending is served")
	status, err = upload(8 * time.Second)
	require.True(t, err != nil || status >= 400, "an upload that stops is cut (status %d, error %v)", status, err)
}

// TestHistoryHoldsNoPersonalDataInClear: the workflows' payloads are encrypted in Temporal's
// history; the Temporal UI's codec endpoint decodes them for an administrator's browser session
// (from the UI's origin, without a CSRF token) and for nobody else.
func TestHistoryHoldsNoPersonalDataInClear(t *testing.T) {
	ctx := context.Background()
	s := newStudent(t, "LIT")
	me := s.call("GET", "/me", nil)
	name := me.str("displayName")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d.id), nil).status)
	decide(t, login(t, "lit-reviewer"), d.id, map[string]any{"decision": "return", "opinion": "请补充身份证复印件"}, 200)

	var sealed []*commonpb.Payload
	it := env.Services.Temporal.GetWorkflowHistory(ctx, workflows.WorkflowID(d.id), "", false, 0)
	for it.HasNext() {
		e, err := it.Next()
		require.NoError(t, err)
		raw, err := protojson.Marshal(e)
		require.NoError(t, err)
		require.NotContains(t, string(raw), name, "the student's name is not in the history in clear")
		require.NotContains(t, string(raw), base64.StdEncoding.EncodeToString([]byte(name))[:8])
		if in := e.GetWorkflowExecutionStartedEventAttributes().GetInput(); in != nil {
			sealed = in.Payloads
		}
	}
	require.NotEmpty(t, sealed)
	require.Equal(t, "binary/encrypted", string(sealed[0].Metadata["encoding"]))

	// The Temporal UI's call, from an administrator's browser: cookie, the UI's origin, no CSRF token.
	body, err := protojson.Marshal(&commonpb.Payloads{Payloads: sealed})
	require.NoError(t, err)
	codecCall := func(c *client) (*http.Response, string) {
		req, _ := http.NewRequest("POST", env.URL+"/api/v1/temporal-codec/decode", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", "http://127.0.0.1:8233")
		resp, err := c.http.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp, string(out)
	}
	browserLogin := func(username string) *client {
		c := newClient(t)
		require.Equal(t, 200, c.call("POST", "/auth/login", map[string]string{"username": username, "password": demo.Password}).status)
		c.token = "" // the cookie only, as a browser
		return c
	}
	resp, out := codecCall(browserLogin("admin"))
	require.Equal(t, 200, resp.StatusCode, out)
	var decoded commonpb.Payloads
	require.NoError(t, protojson.Unmarshal([]byte(out), &decoded))
	var input workflows.Input
	require.NoError(t, converter.GetDefaultDataConverter().FromPayload(decoded.Payloads[0], &input))
	require.Equal(t, name, input.StudentName, "the administrator sees the payload decoded")
	resp, _ = codecCall(browserLogin("lit-reviewer"))
	require.Equal(t, 403, resp.StatusCode, "nobody else")
	resp, _ = codecCall(newClient(t))
	require.Equal(t, 401, resp.StatusCode)
}

// TestJSONMustSaySo: a body that does not say it is JSON is refused before it is read, so that a
// form on another site (text/plain needs no permission from the browser) cannot sign a victim in
// to the sender's account or act in a victim's session.
func TestJSONMustSaySo(t *testing.T) {
	c := newClient(t)
	credentials := []byte(`{"username":"2021216401","password":"Outbound2026"}`)
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", ""} {
		r := c.raw("POST", "/auth/login", ct, credentials)
		require.Equal(t, 415, r.status, "%q: %s", ct, r.body)
		require.Equal(t, "unsupported_media_type", r.str("error.code"))
		require.Empty(t, r.header.Values("Set-Cookie"), "no session for %q", ct)
	}
	r := c.raw("POST", "/auth/login", "application/json", credentials, "Sec-Fetch-Site", "cross-site")
	require.Equal(t, 403, r.status, "a sign-in another site's page sent: %s", r.body)
	require.Equal(t, "cross_site", r.str("error.code"))
	require.Empty(t, r.header.Values("Set-Cookie"))
	r = c.raw("POST", "/auth/login", "application/json; charset=utf-8", credentials, "Sec-Fetch-Site", "same-origin")
	require.Equal(t, 200, r.status, "JSON that says so is read")
}

// TestSignInsAndDataAccessAreAudited: a failed and a successful sign-in, an export of personal data
// and staff reading a student's file are each in the audit log with the client's address.
func TestSignInsAndDataAccessAreAudited(t *testing.T) {
	ctx := context.Background()
	s, id := submitted(t, "LIT", newProject(t, projectSpec{}))
	username := s.call("GET", "/me", nil).str("username")
	anon := newClient(t)
	require.Equal(t, 401, anon.call("POST", "/auth/login", map[string]string{"username": username, "password": "wrong-password"}).status)
	count := func(action, target string) int {
		var n int
		require.NoError(t, env.Services.Store.DB.GetContext(ctx, &n, `SELECT count(*) FROM audit_log
			WHERE action = $1 AND target_id = $2 AND remote_addr <> ''`, action, target))
		return n
	}
	require.Equal(t, 1, count("auth.login_failed", username), "the failed sign-in, with the address it came from")
	me := s.call("GET", "/me", nil).num("id")
	before := count("auth.login", fmt.Sprint(me))
	login(t, username)
	require.Equal(t, before+1, count("auth.login", fmt.Sprint(me)), "each sign-in")

	jwc := login(t, "jwc1")
	var jwcID int64
	require.NoError(t, env.Services.Store.DB.GetContext(ctx, &jwcID, `SELECT id FROM accounts WHERE username = 'jwc1'`))
	exports := func() int {
		var n int
		require.NoError(t, env.Services.Store.DB.GetContext(ctx, &n, `SELECT count(*) FROM audit_log WHERE action = 'application.export' AND actor_id = $1`, jwcID))
		return n
	}
	n := exports()
	require.Equal(t, 200, jwc.call("GET", "/exports/applications.xlsx", nil).status)
	require.Equal(t, n+1, exports(), "an export of personal data")

	file := s.call("GET", pathf("/applications/%d", id), nil).num("requirements.0.files.0.id")
	require.Equal(t, 200, s.call("GET", pathf("/applications/%d/attachments/%d", id, file), nil).status)
	require.Zero(t, count("attachment.read", fmt.Sprint(file)), "the student reading their own file is not an access to others' data")
	require.Equal(t, 200, jwc.call("GET", pathf("/applications/%d/attachments/%d", id, file), nil).status)
	require.Equal(t, 1, count("attachment.read", fmt.Sprint(file)), "staff reading it is")
}

// TestAnswersAreNotCached: the API's answers carry personal data; no cache may keep them.
func TestAnswersAreNotCached(t *testing.T) {
	s, id := submitted(t, "LIT", newProject(t, projectSpec{}))
	for _, path := range []string{"/me", pathf("/applications/%d", id), "/profile"} {
		r := s.call("GET", path, nil)
		require.Equal(t, 200, r.status)
		require.Contains(t, r.header.Get("Cache-Control"), "no-store", path)
	}
}

// TestUploadQuota: a person whose files fill the quota is told so in Chinese, beside the file, and
// nothing is stored — neither the object nor the row.
func TestUploadQuota(t *testing.T) {
	ctx := context.Background()
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	me := s.call("GET", "/me", nil).num("id")
	quota := env.Services.Config.Upload.QuotaBytes
	// What the student already keeps, as if uploaded: the quota less ten bytes.
	var used int64
	require.NoError(t, env.Services.Store.DB.GetContext(ctx, &used, `SELECT coalesce(sum(size_bytes), 0) FROM attachments WHERE owner_id = $1 AND deleted_at IS NULL`, me))
	_, err := env.Services.Store.DB.ExecContext(ctx, `INSERT INTO attachments (owner_id, application_id, kind, label, object_key, file_name, size_bytes, content_type, sha256)
		VALUES ($1, $2, 'required', '其他材料', $4, 'big.pdf', $3, 'application/pdf', repeat('0', 64))`, me, d.id, quota-used-10, pathf("quota-test/%d", d.id))
	require.NoError(t, err)
	var rowsBefore int
	require.NoError(t, env.Services.Store.DB.GetContext(ctx, &rowsBefore, `SELECT count(*) FROM attachments WHERE owner_id = $1`, me))
	objects := countObjects(t)
	r := s.upload(pathf("/applications/%d/attachments?requirementId=%d", d.id, d.required[0]), "成绩单.pdf", pdfFile())
	require.Equal(t, 413, r.status, string(r.body))
	require.Contains(t, r.errField("file"), "文件总量已达上限")
	var rowsAfter int
	require.NoError(t, env.Services.Store.DB.GetContext(ctx, &rowsAfter, `SELECT count(*) FROM attachments WHERE owner_id = $1`, me))
	require.Equal(t, rowsBefore, rowsAfter, "no row")
	require.Equal(t, objects, countObjects(t), "no object")
}
