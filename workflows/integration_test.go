//go:build integration

package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/encoding/protojson"

	"outbound/config"
	"outbound/process"
	"outbound/storage"
	"outbound/testenv"
	"outbound/workflows"
)

var env *testenv.Env

func TestMain(m *testing.M) {
	var err error
	// A 公示's working day lasts two seconds here, so that a round runs its course within a test.
	env, err = testenv.Start(testenv.Options{Configure: func(c *config.Config) { c.Process.PublicityWorkingDay = 2 * time.Second }})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	env.Close()
	os.Exit(code)
}

// record writes a workflow's history into testdata when OUTBOUND_RECORD_HISTORIES is set
// (to a tag, such as v1, that goes into the file name), for the replay test to check later
// versions of the workflow against.
func record(t *testing.T, workflowID, name string) { recordRun(t, workflowID, "", name) }

// recordRun records one run of a workflow (the latest when runID is empty).
func recordRun(t *testing.T, workflowID, runID, name string) {
	tag := os.Getenv("OUTBOUND_RECORD_HISTORIES")
	if tag == "" {
		return
	}
	if tag != "1" {
		name += "-" + tag
	}
	ctx := context.Background()
	iter := env.Services.Temporal.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var h historypb.History
	for iter.HasNext() {
		ev, err := iter.Next()
		require.NoError(t, err)
		h.Events = append(h.Events, ev)
	}
	b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(&h)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join("testdata", name+".json"), b, 0o644))
}

type people struct {
	student, college, otherCollege, academic1, academic2, foreign workflows.Actor
}

// submittedApplication is a new student's application, submitted and awaiting its college, with
// the people who act on it.
func submittedApplication(t *testing.T) (*storage.Application, people) {
	t.Helper()
	username := newStudent(t)
	p := actors(t, username)
	app, _ := newApplication(t, username, longTiming(), nil)
	_, err := update(app.ID, process.MsgSubmit, workflows.Request{Actor: p.student})
	require.NoError(t, err)
	return app, p
}

func actors(t *testing.T, studentUsername string) people {
	get := func(username string) workflows.Actor {
		a, err := env.Services.Store.AccountByUsername(context.Background(), username)
		require.NoError(t, err)
		return workflows.Actor{ID: a.ID, Name: a.DisplayName, Role: process.Role(a.Role), College: a.College()}
	}
	return people{get(studentUsername), get("eco-reviewer"), get("lit-reviewer"), get("jwc1"), get("jwc2"), get("wsc")}
}

// newStudent adds an ECO student with a complete profile.
func newStudent(t *testing.T) string {
	ctx := context.Background()
	username := fmt.Sprintf("w%d", time.Now().UnixNano()%1e12)
	db := env.Services.Store.DB
	var id int64
	require.NoError(t, db.GetContext(ctx, &id, `INSERT INTO accounts (username, display_name, role, college_code) VALUES ($1, '流程学生', 'student', 'ECO') RETURNING id`, username))
	_, err := db.ExecContext(ctx, `INSERT INTO student_profiles (account_id, system_no, name_cn, college_code, degree_level, grade, major)
		VALUES ($1, $2, '流程学生', 'ECO', '本科生', '大三', '工商管理')`, id, "W"+username)
	require.NoError(t, err)
	return username
}

// newApplication creates the draft rows the API would, filled in and with its required file recorded,
// and starts its workflow. The return date is in the past so the return report can follow at once.
func newApplication(t *testing.T, username string, timing workflows.Timing, quota *int) (*storage.Application, workflows.Input) {
	return newApplicationIn(t, username, timing, quota, "")
}

