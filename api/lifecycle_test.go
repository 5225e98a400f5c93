//go:build integration

package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	sdkpb "go.temporal.io/api/sdk/v1"

	"outbound/apiclient"
	"outbound/storage"
	"outbound/workflows"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
)

func TestConcurrentDraftsForOneStudent(t *testing.T) {
	s := newStudent(t, "ECO")
	projects := []int64{newProject(t, projectSpec{}), newProject(t, projectSpec{})}
	statuses := make([]int, 10)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = s.call("POST", "/applications", acceptBody(projects[i%2])).status
		}()
	}
	wg.Wait()
	created := 0
	for _, st := range statuses {
		require.Contains(t, []int{201, 409}, st)
		if st == 201 {
			created++
		}
	}
	require.Equal(t, 1, created, "exactly one draft: %v", statuses)
	var open int
	require.NoError(t, env.Services.Store.DB.Get(&open, `SELECT count(*) FROM applications a JOIN accounts s ON s.id = a.student_id
		WHERE s.username = (SELECT username FROM accounts WHERE id = (SELECT id FROM accounts ORDER BY id DESC LIMIT 1)) AND a.closed_at IS NULL`))
	require.Equal(t, 1, open)
}

func TestSubmitWithdrawResubmitSupplementAndReview(t *testing.T) {
	// Driven through the client generated from the contract, as a campus developer would; every
	// request and answer is still checked against openapi.yaml on the way.
	ctx := context.Background()
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	api := s.api()
	id := fmt.Sprint(d.id)
	once := &apiclient.SubmitApplicationParams{IdempotencyKey: ptr("submit-once")}

	r, err := api.SubmitApplicationWithResponse(ctx, id, once)
	require.NoError(t, err)
	require.Equal(t, 200, r.StatusCode(), string(r.Body))
	require.Equal(t, "申请中", r.JSON200.Application.Status)
	require.Equal(t, "学院审核(未审核)", r.JSON200.PendingStep)
	require.Len(t, *r.JSON200.Application.SnapshotSha256, 64)
	// The same request retried is applied once; a second click is refused.
	r, err = api.SubmitApplicationWithResponse(ctx, id, once)
	require.NoError(t, err)
	require.Equal(t, 200, r.StatusCode())
	r, err = api.SubmitApplicationWithResponse(ctx, id, nil)
	require.NoError(t, err)
	require.Equal(t, 409, r.StatusCode())
	require.Equal(t, "wrong_stage", r.JSON409.Error.Code)
	require.Equal(t, 2, countKind(t, d.id, "submitted")+countKind(t, d.id, "created"), "one submission recorded")

	// While under review the form is closed; withdraw opens it again.
	saved, err := api.SaveBasicInfoWithResponse(ctx, id, basicInfo())
	require.NoError(t, err)
	require.Equal(t, 409, saved.StatusCode())
	require.Contains(t, saved.JSON409.Error.Message, "撤回修改")
	w, err := api.WithdrawApplicationWithResponse(ctx, id, nil)
	require.NoError(t, err)
	require.Equal(t, 200, w.StatusCode())
	require.Equal(t, "未提交", w.JSON200.Application.Status)
	b := basicInfo()
	b["passportNo"] = "G7654321"
	saved, err = api.SaveBasicInfoWithResponse(ctx, id, b)
	require.NoError(t, err)
	require.Equal(t, 200, saved.StatusCode())
	detail, err := api.GetApplicationWithResponse(ctx, id)
	require.NoError(t, err)
	require.Contains(t, actionCodes(detail.JSON200), "delete", "未提交 after a withdrawal: the student may delete it (申请删除)")
	r, err = api.SubmitApplicationWithResponse(ctx, id, nil)
	require.NoError(t, err)
	require.Equal(t, 200, r.StatusCode())

	// 补交材料附件: status unchanged, the earlier files stay.
	up, err := api.SupplementAttachmentWithBodyWithResponse(ctx, id, "application/octet-stream", bytes.NewReader(pdfFile()), fileName("补充成绩单.pdf"))
	require.NoError(t, err)
	require.Equal(t, 201, up.StatusCode(), string(up.Body))
	require.Equal(t, "申请中", up.JSON201.Application.Status)
	require.Len(t, up.JSON201.OtherFiles, 1)
	supplement := up.JSON201.OtherFiles[0]
	require.Equal(t, apiclient.AttachmentKind("supplement"), supplement.Kind)
	for _, req := range up.JSON201.Requirements[:2] {
		require.NotEmpty(t, req.Files, "required files are still there")
	}

	// The college reviewer sees it in the queue and in scope; others do not.
	lit := login(t, "lit-reviewer").api()
	inQueue := func(c *apiclient.ClientWithResponses) bool {
		q, err := c.ListReviewQueueWithResponse(ctx, nil)
		require.NoError(t, err)
		require.Equal(t, 200, q.StatusCode())
		for _, item := range q.JSON200.Items {
			if int64(item.Application.Id) == d.id {
				return true
			}
		}
		return false
	}
	approve := apiclient.DecideApplicationJSONRequestBody{Decision: "approve"}
	require.True(t, inQueue(lit))
	sci := login(t, "sci-reviewer").api()
	require.False(t, inQueue(sci))
	seen, err := sci.GetApplicationWithResponse(ctx, id)
	require.NoError(t, err)
	require.Equal(t, 404, seen.StatusCode())
	decided, err := sci.DecideApplicationWithResponse(ctx, id, nil, approve)
	require.NoError(t, err)
	require.Equal(t, 404, decided.StatusCode())
	jwc := login(t, "jwc1").api()
	require.False(t, inQueue(jwc))
	decided, err = jwc.DecideApplicationWithResponse(ctx, id, nil, approve)
	require.NoError(t, err)
	require.Equal(t, 403, decided.StatusCode())
	require.Equal(t, "wrong_role", decided.JSON403.Error.Code)
	decided, err = api.DecideApplicationWithResponse(ctx, id, nil, approve)
	require.NoError(t, err)
	require.Equal(t, 403, decided.StatusCode(), "students do not decide")

	detail, err = lit.GetApplicationWithResponse(ctx, id)
	require.NoError(t, err)
	require.Equal(t, 200, detail.StatusCode())
	require.Contains(t, actionCodes(detail.JSON200), "decide")
	dl, err := lit.DownloadAttachmentWithResponse(ctx, id, fmt.Sprint(supplement.Id), nil)
	require.NoError(t, err)
	require.Equal(t, 200, dl.StatusCode(), "reviewers in scope read the files")
	require.Equal(t, pdfFile(), dl.Body)

	decided, err = lit.DecideApplicationWithResponse(ctx, id, nil, apiclient.DecideApplicationJSONRequestBody{Decision: "return", Opinion: ptr(" ")})
	require.NoError(t, err)
	require.Equal(t, 422, decided.StatusCode())
	require.Equal(t, "审核意见不能为空", (*decided.JSON422.Error.Fields)["opinion"])
	decided, err = lit.DecideApplicationWithResponse(ctx, id, nil, apiclient.DecideApplicationJSONRequestBody{Decision: "approve", Opinion: ptr("同意推荐")})
	require.NoError(t, err)
	require.Equal(t, 200, decided.StatusCode(), string(decided.Body))
	require.Equal(t, "教务处审核(未审核)", decided.JSON200.PendingStep)

	// The student reads the timeline: step, reviewer, opinion, time.
	detail, err = api.GetApplicationWithResponse(ctx, id)
	require.NoError(t, err)
	steps := []string{}
	for _, ev := range detail.JSON200.Timeline {
		steps = append(steps, ev.Step)
		if ev.Step == "学院审核通过" {
			require.Equal(t, "文学院审核员", ev.ActorName)
			require.Equal(t, "同意推荐", ev.Opinion)
		}
	}
	require.Equal(t, []string{"未提交", "申请中", "未提交", "申请中", "补交材料附件", "学院审核通过"}, steps)
	require.Equal(t, []string{"view", "withdraw", "supplement", "track"}, actionCodes(detail.JSON200))
	n, err := api.ListNotificationsWithResponse(ctx)
	require.NoError(t, err)
	require.Equal(t, 200, n.StatusCode())
	require.Equal(t, "学院审核通过", n.JSON200.Items[0].Title)
	unread, err := api.CountUnreadNotificationsWithResponse(ctx)
	require.NoError(t, err)
	require.Equal(t, n.JSON200.Unread, unread.JSON200.Unread, "the header's count is the list's")
	read, err := api.MarkNotificationReadWithResponse(ctx, fmt.Sprint(n.JSON200.Items[0].Id))
	require.NoError(t, err)
	require.Equal(t, 204, read.StatusCode())
	after, err := api.CountUnreadNotificationsWithResponse(ctx)
	require.NoError(t, err)
	require.Equal(t, unread.JSON200.Unread-1, after.JSON200.Unread)

	// My applications: the manual's columns, with the allowed actions per row.
	l, err := api.ListApplicationsWithResponse(ctx, nil)
	require.NoError(t, err)
	require.Equal(t, 200, l.StatusCode())
	require.EqualValues(t, 1, l.JSON200.Total)
	mine := l.JSON200.Items[0]
	require.Equal(t, "申请中", mine.Application.Status)
	require.Equal(t, "文学院", mine.Application.CollegeName)
	require.Equal(t, "本科生", *mine.Application.DegreeLevel)
	require.Contains(t, *mine.Actions, "withdraw")
}

