//go:build integration

package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"outbound/config"
	"outbound/process"
	"outbound/server"
)

func TestAccountsAndAudit(t *testing.T) {
	admin := login(t, "admin")
	name := fmt.Sprintf("rev%d", time.Now().UnixNano()%1e9)
	r := admin.call("POST", "/accounts", map[string]any{"username": name, "displayName": "新审核员", "role": "college_reviewer", "password": "short"})
	require.Equal(t, 422, r.status)
	require.NotEmpty(t, r.errField("collegeCode"))
	require.NotEmpty(t, r.errField("password"))
	r = admin.call("POST", "/accounts", map[string]any{"username": name, "displayName": "新审核员", "role": "college_reviewer", "collegeCode": "SCI", "password": "Staff-2026-secret"})
	require.Equal(t, 201, r.status, string(r.body))
	id := r.num("id")
	require.Equal(t, 409, admin.call("POST", "/accounts", map[string]any{"username": name, "displayName": "x", "role": "admin", "password": "Staff-2026-secret"}).status)
	c := newClient(t)
	lr := c.call("POST", "/auth/login", map[string]string{"username": name, "password": "Staff-2026-secret"})
	require.Equal(t, 200, lr.status)
	rev := newClient(t)
	rev.token = lr.str("token")
	require.Equal(t, "SCI", rev.call("GET", "/me", nil).str("collegeCode"))

	r = admin.call("PUT", pathf("/accounts/%d", id), map[string]any{"displayName": "新审核员", "role": "college_reviewer", "collegeCode": "SCI", "disabled": true})
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, 401, rev.call("GET", "/me", nil).status, "disabling ends the sessions")
	require.Equal(t, 401, c.call("POST", "/auth/login", map[string]string{"username": name, "password": "Staff-2026-secret"}).status)
	require.Equal(t, 409, admin.call("PUT", pathf("/accounts/%d", admin.call("GET", "/me", nil).num("id")), map[string]any{"displayName": "x", "role": "admin", "disabled": true}).status)
	require.Equal(t, 204, admin.call("POST", pathf("/accounts/%d/password", id), map[string]any{"password": "Another-2026-pass"}).status)
	require.Equal(t, 403, login(t, "wsc").call("GET", "/accounts", nil).status)
	list := admin.call("GET", "/accounts?role=college_reviewer&q="+name, nil)
	require.EqualValues(t, 1, list.num("total"))

	// Decisions are audited with who, what, before, after and where from.
	_, app := submitted(t, "LIT", newProject(t, projectSpec{}))
	decide(t, login(t, "lit-reviewer"), app, ok, 200)
	audit := admin.call("GET", "/audit?pageSize=50", nil)
	require.Equal(t, 200, audit.status)
	var actions []string
	found := false
	for _, e := range audit.list("items") {
		entry := e.(map[string]any)
		actions = append(actions, entry["action"].(string))
		if entry["action"] == "application.decide" && entry["targetId"] == fmt.Sprint(app) {
			found = true
			require.Equal(t, "文学院审核员", entry["actorName"])
			require.Equal(t, "127.0.0.1", entry["remoteAddr"])
			require.Equal(t, "college_review", entry["before"].(map[string]any)["stage"])
			require.Equal(t, "approve", entry["after"].(map[string]any)["decision"])
		}
	}
	require.True(t, found, "the decision's own entry is in the audit log")
	for _, want := range []string{"account.create", "account.update", "account.reset_password", "application.decide"} {
		require.Contains(t, actions, want)
	}
	require.Equal(t, 403, login(t, "jwc1").call("GET", "/audit", nil).status)

	d := login(t, "wsc").call("GET", "/dashboard", nil)
	require.Equal(t, 200, d.status)
	require.NotEmpty(t, d.list("stages"))
	require.NotEmpty(t, d.list("projects"))
}

// casDouble speaks the CAS 2.0/3.0 protocol: /login hands out one-time service tickets, /serviceValidate checks them.
type casDouble struct {
	mu        sync.Mutex
	tickets   map[string]string // ticket → user
	service   map[string]string // ticket → service it was issued for
	user      string
	attrs     string
	loggedOut bool
	*httptest.Server
}