// newApplicationIn is newApplication whose project chooses by the round given (none when empty).
func newApplicationIn(t *testing.T, username string, timing workflows.Timing, quota *int, round string) (*storage.Application, workflows.Input) {
	ctx := context.Background()
	store := env.Services.Store
	acc, err := store.AccountByUsername(ctx, username)
	require.NoError(t, err)
	now := time.Now()
	var projectID int64
	require.NoError(t, store.DB.GetContext(ctx, &projectID, `INSERT INTO projects (system_no, code, name, year, start_date, end_date, term_length,
			apply_start, apply_end, allow_dates_outside, published, quota, eligible_degree_levels)
		VALUES ($1, $1, '流程项目', 2026, current_date - 30, current_date - 1, '短期', $2, $3, true, true, $4, $5) RETURNING id`,
		fmt.Sprintf("WF%d", now.UnixNano()), now.Add(-time.Hour), now.Add(24*time.Hour), quota, pq.StringArray{"本科生"}))
	var reqID int64
	require.NoError(t, store.DB.GetContext(ctx, &reqID, `INSERT INTO attachment_requirements (project_id, kind, formats, max_bytes, required)
		VALUES ($1, '成绩单', '{pdf}', 1048576, true) RETURNING id`, projectID))
	app, err := store.CreateDraft(ctx, storage.NewDraft{StudentID: acc.ID, ProjectID: projectID, NoticeVersion: "2024-1", AcceptedAt: now})
	require.NoError(t, err)
	// These tests are of the workflow: their 行前材料 go without 出行信息, as those of applications
	// created before it did (TestStayBySignals fills it in).
	_, err = store.DB.ExecContext(ctx, `UPDATE applications SET travel_required = false WHERE id = $1`, app.ID)
	require.NoError(t, err)
	b := app.Form
	for k, v := range map[string]any{"idCardNo": "x", "gender": "女", "politicalStatus": "群众", "hukouLocation": "北京", "ethnicity": "汉族",
		"cohort": "2021", "birthDate": "2002-01-01", "schoolingLength": "4年", "phone": "13800000000", "email": "a@b.cn",
		"emergencyName": "家长", "emergencyPhone": "13900000000", "supervisorName": "辅导员", "supervisorPhone": "13700000000", "studentNo": username} {
		b[k] = v
	}
	require.NoError(t, store.SaveForm(ctx, app.ID, process.SectionBasic, b))
	dep, ret := now.AddDate(0, 0, -20).Format("2006-01-02"), now.AddDate(0, 0, -2).Format("2006-01-02")
	require.NoError(t, store.SaveForm(ctx, app.ID, process.SectionApply, process.Values{"departureDate": dep, "returnDate": ret, "gpa": 3.5, "weightedAverage": 85.0}))
	addFile(t, app, "required", &reqID)

	project, err := store.ProjectByID(ctx, projectID)
	require.NoError(t, err)
	in := workflows.Input{ApplicationID: app.ID, StudentID: acc.ID, StudentName: acc.DisplayName, College: "ECO",
		ProjectCode: project.Code, WindowOpens: project.ApplyStart, WindowCloses: project.ApplyEnd,
		Definition: process.DefaultDefinition(), Timing: timing, Round: round}
	_, err = env.Services.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.WorkflowID(app.ID), TaskQueue: workflows.TaskQueue,
	}, workflows.WorkflowName, in)
	require.NoError(t, err)
	waitSeq(t, app.ID, 1)
	return app, in
}

func addFile(t *testing.T, app *storage.Application, kind string, reqID *int64) {
	row := &storage.Attachment{OwnerID: app.StudentID, ApplicationID: &app.ID, RequirementID: reqID, Kind: kind, Label: kind,
		ObjectKey: fmt.Sprintf("test/%d/%s/%d", app.ID, kind, time.Now().UnixNano()), FileName: "f.pdf", SizeBytes: 10,
		ContentType: "application/pdf", SHA256: "0000000000000000000000000000000000000000000000000000000000000000"}
	require.NoError(t, env.Services.Store.InsertAttachment(context.Background(), row, nil))
}

func longTiming() workflows.Timing {
	return workflows.Timing{ReviewDeadline: 72 * time.Hour, ReviewReminder: 48 * time.Hour, WindowReminder: time.Hour,
		ReturnReportDue: 14 * 24 * time.Hour, ReturnReportWarning: 72 * time.Hour, CorrectionDue: 120 * time.Hour, CorrectionReminder: 24 * time.Hour}
}

// waitSeq waits until the read model has recorded event seq, and returns the row.
func waitSeq(t *testing.T, id int64, seq int) *storage.Application {
	t.Helper()
	var app *storage.Application
	require.Eventually(t, func() bool {
		var err error
		app, err = env.Services.Store.ApplicationByID(context.Background(), id)
		require.NoError(t, err)
		return app.LastEventSeq >= seq
	}, 30*time.Second, 50*time.Millisecond, "event %d recorded", seq)
	require.Equal(t, seq, app.LastEventSeq, "no event beyond %d", seq)
	return app
}

func signal(t *testing.T, id int64, name string, req workflows.Request) {
	require.NoError(t, env.Services.Temporal.SignalWorkflow(context.Background(), workflows.WorkflowID(id), "", name, req))
}

func approve(a workflows.Actor) workflows.Request {
	return workflows.Request{Actor: a, Decision: process.DecisionApprove, Opinion: "同意"}
}

