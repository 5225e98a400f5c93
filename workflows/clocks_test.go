package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"outbound/process"
)

// TestEveryStageStartsItsOwnClocks: a stage entered after an overdue, reminded one starts with
// neither mark, whatever moved it on (an approval, a return, a resubmission).
func TestEveryStageStartsItsOwnClocks(t *testing.T) {
	moves := map[string]func(s *State){
		"approval": func(s *State) { approveBy(s, 99) },
		"return": func(s *State) {
			s.Decided(Request{Actor: tableActor[process.RoleCollegeReviewer], Decision: process.DecisionReturn, Opinion: "补充"}, tableNow)
		},
		"withdrawal":   func(s *State) { s.Withdrawn(tableNow) },
		"resubmission": func(s *State) { s.Withdrawn(tableNow); s.ReminderSent, s.Overdue = true, true; s.Submitted(tableNow) },
	}
	for name, move := range moves {
		s := at("college_review")
		s.ReminderSent, s.Overdue = true, true
		move(s)
		require.False(t, s.ReminderSent, "after the %s the reminder is still to come", name)
		require.False(t, s.Overdue, "after the %s nothing is overdue yet", name)
	}
}

// TestReturnReportClocks: the return report is reminded ReturnReportWarning before it is due and
// overdue ReturnReportDue after the return date, not a moment sooner or later.
func TestReturnReportClocks(t *testing.T) {
	h := newHarness(t)
	m := time.Minute
	returnDate := h.start.Add(60 * 24 * time.Hour) // as the harness's submission reports it
	res := h.run(h.input(), append(toReturnPhase(),
		step{at: 80 * 24 * time.Hour, msg: process.MsgSubmitReturnReport, req: Request{Actor: student}},
		step{at: 80*24*time.Hour + m, msg: process.MsgDecide, req: approve(foreign)}))
	for i, r := range res {
		require.Empty(t, r, "step %d", i)
	}
	var reminder, overdue time.Time
	for _, r := range h.records {
		switch {
		case r.Kind == EventReminder && r.Step == "返校总结提交提醒":
			reminder = r.OccurredAt
		case r.Kind == EventOverdue && r.Step == "返校总结已超期":
			overdue = r.OccurredAt
		}
	}
	in := h.input()
	require.Equal(t, returnDate.Add(in.Timing.ReturnReportDue-in.Timing.ReturnReportWarning), reminder, "reminded before it is due")
	require.Equal(t, returnDate.Add(in.Timing.ReturnReportDue), overdue, "overdue when due")
}