func newCASDouble() *casDouble {
	d := &casDouble{tickets: map[string]string{}, service: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/cas/login", func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		defer d.mu.Unlock()
		ticket := fmt.Sprintf("ST-%d-double", len(d.tickets)+1)
		d.tickets[ticket], d.service[ticket] = d.user, r.URL.Query().Get("service")
		service := r.URL.Query().Get("service")
		sep := "?"
		if strings.Contains(service, "?") {
			sep = "&"
		}
		http.Redirect(w, r, service+sep+"ticket="+ticket, http.StatusFound)
	})
	mux.HandleFunc("/cas/serviceValidate", func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		defer d.mu.Unlock()
		ticket, service := r.URL.Query().Get("ticket"), r.URL.Query().Get("service")
		user, known := d.tickets[ticket]
		delete(d.tickets, ticket) // tickets are single use
		w.Header().Set("Content-Type", "application/xml")
		if !known || d.service[ticket] != service {
			fmt.Fprintf(w, `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationFailure code="INVALID_TICKET">Ticket %s not recognized</cas:authenticationFailure></cas:serviceResponse>`, xmlEscape(ticket))
			return
		}
		fmt.Fprintf(w, `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess><cas:user>%s</cas:user><cas:attributes>%s</cas:attributes></cas:authenticationSuccess></cas:serviceResponse>`, xmlEscape(user), d.attrs)
	})
	mux.HandleFunc("/cas/logout", func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		d.loggedOut = true
		d.mu.Unlock()
		fmt.Fprint(w, "logged out")
	})
	d.Server = httptest.NewServer(mux)
	return d
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// casFront is a second API on the test's services, with CAS configured for a CAS double and its
// own URL as the public one; configure adjusts the configuration first. The configuration stays
// live: a test may change it between requests.
func casFront(t *testing.T, configure func(*config.Config)) (*casDouble, *httptest.Server, *config.Config) {
	cas := newCASDouble()
	t.Cleanup(cas.Close)
	var handler http.Handler
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(front.Close)
	cfg := *env.Config
	cfg.CAS.URL, cfg.HTTP.PublicURL = cas.URL+"/cas", front.URL
	if configure != nil {
		configure(&cfg)
	}
	handler = (&server.Services{Config: &cfg, Store: env.Services.Store, Files: env.Services.Files, Temporal: env.Services.Temporal}).Handler()
	return cas, front, &cfg
}