// TestAllPhasesBySignals drives one application through all three phases with
// signals only, as an administrator would from the Temporal UI, and checks the
// read model after every step.
func TestAllPhasesBySignals(t *testing.T) {
	username := newStudent(t)
	p := actors(t, username)
	app, _ := newApplication(t, username, longTiming(), nil)
	type expect struct {
		status, stage, awaiting string
	}
	steps := []struct {
		msg  string
		req  workflows.Request
		want expect
		// file to add before the message
		file string
	}{
		{process.MsgSubmit, workflows.Request{Actor: p.student}, expect{"申请中", "college_review", "college_reviewer"}, ""},
		{process.MsgDecide, approve(p.otherCollege), expect{"申请中", "college_review", "college_reviewer"}, ""}, // refused: other college
		{process.MsgDecide, approve(p.college), expect{"申请中", "academic_review", "academic_affairs"}, ""},
		{process.MsgDecide, approve(p.academic1), expect{"申请中", "foreign_review", "foreign_affairs"}, ""},
		{process.MsgDecide, workflows.Request{Actor: p.foreign, Decision: process.DecisionApprove, Funding: &workflows.Funding{Source: "学校专项", Amount: 8000}},
			expect{"已录取", "predeparture_materials", "student"}, ""},
		{process.MsgSubmitPredeparture, workflows.Request{Actor: p.student}, expect{"行前资料已上传", "predeparture_first_review", "academic_affairs"}, "predeparture"},
		{process.MsgDecide, approve(p.academic1), expect{"行前阶段教务处初审通过", "predeparture_second_review", "academic_affairs"}, ""},
		{process.MsgDecide, approve(p.academic1), expect{"行前阶段教务处初审通过", "predeparture_second_review", "academic_affairs"}, ""}, // refused: same reviewer
		{process.MsgDecide, approve(p.academic2), expect{"行前阶段教务处复审通过", "predeparture_foreign_review", "foreign_affairs"}, ""},
		{process.MsgDecide, approve(p.foreign), expect{"行前阶段外事部门审核通过", "return_report", "student"}, ""},
		{process.MsgSubmitReturnReport, workflows.Request{Actor: p.student}, expect{"返校总结已提交", "return_review", "foreign_affairs"}, "return_report"},
		{process.MsgDecide, approve(p.foreign), expect{"返校总结上报阶段国际处审核通过", "completed", ""}, ""},
	}
	for i, s := range steps {
		if s.file != "" {
			addFile(t, app, s.file, nil)
		}
		signal(t, app.ID, s.msg, s.req)
		row := waitSeq(t, app.ID, i+2)
		require.Equal(t, s.want.status, row.Status, "step %d %s", i, s.msg)
		require.Equal(t, s.want.stage, row.Stage, "step %d", i)
		require.Equal(t, s.want.awaiting, row.AwaitingRole, "step %d", i)
		// A student's list offers actions from the read model: the same as the workflow's own.
		q, err := env.Services.Temporal.QueryWorkflow(context.Background(), workflows.WorkflowID(app.ID), "", workflows.QueryState)
		require.NoError(t, err)
		var view workflows.View
		require.NoError(t, q.Get(&view))
		now := time.Now()
		require.Equal(t, view.Allowed[process.RoleStudent], process.StudentActions(row.StudentFacts(), now), "step %d %s", i, s.msg)
	}
	row := waitSeq(t, app.ID, len(steps)+1)
	require.NotNil(t, row.SubmittedAt)
	require.NotNil(t, row.AdmittedAt)
	require.NotNil(t, row.ClosedAt)
	require.Equal(t, "学校专项", row.Funding.Source)
	require.Len(t, row.SnapshotSHA256, 64)

	timeline, err := env.Services.Store.Timeline(context.Background(), app.ID)
	require.NoError(t, err)
	var kinds []string
	for _, e := range timeline {
		kinds = append(kinds, e.Kind)
	}
	require.Equal(t, []string{"created", "submitted", "refused", "decided", "decided", "decided", "submitted", "decided", "refused", "decided", "decided", "submitted", "decided"}, kinds)
	require.Equal(t, "只能审核本学院学生的申请", timeline[2].Opinion)
	require.Equal(t, "初审与复审须由不同的人完成", timeline[8].Opinion)
	var admitted int
	require.NoError(t, env.Services.Store.DB.Get(&admitted, `SELECT admitted_count FROM projects WHERE id = $1`, app.ProjectID))
	require.Equal(t, 1, admitted)

	var result string
	require.NoError(t, env.Services.Temporal.GetWorkflow(context.Background(), workflows.WorkflowID(app.ID), "").Get(context.Background(), &result))
	require.Equal(t, "返校总结上报阶段国际处审核通过", result)
	record(t, workflows.WorkflowID(app.ID), "all-phases-by-signals")
}

