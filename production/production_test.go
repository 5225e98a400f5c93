//go:build production

// The test of the layout (production.Start): two workers and two APIs of Outbound over it, a new
// university opened from the command line, applications through their whole lifecycle alternating
// between the two APIs, and one worker killed with SIGKILL while they are in review.
package production_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/lib/pq"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"outbound/devstack"
	"outbound/production"
	"outbound/storage/demo"
)

// Passwords of this run's people.
const (
	staffPassword   = "Staff-2026-secret"
	studentPassword = "Student-2026-secret"
	firstPassword   = "Given-by-the-office-26"
	students        = 6
)

// logWriter sends a subprocess's or a step's lines to the test log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// run runs a command of the layout to completion, failing the test if it fails.
func run(t *testing.T, l *production.Layout, env []string, name string, args ...string) string {
	t.Helper()
	out, err := l.Run(env, name, args...)
	require.NoError(t, err)
	return out
}

func TestProductionLayout(t *testing.T) {
	began := time.Now()
	phase := func(format string, args ...any) {
		t.Logf("[%5.1fs] %s", time.Since(began).Seconds(), fmt.Sprintf(format, args...))
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "outbound-production-")
	require.NoError(t, err)
	// PostgreSQL runs as its own user when the tests run as root: it must enter the folder.
	require.NoError(t, os.Chmod(dir, 0o755))
	defer os.RemoveAll(dir)
	l, err := production.Start(ctx, production.Options{Dir: dir, Root: "..", Progress: logWriter{t}})
	require.NoError(t, err, "%v", l)
	defer l.Stop()
	defer func() {
		if t.Failed() {
			t.Log(l.LogTails(30))
		}
	}()
	phase("the layout is up: PostgreSQL (deploy/postgres-init.sh), Temporal %s on it (deploy/temporal-schema.sh, `outbound temporal-setup`), MinIO; migrations applied as the application's role",
		devstack.TemporalServerVersion)
	require.Contains(t, l.Outputs["temporal-schema.sh"], "temporal schemas are up to date")
	require.Contains(t, l.Outputs["temporal-setup"], "search attributes:")

	// Only a client with a certificate the CA signed reaches Temporal; the roles are no superusers.
	refusedWithout(t, l, nil)
	refusedWithout(t, l, &tls.Config{ServerName: production.TemporalServerName, RootCAs: pool(t, l.TLS.CA), MinVersion: tls.VersionTLS12})
	db, err := sql.Open("postgres", l.DatabaseURL)
	require.NoError(t, err)
	var supers string
	require.NoError(t, db.QueryRowContext(ctx, `SELECT coalesce(string_agg(rolname, ','), '') FROM pg_roles WHERE rolname IN ('temporal', 'outbound') AND rolsuper`).Scan(&supers))
	require.Empty(t, supers, "superusers")
	db.Close()
	phase("mutual TLS: a client without a certificate, or over plain gRPC, is refused; Temporal's and Outbound's database roles are not superusers")

	// Every setup step runs again after an upgrade: a second run changes nothing.
	require.NoError(t, l.Script(l.PostgresEnv(), "postgres-init.sh"))
	require.NoError(t, l.Script(l.SQLToolEnv(), "temporal-schema.sh"))
	require.Contains(t, l.Outputs["temporal-schema.sh"], "temporal schemas are up to date")
	require.Contains(t, run(t, l, l.Env, l.Outbound, "temporal-setup"), "search attributes: all registered")
	phase("a second run of each setup step changes nothing")

	// A new university opens from the command line: its first administrator, a college, its roster.
	run(t, l, l.Env, "sh", "-c", "echo "+staffPassword+" | "+l.Outbound+" accounts create --username admin --name 系统管理员 --password-stdin")
	run(t, l, l.Env, l.Outbound, "colleges", "save", "ECO", "经济管理学院")
	roster := "学号/工号,姓名,角色,学院,在读学历,专业,年级,入学年份\n" +
		"eco-reviewer,经管学院审核员,学院审核员,ECO,,,,\njwc1,教务处审核员甲,教务处,,,,,\njwc2,教务处审核员乙,教务处,,,,,\nwsc,外事部门审核员,外事部门,,,,,\n"
	for i := 1; i <= students; i++ {
		roster += fmt.Sprintf("2025%04d,学生%d,学生,经济管理学院,本科生,工商管理,大三,2023\n", i, i)
	}
	rosterFile := filepath.Join(dir, "名单.csv")
	require.NoError(t, os.WriteFile(rosterFile, []byte(roster), 0o644))
	require.Contains(t, run(t, l, l.Env, l.Outbound, "roster", "import", rosterFile, "--apply"), fmt.Sprintf("create %d (applied)", students+4))
	phase("bootstrap: administrator, college and roster of %d accounts created from the command line", students+4)

	// Two workers and two APIs.
	var apis []string
	var workers []*exec.Cmd
	var workerURLs []string
	for i := 1; i <= 2; i++ {
		w, url, err := l.StartWorker(fmt.Sprintf("worker-%d", i))
		require.NoError(t, err)
		workers, workerURLs = append(workers, w), append(workerURLs, url)
		_, api, err := l.StartAPI(fmt.Sprintf("api-%d", i), "OUTBOUND_AUTH_LOGIN_PER_MINUTE=1000")
		require.NoError(t, err)
		apis = append(apis, api)
	}
	phase("two workers (healthy) and two APIs (ready)")

	// Everyone signs in through the APIs, alternately; the administrator sets the staff's and
	// students' first passwords, which each changes to their own at the first sign-in.
	admin := signIn(t, apis[0], "admin", staffPassword)
	accounts := admin.get("/accounts?pageSize=100")
	for _, item := range accounts["items"].([]any) {
		a := item.(map[string]any)
		if a["username"] == "admin" {
			continue
		}
		pw := staffPassword
		if a["role"] == "student" {
			pw = studentPassword
		}
		admin.must("POST", fmt.Sprintf("/accounts/%v/password", a["id"]), map[string]any{"password": firstPassword}, 204)
		first := signIn(t, apis[0], a["username"].(string), firstPassword)
		first.must("POST", "/me/password", map[string]any{"currentPassword": firstPassword, "newPassword": pw}, 204)
	}
	staff := map[string][2]*session{}
	for _, u := range []string{"eco-reviewer", "jwc1", "jwc2", "wsc"} {
		staff[u] = [2]*session{signIn(t, apis[0], u, staffPassword), signIn(t, apis[1], u, staffPassword)}
	}
	project := createProject(t, admin)
	phase("project %d published by the administrator", project)

	// The students apply, each through the API of their number, alternating request by request.
	apps := make([]int64, students)
	var wg sync.WaitGroup
	for i := range students {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := [2]*session{signIn(t, apis[0], fmt.Sprintf("2025%04d", i+1), studentPassword), signIn(t, apis[1], fmt.Sprintf("2025%04d", i+1), studentPassword)}
			apps[i] = apply(t, s, project, i+1)
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	phase("%d applications submitted through both APIs", students)

	// decideAll approves every application as one reviewer, in parallel, alternating the APIs. A
	// decision that meets an outage (5xx) is sent again with the same Idempotency-Key, as the web UI
	// does, so that it is applied once.
	var retried atomic.Int64
	decideAll := func(who string) {
		t.Helper()
		var wg sync.WaitGroup
		for i, app := range apps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				key := fmt.Sprintf("%s-%d-%d", who, app, time.Now().UnixNano())
				body := `{"decision":"approve","opinion":"同意"}`
				for attempt := 0; ; attempt++ {
					status, out := staff[who][(i+attempt)%2].sendWith("POST", fmt.Sprintf("/applications/%d/decide", app), strings.NewReader(body), "application/json", "Idempotency-Key", key)
					if status == 200 {
						break
					}
					retried.Add(1)
					if status < 500 || attempt == 20 {
						t.Errorf("%s deciding %d: %d %v", who, app, status, out)
						return
					}
					time.Sleep(time.Second)
				}
			}()
		}
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
	}
	decideAll("eco-reviewer")
	phase("college review: all approved")

	// One worker dies while every application waits for 教务处审核, as a machine would; half of
	// the workflows are cached on it (sticky), and the other worker must carry them all on.
	require.NoError(t, workers[0].Process.Signal(syscall.SIGKILL))
	_, _ = workers[0].Process.Wait()
	phase("worker 1 killed with SIGKILL while %d applications wait for 教务处审核", students)
	decideAll("jwc1")
	phase("academic review: all approved by the surviving worker")
	decideAll("wsc")
	phase("foreign-affairs review: all approved (admitted) with one worker; %d decisions met the outage and were sent again", retried.Load())

	for i, app := range apps {
		s := staffless(t, apis, i)
		s[i%2].upload(fmt.Sprintf("/applications/%d/attachments?kind=predeparture", app), "行前材料.pdf", pdf(), 201)
		s[i%2].must("PUT", fmt.Sprintf("/applications/%d/travel-info", app), demo.TravelInfo(), 200)
		s[(i+1)%2].must("POST", fmt.Sprintf("/applications/%d/submit-predeparture", app), nil, 200)
	}
	decideAll("jwc1")
	decideAll("jwc2")
	decideAll("wsc")
	phase("pre-departure materials submitted and approved in three reviews")
	for i, app := range apps {
		s := staffless(t, apis, i)
		s[i%2].upload(fmt.Sprintf("/applications/%d/attachments?kind=return_report", app), "返校总结.pdf", pdf(), 201)
		s[(i+1)%2].must("POST", fmt.Sprintf("/applications/%d/submit-return-report", app), nil, 200)
	}
	decideAll("wsc")
	phase("return reports submitted and approved")

	// Nothing lost or doubled: every application completed, each step recorded once, in order.
	db, err = sql.Open("postgres", l.DatabaseURL)
	require.NoError(t, err)
	defer db.Close()
	for _, app := range apps {
		var stage string
		var decided, submitted, events, maxSeq int
		require.NoError(t, db.QueryRow(`SELECT stage FROM applications WHERE id = $1`, app).Scan(&stage))
		require.NoError(t, db.QueryRow(`SELECT count(*) FILTER (WHERE kind = 'decided'), count(*) FILTER (WHERE kind = 'submitted'),
			count(*), coalesce(max(seq), 0) FROM timeline_events WHERE application_id = $1`, app).Scan(&decided, &submitted, &events, &maxSeq))
		require.Equal(t, "completed", stage, "application %d", app)
		require.Equal(t, 7, decided, "application %d: seven reviews, each recorded once", app)
		require.Equal(t, 3, submitted, "application %d: three submissions, each recorded once", app)
		require.Equal(t, events, maxSeq, "application %d: no gap in the record", app)
	}
	var admitted int
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM admissions WHERE project_id = $1`, project).Scan(&admitted))
	require.Equal(t, students, admitted, "each admission counted once against the quota")
	phase("all %d applications completed: 7 decisions and 3 submissions each, no gaps, %d admissions", students, admitted)

	// What the operators watch: the surviving worker's SDK metrics and the server's.
	metricsOf := func(url string) string {
		resp, err := http.Get(url)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	workerMetrics := metricsOf(workerURLs[1] + "/metrics")
	sdk := map[string]bool{}
	for _, line := range strings.Split(workerMetrics, "\n") {
		if name, _, ok := strings.Cut(line, "{"); ok && strings.HasPrefix(name, "temporal_") {
			sdk[strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_count"), "_sum")] = true
		}
	}
	t.Logf("worker SDK metrics: %d series names, e.g. %v", len(sdk), slices.Sorted(maps.Keys(sdk))[:min(8, len(sdk))])
	for _, name := range []string{"temporal_workflow_task_execution_latency", "temporal_local_activity_execution_latency", "temporal_sticky_cache_size"} {
		require.Contains(t, workerMetrics, name)
	}
	require.Contains(t, metricsOf(l.MetricsURL), "persistence_requests")
	phase("worker /metrics carries the SDK's task latencies and sticky cache; the server's /metrics its persistence")
}

// session is a signed-in account on one API.
type session struct {
	t     *testing.T
	base  string
	token string
}

func signIn(t *testing.T, base, username, password string) *session {
	s := &session{t: t, base: base}
	r := s.must("POST", "/auth/login", map[string]string{"username": username, "password": password}, 200)
	s.token = r["token"].(string)
	return s
}

func (s *session) send(method, path string, body io.Reader, contentType string) (int, map[string]any) {
	return s.sendWith(method, path, body, contentType)
}

// sendWith sends a request with extra headers, given as name, value pairs.
func (s *session) sendWith(method, path string, body io.Reader, contentType string, headers ...string) (int, map[string]any) {
	req, err := http.NewRequest(method, s.base+"/api/v1"+path, body)
	require.NoError(s.t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	if out == nil {
		out = map[string]any{"raw": string(raw)}
	}
	return resp.StatusCode, out
}

func (s *session) must(method, path string, body any, want int) map[string]any {
	s.t.Helper()
	var r io.Reader
	ct := ""
	if body != nil {
		b, _ := json.Marshal(body)
		r, ct = bytes.NewReader(b), "application/json"
	}
	status, out := s.send(method, path, r, ct)
	require.Equal(s.t, want, status, "%s %s on %s: %v", method, path, s.base, out)
	return out
}

func (s *session) get(path string) map[string]any { return s.must("GET", path, nil, 200) }

func (s *session) upload(path, name string, content []byte, want int) map[string]any {
	s.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, _ := w.CreateFormFile("file", name)
	_, _ = part.Write(content)
	_ = w.Close()
	status, out := s.send("POST", path, &buf, w.FormDataContentType())
	require.Equal(s.t, want, status, "upload %s on %s: %v", path, s.base, out)
	return out
}

// staffless signs student i in on both APIs (sessions are shared by every API through the database).
var studentSessions sync.Map

func staffless(t *testing.T, apis []string, i int) [2]*session {
	if s, ok := studentSessions.Load(i); ok {
		return s.([2]*session)
	}
	u := fmt.Sprintf("2025%04d", i+1)
	s := [2]*session{signIn(t, apis[0], u, studentPassword), signIn(t, apis[1], u, studentPassword)}
	studentSessions.Store(i, s)
	return s
}

func createProject(t *testing.T, admin *session) int64 {
	now := time.Now()
	day := func(d int) string { return now.AddDate(0, 0, d).Format("2006-01-02") }
	p := admin.must("POST", "/projects", map[string]any{
		"code": "PROD2026", "name": "生产布局验证项目", "year": now.Year(), "startDate": day(-30), "endDate": day(-1),
		"institutionName": "测试大学", "country": "英国", "category": "校际交流学分项目", "termLength": "短期", "durationText": "一个月",
		"applyStart": now.Add(-time.Hour), "applyEnd": now.Add(30 * 24 * time.Hour), "allowDatesOutside": true,
		"eligibleDegreeLevels": []string{"本科生"}, "quota": 10,
		"requirements": []map[string]any{{"kind": "成绩单", "formats": []string{"pdf"}, "maxBytes": 1 << 20, "required": true}},
	}, 201)
	id := int64(p["id"].(float64))
	admin.must("POST", fmt.Sprintf("/projects/%d/publish", id), nil, 200)
	return id
}

// apply completes the student's profile and submits an application, alternating between the APIs.
func apply(t *testing.T, s [2]*session, project int64, n int) int64 {
	birth := "20030101"
	id := demo.IDCard("120101", birth, 2*n+1) // an odd sequence number: a man's
	year := 2023
	s[0].must("PUT", "/profile", map[string]any{"nameCn": fmt.Sprintf("学生%d", n), "namePinyin": "XUE SHENG", "gender": "男",
		"birthDate": "2003-01-01", "idCardNo": id, "hukouLocation": "天津市", "politicalStatus": "共青团员", "ethnicity": "汉族",
		"degreeLevel": "本科生", "major": "工商管理", "grade": "大三", "enrollmentYear": year, "phone": "13123263727",
		"email": fmt.Sprintf("s%d@example.edu.cn", n), "emergencyName": "家长", "emergencyPhone": "13276876546"}, 200)
	s[1].must("POST", "/profile/learning-experiences", map[string]any{"startDate": "2018-09-01", "endDate": "2021-06-30", "schoolName": "天津中学", "degree": "高中"}, 201)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, _ := w.CreateFormFile("file", "photo.png")
	_, _ = part.Write(photo())
	_ = w.Close()
	status, out := s[0].send("PUT", "/profile/photo", &buf, w.FormDataContentType())
	require.Equal(t, 200, status, "%v", out)
	notice := s[1].get("/notice")
	app := s[0].must("POST", "/applications", map[string]any{"projectId": project, "noticeVersion": notice["version"], "noticeAccepted": true, "commitmentAccepted": true}, 201)
	appID := int64(app["id"].(float64))
	basic := s[1].must("PUT", fmt.Sprintf("/applications/%d/basic-info", appID), map[string]any{
		"nameCn": fmt.Sprintf("学生%d", n), "idCardNo": id, "gender": "男", "politicalStatus": "共青团员", "hukouLocation": "天津市 和平区",
		"birthDate": "2003-01-01", "ethnicity": "汉族", "passportNo": "E12345678", "major": "工商管理", "cohort": "2023", "degreeLevel": "本科生",
		"grade": "大三", "schoolingLength": "4年", "phone": "13123263727", "email": fmt.Sprintf("s%d@example.edu.cn", n),
		"emergencyName": "家长", "emergencyPhone": "13276876546", "familyAddress": "天津市和平区", "supervisorName": "张老师", "supervisorPhone": "13234335445",
	}, 200)
	appInfo := basic["application"].(map[string]any)
	s[0].must("PUT", fmt.Sprintf("/applications/%d/apply-info", appID), map[string]any{"departureDate": appInfo["projectStartDate"],
		"returnDate": appInfo["projectEndDate"], "gpa": 3.6, "weightedAverage": 88.5}, 200)
	req := basic["requirements"].([]any)[0].(map[string]any)["id"]
	s[1].upload(fmt.Sprintf("/applications/%d/attachments?requirementId=%v", appID, req), "成绩单.pdf", pdf(), 201)
	s[0].must("POST", fmt.Sprintf("/applications/%d/submit", appID), nil, 200)
	return appID
}

func pdf() []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

// photo is a 300×420 PNG, the size the photo check accepts.
func photo() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 300, 420))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// refusedWithout checks that the Temporal frontend refuses a client with the given TLS (nil: plain gRPC).
func refusedWithout(t *testing.T, l *production.Layout, tc *tls.Config) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.DialContext(ctx, client.Options{HostPort: l.TemporalAddress, ConnectionOptions: client.ConnectionOptions{TLS: tc},
		Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err == nil {
		_, err = c.CheckHealth(ctx, nil)
		c.Close()
	}
	require.Error(t, err, "tls %v", tc != nil)
}

func pool(t *testing.T, caFile string) *x509.CertPool {
	pem, err := os.ReadFile(caFile)
	require.NoError(t, err)
	p := x509.NewCertPool()
	require.True(t, p.AppendCertsFromPEM(pem))
	return p
}