func TestCASSignIn(t *testing.T) {
	cas, front, cfg := casFront(t, nil)

	browser := newClient(t).http
	get := func(u string) *http.Response {
		resp, err := browser.Get(u)
		require.NoError(t, err)
		resp.Body.Close()
		return resp
	}
	cfgResp := get(front.URL + "/api/v1/auth/config")
	require.Equal(t, 200, cfgResp.StatusCode)

	// The CAS user is matched by 学号; attributes win over the user name when present.
	cas.user = "someone-else"
	cas.attrs = "<cas:studentNumber>2021216401</cas:studentNumber><cas:displayName>学生1</cas:displayName>"
	resp := get(front.URL + "/api/v1/auth/cas/login")
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, front.URL+"/", resp.Request.URL.String(), "signed in and sent to the web UI")
	me, err := browser.Get(front.URL + "/api/v1/me")
	require.NoError(t, err)
	var body bytes.Buffer
	_, _ = body.ReadFrom(me.Body)
	me.Body.Close()
	require.Equal(t, 200, me.StatusCode)
	require.Contains(t, body.String(), `"username":"2021216401"`)

	// A forged or replayed ticket opens nothing, even in the browser that started the sign-in.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	starter := newClient(t).http
	starter.CheckRedirect = noRedirect.CheckRedirect
	for _, ticket := range []string{"ST-forged", "ST-1-double"} {
		state := casState(t, starter, front.URL)
		resp, err := starter.Get(front.URL + "/api/v1/auth/cas/callback?state=" + state + "&ticket=" + url.QueryEscape(ticket))
		require.NoError(t, err)
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		resp.Body.Close()
		require.Equal(t, 401, resp.StatusCode, ticket)
		require.Contains(t, b.String(), "登录凭证无效")
		for _, ck := range resp.Cookies() {
			require.False(t, ck.Name == "outbound_session" && ck.Value != "", "no session for %s", ticket)
		}
	}

	// Login CSRF: a valid ticket of someone else's sign-in, sent to a browser that did not start it, opens nothing.
	state := casState(t, starter, front.URL)
	loginAt, err := starter.Get(cas.URL + "/cas/login?service=" + url.QueryEscape(front.URL+"/api/v1/auth/cas/callback?state="+state))
	require.NoError(t, err)
	loginAt.Body.Close()
	victim := newClient(t).http
	resp, err = victim.Get(loginAt.Header.Get("Location"))
	require.NoError(t, err)
	body.Reset()
	_, _ = body.ReadFrom(resp.Body)
	resp.Body.Close()
	require.Equal(t, 400, resp.StatusCode)
	require.Contains(t, body.String(), "不是从本浏览器发起的")

	resp, err = noRedirect.Get(front.URL + "/api/v1/auth/cas/callback")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 400, resp.StatusCode)

	// An unknown person is refused clearly.
	cas.user, cas.attrs = "9999999999", ""
	resp, err = browser.Get(front.URL + "/api/v1/auth/cas/login")
	require.NoError(t, err)
	body.Reset()
	_, _ = body.ReadFrom(resp.Body)
	resp.Body.Close()
	require.Equal(t, 403, resp.StatusCode)
	require.Contains(t, body.String(), "9999999999 尚未开通")

	// CAS cannot open an account kept for sign-in here: an administrator's, a local staff account.
	localStaff := fmt.Sprintf("local%d", time.Now().UnixNano()%1e9)
	require.Equal(t, 201, login(t, "admin").call("POST", "/accounts", map[string]any{"username": localStaff, "displayName": "本地账号",
		"role": "foreign_affairs", "password": "Staff-2026-secret"}).status)
	for _, local := range []string{"admin", localStaff} {
		cas.user = local
		resp, err = browser.Get(front.URL + "/api/v1/auth/cas/login")
		require.NoError(t, err)
		body.Reset()
		_, _ = body.ReadFrom(resp.Body)
		resp.Body.Close()
		require.Equal(t, 403, resp.StatusCode, local)
		require.Contains(t, body.String(), "只能使用本系统密码登录", local)
	}

	// The CAS server down is a clear message too.
	cas.user = "2021216401"
	down := newCASDouble()
	down.Close()
	cfg.CAS.URL = down.URL + "/cas"
	state = casState(t, starter, front.URL)
	resp, err = starter.Get(front.URL + "/api/v1/auth/cas/callback?state=" + state + "&ticket=ST-x")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 401, resp.StatusCode)

	// A validation answered by a redirect (to plain http, to another host) is not followed: the
	// sign-in, which would succeed at the server redirected to, fails.
	cas.user, cas.attrs = "2021216401", ""
	moved := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, cas.URL+r.URL.RequestURI(), http.StatusFound)
	}))
	defer moved.Close()
	cfg.CAS.URL = moved.URL + "/cas"
	viaRedirect := newClient(t).http
	resp, err = viaRedirect.Get(front.URL + "/api/v1/auth/cas/login")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 401, resp.StatusCode, "the validation's redirect is not followed")
	cfg.CAS.URL = cas.URL + "/cas"

	// The CAS logout link changes nothing here (a link on another site cannot sign anyone out);
	// POST /auth/logout ends the session, then the browser signs out at CAS.
	resp = get(front.URL + "/api/v1/auth/cas/login")
	require.Equal(t, 200, resp.StatusCode)
	get(front.URL + "/api/v1/auth/cas/logout")
	require.True(t, cas.loggedOut)
	me, err = browser.Get(front.URL + "/api/v1/me")
	require.NoError(t, err)
	me.Body.Close()
	require.Equal(t, 200, me.StatusCode, "a GET ends no session")
	var csrf string
	for _, ck := range browser.Jar.Cookies(mustURL(front.URL)) {
		if ck.Name == "outbound_csrf" {
			csrf = ck.Value
		}
	}
	out, _ := http.NewRequest("POST", front.URL+"/api/v1/auth/logout", nil)
	out.Header.Set("X-CSRF-Token", csrf)
	resp, err = browser.Do(out)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 204, resp.StatusCode)
	me, err = browser.Get(front.URL + "/api/v1/me")
	require.NoError(t, err)
	me.Body.Close()
	require.Equal(t, 401, me.StatusCode)
}