// historyLength waits until the workflow is idle (no task or activity pending) and counts its history.
func historyLength(t *testing.T, workflowID string) int64 {
	var n int64
	require.Eventually(t, func() bool {
		desc, err := env.Services.Temporal.DescribeWorkflow(context.Background(), workflowID, "")
		require.NoError(t, err)
		resp := desc.RawResponse
		n = resp.WorkflowExecutionInfo.HistoryLength
		return resp.PendingWorkflowTask == nil && len(resp.PendingActivities) == 0
	}, 30*time.Second, 50*time.Millisecond)
	return n
}

func update(id int64, name string, req workflows.Request) (workflows.View, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, err := env.Services.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflows.WorkflowID(id), UpdateName: name, Args: []any{req}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	var v workflows.View
	if err != nil {
		return v, err
	}
	return v, h.Get(ctx, &v)
}

func refusalCode(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Type()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// TestInvalidUpdatesLeaveNoTrace: an invalid update is answered at once and the history does not grow;
// a return sends the application back; resubmitting and rejecting end it.
func TestInvalidUpdatesLeaveNoTrace(t *testing.T) {
	username := newStudent(t)
	p := actors(t, username)
	app, _ := newApplication(t, username, longTiming(), nil)
	id := workflows.WorkflowID(app.ID)

	before := historyLength(t, id)
	for _, c := range []struct {
		msg  string
		req  workflows.Request
		code string
	}{
		{process.MsgDecide, approve(p.college), workflows.CodeWrongStage},
		{process.MsgWithdraw, workflows.Request{Actor: p.student}, workflows.CodeWrongStage},
		{process.MsgSubmit, workflows.Request{Actor: p.college}, workflows.CodeNotOwner},
		{process.MsgSupplement, workflows.Request{Actor: p.student}, workflows.CodeWrongStage},
	} {
		start := time.Now()
		_, err := update(app.ID, c.msg, c.req)
		require.Equal(t, c.code, refusalCode(err), c.msg)
		require.Less(t, time.Since(start), 10*time.Second, "answered at once, not after a timeout")
	}
	require.Equal(t, before, historyLength(t, id), "refused updates add nothing to the history")

	v, err := update(app.ID, process.MsgSubmit, workflows.Request{Actor: p.student})
	require.NoError(t, err)
	require.Equal(t, "college_review", v.Stage)
	_, err = update(app.ID, process.MsgDecide, workflows.Request{Actor: p.college, Decision: process.DecisionReturn})
	require.Equal(t, workflows.CodeOpinionRequired, refusalCode(err))
	v, err = update(app.ID, process.MsgDecide, workflows.Request{Actor: p.college, Decision: process.DecisionReturn, Opinion: "请补充材料"})
	require.NoError(t, err)
	require.Equal(t, "已退回", v.Status)
	require.Contains(t, v.Allowed[process.RoleStudent], process.ActionEdit)
	row := waitSeq(t, app.ID, 3)
	require.Equal(t, "已退回", row.Status)
	_, err = update(app.ID, process.MsgSubmit, workflows.Request{Actor: p.student})
	require.NoError(t, err)
	_, err = update(app.ID, process.MsgDecide, workflows.Request{Actor: p.college, Decision: process.DecisionReject, Opinion: "不符合条件"})
	require.NoError(t, err)
	row = waitSeq(t, app.ID, 5)
	require.Equal(t, "未通过", row.Status)
	require.NotNil(t, row.ClosedAt)
	record(t, id, "return-resubmit-reject")
}

// TestReviewOverdueIsSearchable: with a review deadline of a few seconds the
// application is found under ReviewOverdue = true, as an administrator would search.
func TestReviewOverdueIsSearchable(t *testing.T) {
	username := newStudent(t)
	p := actors(t, username)
	timing := longTiming()
	timing.ReviewDeadline, timing.ReviewReminder = 3*time.Second, time.Second
	app, _ := newApplication(t, username, timing, nil)
	_, err := update(app.ID, process.MsgSubmit, workflows.Request{Actor: p.student})
	require.NoError(t, err)
	row := waitSeq(t, app.ID, 4) // created, submitted, reminder, overdue
	require.True(t, row.Overdue)
	query := fmt.Sprintf("WorkflowId = '%s' AND ReviewOverdue = true AND AwaitingRole = 'college_reviewer' AND College = 'ECO'", workflows.WorkflowID(app.ID))
	require.Eventually(t, func() bool {
		resp, err := env.Services.Temporal.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{Query: query})
		require.NoError(t, err)
		return len(resp.Executions) == 1
	}, 30*time.Second, 200*time.Millisecond)
	n, err := env.Services.Store.Notifications(context.Background(), p.college.ID, 10)
	require.NoError(t, err)
	require.NotEmpty(t, n)
	_, err = update(app.ID, process.MsgDecide, workflows.Request{Actor: p.college, Decision: process.DecisionReject, Opinion: "超期"})
	require.NoError(t, err)
	waitSeq(t, app.ID, 5)
	record(t, workflows.WorkflowID(app.ID), "review-overdue")
}

