package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"go.temporal.io/sdk/client"

	"outbound/activities"
	"outbound/apiclient"
	"outbound/process"
	"outbound/storage/demo"
	"outbound/workflows"
)

// draft is an application ready to be submitted, with its student's token.
type draft struct {
	id    int64
	token string
}

// benchProject adds a published project whose dates are past, so the return report can follow at once.
func (e *Env) benchProject(ctx context.Context, maxBytes int) (int64, string, error) {
	var id, req int64
	code := fmt.Sprintf("B%d", time.Now().UnixNano()%1e10)
	err := e.Services.Store.DB.GetContext(ctx, &id, `INSERT INTO projects (system_no, code, name, year, start_date, end_date, term_length,
			apply_start, apply_end, allow_dates_outside, published)
		VALUES ($1, $1, '压测项目', 2026, current_date - 30, current_date - 1, '短期', now() - interval '1 hour', now() + interval '1 day', true, true) RETURNING id`, code)
	if err != nil {
		return 0, "", err
	}
	if err := e.Services.Store.DB.GetContext(ctx, &req, `INSERT INTO attachment_requirements (project_id, kind, formats, max_bytes, required)
		VALUES ($1, '成绩单', '{pdf}', $2, true) RETURNING id`, id, maxBytes); err != nil {
		return 0, "", err
	}
	return id, fmt.Sprintf(`[{"id":%d,"kind":"成绩单","formats":["pdf"],"maxBytes":%d,"required":true,"position":0}]`, req, maxBytes), nil
}

// seedDrafts makes n students of 文学院 with filled-in drafts, their required file recorded,
// a session each, and the workflows started.
func (e *Env) seedDrafts(ctx context.Context, n int, maxBytes int) ([]draft, int64, error) {
	project, reqs, err := e.benchProject(ctx, maxBytes)
	if err != nil {
		return nil, 0, err
	}
	db := e.Services.Store.DB
	prefix := fmt.Sprintf("bench%d", time.Now().UnixNano()%1e9)
	var students []int64
	if err := db.SelectContext(ctx, &students, `WITH s AS (
			INSERT INTO accounts (username, display_name, role, college_code)
			SELECT $1 || '-' || g, '压测学生' || g, 'student', 'LIT' FROM generate_series(1, $2) g RETURNING id)
		INSERT INTO student_profiles (account_id, system_no, name_cn, college_code, degree_level, grade, major)
		SELECT id, 'BS' || id, '压测学生', 'LIT', '本科生', '大三', '汉语言文学' FROM s RETURNING account_id`, prefix, n); err != nil {
		return nil, 0, err
	}
	var apps []struct {
		ID      int64 `db:"id"`
		Student int64 `db:"student_id"`
	}
	if err := db.SelectContext(ctx, &apps, `INSERT INTO applications (system_no, student_id, project_id, college_code, requirements,
			notice_version, notice_accepted_at, commitment_accepted_at, name_cn, student_no, id_card_no, gender, political_status,
			hukou_location, birth_date, ethnicity, major, cohort, degree_level, grade, schooling_length, phone, email, emergency_name,
			emergency_phone, supervisor_name, supervisor_phone, basic_saved_at, departure_date, return_date, gpa, weighted_average, info_saved_at)
		SELECT 'BENCH-' || a.id, a.id, $2, 'LIT', $3, '2024-1', now(), now(), '压测学生', a.username, 'x', '男', '群众', '天津', '2003-01-01',
			'汉族', '汉语言文学', '2021', '本科生', '大三', '4年', '13800000000', 'b@example.cn', '家长', '13900000000', '老师', '13700000000', now(),
			current_date - 20, current_date - 2, 3.5, 88, now()
		FROM accounts a WHERE a.id = ANY($1) RETURNING id, student_id`, pq.Array(students), project, reqs); err != nil {
		return nil, 0, err
	}
	var reqID int64
	if err := db.GetContext(ctx, &reqID, `SELECT id FROM attachment_requirements WHERE project_id = $1`, project); err != nil {
		return nil, 0, err
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO attachments (owner_id, application_id, requirement_id, kind, label, object_key, file_name, size_bytes, content_type, sha256)
		SELECT student_id, id, $2, 'required', '成绩单', 'bench/' || id, 'a.pdf', 10, 'application/pdf', repeat('0', 64)
		FROM applications WHERE project_id = $1`, project, reqID); err != nil {
		return nil, 0, err
	}
	out := make([]draft, len(apps))
	hashes := make([][]byte, len(apps))
	ids := make([]int64, len(apps))
	for i, a := range apps {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		out[i] = draft{id: a.ID, token: hex.EncodeToString(b)}
		sum := sha256.Sum256([]byte(out[i].token))
		hashes[i], ids[i] = sum[:], a.Student
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO sessions (token_hash, account_id, csrf_token, expires_at)
		SELECT h, a, 'bench', now() + interval '1 day' FROM unnest($1::bytea[], $2::bigint[]) AS t(h, a)`, pq.Array(hashes), pq.Array(ids)); err != nil {
		return nil, 0, err
	}
	p, err := e.Services.Store.ProjectByID(ctx, project)
	if err != nil {
		return nil, 0, err
	}
	st := parallel(len(apps), 32, func(i int) error {
		in := workflows.Input{ApplicationID: apps[i].ID, StudentID: apps[i].Student, StudentName: "压测学生", College: "LIT", ProjectCode: p.Code,
			WindowOpens: p.ApplyStart, WindowCloses: p.ApplyEnd, Definition: process.DefaultDefinition(), Timing: timing()}
		_, err := e.Services.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.WorkflowID(apps[i].ID), TaskQueue: workflows.TaskQueue}, workflows.WorkflowName, in)
		return err
	})
	if st.errors > 0 {
		return nil, 0, fmt.Errorf("%d workflows did not start", st.errors)
	}
	for deadline := time.Now().Add(5 * time.Minute); ; {
		var waiting int
		if err := db.GetContext(ctx, &waiting, `SELECT count(*) FROM applications WHERE project_id = $1 AND last_event_seq < 1`, project); err != nil {
			return nil, 0, err
		}
		if waiting == 0 {
			break
		}
		if time.Now().After(deadline) {
			return nil, 0, fmt.Errorf("%d drafts not recorded", waiting)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return out, project, nil
}

func timing() workflows.Timing {
	return workflows.Timing{ReviewDeadline: 168 * time.Hour, ReviewReminder: 48 * time.Hour, WindowReminder: time.Hour,
		ReturnReportDue: 336 * time.Hour, ReturnReportWarning: 72 * time.Hour}
}

// startBaselines starts n minimal workflows.
func (e *Env) startBaselines(ctx context.Context, n int, kind string) ([]string, error) {
	ids := make([]string, n)
	prefix := fmt.Sprintf("baseline-%d-", time.Now().UnixNano())
	st := parallel(n, 32, func(i int) error {
		ids[i] = prefix + strconv.Itoa(i)
		_, err := e.Services.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: ids[i], TaskQueue: baselineQueue}, "BenchBaseline", kind)
		return err
	})
	if st.errors > 0 {
		return nil, fmt.Errorf("%d baseline workflows did not start", st.errors)
	}
	return ids, nil
}