// casState starts a CAS sign-in in a browser that does not follow redirects: the browser keeps
// the state cookie, and the state is read from the service URL sent to CAS.
func casState(t *testing.T, browser *http.Client, front string) string {
	resp, err := browser.Get(front + "/api/v1/auth/cas/login")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 302, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	service, err := url.Parse(loc.Query().Get("service"))
	require.NoError(t, err)
	state := service.Query().Get("state")
	require.NotEmpty(t, state)
	return state
}

// TestAccountsOfEveryRole: an administrator opens an account of each role; each
// signs in with its scope, and a new student lands on an empty profile of their college.
func TestAccountsOfEveryRole(t *testing.T) {
	admin := login(t, "admin")
	for _, role := range process.Roles {
		t.Run(string(role), func(t *testing.T) {
			name := fmt.Sprintf("%s%d", role, time.Now().UnixNano()%1e9)
			body := map[string]any{"username": name, "displayName": "新账号", "role": role, "password": "Staff-2026-secret"}
			if role.Scoped() {
				body["collegeCode"] = "ECO"
			}
			r := admin.call("POST", "/accounts", body)
			require.Equal(t, 201, r.status, string(r.body))
			require.Equal(t, string(role), r.str("role"))
			lr := newClient(t).call("POST", "/auth/login", map[string]string{"username": name, "password": "Staff-2026-secret"})
			require.Equal(t, 200, lr.status, string(lr.body))
			c := newClient(t)
			c.token = lr.str("token")
			require.Equal(t, 204, c.call("POST", "/me/password", map[string]any{"currentPassword": "Staff-2026-secret", "newPassword": "Own-choice-2026-x"}).status,
				"the administrator's password is changed first")
			me := c.call("GET", "/me", nil)
			require.Equal(t, string(role), me.str("role"))
			if role.Scoped() {
				require.Equal(t, "ECO", me.str("collegeCode"))
			}
			if role == process.RoleStudent {
				p := c.call("GET", "/profile", nil)
				require.Equal(t, 200, p.status, string(p.body))
				require.Equal(t, "新账号", p.str("profile.nameCn"))
				require.Equal(t, "ECO", p.str("profile.collegeCode"))
				require.NotEmpty(t, p.str("profile.systemNo"))
				require.False(t, p.get("completeness.complete").(bool))
			}
		})
	}
}

// casSignIn signs a fresh browser in through CAS as the double's current person; it answers
// the final status, the body and the browser.
func casSignIn(t *testing.T, front string) (int, string, *http.Client) {
	browser := newClient(t).http
	resp, err := browser.Get(front + "/api/v1/auth/cas/login")
	require.NoError(t, err)
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return resp.StatusCode, body.String(), browser
	}
	me, err := browser.Get(front + "/api/v1/me")
	require.NoError(t, err)
	body.Reset()
	_, _ = body.ReadFrom(me.Body)
	me.Body.Close()
	return me.StatusCode, body.String(), browser
}

