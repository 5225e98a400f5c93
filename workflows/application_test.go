package workflows

import (
	"context"
	"errors"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"outbound/activities"
	"outbound/process"
)

var (
	student   = Actor{ID: 10, Name: "学生1", Role: process.RoleStudent, College: "LIT"}
	otherStud = Actor{ID: 11, Name: "学生2", Role: process.RoleStudent, College: "LIT"}
	college   = Actor{ID: 20, Name: "文学院审核", Role: process.RoleCollegeReviewer, College: "LIT"}
	college2  = Actor{ID: 21, Name: "理学院审核", Role: process.RoleCollegeReviewer, College: "SCI"}
	academic  = Actor{ID: 30, Name: "教务处甲", Role: process.RoleAcademicAffairs}
	academic2 = Actor{ID: 31, Name: "教务处乙", Role: process.RoleAcademicAffairs}
	foreign   = Actor{ID: 40, Name: "外事处", Role: process.RoleForeignAffairs}
)

// lastOf is the last record of a kind.
func lastOf(records []activities.EventRecord, kind string) activities.EventRecord {
	for i := len(records) - 1; i >= 0; i-- {
		if records[i].Kind == kind {
			return records[i]
		}
	}
	return activities.EventRecord{}
}

// accounts are the test's accounts, as VerifyActor finds them.
var accounts = map[int64]Actor{}

func init() {
	for _, a := range []Actor{student, otherStud, college, college2, academic, academic2, foreign} {
		accounts[a.ID] = a
	}
}

// verifyAgainst answers VerifyActor from a set of accounts, as the activity does from the database.
func verifyAgainst(known map[int64]Actor) func(context.Context, activities.ActorClaim) (activities.ActorVerdict, error) {
	return func(_ context.Context, c activities.ActorClaim) (activities.ActorVerdict, error) {
		a, ok := known[c.ID]
		switch {
		case !ok:
			return activities.ActorVerdict{Problem: "账号不存在"}, nil
		case string(a.Role) != c.Role:
			return activities.ActorVerdict{Problem: "角色不符"}, nil
		case a.Role.Scoped() && a.College != c.College:
			return activities.ActorVerdict{Problem: "学院不符"}, nil
		}
		return activities.ActorVerdict{Name: a.Name}, nil
	}
}

// step is one message sent at an offset from the workflow's start.
type step struct {
	at     time.Duration
	msg    string
	req    Request
	signal bool
}

type harness struct {
	t        *testing.T
	env      *testsuite.TestWorkflowEnvironment
	mu       sync.Mutex
	records  []activities.EventRecord
	quotaOK  bool
	problems []activities.Problem
	// refuseSubmission makes the read model refuse the next submissions' record.
	refuseSubmission bool
	start            time.Time
	// departure is the departure date the submission reports (zero: none).
	departure time.Time
	// officialPassport: the 行前材料 are handed in with an 因公护照.
	officialPassport bool
	// undone lists the compensations run, in order.
	undone []string
}

// refusedByDatabase is an opinion the harness's read model refuses, as a constraint would.
const refusedByDatabase = "数据库拒绝"

func timing() Timing {
	return Timing{
		ReviewDeadline:      72 * time.Hour,
		ReviewReminder:      48 * time.Hour,
		WindowReminder:      24 * time.Hour,
		ReturnReportDue:     14 * 24 * time.Hour,
		ReturnReportWarning: 3 * 24 * time.Hour,
	}
}