// TestQuotaOfOneAdmitsOne: parallel final approvals on a quota-1 project admit exactly one.
func TestQuotaOfOneAdmitsOne(t *testing.T) {
	one := 1
	var apps []*storage.Application
	var ps []people
	var projectID int64
	for i := 0; i < 3; i++ {
		username := newStudent(t)
		p := actors(t, username)
		app, _ := newApplication(t, username, longTiming(), &one)
		if projectID == 0 {
			projectID = app.ProjectID
		} else {
			// All three on the first project.
			_, err := env.Services.Store.DB.Exec(`UPDATE applications SET project_id = $1 WHERE id = $2`, projectID, app.ID)
			require.NoError(t, err)
		}
		for _, msg := range []struct {
			name string
			req  workflows.Request
		}{{process.MsgSubmit, workflows.Request{Actor: p.student}}, {process.MsgDecide, approve(p.college)}, {process.MsgDecide, approve(p.academic1)}} {
			_, err := update(app.ID, msg.name, msg.req)
			require.NoError(t, err)
		}
		apps, ps = append(apps, app), append(ps, p)
	}
	results := make(chan string, len(apps))
	for i, app := range apps {
		go func() {
			_, err := update(app.ID, process.MsgDecide, approve(ps[i].foreign))
			results <- refusalCode(err)
		}()
	}
	admitted := 0
	for range apps {
		switch code := <-results; code {
		case "":
			admitted++
		case workflows.CodeQuotaFull:
		default:
			t.Fatalf("unexpected answer %q", code)
		}
	}
	require.Equal(t, 1, admitted)
	var count int
	require.NoError(t, env.Services.Store.DB.Get(&count, `SELECT admitted_count FROM projects WHERE id = $1`, projectID))
	require.Equal(t, 1, count)
}

// TestSignalsByHandNeverWedge sends, as someone with the Temporal CLI could,
// signals whose words the database cannot hold and an actor with no account:
// each is recorded (refused or applied), nothing is retried for ever, and the
// workflow's state and the read model agree afterwards.
func TestSignalsByHandNeverWedge(t *testing.T) {
	app, p := submittedApplication(t)

	nul := p.college
	nul.Name = "学院\x00"
	signal(t, app.ID, process.MsgDecide, workflows.Request{Actor: p.college, Decision: process.DecisionReturn, Opinion: "x\x00"})
	waitSeq(t, app.ID, 3) // the refusal of the text comes before the next signal is looked at
	signal(t, app.ID, process.MsgDecide, approve(nul))
	waitSeq(t, app.ID, 4)
	signal(t, app.ID, process.MsgDecide, workflows.Request{Actor: workflows.Actor{ID: 1 << 40, Name: "无此账号", Role: p.student.Role}})
	nobody := p.academic1
	nobody.ID = 1 << 40
	signal(t, app.ID, process.MsgDecide, approve(nobody))
	// created, submitted, a refusal of text, the approval (under the account's own name), two actors that do not exist
	row := waitSeq(t, app.ID, 6)
	require.Equal(t, "academic_review", row.Stage)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := env.Services.Temporal.QueryWorkflow(ctx, workflows.WorkflowID(app.ID), "", workflows.QueryState)
	require.NoError(t, err)
	var v workflows.View
	require.NoError(t, res.Get(&v))
	require.Equal(t, v.Stage, row.Stage, "the workflow and the read model agree")
	require.Equal(t, v.Status, row.Status)
	require.Len(t, v.Timeline, row.LastEventSeq)
	historyLength(t, workflows.WorkflowID(app.ID)) // no activity pending: nothing retries
	timeline, err := env.Services.Store.Timeline(ctx, app.ID)
	require.NoError(t, err)
	require.Equal(t, workflows.CodeInvalidText, v.Timeline[2].Detail["code"])
	require.Equal(t, p.college.Name+workflows.ViaTemporalMark, timeline[3].ActorName, "applied under the account's own name, marked")
	require.Equal(t, "无此账号", timeline[4].ActorName)
	require.Equal(t, workflows.CodeActorUnverified, v.Timeline[4].Detail["code"])
	require.Equal(t, workflows.CodeActorUnverified, v.Timeline[5].Detail["code"])
	var audited int
	require.NoError(t, env.Services.Store.DB.Get(&audited, `SELECT count(*) FROM audit_log WHERE target_type = 'application' AND target_id = $1
		AND action = 'application.decided.via_temporal' AND remote_addr = 'Temporal' AND actor_id = $2`, fmt.Sprint(app.ID), p.college.ID))
	require.Equal(t, 1, audited, "the decision through Temporal is in the audit log, once")
}