// TestCASProvisioning: with provisioning from attributes, a student not in the roster lands on a
// complete account of their college; what CAS may not decide stays the roster's.
func TestCASProvisioning(t *testing.T) {
	cas, front, _ := casFront(t, func(cfg *config.Config) {
		cfg.CAS.Provision, cfg.CAS.NumberAttribute = "attributes", "XGH"
		cfg.CAS.NameAttribute, cfg.CAS.CollegeAttribute, cfg.CAS.RoleAttribute = "XM", "YXMC", "RYLB"
		cfg.CAS.RoleValues = "本科生=student,研究生=student,学院秘书=college_reviewer"
	})
	number := fmt.Sprintf("C%d", time.Now().UnixNano()%1e9)
	attrs := func(number, name, college, kind string) string {
		return "<cas:XGH>" + number + "</cas:XGH><cas:XM>" + name + "</cas:XM><cas:YXMC>" + college + "</cas:YXMC><cas:RYLB>" + kind + "</cas:RYLB>"
	}

	// A new student, the college named as the university names it.
	cas.user, cas.attrs = "ignored", attrs(number, "统一认证新生", "经济管理学院", "本科生")
	status, body, browser := casSignIn(t, front.URL)
	require.Equal(t, 200, status, body)
	require.Contains(t, body, `"username":"`+number+`"`)
	require.Contains(t, body, `"role":"student"`)
	require.Contains(t, body, `"collegeCode":"ECO"`)
	profile, err := browser.Get(front.URL + "/api/v1/profile")
	require.NoError(t, err)
	var p bytes.Buffer
	_, _ = p.ReadFrom(profile.Body)
	profile.Body.Close()
	require.Equal(t, 200, profile.StatusCode)
	require.Contains(t, p.String(), `"nameCn":"统一认证新生"`, "the student lands on a profile of their own")

	// Next time CAS knows a new college (by code) and a corrected name: the account follows.
	cas.attrs = attrs(number, "统一认证新生乙", "LIT", "本科生")
	status, body, _ = casSignIn(t, front.URL)
	require.Equal(t, 200, status, body)
	require.Contains(t, body, `"collegeCode":"LIT"`)
	require.Contains(t, body, `"displayName":"统一认证新生乙"`)

	// A reviewer in the roster keeps the role the roster gave, whatever CAS says.
	cas.attrs = attrs("eco-reviewer", "经管学院审核员", "ECO", "本科生")
	status, body, _ = casSignIn(t, front.URL)
	require.Equal(t, 200, status, body)
	require.Contains(t, body, `"role":"college_reviewer"`)

	// Who CAS cannot place is refused with the reason, and gets no account.
	for _, c := range []struct{ attrs, want string }{
		{attrs(number+"t", "某老师", "ECO", "教师"), "您的身份（教师）不能自动开通"},
		{attrs(number+"u", "某同学", "未登记学院", "研究生"), "学院“未登记学院”尚未登记"},
		{attrs(number+"v", "", "ECO", "研究生"), "未提供您的姓名"},
		{attrs(number+"w", strings.Repeat("名", process.MaxNameRunes+1), "ECO", "研究生"), "未提供您的姓名"},
		{attrs("", "某同学", "ECO", "研究生"), "未提供学号或工号"},
	} {
		cas.attrs = c.attrs
		status, body, _ = casSignIn(t, front.URL)
		require.Equal(t, 403, status, c.attrs)
		require.Contains(t, body, c.want)
	}
	var n int
	require.NoError(t, env.Services.Store.DB.Get(&n, `SELECT count(*) FROM accounts WHERE username LIKE $1`, number+"_"))
	require.Zero(t, n)

	// A disabled account stays out.
	admin := login(t, "admin")
	acc := rowOf(t, admin.call("GET", "/accounts?q="+number, nil), "username", number)
	require.Equal(t, 200, admin.call("PUT", pathf("/accounts/%v", acc["id"]), map[string]any{"displayName": "统一认证新生乙", "role": "student", "collegeCode": "LIT", "disabled": true}).status)
	cas.attrs = attrs(number, "统一认证新生乙", "LIT", "本科生")
	status, body, _ = casSignIn(t, front.URL)
	require.Equal(t, 403, status)
	require.Contains(t, body, "账号已停用")

	// Provisioning is audited.
	var actions []string
	require.NoError(t, env.Services.Store.DB.Select(&actions, `SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id`, fmt.Sprint(acc["id"])))
	require.Equal(t, []string{"account.provision", "auth.login", "account.provision_update", "auth.login", "account.update"}, actions,
		"provisioning, and each CAS sign-in")
	var refused int
	require.NoError(t, env.Services.Store.DB.Get(&refused, `SELECT count(*) FROM audit_log WHERE action = 'auth.login_failed'
		AND after->>'source' = 'cas' AND after->>'reason' LIKE '%停用%' AND remote_addr <> ''`))
	require.NotZero(t, refused, "the disabled account's CAS sign-in, refused")
}