func newHarness(t *testing.T) *harness {
	var suite testsuite.WorkflowTestSuite
	h := &harness{t: t, env: suite.NewTestWorkflowEnvironment(), quotaOK: true}
	h.start = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	h.env.SetStartTime(h.start)
	a := &activities.Activities{}
	h.env.RegisterActivityWithOptions(a.RecordEvent, activity.RegisterOptions{Name: activities.NameRecordEvent})
	h.env.RegisterActivityWithOptions(a.CheckSubmission, activity.RegisterOptions{Name: activities.NameCheckSubmission})
	h.env.RegisterActivityWithOptions(a.TakeSnapshot, activity.RegisterOptions{Name: activities.NameTakeSnapshot})
	h.env.RegisterActivityWithOptions(a.ReserveQuota, activity.RegisterOptions{Name: activities.NameReserveQuota})
	h.env.RegisterActivityWithOptions(a.VerifyActor, activity.RegisterOptions{Name: activities.NameVerifyActor})
	h.env.RegisterActivityWithOptions(a.ReleaseQuota, activity.RegisterOptions{Name: activities.NameReleaseQuota})
	h.env.RegisterActivityWithOptions(a.DiscardSnapshot, activity.RegisterOptions{Name: activities.NameDiscardSnapshot})
	h.env.RegisterActivityWithOptions(a.Submit, activity.RegisterOptions{Name: activities.NameSubmit})
	h.env.RegisterActivityWithOptions(a.PassportDue, activity.RegisterOptions{Name: activities.NamePassportDue})
	// Five working days, as the calendar would count them over a plain week: a week later.
	h.env.OnActivity(activities.NamePassportDue, mock.Anything, mock.Anything).Return(func(_ context.Context, r activities.PassportDueRequest) (time.Time, error) {
		return r.ReturnDate.Add(7 * 24 * time.Hour), nil
	})
	h.env.OnActivity(activities.NameVerifyActor, mock.Anything, mock.Anything).Return(verifyAgainst(accounts))
	h.env.OnActivity(activities.NameRecordEvent, mock.Anything, mock.Anything).Return(func(_ context.Context, e activities.EventRecord) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		if e.Opinion == refusedByDatabase {
			return temporal.NewNonRetryableApplicationError("check constraint", activities.CodeRecordRefused, nil)
		}
		h.records = append(h.records, e)
		return nil
	})
	h.env.OnActivity(activities.NameReleaseQuota, mock.Anything, mock.Anything).Return(func(context.Context, activities.QuotaRequest) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.undone = append(h.undone, activities.NameReleaseQuota)
		return nil
	})
	h.env.OnActivity(activities.NameDiscardSnapshot, mock.Anything, mock.Anything).Return(func(context.Context, activities.SnapshotRequest) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.undone = append(h.undone, activities.NameDiscardSnapshot)
		return nil
	})
	h.env.OnActivity(activities.NameCheckSubmission, mock.Anything, mock.Anything).Return(func(_ context.Context, c activities.SubmissionCheck) (activities.SubmissionResult, error) {
		return activities.SubmissionResult{Problems: h.problems, ReturnDate: h.start.Add(60 * 24 * time.Hour)}, nil
	})
	h.env.OnActivity(activities.NameTakeSnapshot, mock.Anything, mock.Anything).Return("ab12", nil)
	// Submit as the read model does it: problems write nothing; otherwise the record with the snapshot's hash.
	h.env.OnActivity(activities.NameSubmit, mock.Anything, mock.Anything).Return(func(_ context.Context, r activities.SubmitRequest) (activities.SubmitResult, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		res := activities.SubmitResult{Problems: h.problems, ReturnDate: h.start.Add(60 * 24 * time.Hour), DepartureDate: h.departure,
			OfficialPassport: h.officialPassport && r.Phase == process.PhasePredeparture}
		if len(res.Problems) > 0 {
			return res, nil
		}
		if h.refuseSubmission {
			return activities.SubmitResult{}, temporal.NewNonRetryableApplicationError("check constraint", activities.CodeRecordRefused, nil)
		}
		res.SHA256 = "ab12"
		e := r.Record
		detail := map[string]any{"sha256": res.SHA256}
		maps.Copy(detail, e.Detail)
		e.Detail, e.Projection.SnapshotSHA256 = detail, res.SHA256
		h.records = append(h.records, e)
		return res, nil
	})
	h.env.OnActivity(activities.NameReserveQuota, mock.Anything, mock.Anything).Return(func(_ context.Context, _ activities.QuotaRequest) (bool, error) {
		return h.quotaOK, nil
	})
	return h
}

func (h *harness) input() Input {
	return Input{
		ApplicationID: 1, StudentID: student.ID, StudentName: student.Name, College: "LIT", ProjectCode: "20240007",
		WindowOpens: h.start.Add(-time.Hour), WindowCloses: h.start.Add(10 * 24 * time.Hour),
		Definition: process.DefaultDefinition(), Timing: timing(),
	}
}

// notRun is a step's result until its update has been answered; a Signal's is "" once sent.
const notRun = "not run"

// run executes the workflow with the steps and returns each step's refusal code ("" for success).
func (h *harness) run(in Input, steps []step) []string {
	// A step that never ran must not count as accepted ("").
	results := make([]string, len(steps))
	for i := range results {
		results[i] = notRun
	}
	for i, s := range steps {
		i, s := i, s
		h.env.RegisterDelayedCallback(func() {
			if s.signal {
				h.env.SignalWorkflow(s.msg, s.req)
				results[i] = ""
				return
			}
			h.env.UpdateWorkflow(s.msg, "", &testsuite.TestUpdateCallback{
				OnReject:   func(err error) { results[i] = "rejected:" + code(err) },
				OnAccept:   func() {},
				OnComplete: func(_ any, err error) { results[i] = code(err) },
			}, s.req)
		}, s.at)
	}
	h.env.ExecuteWorkflow(Application, in)
	return results
}