// TestFailingWorkSurfaces: a record the database keeps failing (an outage, not bad data) leaves the
// local activity after a few attempts and goes on as a regular activity, which the Temporal UI
// shows under Pending Activities; the workflow is marked NeedsAttention, with the problem in its
// current details, until the database accepts the record.
func TestFailingWorkSurfaces(t *testing.T) {
	ctx := context.Background()
	db := env.Services.Store.DB
	app, p := submittedApplication(t)
	_, err := db.Exec(`CREATE OR REPLACE FUNCTION outage_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.opinion = '模拟数据库故障' THEN RAISE EXCEPTION 'simulated outage' USING ERRCODE = '40001'; END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER outage_for_test BEFORE INSERT ON timeline_events FOR EACH ROW EXECUTE FUNCTION outage_for_test();`)
	require.NoError(t, err)
	dropped := false
	drop := func() {
		if !dropped {
			_, err := db.Exec(`DROP TRIGGER outage_for_test ON timeline_events; DROP FUNCTION outage_for_test()`)
			require.NoError(t, err)
			dropped = true
		}
	}
	t.Cleanup(drop)
	signal(t, app.ID, process.MsgDecide, workflows.Request{Actor: p.college, Decision: process.DecisionApprove, Opinion: "模拟数据库故障"})

	id := workflows.WorkflowID(app.ID)
	needsAttention := func() (bool, []string) {
		d, err := env.Services.Temporal.DescribeWorkflow(ctx, id, "")
		require.NoError(t, err)
		desc := d.RawResponse
		var marked bool
		if payload, ok := desc.WorkflowExecutionInfo.GetSearchAttributes().GetIndexedFields()["NeedsAttention"]; ok {
			require.NoError(t, converter.GetDefaultDataConverter().FromPayload(payload, &marked))
		}
		// The failure is sealed in history; an administrator reads it decoded, as the Temporal UI shows it.
		data := converter.GetDefaultDataConverter()
		if env.Services.Codec != nil {
			data = converter.NewCodecDataConverter(data, env.Services.Codec)
		}
		failures := temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{DataConverter: data})
		var pending []string
		for _, a := range desc.PendingActivities {
			pending = append(pending, fmt.Sprintf("%s attempt %d: %s", a.ActivityType.GetName(), a.Attempt, failures.FailureToError(a.LastFailure)))
		}
		return marked, pending
	}
	require.Eventually(t, func() bool {
		marked, pending := needsAttention()
		return marked && len(pending) == 1
	}, time.Minute, 500*time.Millisecond, "the failing record surfaces")
	_, pending := needsAttention()
	require.Contains(t, pending[0], "RecordEvent")
	require.Contains(t, pending[0], "simulated outage")
	found, err := env.Services.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: "NeedsAttention = true"})
	require.NoError(t, err)
	var listed bool
	for _, e := range found.Executions {
		listed = listed || e.Execution.WorkflowId == id
	}
	require.True(t, listed, "one query finds every application that needs an administrator")

	drop()
	require.Eventually(t, func() bool {
		marked, pending := needsAttention()
		return !marked && len(pending) == 0
	}, time.Minute, 500*time.Millisecond, "the mark is cleared once the database accepts the record")
	row := waitSeq(t, app.ID, 3)
	require.Equal(t, "academic_review", row.Stage)
}
