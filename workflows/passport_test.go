package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"outbound/activities"
	"outbound/process"
)

// TestPassportReturn: a stay on an 因公护照 owes it back; the student is reminded on the return date,
// the office alerted when it is overdue, the return report's last approval waits for it, and only
// the office records it, which clears the mark.
func TestPassportReturn(t *testing.T) {
	h := newHarness(t)
	h.officialPassport = true
	in := h.stayInput()
	in.Timing.PassportReturnDays = 5
	back := h.start.Add(60 * day) // the harness's return date
	m := time.Minute
	steps := append(toReturnPhase(),
		step{at: 61 * day, msg: process.MsgSubmitReturnReport, req: Request{Actor: student}},
		step{at: 61*day + m, msg: process.MsgDecide, req: approve(foreign)},
		step{at: 68 * day, msg: process.MsgPassportReturned, req: Request{Actor: academic}},
		step{at: 68*day + m, msg: process.MsgPassportReturned, req: Request{Actor: foreign}},
		step{at: 68*day + 2*m, msg: process.MsgPassportReturned, req: Request{Actor: foreign}},
		step{at: 68*day + 3*m, msg: process.MsgDecide, req: approve(foreign)},
	)
	res := h.run(in, steps)
	want := make([]string, len(steps))
	want[9] = "rejected:" + CodePassportOwed
	want[10] = "rejected:" + CodeWrongRole
	want[12] = "rejected:" + CodeWrongStage // recorded once
	require.Equal(t, want, res)
	require.True(t, h.env.IsWorkflowCompleted())

	reminders := recordsOf(h.records, EventReminder, "证照交还提醒")
	require.Len(t, reminders, 1)
	require.Equal(t, back, reminders[0].OccurredAt, "reminded on the return date")
	overdue := recordsOf(h.records, EventPassportOverdue, "")
	require.Len(t, overdue, 1)
	require.Equal(t, back.Add(7*day), overdue[0].OccurredAt, "overdue when the working days are over")
	require.Equal(t, []string{process.AlertPassportOverdue}, overdue[0].Projection.Alerts)
	require.True(t, hasNotice(overdue[0], func(n activities.Notice) bool { return n.ToRole == string(process.PassportKeeper) }))
	returned := recordsOf(h.records, EventPassportReturned, "")
	require.Len(t, returned, 1)
	require.Empty(t, returned[0].Projection.Alerts, "recorded, the mark clears")
}

// TestNoPassportOwedOnAPrivateOne: a 因私护照 owes nothing, and the return report is approved at once.
func TestNoPassportOwedOnAPrivateOne(t *testing.T) {
	h := newHarness(t)
	in := h.stayInput()
	in.Timing.PassportReturnDays = 5
	res := h.run(in, append(toReturnPhase(),
		step{at: 61 * day, msg: process.MsgSubmitReturnReport, req: Request{Actor: student}},
		step{at: 61*day + time.Minute, msg: process.MsgDecide, req: approve(foreign)}))
	for i, r := range res {
		require.Empty(t, r, "step %d", i)
	}
	require.Empty(t, recordsOf(h.records, EventReminder, "证照交还提醒"))
}