func code(err error) string {
	if err == nil {
		return ""
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Type()
	}
	return err.Error()
}

func (h *harness) view() View {
	var v View
	res, err := h.env.QueryWorkflow(QueryState)
	require.NoError(h.t, err)
	require.NoError(h.t, res.Get(&v))
	return v
}

func approve(a Actor) Request {
	return Request{Actor: a, Decision: process.DecisionApprove, Opinion: "同意"}
}

func statuses(records []activities.EventRecord) []string {
	var out []string
	for _, r := range records {
		out = append(out, r.Projection.Status)
	}
	return out
}

// toReturnPhase takes an application through the application and pre-departure phases, a step a
// minute: after eight minutes it waits for the return report.
func toReturnPhase() []step {
	m := time.Minute
	return []step{
		{at: 1 * m, msg: process.MsgSubmit, req: Request{Actor: student}},
		{at: 2 * m, msg: process.MsgDecide, req: approve(college)},
		{at: 3 * m, msg: process.MsgDecide, req: approve(academic)},
		{at: 4 * m, msg: process.MsgDecide, req: approve(foreign)},
		{at: 5 * m, msg: process.MsgSubmitPredeparture, req: Request{Actor: student}},
		{at: 6 * m, msg: process.MsgDecide, req: approve(academic)},
		{at: 7 * m, msg: process.MsgDecide, req: approve(academic2)},
		{at: 8 * m, msg: process.MsgDecide, req: approve(foreign)},
	}
}

func TestAllThreePhasesToCompletion(t *testing.T) {
	h := newHarness(t)
	m := time.Minute
	steps := []step{
		{at: 1 * m, msg: process.MsgSubmit, req: Request{Actor: student}},
		{at: 2 * m, msg: process.MsgDecide, req: approve(college)},
		{at: 3 * m, msg: process.MsgDecide, req: approve(academic)},
		{at: 4 * m, msg: process.MsgDecide, req: Request{Actor: foreign, Decision: process.DecisionApprove, Funding: &Funding{Source: "国家留学基金委", Amount: 5000}}},
		{at: 5 * m, msg: process.MsgSubmitPredeparture, req: Request{Actor: student}},
		{at: 6 * m, msg: process.MsgDecide, req: approve(academic)},
		{at: 7 * m, msg: process.MsgDecide, req: approve(academic2)},
		{at: 8 * m, msg: process.MsgDecide, req: approve(foreign)},
		// The return date is 60 days after the start.
		{at: 61 * 24 * time.Hour, msg: process.MsgSubmitReturnReport, req: Request{Actor: student}},
		{at: 61*24*time.Hour + m, msg: process.MsgDecide, req: approve(foreign)},
	}
	results := h.run(h.input(), steps)
	for i, r := range results {
		require.Empty(t, r, "step %d (%s)", i, steps[i].msg)
	}
	require.True(t, h.env.IsWorkflowCompleted())
	require.NoError(t, h.env.GetWorkflowError())
	var final string
	require.NoError(t, h.env.GetWorkflowResult(&final))
	require.Equal(t, "返校总结上报阶段国际处审核通过", final)
	want := []string{"未提交", "申请中", "申请中", "申请中", "已录取", "行前资料已上传", "行前阶段教务处初审通过",
		"行前阶段教务处复审通过", "行前阶段外事部门审核通过"}
	got := statuses(h.records)
	require.Equal(t, want, got[:len(want)])
	require.Equal(t, "返校总结上报阶段国际处审核通过", got[len(got)-1])
	// Funding travels with the admission; the admission is marked once.
	admitted := 0
	for _, r := range h.records {
		if r.Projection.Admitted {
			admitted++
			require.NotNil(t, r.Funding)
			require.Equal(t, "国家留学基金委", r.Funding.Source)
		}
	}
	require.Equal(t, 1, admitted)
	require.True(t, h.records[len(h.records)-1].Projection.Closed)
	// Sequence numbers are 1, 2, 3, … with no gap: they key the read model's idempotency.
	for i, r := range h.records {
		require.Equal(t, i+1, r.Seq)
	}
}