func (e *Env) ping(ctx context.Context, id string, last bool) error {
	h, err := e.Services.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: "ping", Args: []any{last}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		return err
	}
	return h.Get(ctx, nil)
}

func ratio(a, b float64) string {
	if b == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

// RoundTrip: one submit through the API at a time, against one bare Update at a time.
func (e *Env) RoundTrip(ctx context.Context) (Row, error) {
	n := e.opts.RoundTrips
	drafts, _, err := e.seedDrafts(ctx, n, 1<<20)
	if err != nil {
		return Row{}, err
	}
	apiBefore, workerBefore := scrape(e.metricsURL(e.URLs[0])), scrape(e.workerURLs[0]+"/metrics")
	api := parallel(n, 1, func(i int) error { return e.submit(ctx, drafts[i], "submit") })
	apiAfter, workerAfter := scrape(e.metricsURL(e.URLs[0])), scrape(e.workerURLs[0]+"/metrics")
	// Where a submit's time goes, as the processes measure it (means).
	inAPI := meanBetween(apiBefore, apiAfter, "outbound_http_request_seconds", `route="/api/v1/applications/:id/submit"`)
	update := meanBetween(apiBefore, apiAfter, "temporal_long_request_latency_seconds", `operation="UpdateWorkflowExecution"`)
	task := meanBetween(workerBefore, workerAfter, "temporal_workflow_task_execution_latency_seconds", `workflow_type="Application"`)
	activity := meanBetween(workerBefore, workerAfter, "temporal_local_activity_execution_latency_seconds", `activity_type="`+activities.NameSubmit+`"`)
	dispatch := meanBetween(workerBefore, workerAfter, "temporal_workflow_task_schedule_to_start_latency_seconds", `workflow_type="Application"`)
	completion := meanBetween(workerBefore, workerAfter, "temporal_request_latency_seconds", `operation="RespondWorkflowTaskCompleted"`, `workflow_type="Application"`)
	bare, err := e.startBaselines(ctx, 1, baselineBare)
	if err != nil {
		return Row{}, err
	}
	recorded, err := e.startBaselines(ctx, 1, baselineRecorded)
	if err != nil {
		return Row{}, err
	}
	bareUpdate := parallel(n, 1, func(int) error { return e.ping(ctx, bare[0], false) })
	ownBefore := gather(e.Services.Metrics)
	fair := parallel(n, 1, func(int) error { return e.ping(ctx, recorded[0], false) })
	ownAfter := gather(e.Services.Metrics)
	fairTask := meanBetween(ownBefore, ownAfter, "temporal_workflow_task_execution_latency_seconds", `workflow_type="BenchBaseline"`)
	fairCompletion := meanBetween(ownBefore, ownAfter, "temporal_request_latency_seconds", `operation="RespondWorkflowTaskCompleted"`, `workflow_type="BenchBaseline"`)
	return Row{
		Scenario: fmt.Sprintf("submit round trip (%d, one at a time)", n),
		Figures: fmt.Sprintf("p50 %s p99 %s, %d errors; means: in the API %s, its Update %s: the task waits %s for the worker, runs %s (the Submit activity %s), its completion takes %s",
			ms(api.q(.5)), ms(api.q(.99)), api.errors, ms(inAPI), ms(update), ms(dispatch), ms(task), ms(activity), ms(completion)),
		Baseline: fmt.Sprintf("Update + local activity writing one row in one transaction: p50 %s p99 %s (means: the task runs %s, its completion takes %s); bare Update p99 %s",
			ms(fair.q(.5)), ms(fair.q(.99)), ms(fairTask), ms(fairCompletion), ms(bareUpdate.q(.99))),
		Ratio: "p99 " + ratio(api.q(.99).Seconds(), fair.q(.99).Seconds()) + " (" + ratio(api.q(.99).Seconds(), bareUpdate.q(.99).Seconds()) + " of the bare Update)",
		Goal:  "≤ 1.3× the recorded transition at p99",
	}, nil
}

// Lifecycle: applications through all three phases (10 messages each), against minimal
// workflows taking as many Updates, each with an activity.
func (e *Env) Lifecycle(ctx context.Context) (Row, error) {
	n := e.opts.Lifecycles
	drafts, _, err := e.seedDrafts(ctx, n, 1<<20)
	if err != nil {
		return Row{}, err
	}
	tokens := map[string]string{}
	for _, u := range []string{"lit-reviewer", "jwc1", "jwc2", "wsc"} {
		acc, err := e.Services.Store.AccountByUsername(ctx, u)
		if err != nil {
			return Row{}, err
		}
		if tokens[u], err = e.session(ctx, acc.ID); err != nil {
			return Row{}, err
		}
	}
	type step struct{ who, msg, file string }
	steps := []step{{"", "submit", ""}, {"lit-reviewer", "decide", ""}, {"jwc1", "decide", ""}, {"wsc", "decide", ""},
		{"", "submit-predeparture", "predeparture"}, {"jwc1", "decide", ""}, {"jwc2", "decide", ""}, {"wsc", "decide", ""},
		{"", "submit-return-report", "return_report"}, {"wsc", "decide", ""}}
	api := parallel(n, n, func(i int) error {
		d := drafts[i]
		for _, s := range steps {
			if s.file != "" {
				if _, err := e.Services.Store.DB.ExecContext(ctx, `INSERT INTO attachments (owner_id, application_id, kind, label, object_key, file_name, size_bytes, content_type, sha256)
					SELECT student_id, id, $2, $2, 'bench/' || id || '/' || $2, 'a.pdf', 10, 'application/pdf', repeat('0', 64) FROM applications WHERE id = $1`, d.id, s.file); err != nil {
					return err
				}
				// 出行信息 is a form the bench does not time: it is saved as the API would have saved it.
				if s.file == process.KindPredeparture {
					if err := e.Services.Store.SaveForm(ctx, d.id, process.SectionTravel, process.Values(demo.TravelInfo())); err != nil {
						return err
					}
				}
			}
			if s.who == "" {
				if err := e.submit(ctx, d, s.msg); err != nil {
					return err
				}
				continue
			}
			// As the web UI decides: it goes back to the queue next.
			status, err := status(e.api().DecideApplication(ctx, strconv.FormatInt(d.id, 10), &apiclient.DecideApplicationParams{Prefer: ptr("return=minimal")},
				apiclient.DecideApplicationJSONRequestBody{Decision: "approve", Opinion: ptr("同意")}, as(tokens[s.who])))
			if err != nil {
				return err
			}
			if status != 204 {
				return fmt.Errorf("decide answered %d", status)
			}
		}
		return nil
	})
	ids, err := e.startBaselines(ctx, n, baselineActivity)
	if err != nil {
		return Row{}, err
	}
	base := parallel(n, n, func(i int) error {
		for k := range steps {
			if err := e.ping(ctx, ids[i], k == len(steps)-1); err != nil {
				return err
			}
		}
		return nil
	})
	return Row{
		Scenario: fmt.Sprintf("full lifecycle (%d applications × %d messages)", n, len(steps)),
		Figures:  fmt.Sprintf("%.2f applications/s, %d errors", api.rate(), api.errors),
		Baseline: fmt.Sprintf("%.2f workflows/s", base.rate()),
		Ratio:    ratio(api.rate(), base.rate()),
		Goal:     "report, then improve",
	}, nil
}

// Uploads: concurrent large uploads through the API, against PutObject straight to MinIO.
func (e *Env) Uploads(ctx context.Context) (Row, error) {
	n, size := e.opts.Uploads, e.opts.UploadBytes
	drafts, _, err := e.seedDrafts(ctx, 1, size+1<<20)
	if err != nil {
		return Row{}, err
	}
	d := drafts[0]
	var reqID int64
	if err := e.Services.Store.DB.GetContext(ctx, &reqID, `SELECT requirement_id FROM attachments WHERE application_id = $1 LIMIT 1`, d.id); err != nil {
		return Row{}, err
	}
	file := append([]byte("%PDF-1.4\n"), make([]byte, size-9)...)
	_, _ = rand.Read(file[9:])
	rssBefore := procKB(e.apis[0].Process.Pid, "VmRSS")
	_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", e.apis[0].Process.Pid), []byte("5"), 0) // reset the peak
	// As the browser sends a file: the file as the body, its length known.
	api := parallel(n, n, func(int) error {
		req, err := http.NewRequestWithContext(ctx, "POST", fmt.Sprintf("%s/api/v1/applications/%d/attachments?requirementId=%d", e.URLs[0], d.id, reqID), bytes.NewReader(file))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+d.token)
		req.Header.Set("Content-Type", "application/octet-stream")
		req.Header.Set("X-File-Name", "big.pdf")
		resp, err := e.client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 201 {
			return fmt.Errorf("upload answered %d", resp.StatusCode)
		}
		return nil
	})
	peak := procKB(e.apis[0].Process.Pid, "VmHWM")
	mc, err := minio.New(e.Stack.MinIOEndpoint, &minio.Options{Creds: credentials.NewStaticV4(e.Stack.MinIOAccessKey, e.Stack.MinIOSecretKey, "")})
	if err != nil {
		return Row{}, err
	}
	base := parallel(n, n, func(i int) error {
		_, err := mc.PutObject(ctx, "outbound", fmt.Sprintf("bench/direct/%d-%d", time.Now().UnixNano(), i), bytes.NewReader(file), int64(len(file)), minio.PutObjectOptions{ContentType: "application/pdf"})
		return err
	})
	mb := float64(n*size) / (1 << 20)
	growth := "n/a"
	if peak > 0 && rssBefore > 0 {
		growth = fmt.Sprintf("%d MB", (peak-rssBefore)/1024)
	}
	return Row{
		Scenario: fmt.Sprintf("%d concurrent %d MB uploads", n, size>>20),
		Figures:  fmt.Sprintf("%.1f MB/s, API RSS growth %s, %d errors", mb/api.wall.Seconds(), growth, api.errors),
		Baseline: fmt.Sprintf("%.1f MB/s (PutObject)", mb/base.wall.Seconds()),
		Ratio:    ratio(mb/api.wall.Seconds(), mb/base.wall.Seconds()),
		Goal:     "≥ 0.9×; ≤ 64 MB",
	}, nil
}

// procKB reads a memory figure of a process from /proc (Linux).
func procKB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field+":") {
			n, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return n
		}
	}
	return 0
}