// actionCodes are the actions an application's answer offers its caller.
func actionCodes(d *apiclient.ApplicationDetail) []string {
	var out []string
	for _, a := range d.Actions {
		out = append(out, a.Action)
	}
	return out
}

func TestScopeAndRoles(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	other := login(t, "2021216403")
	require.Equal(t, 404, other.call("GET", pathf("/applications/%d", d.id), nil).status)
	require.Equal(t, 404, other.call("PUT", pathf("/applications/%d/basic-info", d.id), basicInfo()).status)
	require.Equal(t, 404, other.call("POST", pathf("/applications/%d/submit", d.id), nil).status)
	lit := login(t, "lit-reviewer")
	require.Equal(t, 404, lit.call("GET", pathf("/applications/%d", d.id), nil).status, "drafts are the student's own")
	require.Equal(t, 403, lit.call("GET", "/profile", nil).status)
	require.Equal(t, 403, lit.call("POST", "/applications", acceptBody(1)).status)
	require.Equal(t, 403, s.call("GET", "/reviews", nil).status)
	admin := login(t, "admin")
	require.Equal(t, 200, admin.call("GET", pathf("/applications/%d", d.id), nil).status)
	require.Equal(t, 403, admin.call("POST", pathf("/applications/%d/decide", d.id), map[string]string{"decision": "approve"}).status)
	require.Equal(t, 404, s.call("GET", "/applications/0", nil).status)
	require.Equal(t, 404, s.call("GET", "/applications/abc", nil).status)
}