func TestRefusals(t *testing.T) {
	m := time.Minute
	cases := []struct {
		name  string
		setup func(h *harness, in *Input)
		steps []step
		want  []string
	}{
		{"decide while draft is the wrong stage", nil,
			[]step{{at: m, msg: process.MsgDecide, req: approve(college)}},
			[]string{"rejected:" + CodeWrongStage}},
		{"another student cannot submit", nil,
			[]step{{at: m, msg: process.MsgSubmit, req: Request{Actor: otherStud}}},
			[]string{"rejected:" + CodeNotOwner}},
		{"wrong role and wrong college", nil,
			[]step{{at: m, msg: process.MsgSubmit, req: Request{Actor: student}},
				{at: 2 * m, msg: process.MsgDecide, req: approve(academic)},
				{at: 3 * m, msg: process.MsgDecide, req: approve(college2)}},
			[]string{"", "rejected:" + CodeWrongRole, "rejected:" + CodeWrongCollege}},
		{"opinion required for return and reject; unknown decision", nil,
			[]step{{at: m, msg: process.MsgSubmit, req: Request{Actor: student}},
				{at: 2 * m, msg: process.MsgDecide, req: Request{Actor: college, Decision: process.DecisionReturn, Opinion: "  "}},
				{at: 3 * m, msg: process.MsgDecide, req: Request{Actor: college, Decision: process.DecisionReject}},
				{at: 4 * m, msg: process.MsgDecide, req: Request{Actor: college, Decision: "maybe"}}},
			[]string{"", "rejected:" + CodeOpinionRequired, "rejected:" + CodeOpinionRequired, "rejected:" + CodeInvalidDecision}},
		{"double submit moves once", nil,
			[]step{{at: m, msg: process.MsgSubmit, req: Request{Actor: student}},
				{at: 2 * m, msg: process.MsgSubmit, req: Request{Actor: student}}},
			[]string{"", "rejected:" + CodeWrongStage}},
		{"window not open yet", func(h *harness, in *Input) { in.WindowOpens = h.start.Add(time.Hour) },
			[]step{{at: m, msg: process.MsgSubmit, req: Request{Actor: student}}},
			[]string{"rejected:" + CodeWindowNotOpen}},
		{"incomplete submission is refused with problems", func(h *harness, in *Input) {
			h.problems = []activities.Problem{{Field: "applyInfo.gpa", Message: "GPA不能为空"}}
		},
			[]step{{at: m, msg: process.MsgSubmit, req: Request{Actor: student}}},
			[]string{CodeIncomplete}},
		{"quota full", func(h *harness, in *Input) { h.quotaOK = false },
			[]step{{at: m, msg: process.MsgSubmit, req: Request{Actor: student}},
				{at: 2 * m, msg: process.MsgDecide, req: approve(college)},
				{at: 3 * m, msg: process.MsgDecide, req: approve(academic)},
				{at: 4 * m, msg: process.MsgDecide, req: approve(foreign)}},
			[]string{"", "", "", CodeQuotaFull}},
		{"same person for 初审 and 复审; withdraw after the decision", nil,
			[]step{{at: m, msg: process.MsgSubmit, req: Request{Actor: student}},
				{at: 2 * m, msg: process.MsgDecide, req: approve(college)},
				{at: 3 * m, msg: process.MsgDecide, req: approve(academic)},
				{at: 4 * m, msg: process.MsgDecide, req: approve(foreign)},
				{at: 5 * m, msg: process.MsgWithdraw, req: Request{Actor: student}},
				{at: 6 * m, msg: process.MsgSubmitPredeparture, req: Request{Actor: student}},
				{at: 7 * m, msg: process.MsgDecide, req: approve(academic)},
				{at: 8 * m, msg: process.MsgDecide, req: approve(academic)},
				{at: 9 * m, msg: process.MsgDecide, req: approve(academic2)}},
			[]string{"", "", "", "", "rejected:" + CodeWrongStage, "", "", "rejected:" + CodeSameReviewer, ""}},
		{"delete not while in review, but after a withdrawal", nil,
			[]step{{at: m, msg: process.MsgSubmit, req: Request{Actor: student}},
				{at: 2 * m, msg: process.MsgDelete, req: Request{Actor: student}},
				{at: 3 * m, msg: process.MsgWithdraw, req: Request{Actor: student}},
				{at: 4 * m, msg: process.MsgDelete, req: Request{Actor: otherStud}},
				{at: 5 * m, msg: process.MsgDelete, req: Request{Actor: student}}},
			[]string{"", "rejected:" + CodeWrongStage, "", "rejected:" + CodeNotOwner, ""}},
		{"give up only an admission, with a reason", nil,
			[]step{{at: m, msg: process.MsgSubmit, req: Request{Actor: student}},
				{at: 2 * m, msg: process.MsgGiveUp, req: Request{Actor: student, Opinion: "家庭原因"}},
				{at: 3 * m, msg: process.MsgDecide, req: approve(college)},
				{at: 4 * m, msg: process.MsgDecide, req: approve(academic)},
				{at: 5 * m, msg: process.MsgDecide, req: approve(foreign)},
				{at: 6 * m, msg: process.MsgGiveUp, req: Request{Actor: student}},
				{at: 7 * m, msg: process.MsgGiveUp, req: Request{Actor: otherStud, Opinion: "冒名"}},
				{at: 8 * m, msg: process.MsgGiveUp, req: Request{Actor: student, Opinion: "家庭原因"}}},
			[]string{"", "rejected:" + CodeWrongStage, "", "", "", "rejected:" + CodeOpinionRequired, "rejected:" + CodeNotOwner, ""}},
		{"supplement needs files and review", nil,
			[]step{{at: m, msg: process.MsgSupplement, req: Request{Actor: student, AttachmentIDs: []int64{5}}},
				{at: 2 * m, msg: process.MsgSubmit, req: Request{Actor: student}},
				{at: 3 * m, msg: process.MsgSupplement, req: Request{Actor: student}},
				{at: 4 * m, msg: process.MsgSupplement, req: Request{Actor: student, AttachmentIDs: []int64{5}}}},
			[]string{"rejected:" + CodeWrongStage, "", "rejected:" + CodeNoAttachments, ""}},
		{"return report before the return date", nil,
			append(toReturnPhase(), step{at: 9 * m, msg: process.MsgSubmitReturnReport, req: Request{Actor: student}}),
			[]string{"", "", "", "", "", "", "", "", "rejected:" + CodeReturnNotReached}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			in := h.input()
			if tc.setup != nil {
				tc.setup(h, &in)
			}
			require.Equal(t, tc.want, h.run(in, tc.steps))
		})
	}
}

