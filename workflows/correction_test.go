package workflows

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"outbound/process"
)

const day = 24 * time.Hour

// correctionInput has a correction deadline of 5 days, reminded a day before.
func (h *harness) correctionInput() Input {
	in := h.input()
	in.Timing.CorrectionDue, in.Timing.CorrectionReminder = 5*day, day
	return in
}

// TestCorrectionDeadline: a returned (退回) application is to be resubmitted within its correction
// deadline: the student is reminded a day before and the application expires when it passes; the
// due time is what the student and the read model see.
func TestCorrectionDeadline(t *testing.T) {
	t.Run("reminded, then expired", func(t *testing.T) {
		h := newHarness(t)
		returnedAt := 2 * time.Minute
		h.env.RegisterDelayedCallback(func() {
			v := h.view()
			require.NotNil(t, v.DueAt)
			require.Equal(t, h.start.Add(returnedAt+5*day), *v.DueAt, "the correction deadline is shown as the due time")
		}, time.Hour)
		res := h.run(h.correctionInput(), []step{
			{at: time.Minute, msg: process.MsgSubmit, req: Request{Actor: student}},
			{at: returnedAt, msg: process.MsgDecide, req: Request{Actor: college, Decision: process.DecisionReturn, Opinion: "请补充成绩单"}},
		})
		require.Equal(t, []string{"", ""}, res)
		require.True(t, h.env.IsWorkflowCompleted())
		require.Equal(t, []string{EventCreated, EventSubmitted, EventDecided, EventReminder, EventExpired}, kindsOf(h.records))
		require.Equal(t, h.start.Add(returnedAt+4*day), h.records[3].OccurredAt, "reminded a day before")
		require.Equal(t, h.start.Add(returnedAt+5*day), h.records[4].OccurredAt, "expired when the deadline passed")
		require.Equal(t, process.StatusExpired, h.records[4].Projection.Status)
		require.NotEmpty(t, h.records[4].Notices, "the student is told")
	})
	t.Run("resubmitted in time after the window closed", func(t *testing.T) {
		h := newHarness(t)
		closes := h.input().WindowCloses.Sub(h.start)
		res := h.run(h.correctionInput(), []step{
			{at: time.Minute, msg: process.MsgSubmit, req: Request{Actor: student}},
			{at: closes - time.Hour, msg: process.MsgDecide, req: Request{Actor: college, Decision: process.DecisionReturn, Opinion: "请补充"}},
			{at: closes + day, msg: process.MsgSubmit, req: Request{Actor: student}},
			{at: closes + 10*day, msg: process.MsgDecide, req: Request{Actor: college, Decision: process.DecisionReject, Opinion: "结束"}},
		})
		require.Equal(t, []string{"", "", "", ""}, res, "the resubmission within the deadline is accepted, and the review's clocks replace the correction's")
		require.NotContains(t, kindsOf(h.records), EventExpired)
	})
	t.Run("too late", func(t *testing.T) {
		h := newHarness(t)
		s := NewState(h.correctionInput(), h.start)
		s.Submitted(h.start)
		s.Decided(Request{Actor: college, Decision: process.DecisionReturn, Opinion: "补充"}, h.start)
		require.Nil(t, s.Check(process.MsgSubmit, Request{Actor: student}, h.start.Add(5*day-time.Minute)))
		r := s.Check(process.MsgSubmit, Request{Actor: student}, h.start.Add(5*day))
		require.NotNil(t, r)
		require.Equal(t, CodeCorrectionExpired, r.Code)
	})
}

// TestWithdrawalAfterTheWindow: a withdrawal is a way back to editing only while the window is open;
// after it the student is warned (WithdrawEnds) and the withdrawn application expires, since it can
// no longer be handed in. Histories from before the rule keep resubmitting after a withdrawal.
func TestWithdrawalAfterTheWindow(t *testing.T) {
	h := newHarness(t)
	closes := h.input().WindowCloses.Sub(h.start)
	h.env.RegisterDelayedCallback(func() { require.False(t, h.view().WithdrawEnds, "before the window closes") }, closes-time.Hour)
	h.env.RegisterDelayedCallback(func() { require.True(t, h.view().WithdrawEnds, "after the window closes") }, closes+time.Hour)
	res := h.run(h.correctionInput(), []step{
		{at: time.Minute, msg: process.MsgSubmit, req: Request{Actor: student}},
		{at: day, msg: process.MsgWithdraw, req: Request{Actor: student}},
		{at: 2 * day, msg: process.MsgSubmit, req: Request{Actor: student}},
		{at: closes + 2*time.Hour, msg: process.MsgWithdraw, req: Request{Actor: student}},
	})
	require.Equal(t, []string{"", "", "", ""}, res)
	require.True(t, h.env.IsWorkflowCompleted())
	last := h.records[len(h.records)-1]
	require.Equal(t, EventExpired, last.Kind)
	require.Equal(t, h.start.Add(closes+2*time.Hour), last.OccurredAt, "at once: the window has closed")

	// Before the rule a withdrawn application could be resubmitted after the window.
	old := NewState(h.input(), h.start)
	old.CorrectionRules = false
	old.Submitted(h.start)
	old.Withdrawn(h.start.Add(closes + time.Hour))
	require.Nil(t, old.Check(process.MsgSubmit, Request{Actor: student}, h.start.Add(closes+2*time.Hour)))
	if _, ok := old.NextDeadline(); ok {
		t.Error("a withdrawn application of an old history has no timer")
	}
}

// TestCorrectionDeadlineRace: a resubmission arriving at the very moment the correction deadline
// passes, and a withdrawal at the moment the window closes, end one way or the other, never both:
// accepted and not expired, or refused and expired.
func TestCorrectionDeadlineRace(t *testing.T) {
	t.Run("resubmission at the deadline", func(t *testing.T) {
		h := newHarness(t)
		returnedAt := 2 * time.Minute
		res := h.run(h.correctionInput(), []step{
			{at: time.Minute, msg: process.MsgSubmit, req: Request{Actor: student}},
			{at: returnedAt, msg: process.MsgDecide, req: Request{Actor: college, Decision: process.DecisionReturn, Opinion: "请补充"}},
			{at: returnedAt + 5*day, msg: process.MsgSubmit, req: Request{Actor: student}},
			{at: returnedAt + 5*day + time.Hour, msg: process.MsgDecide, req: Request{Actor: college, Decision: process.DecisionReject, Opinion: "结束"}},
		})
		expired := slices.Contains(kindsOf(h.records), EventExpired)
		switch res[2] {
		case "":
			require.False(t, expired, "accepted: it did not expire")
			require.Equal(t, "", res[3], "and it is in review")
		default:
			require.True(t, expired, "refused (%s): it expired", res[2])
			require.Contains(t, []string{"rejected:" + CodeCorrectionExpired, "rejected:" + CodeClosed}, res[2])
		}
	})
	t.Run("withdrawal as the window closes", func(t *testing.T) {
		h := newHarness(t)
		closes := h.input().WindowCloses.Sub(h.start)
		res := h.run(h.correctionInput(), []step{
			{at: time.Minute, msg: process.MsgSubmit, req: Request{Actor: student}},
			{at: closes, msg: process.MsgWithdraw, req: Request{Actor: student}},
		})
		require.Equal(t, "", res[0])
		require.Equal(t, "", res[1], "a withdrawal under review is taken")
		require.True(t, h.env.IsWorkflowCompleted(), "and, the window being closed, the application ends")
		require.Equal(t, EventExpired, h.records[len(h.records)-1].Kind)
	})
}
