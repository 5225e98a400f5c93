package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"outbound/activities"
	"outbound/process"
)

func changeTo(kind string, returnDate time.Time) Request {
	return Request{Actor: student, Change: &process.ChangeRequest{Kind: kind, Reason: "课程延长", ReturnDate: returnDate.Format("2006-01-02")}}
}

func decideChange(a Actor, decision string) Request {
	return Request{Actor: a, Decision: decision, Opinion: "意见"}
}

// TestApprovedExtensionMovesTheClocks: a 延期 goes through the college, then the foreign affairs
// office; approved, it moves the return date, so check-ins stay due past the old date and the return
// report waits for the new one and is reminded and overdue from it.
func TestApprovedExtensionMovesTheClocks(t *testing.T) {
	h := newHarness(t)
	m := time.Minute
	newReturn := time.Date(2026, 5, 30, 0, 0, 0, 0, time.UTC) // the old one is 2026-04-30, day 60
	steps := append(toReturnPhase(),
		step{at: 9 * m, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "")},
		step{at: 10 * m, msg: process.MsgRequestChange, req: changeTo(process.ChangeExtend, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))},
		step{at: 11 * m, msg: process.MsgRequestChange, req: changeTo(process.ChangeExtend, newReturn)},
		step{at: 12 * m, msg: process.MsgRequestChange, req: changeTo(process.ChangeExtend, newReturn)},
		step{at: 13 * m, msg: process.MsgDecideChange, req: decideChange(foreign, process.DecisionApprove)},
		step{at: 14 * m, msg: process.MsgDecideChange, req: decideChange(college2, process.DecisionApprove)},
		step{at: 15 * m, msg: process.MsgDecideChange, req: decideChange(college, process.DecisionApprove)},
		step{at: 16 * m, msg: process.MsgDecideChange, req: decideChange(foreign, process.DecisionApprove)},
		step{at: 14 * day, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "")},
		step{at: 28 * day, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "")},
		step{at: 42 * day, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "")},
		step{at: 56 * day, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "")},
		step{at: 61 * day, msg: process.MsgSubmitReturnReport, req: Request{Actor: student}},
		step{at: 69 * day, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "")},
		// Due at day 83, before the new return date: reminded, not answered.
		step{at: 91 * day, msg: process.MsgSubmitReturnReport, req: Request{Actor: student}},
		step{at: 91*day + m, msg: process.MsgDecide, req: approve(foreign)},
	)
	res := h.run(h.stayInput(), steps)
	want := make([]string, len(steps))
	want[9] = "rejected:" + CodeInvalidChange     // an extension must be later than the return date
	want[11] = "rejected:" + CodeWrongStage       // one request at a time
	want[12] = "rejected:" + CodeWrongRole        // the college first
	want[13] = "rejected:" + CodeWrongCollege     // the student's own college
	want[20] = "rejected:" + CodeReturnNotReached // the report waits for the new date
	require.Equal(t, want, res)

	decided := recordsOf(h.records, EventChangeDecided, "")
	require.Len(t, decided, 2)
	require.Equal(t, []string{process.AlertChangePending}, decided[0].Projection.Alerts, "pending until the office decides")
	require.Empty(t, decided[1].Projection.Alerts)
	require.Equal(t, newReturn, *decided[1].Projection.ExpectedReturn)
	require.True(t, hasNotice(decided[1], func(n activities.Notice) bool {
		return n.ToStudent && n.Title == "变更申请外事部门审核通过"
	}))

	late := recordsOf(h.records, EventReminder, "报平安提醒")
	require.NotEmpty(t, late)
	require.Equal(t, h.start.Add(69*day+14*day), late[len(late)-1].OccurredAt, "check-ins stay due past the old return date")
	in := h.stayInput()
	reminder := recordsOf(h.records, EventReminder, "返校总结提交提醒")
	require.Len(t, reminder, 0, "the report came before its reminder")
	require.Empty(t, recordsOf(h.records, EventOverdue, "返校总结已超期"))
	require.Equal(t, newReturn.Add(in.Timing.ReturnReportDue), *lastOf(h.records, EventChangeDecided).Projection.DueAt,
		"the report is due from the new date")
}