func TestReturnRejectWithdrawDelete(t *testing.T) {
	m := time.Minute
	t.Run("return then resubmit starts the chain again", func(t *testing.T) {
		h := newHarness(t)
		res := h.run(h.input(), []step{
			{at: m, msg: process.MsgSubmit, req: Request{Actor: student}},
			{at: 2 * m, msg: process.MsgDecide, req: approve(college)},
			{at: 3 * m, msg: process.MsgDecide, req: Request{Actor: academic, Decision: process.DecisionReturn, Opinion: "请补充成绩单"}},
			{at: 4 * m, msg: process.MsgSubmit, req: Request{Actor: student}},
			{at: 5 * m, msg: process.MsgDecide, req: approve(academic)}, // the chain restarted at the college
			{at: 6 * m, msg: process.MsgDecide, req: Request{Actor: college, Decision: process.DecisionReject, Opinion: "不符合条件"}},
		})
		require.Equal(t, []string{"", "", "", "", "rejected:" + CodeWrongRole, ""}, res)
		require.True(t, h.env.IsWorkflowCompleted())
		got := statuses(h.records)
		require.Equal(t, []string{"未提交", "申请中", "申请中", "已退回", "申请中", "未通过"}, got)
		require.Equal(t, "请补充成绩单", h.records[3].Opinion)
	})
	t.Run("withdraw then delete is refused, withdraw from draft refused, delete of a fresh draft ends it", func(t *testing.T) {
		h := newHarness(t)
		res := h.run(h.input(), []step{
			{at: m, msg: process.MsgWithdraw, req: Request{Actor: student}},
			{at: 2 * m, msg: process.MsgDelete, req: Request{Actor: student}},
		})
		require.Equal(t, []string{"rejected:" + CodeWrongStage, ""}, res)
		require.True(t, h.env.IsWorkflowCompleted())
		last := h.records[len(h.records)-1]
		require.Equal(t, process.StatusCancelled, last.Projection.Status)
		require.True(t, last.Projection.Closed)
	})
}