func TestHealthAndErrors(t *testing.T) {
	r, err := http.Get(env.URL + "/healthz")
	require.NoError(t, err)
	r.Body.Close()
	require.Equal(t, 200, r.StatusCode)
	r, err = http.Get(env.URL + "/api/v1/nothing-here")
	require.NoError(t, err)
	r.Body.Close()
	require.Equal(t, 404, r.StatusCode)
	require.Equal(t, "nosniff", r.Header.Get("X-Content-Type-Options"))
	require.Contains(t, r.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	// Metrics are not on the public side; they have a listener of their own (http.metrics_listen).
	m, err := http.Get(env.URL + "/metrics")
	require.NoError(t, err)
	m.Body.Close()
	require.Equal(t, 404, m.StatusCode)
	own := httptest.NewServer(env.Services.MetricsHandler())
	defer own.Close()
	m, err = http.Get(own.URL + "/metrics")
	require.NoError(t, err)
	metrics, _ := io.ReadAll(m.Body)
	m.Body.Close()
	require.Equal(t, 200, m.StatusCode)
	// The API's own requests, the runtime's, and its calls to Temporal (the client's), in one answer.
	for _, series := range []string{"outbound_http_request_seconds_count", "go_goroutines", "temporal_request_latency_seconds_count"} {
		require.Contains(t, string(metrics), series)
	}
}

// TestReadinessFollowsPostgres stops the database under the running API: /readyz answers 503 naming
// postgres, requests answer 503 rather than 500, and all recovers when it is back.
func TestReadinessFollowsPostgres(t *testing.T) {
	ready := func() (int, string) {
		resp, err := http.Get(env.URL + "/readyz")
		require.NoError(t, err)
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 4096)
		n, _ := resp.Body.Read(buf)
		b.Write(buf[:n])
		return resp.StatusCode, b.String()
	}
	code, body := ready()
	require.Equal(t, 200, code, body)
	s := login(t, "2021216401")
	env.Stack.StopPostgres()
	code, body = ready()
	require.Equal(t, 503, code)
	require.Contains(t, body, `"postgres":{"status":"down"`)
	require.Contains(t, body, `"minio":{"status":"ok"`)
	r := s.call("GET", "/projects", nil)
	require.Equal(t, 503, r.status)
	require.Equal(t, "unavailable", r.str("error.code"))
	require.NoError(t, env.Stack.StartPostgres(context.Background()))
	require.Eventually(t, func() bool { c, _ := ready(); return c == 200 }, 30*time.Second, 200*time.Millisecond)
	require.Equal(t, 200, s.call("GET", "/projects", nil).status)
}