// TestChangeOwnPassword: a local account changes its password with the current one; other
// sessions end, this one stays; a wrong current password counts towards the lockout; a CAS-only
// account is told where to change it.
func TestChangeOwnPassword(t *testing.T) {
	admin := login(t, "admin")
	for _, role := range []string{"student", "college_reviewer"} {
		name := fmt.Sprintf("pw%s%d", role[:3], time.Now().UnixNano()%1e9)
		r := admin.call("POST", "/accounts", map[string]any{"username": name, "displayName": "改密码", "role": role, "collegeCode": "LIT", "password": "First-2026-pass!"})
		require.Equal(t, 201, r.status, string(r.body))
		signIn := func(pw string) *client {
			c := newClient(t)
			lr := c.call("POST", "/auth/login", map[string]string{"username": name, "password": pw})
			require.Equal(t, 200, lr.status, string(lr.body))
			c.token = lr.str("token")
			return c
		}
		here, elsewhere := signIn("First-2026-pass!"), signIn("First-2026-pass!")
		require.Equal(t, true, here.call("GET", "/me", nil).get("localPassword"))
		r = here.call("POST", "/me/password", map[string]any{"currentPassword": "wrong-one", "newPassword": "Second-2026-pass"})
		require.Equal(t, 422, r.status)
		require.Equal(t, "当前密码不正确", r.errField("currentPassword"))
		r = here.call("POST", "/me/password", map[string]any{"currentPassword": "First-2026-pass!", "newPassword": "short"})
		require.Equal(t, 422, r.status)
		require.NotEmpty(t, r.errField("newPassword"))
		require.Equal(t, 204, here.call("POST", "/me/password", map[string]any{"currentPassword": "First-2026-pass!", "newPassword": "Second-2026-pass"}).status)
		require.Equal(t, 200, here.call("GET", "/me", nil).status, "this session stays")
		require.Equal(t, 401, elsewhere.call("GET", "/me", nil).status, "other sessions end")
		require.Equal(t, 401, newClient(t).call("POST", "/auth/login", map[string]string{"username": name, "password": "First-2026-pass!"}).status)
		signIn("Second-2026-pass")
	}
	// A roster account signs in through CAS only and has no password here to change.
	var id int64
	require.NoError(t, env.Services.Store.DB.Get(&id, `INSERT INTO accounts (username, display_name, role, college_code) VALUES ($1, 'CAS', 'student', 'LIT') RETURNING id`,
		fmt.Sprintf("cas%d", time.Now().UnixNano()%1e9)))
	sum := sha256.Sum256([]byte("cas-only-session-token"))
	_, err := env.Services.Store.DB.Exec(`INSERT INTO sessions (token_hash, account_id, csrf_token, expires_at) VALUES ($1, $2, 'x', now() + interval '1 hour')`, sum[:], id)
	require.NoError(t, err)
	cas := newClient(t)
	cas.token = "cas-only-session-token"
	require.Equal(t, false, cas.call("GET", "/me", nil).get("localPassword"))
	r := cas.call("POST", "/me/password", map[string]any{"currentPassword": "anything-1", "newPassword": "Second-2026-pass"})
	require.Equal(t, 409, r.status)
	require.Contains(t, r.str("error.message"), "统一身份认证")
}