func TestInvalidSignalIsRecordedAsRefused(t *testing.T) {
	m := time.Minute
	h := newHarness(t)
	h.env.RegisterDelayedCallback(func() {
		v := h.view()
		require.Equal(t, "college_review", v.Stage)
		require.Equal(t, process.RoleCollegeReviewer, v.AwaitingRole)
		require.Contains(t, v.Allowed[process.RoleStudent], process.ActionWithdraw)
		require.Contains(t, v.Allowed[process.RoleStudent], process.ActionSupplement)
		require.NotContains(t, v.Allowed[process.RoleStudent], process.ActionEdit)
		require.Contains(t, v.Allowed[process.RoleCollegeReviewer], process.ActionDecide)
		require.NotContains(t, v.Allowed[process.RoleAcademicAffairs], process.ActionDecide)
	}, 3*m)
	res := h.run(h.input(), []step{
		{at: m, msg: process.MsgSubmit, req: Request{Actor: student}, signal: true},
		{at: 2 * m, msg: process.MsgDecide, req: approve(academic), signal: true},
		{at: 4 * m, msg: process.MsgDecide, req: Request{Actor: college, Decision: process.DecisionReject, Opinion: "材料不全"}, signal: true},
	})
	require.Equal(t, []string{"", "", ""}, res, "every signal was sent")
	require.True(t, h.env.IsWorkflowCompleted())
	var kinds []string
	for _, r := range h.records {
		kinds = append(kinds, r.Kind)
	}
	require.Equal(t, []string{EventCreated, EventSubmitted, EventRefused, EventDecided}, kinds)
	refused := h.records[2]
	require.Equal(t, "申请中", refused.Projection.Status, "a refused signal changes nothing")
	require.Equal(t, CodeWrongRole, refused.Detail["code"])
	decided := h.records[3]
	require.Equal(t, college.Name+ViaTemporalMark, decided.ActorName, "a decision sent through Temporal says so")
	require.Equal(t, "temporal", decided.Detail["via"])
}

// TestSignalActorIsVerified: a Signal's actor must be an enabled account holding the role and the
// college it claims; otherwise the signal is refused and recorded as refused, and nothing moves.
// A forged name gives way to the account's own.
func TestSignalActorIsVerified(t *testing.T) {
	m := time.Minute
	h := newHarness(t)
	unknown := Actor{ID: 999, Name: "冒名者", Role: process.RoleCollegeReviewer, College: "LIT"}
	wrongCollege := college2
	wrongCollege.College = "LIT" // a 理学院 reviewer claiming 文学院
	posing := academic
	posing.Role = process.RoleCollegeReviewer // an 教务处 account claiming to be a college reviewer
	posing.College = "LIT"
	forgedName := college
	forgedName.Name = "院长本人"
	res := h.run(h.input(), []step{
		{at: m, msg: process.MsgSubmit, req: Request{Actor: student}},
		{at: 2 * m, msg: process.MsgDecide, req: approve(unknown), signal: true},
		{at: 3 * m, msg: process.MsgDecide, req: approve(wrongCollege), signal: true},
		{at: 4 * m, msg: process.MsgDecide, req: approve(posing), signal: true},
		{at: 5 * m, msg: process.MsgDecide, req: approve(forgedName), signal: true},
	})
	require.Empty(t, res[0])
	var refusals []any
	for _, r := range h.records {
		if r.Kind == EventRefused {
			refusals = append(refusals, r.Detail["code"])
			require.Contains(t, r.Opinion, "无法核实操作人")
		}
	}
	require.Equal(t, []any{CodeActorUnverified, CodeActorUnverified, CodeActorUnverified}, refusals)
	last := lastOf(h.records, EventDecided)
	require.Equal(t, college.Name+ViaTemporalMark, last.ActorName, "the account's name, not the payload's")
	require.Equal(t, "academic_review", h.view().Stage)
}

// TestSignalsTheReadModelCouldNotHoldAreRefused: texts with control characters,
// over-long names and sums past the column are refused and recorded cleanly,
// and the application goes on.
func TestSignalsTheReadModelCouldNotHoldAreRefused(t *testing.T) {
	m := time.Minute
	h := newHarness(t)
	nulName := college
	nulName.Name = "学院\x00审核员"
	badRole := college
	badRole.Role = "college\x00"
	res := h.run(h.input(), []step{
		{at: m, msg: process.MsgSubmit, req: Request{Actor: student}},
		{at: 2 * m, msg: process.MsgDecide, req: Request{Actor: college, Decision: process.DecisionReturn, Opinion: "x\x00"}, signal: true},
		{at: 3 * m, msg: process.MsgDecide, req: approve(badRole), signal: true},
		{at: 4 * m, msg: process.MsgDecide, req: Request{Actor: college, Decision: process.DecisionReturn, Opinion: "x\x00"}},
		{at: 5 * m, msg: process.MsgDecide, req: approve(nulName), signal: true},
	})
	require.Equal(t, "rejected:"+CodeInvalidText, res[3], "the Update is refused by its validator")
	var codes []any
	for _, r := range h.records {
		if r.Kind == EventRefused {
			codes = append(codes, r.Detail["code"])
			require.NotContains(t, r.ActorName, "\x00", "the refusal is recorded without the bad text")
			require.NotContains(t, r.ActorRole, "\x00")
		}
	}
	require.Equal(t, []any{CodeInvalidText, CodeActorUnverified}, codes)
	last := lastOf(h.records, EventDecided)
	require.Equal(t, college.Name+ViaTemporalMark, last.ActorName, "a name with a NUL gives way to the account's own")
	require.Equal(t, "academic_review", h.view().Stage, "the application went on")
}