// TestEarlyReturn: a refused 提前回国 changes nothing; an approved one brings the return report
// forward and ends the check-ins at the new date.
func TestEarlyReturn(t *testing.T) {
	h := newHarness(t)
	m := time.Minute
	early := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC) // day 30 (less nine hours)
	steps := append(toReturnPhase(),
		step{at: 9 * m, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "")},
		step{at: 10 * m, msg: process.MsgRequestChange, req: changeTo(process.ChangeEarlyReturn, early)},
		step{at: 11 * m, msg: process.MsgDecideChange, req: Request{Actor: college, Decision: process.DecisionReject}},
		step{at: 12 * m, msg: process.MsgDecideChange, req: decideChange(college, process.DecisionReject)},
		step{at: 13 * m, msg: process.MsgDecideChange, req: decideChange(college, process.DecisionApprove)},
		step{at: 14 * m, msg: process.MsgRequestChange, req: changeTo(process.ChangeEarlyReturn, early)},
		step{at: 15 * m, msg: process.MsgDecideChange, req: decideChange(college, process.DecisionApprove)},
		step{at: 16 * m, msg: process.MsgDecideChange, req: decideChange(foreign, process.DecisionApprove)},
		step{at: 14 * day, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "")},
		step{at: 31 * day, msg: process.MsgSubmitReturnReport, req: Request{Actor: student}},
		step{at: 31*day + m, msg: process.MsgDecide, req: approve(foreign)},
	)
	res := h.run(h.stayInput(), steps)
	want := make([]string, len(steps))
	want[10] = "rejected:" + CodeOpinionRequired // a refusal says why
	want[12] = "rejected:" + CodeWrongStage      // the refused request is over
	require.Equal(t, want, res)
	for _, r := range recordsOf(h.records, EventReminder, "报平安提醒") {
		require.True(t, r.OccurredAt.Before(early), "no check-in falls due after the early return: %s", r.OccurredAt)
	}
	require.Len(t, recordsOf(h.records, EventReminder, "报平安提醒"), 1, "day 28's check-in, and none after the return")
	require.True(t, h.env.IsWorkflowCompleted())
}

// TestReportedReturn: 回国报到 ends the check-ins on the day the student came back; the return report
// may be handed in at once and is due from that day.
func TestReportedReturn(t *testing.T) {
	h := newHarness(t)
	h.departure = h.start.Add(2 * day)
	m := time.Minute
	back := time.Date(2026, 3, 20, 0, 0, 0, 0, process.Zone) // day 19, the start of the day in China
	report := func(date string) Request { return Request{Actor: student, Return: &process.ReturnReport{Date: date}} }
	steps := append(toReturnPhase(),
		step{at: 9 * m, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "")},
		step{at: 20 * day, msg: process.MsgReportReturn, req: report("2026-03-25")},
		step{at: 20*day + m, msg: process.MsgReportReturn, req: report("2026-02-01")},
		step{at: 20*day + 2*m, msg: process.MsgReportReturn, req: Request{Actor: otherStud, Return: &process.ReturnReport{Date: "2026-03-20"}}},
		step{at: 20*day + 3*m, msg: process.MsgReportReturn, req: report("2026-03-20")},
		step{at: 20*day + 4*m, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "")},
		step{at: 20*day + 5*m, msg: process.MsgSubmitReturnReport, req: Request{Actor: student}},
		step{at: 20*day + 6*m, msg: process.MsgDecide, req: approve(foreign)},
	)
	res := h.run(h.stayInput(), steps)
	want := make([]string, len(steps))
	want[9] = "rejected:" + CodeInvalidChange  // not in the future
	want[10] = "rejected:" + CodeInvalidChange // not before the departure
	want[11] = "rejected:" + CodeNotOwner
	want[13] = "rejected:" + CodeWrongStage // no check-ins once back
	require.Equal(t, want, res)
	reported := recordsOf(h.records, EventReturnReported, "")
	require.Len(t, reported, 1)
	require.Nil(t, reported[0].Projection.CheckInDue, "the check-ins end")
	require.True(t, back.Equal(*reported[0].Projection.ExpectedReturn))
	require.True(t, back.Add(h.input().Timing.ReturnReportDue).Equal(*reported[0].Projection.DueAt), "the report is due from the day of return")
	for _, r := range recordsOf(h.records, EventReminder, "报平安提醒") {
		require.True(t, r.OccurredAt.Before(h.start.Add(20*day)), "no reminder after the return: %s", r.OccurredAt)
	}
}
