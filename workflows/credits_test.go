package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"outbound/process"
)

// TestCreditsPhase: a credit-bearing project's application goes on after the return report to
// 学分认定; the college decides line by line (a whole request is never rejected, a refused line needs
// its reason), 教务处 confirms, and the application completes. Without the flag it completes at once.
func TestCreditsPhase(t *testing.T) {
	h := newHarness(t)
	in := h.input()
	in.Credits = true
	m, d := time.Minute, 24*time.Hour
	score := 88.0
	lines := []process.LineDecision{{Line: 1, Decision: process.LineApproved}, {Line: 2, Decision: process.LineChanged, Score: &score, Opinion: "按换算表修正"},
		{Line: 3, Decision: process.LineRefused, Opinion: "内容与本校课程不符"}}
	steps := append(toReturnPhase(),
		step{at: 61 * d, msg: process.MsgSubmitReturnReport, req: Request{Actor: student}},
		step{at: 61*d + m, msg: process.MsgDecide, req: approve(foreign)},
		step{at: 61*d + 2*m, msg: process.MsgSubmitCredits, req: Request{Actor: student}},
		step{at: 61*d + 3*m, msg: process.MsgDecide, req: Request{Actor: college, Decision: process.DecisionReject, Opinion: "不认定"}},
		step{at: 61*d + 4*m, msg: process.MsgDecide, req: Request{Actor: college, Decision: process.DecisionApprove,
			Lines: []process.LineDecision{{Line: 3, Decision: process.LineRefused}}}},
		step{at: 61*d + 5*m, msg: process.MsgDecide, req: Request{Actor: college, Decision: process.DecisionApprove, Lines: lines}},
		step{at: 61*d + 6*m, msg: process.MsgDecide, req: approve(academic)},
	)
	results := h.run(in, steps)
	want := make([]string, len(steps))
	want[len(toReturnPhase())+3] = "rejected:" + CodeInvalidDecision
	want[len(toReturnPhase())+4] = "rejected:" + CodeInvalidDecision
	require.Equal(t, want, results)
	require.True(t, h.env.IsWorkflowCompleted())
	got := statuses(h.records)
	require.Equal(t, []string{"返校总结上报阶段国际处审核通过", "学分认定审核中", "学分认定学院审核通过", "学分认定完成"}, got[len(got)-4:])
	college := h.records[len(h.records)-2]
	require.Equal(t, lines, college.CreditDecisions, "the college's line decisions go with its record")
	require.Equal(t, "credit_college_review", college.DecisionStage)
	require.Equal(t, process.PhaseCredits, h.records[len(h.records)-4].Projection.Phase)
}

// TestCreditsPhaseOnlyForCreditBearingProjects: without the flag the return report's approval ends
// the application, and a 学分认定 submission is unknown to it.
func TestCreditsPhaseOnlyForCreditBearingProjects(t *testing.T) {
	h := newHarness(t)
	d := 24 * time.Hour
	steps := append(toReturnPhase(),
		step{at: 61 * d, msg: process.MsgSubmitCredits, req: Request{Actor: student}},
		step{at: 61 * d, msg: process.MsgSubmitReturnReport, req: Request{Actor: student}},
		step{at: 61*d + time.Minute, msg: process.MsgDecide, req: approve(foreign)},
	)
	results := h.run(h.input(), steps)
	require.Equal(t, "rejected:"+CodeWrongStage, results[len(toReturnPhase())])
	require.True(t, h.env.IsWorkflowCompleted())
	last := h.records[len(h.records)-1]
	require.Equal(t, process.StageCompleted, last.Projection.Stage)
	require.Equal(t, "返校总结上报阶段国际处审核通过", last.Projection.Status)
}