// TestRefusedRecordUndoesTheTransition: when the read model refuses an event for its content, the
// message does not take effect: the state goes back, the quota place and the snapshot taken for it
// are given back, the caller hears why, and the application goes on from where it was.
func TestRefusedRecordUndoesTheTransition(t *testing.T) {
	m := time.Minute
	h := newHarness(t)
	refused := func(a Actor) Request {
		return Request{Actor: a, Decision: process.DecisionApprove, Opinion: refusedByDatabase}
	}
	h.env.RegisterDelayedCallback(func() {
		require.Equal(t, "college_review", h.view().Stage, "the refused approval did not move the application")
	}, 2*m+30*time.Second)
	h.env.RegisterDelayedCallback(func() {
		require.Equal(t, "foreign_review", h.view().Stage, "the refused admission did not admit")
	}, 5*m+30*time.Second)
	res := h.run(h.input(), []step{
		{at: m, msg: process.MsgSubmit, req: Request{Actor: student}},
		{at: 2 * m, msg: process.MsgDecide, req: refused(college)},
		{at: 3 * m, msg: process.MsgDecide, req: approve(college)},
		{at: 4 * m, msg: process.MsgDecide, req: approve(academic)},
		{at: 5 * m, msg: process.MsgDecide, req: refused(foreign)},
		{at: 6 * m, msg: process.MsgDecide, req: approve(foreign)},
		{at: 7 * m, msg: process.MsgDecide, req: refused(foreign), signal: true},
	})
	require.Equal(t, []string{"", CodeRecordRefused, "", "", CodeRecordRefused, "", ""}, res)
	require.Equal(t, []string{activities.NameReleaseQuota}, h.undone, "the admission's quota place is given back")
	for i, r := range h.records {
		require.Equal(t, i+1, r.Seq, "no number is lost to a refused record")
	}
	require.Equal(t, "predeparture_materials", h.view().Stage)
	require.Equal(t, []string{EventCreated, EventSubmitted, EventDecided, EventDecided, EventDecided}, kindsOf(h.records[:5]))
}

// TestRefusedSubmissionLeavesTheDraft: a submission whose record the read model refuses does not
// take effect; with the check, the snapshot and the record in one transaction there is nothing to undo.
func TestRefusedSubmissionLeavesTheDraft(t *testing.T) {
	m := time.Minute
	h := newHarness(t)
	h.refuseSubmission = true
	h.env.RegisterDelayedCallback(func() {
		v := h.view()
		require.Equal(t, "draft", v.Stage, "the refused submission did not move the application")
		require.Len(t, v.Timeline, 1, "nor did it number an event")
		h.refuseSubmission = false
	}, m+30*time.Second)
	var v View
	h.env.RegisterDelayedCallback(func() { v = h.view() }, 2*m+30*time.Second)
	res := h.run(h.input(), []step{
		{at: m, msg: process.MsgSubmit, req: Request{Actor: student}},
		{at: 2 * m, msg: process.MsgSubmit, req: Request{Actor: student}},
	})
	require.Equal(t, []string{CodeRecordRefused, ""}, res)
	require.Empty(t, h.undone, "nothing was written, so nothing is undone")
	require.Equal(t, []string{EventCreated, EventSubmitted}, kindsOf(h.records[:2]))
	submitted := h.records[1]
	require.Equal(t, 2, submitted.Seq)
	require.Equal(t, "ab12", submitted.Projection.SnapshotSHA256)
	require.Equal(t, "college_review", v.Stage)
	require.Equal(t, "ab12", v.Timeline[1].Detail["sha256"], "the timeline keeps the snapshot's hash as recorded")
	require.Equal(t, h.start.Add(60*24*time.Hour), v.ReturnDate.UTC(), "the return date comes with the check")
}