func actionNames(r *response) []string {
	var out []string
	for _, a := range r.list("actions") {
		out = append(out, a.(map[string]any)["action"].(string))
	}
	return out
}

func countKind(t *testing.T, applicationID int64, kind string) int {
	var n int
	require.NoError(t, env.Services.Store.DB.Get(&n, `SELECT count(*) FROM timeline_events WHERE application_id = $1 AND kind = $2`, applicationID, kind))
	return n
}

// TestCrashBetweenDraftAndWorkflow: a process that died after writing the
// draft and before starting its workflow leaves a draft that holds the
// student's one open application; the reconciler starts its workflow and the
// student goes on with it, or deletes it and applies elsewhere.
func TestCrashBetweenDraftAndWorkflow(t *testing.T) {
	ctx := context.Background()
	s := newStudent(t, "ECO")
	projects := []int64{newProject(t, projectSpec{}), newProject(t, projectSpec{})}
	me := s.call("GET", "/me", nil)
	// The crash: the draft's row is written, its workflow is never started.
	app, err := env.Services.Store.CreateDraft(ctx, storage.NewDraft{StudentID: me.num("id"), ProjectID: projects[0],
		NoticeVersion: acceptBody(projects[0])["noticeVersion"].(string), AcceptedAt: time.Now()})
	require.NoError(t, err)
	require.Equal(t, 409, s.call("POST", "/applications", acceptBody(projects[1])).status, "the draft holds the one open application")
	require.NotContains(t, actionsOf(s.call("GET", pathf("/applications/%d", app.ID), nil)), "delete",
		"without its workflow nothing can be done with the draft")

	started, err := env.Services.Service().ReconcileDrafts(ctx, 0)
	require.NoError(t, err)
	require.GreaterOrEqual(t, started, 1)
	_, err = env.Services.Service().ReconcileDrafts(ctx, 0)
	require.NoError(t, err, "starting a workflow that runs already is not an error")

	detail := s.call("GET", pathf("/applications/%d", app.ID), nil)
	require.Equal(t, 200, detail.status)
	require.Contains(t, actionsOf(detail), "edit")
	require.Contains(t, actionsOf(detail), "delete")
	deleted := s.call("POST", pathf("/applications/%d/delete", app.ID), nil)
	require.Equal(t, 200, deleted.status, deleted.body)
	require.Equal(t, "已删除", deleted.str("application.status"))
	require.Equal(t, 201, s.call("POST", "/applications", acceptBody(projects[1])).status, "the student applies elsewhere")
}

func actionsOf(detail *response) []string {
	var out []string
	for _, a := range detail.list("actions") {
		out = append(out, a.(map[string]any)["action"].(string))
	}
	return out
}

// TestWorkflowDescribesItself: the Temporal UI's list shows the application's summary (college,
// project, year; no personal data), and its page what it waits for, kept up to date.
func TestWorkflowDescribesItself(t *testing.T) {
	ctx := context.Background()
	_, app := submitted(t, "LIT", newProject(t, projectSpec{}))
	id := workflows.WorkflowID(app)
	desc, err := env.Services.Temporal.DescribeWorkflow(ctx, id, "")
	require.NoError(t, err)
	var summary string
	// Encrypted like every payload: the Temporal UI shows it through the codec endpoint.
	dc := converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), env.Services.Codec)
	require.NoError(t, dc.FromPayload(desc.RawResponse.ExecutionConfig.UserMetadata.Summary, &summary))
	require.Contains(t, summary, "文学院")
	require.Contains(t, summary, "2026 年度")
	require.NotContains(t, summary, "测试学生", "no personal data in the summary")

	details := func() string {
		res, err := env.Services.Temporal.QueryWorkflow(ctx, id, "", "__temporal_workflow_metadata")
		require.NoError(t, err)
		var meta sdkpb.WorkflowMetadata
		require.NoError(t, res.Get(&meta))
		return meta.GetCurrentDetails()
	}
	require.Contains(t, details(), "**学院审核**")
	require.Contains(t, details(), "等待学院审核员")
	require.Contains(t, details(), "期限 ")
	decide(t, login(t, "lit-reviewer"), app, ok, 200)
	require.Contains(t, details(), "**教务处审核**", "kept up to date at each transition")
}
