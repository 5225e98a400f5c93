package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"outbound/process"
)

// TestApplicationWaitsOnItsRound: an application of a project with a round goes from 教务处 to the
// selection stage (not to the office's own review), joins the round, refuses a reviewer's decision
// and a withdrawal there, takes the round's words (拟录取, then 录取) and, admitted, tells the round
// when the student gives the place up.
func TestApplicationWaitsOnItsRound(t *testing.T) {
	h := newHarness(t)
	var signals []string
	h.env.OnSignalExternalWorkflow(mock.Anything, "selection-7-2026", "", mock.Anything, mock.Anything).Return(
		func(_, _, _, name string, arg any) error {
			signals = append(signals, name)
			return nil
		})
	in := h.input()
	in.Round = "selection-7-2026"
	m := time.Minute
	tell := func(at time.Duration, n SelectionNotice) {
		h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SelectionSignal, n) }, at)
	}
	tell(5*m, SelectionNotice{Outcome: process.OutcomeProposed, Step: "列入拟录取名单（公示中）"})
	tell(7*m, SelectionNotice{Outcome: process.OutcomeAdmitted, Step: "公示期满，正式录取"})
	steps := []step{
		{at: 1 * m, msg: process.MsgSubmit, req: Request{Actor: student}},
		{at: 2 * m, msg: process.MsgDecide, req: approve(college)},
		{at: 3 * m, msg: process.MsgDecide, req: approve(academic)},
		{at: 4 * m, msg: process.MsgDecide, req: approve(foreign)},
		{at: 4 * m, msg: process.MsgWithdraw, req: Request{Actor: student}},
		{at: 6 * m, msg: process.MsgDecide, req: approve(foreign)},
		{at: 8 * m, msg: process.MsgGiveUp, req: Request{Actor: student, Opinion: "个人原因"}},
	}
	results := h.run(in, steps)
	require.Equal(t, []string{"", "", "", "rejected:" + CodeWrongStage, "rejected:" + CodeWrongStage, "rejected:" + CodeWrongStage, ""}, results)
	require.Equal(t, []string{RoundJoin, RoundGiveUp}, signals)
	got := statuses(h.records)
	require.Equal(t, []string{"未提交", "申请中", "申请中", "选拔中", "拟录取（公示中）", "已录取", process.StatusGivenUp}, got)
	admitted := 0
	for _, r := range h.records {
		if r.Projection.Admitted {
			admitted++
		}
	}
	require.Equal(t, 1, admitted, "the round's admission is the admission")
	require.Equal(t, process.StageSelection, h.records[3].Projection.Stage)
	require.Nil(t, h.records[3].Projection.DueAt, "the round keeps its own calendar: no review deadline")
	require.Empty(t, h.records[3].Projection.AwaitingRole, "and no reviewer's queue holds it")
}

// TestApplicationNotSelected: the round's 未入选 ends the application in its own stage; a word that
// arrives after the end changes nothing.
func TestApplicationNotSelected(t *testing.T) {
	h := newHarness(t)
	h.env.OnSignalExternalWorkflow(mock.Anything, mock.Anything, "", mock.Anything, mock.Anything).Return(nil)
	in := h.input()
	in.Round = "selection-7-2026"
	m := time.Minute
	h.env.RegisterDelayedCallback(func() {
		h.env.SignalWorkflow(SelectionSignal, SelectionNotice{Outcome: process.OutcomeNotSelected, Step: "未入选"})
	}, 5*m)
	results := h.run(in, []step{
		{at: 1 * m, msg: process.MsgSubmit, req: Request{Actor: student}},
		{at: 2 * m, msg: process.MsgDecide, req: approve(college)},
		{at: 3 * m, msg: process.MsgDecide, req: approve(academic)},
	})
	require.Equal(t, []string{"", "", ""}, results)
	require.True(t, h.env.IsWorkflowCompleted())
	last := h.records[len(h.records)-1]
	require.Equal(t, process.StageNotSelected, last.Projection.Stage)
	require.Equal(t, process.StatusNotSelected, last.Projection.Status)
	require.True(t, last.Projection.Closed)
}

// TestDirectAdmissionSkipsTheSelectionStage: without a round the office's own review admits, as before.
func TestDirectAdmissionSkipsTheSelectionStage(t *testing.T) {
	h := newHarness(t)
	m := time.Minute
	results := h.run(h.input(), []step{
		{at: 1 * m, msg: process.MsgSubmit, req: Request{Actor: student}},
		{at: 2 * m, msg: process.MsgDecide, req: approve(college)},
		{at: 3 * m, msg: process.MsgDecide, req: approve(academic)},
	})
	require.Equal(t, []string{"", "", ""}, results)
	require.Equal(t, "foreign_review", h.records[len(h.records)-1].Projection.Stage)
}