// TestGiveUpReturnsThePlace: 放弃录取 gives the quota place back and ends the application.
func TestGiveUpReturnsThePlace(t *testing.T) {
	m := time.Minute
	h := newHarness(t)
	res := h.run(h.input(), []step{
		{at: m, msg: process.MsgSubmit, req: Request{Actor: student}},
		{at: 2 * m, msg: process.MsgDecide, req: approve(college)},
		{at: 3 * m, msg: process.MsgDecide, req: approve(academic)},
		{at: 4 * m, msg: process.MsgDecide, req: approve(foreign)},
		{at: 5 * m, msg: process.MsgGiveUp, req: Request{Actor: student, Opinion: "签证未获批"}},
	})
	require.Equal(t, []string{"", "", "", "", ""}, res)
	require.True(t, h.env.IsWorkflowCompleted())
	require.Equal(t, []string{activities.NameReleaseQuota}, h.undone, "the place goes back to the project")
	last := h.records[len(h.records)-1]
	require.Equal(t, EventGivenUp, last.Kind)
	require.Equal(t, "签证未获批", last.Opinion)
	require.Equal(t, process.StatusGivenUp, last.Projection.Status)
	require.True(t, last.Projection.Closed, "the one-project slot is free again")
}

func kindsOf(records []activities.EventRecord) []string {
	var out []string
	for _, r := range records {
		out = append(out, r.Kind)
	}
	return out
}

func TestTimers(t *testing.T) {
	t.Run("review reminder then overdue", func(t *testing.T) {
		h := newHarness(t)
		h.env.RegisterDelayedCallback(func() {
			v := h.view()
			require.True(t, v.Overdue)
			require.Equal(t, "college_review", v.Stage)
		}, 80*time.Hour)
		h.run(h.input(), []step{
			{at: time.Minute, msg: process.MsgSubmit, req: Request{Actor: student}},
			{at: 90 * time.Hour, msg: process.MsgDecide, req: Request{Actor: college, Decision: process.DecisionReject, Opinion: "超期"}},
		})
		var kinds []string
		for _, r := range h.records {
			kinds = append(kinds, r.Kind)
		}
		require.Equal(t, []string{EventCreated, EventSubmitted, EventReminder, EventOverdue, EventDecided}, kinds)
		require.True(t, h.records[3].Projection.Overdue)
		require.Equal(t, h.records[1].OccurredAt.Add(72*time.Hour), h.records[3].OccurredAt)
	})
	t.Run("draft reminded before the window closes, then expires", func(t *testing.T) {
		h := newHarness(t)
		h.run(h.input(), nil)
		require.True(t, h.env.IsWorkflowCompleted())
		var kinds []string
		for _, r := range h.records {
			kinds = append(kinds, r.Kind)
		}
		require.Equal(t, []string{EventCreated, EventReminder, EventExpired}, kinds)
		require.Equal(t, h.start.Add(9*24*time.Hour), h.records[1].OccurredAt)
		require.Equal(t, process.StatusExpired, h.records[2].Projection.Status)
	})
}

func TestDefinitionIsCapturedAtStart(t *testing.T) {
	// An application started with a shorter chain keeps it.
	h := newHarness(t)
	in := h.input()
	in.Definition.Phases[0].Reviews = in.Definition.Phases[0].Reviews[:1]
	res := h.run(in, []step{
		{at: time.Minute, msg: process.MsgSubmit, req: Request{Actor: student}},
		{at: 2 * time.Minute, msg: process.MsgDecide, req: approve(college)},
	})
	require.Equal(t, []string{"", ""}, res)
	require.Equal(t, "已录取", h.records[len(h.records)-1].Projection.Status)
}

func TestWindowClosedRefusesFirstSubmitOnly(t *testing.T) {
	h := newHarness(t)
	s := NewState(h.input(), h.start)
	after := h.input().WindowCloses.Add(time.Minute)
	r := s.Check(process.MsgSubmit, Request{Actor: student}, after)
	require.NotNil(t, r)
	require.Equal(t, CodeWindowClosed, r.Code)
	// A returned application may be resubmitted after the window.
	s.Submitted(h.start)
	s.Decided(Request{Actor: college, Decision: process.DecisionReturn, Opinion: "补充材料"}, h.start)
	require.Nil(t, s.Check(process.MsgSubmit, Request{Actor: student}, after))
}
