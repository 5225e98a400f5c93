package workflows

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"outbound/activities"
	"outbound/process"
)

// stayInput is an application whose timing has the stay's check-ins, as new applications do.
func (h *harness) stayInput() Input {
	in := h.input()
	in.Timing.ArrivalCheckIn, in.Timing.CheckInEvery, in.Timing.CheckInGrace = 48*time.Hour, 14*day, 24*time.Hour
	return in
}

func checkIn(status, note string) Request {
	return Request{Actor: student, CheckIn: &process.CheckIn{Country: "日本", City: "东京", Status: status, Note: note}}
}

// recordsOf lists the records of a kind and, when given, a step.
func recordsOf(records []activities.EventRecord, kind, step string) []activities.EventRecord {
	var out []activities.EventRecord
	for _, r := range records {
		if r.Kind == kind && (step == "" || r.Step == step) {
			out = append(out, r)
		}
	}
	return out
}

func hasNotice(r activities.EventRecord, match func(activities.Notice) bool) bool {
	return slices.ContainsFunc(r.Notices, match)
}

// TestStayCheckIns: departure → the arrival check-in missed → the student reminded at its due time
// → the office and its duty list alerted after the grace, the application marked → a late check-in
// clears the mark; a call for help alerts at once and a later 平安 clears it; no check-in falls due
// on or after the return date.
func TestStayCheckIns(t *testing.T) {
	h := newHarness(t)
	h.departure = h.start.Add(10 * day)
	arrivalDue := h.departure.Add(48 * time.Hour)
	late := 13*day + time.Hour // a day and an hour after the arrival check-in was due
	steps := append(toReturnPhase(),
		step{at: late, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "")},
		step{at: 20 * day, msg: process.MsgCheckIn, req: checkIn(process.CheckInHelp, "护照丢失")},
		step{at: 21 * day, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "已补办")},
		step{at: 34 * day, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "")},
		step{at: 47 * day, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "")},
		// The next would be due at day 61, after the return date (day 60): none is.
		step{at: 61 * day, msg: process.MsgSubmitReturnReport, req: Request{Actor: student}},
		step{at: 61*day + time.Minute, msg: process.MsgDecide, req: approve(foreign)},
	)
	res := h.run(h.stayInput(), steps)
	for i, r := range res {
		require.Empty(t, r, "step %d (%s)", i, steps[i].msg)
	}

	reminders := recordsOf(h.records, EventReminder, "报平安提醒")
	require.Len(t, reminders, 1, "one check-in was late, and none is due after the return date")
	require.Equal(t, arrivalDue, reminders[0].OccurredAt, "reminded when the arrival check-in is due")
	require.True(t, hasNotice(reminders[0], func(n activities.Notice) bool { return n.ToStudent }))
	require.Empty(t, reminders[0].Projection.Alerts, "a reminder alone marks nothing")

	missed := recordsOf(h.records, EventCheckInMissed, "")
	require.Len(t, missed, 1)
	require.Equal(t, arrivalDue.Add(24*time.Hour), missed[0].OccurredAt, "the office is alerted after the grace")
	require.Equal(t, []string{process.AlertMissedCheckIn}, missed[0].Projection.Alerts)
	require.True(t, hasNotice(missed[0], func(n activities.Notice) bool { return n.ToDuty }), "the duty list is told")
	require.True(t, hasNotice(missed[0], func(n activities.Notice) bool { return n.ToRole == string(process.RoleForeignAffairs) }))

	checkIns := recordsOf(h.records, EventCheckedIn, "")
	require.Len(t, checkIns, 5)
	first := checkIns[0]
	require.Equal(t, h.start.Add(late), first.OccurredAt)
	require.Empty(t, first.Projection.Alerts, "a late check-in clears the mark")
	require.Equal(t, h.start.Add(late+14*day), *first.Projection.CheckInDue, "the next is due an interval after it")
	require.Equal(t, "日本", first.CheckIn.Country)
	require.True(t, hasNotice(first, func(n activities.Notice) bool { return n.Title == "学生已补报平安" }))

	help := checkIns[1]
	require.Equal(t, []string{process.AlertNeedsHelp}, help.Projection.Alerts)
	require.True(t, hasNotice(help, func(n activities.Notice) bool { return n.ToDuty && n.Title == "学生在外需要帮助" }))
	require.Empty(t, checkIns[2].Projection.Alerts, "a later 平安 clears the call for help")
	require.Empty(t, checkIns[2].Notices, "an ordinary check-in tells nobody")

	report := recordsOf(h.records, EventSubmitted, "返校总结已提交")
	require.Len(t, report, 1)
	require.Nil(t, report[0].Projection.CheckInDue, "the stay ends with the return report")
}

// TestArrivalFromTheApproval: when the 行前 approval comes after the departure date, the arrival
// check-in is due ArrivalCheckIn after the approval, not already past.
func TestArrivalFromTheApproval(t *testing.T) {
	h := newHarness(t)
	h.departure = h.start // before the approval, eight minutes in
	steps := append(toReturnPhase(),
		step{at: 61 * day, msg: process.MsgSubmitReturnReport, req: Request{Actor: student}},
		step{at: 61*day + time.Minute, msg: process.MsgDecide, req: approve(foreign)})
	h.run(h.stayInput(), steps)
	reminders := recordsOf(h.records, EventReminder, "报平安提醒")
	require.NotEmpty(t, reminders)
	require.Equal(t, h.start.Add(8*time.Minute+48*time.Hour), reminders[0].OccurredAt)
}

// TestCheckInRefusals: only the student, only while abroad, only with a place and a status; and
// an application created before the stay had check-ins knows no such message.
func TestCheckInRefusals(t *testing.T) {
	h := newHarness(t)
	m := time.Minute
	steps := []step{
		{at: m / 2, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "")},
	}
	steps = append(steps, toReturnPhase()...)
	noCity := checkIn(process.CheckInSafe, "")
	noCity.CheckIn.City = ""
	other := checkIn(process.CheckInSafe, "")
	other.Actor = otherStud
	control := checkIn(process.CheckInSafe, "\x00")
	steps = append(steps,
		step{at: 9 * m, msg: process.MsgCheckIn, req: other},
		step{at: 10 * m, msg: process.MsgCheckIn, req: noCity},
		step{at: 11 * m, msg: process.MsgCheckIn, req: checkIn(process.CheckInHelp, "")},
		step{at: 12 * m, msg: process.MsgCheckIn, req: checkIn("lost", "")},
		step{at: 13 * m, msg: process.MsgCheckIn, req: control},
		step{at: 14 * m, msg: process.MsgCheckIn, req: Request{Actor: student}},
		step{at: 61 * day, msg: process.MsgSubmitReturnReport, req: Request{Actor: student}},
		step{at: 61*day + m, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "")},
		step{at: 61*day + 2*m, msg: process.MsgDecide, req: approve(foreign)},
	)
	res := h.run(h.stayInput(), steps)
	want := []string{"rejected:" + CodeWrongStage, "", "", "", "", "", "", "", "",
		"rejected:" + CodeNotOwner, "rejected:" + CodeInvalidCheckIn, "rejected:" + CodeInvalidCheckIn,
		"rejected:" + CodeInvalidCheckIn, "rejected:" + CodeInvalidCheckIn, "rejected:" + CodeInvalidCheckIn,
		"", "rejected:" + CodeWrongStage, ""}
	require.Equal(t, want, res)

	old := newHarness(t)
	res = old.run(old.input(), append(toReturnPhase(), step{at: 9 * m, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "")},
		step{at: 61 * day, msg: process.MsgSubmitReturnReport, req: Request{Actor: student}},
		step{at: 61*day + m, msg: process.MsgDecide, req: approve(foreign)}))
	require.Equal(t, "rejected:"+CodeUnknownMessage, res[8], "no check-ins without the stay's timing")
	require.Empty(t, recordsOf(old.records, EventReminder, "报平安提醒"))
}

// TestCheckInRacesItsAlert: a check-in that arrives at the very moment the grace ends and the alert
// fires leaves one consistent state, whichever the workflow takes first: at most one alert, and after
// the check-in no mark and the next check-in an interval later.
func TestCheckInRacesItsAlert(t *testing.T) {
	h := newHarness(t)
	h.departure = h.start.Add(10 * day)
	alertAt := h.departure.Add(48 * time.Hour).Add(24 * time.Hour) // the arrival check-in's due time and grace
	at := alertAt.Sub(h.start)
	steps := append(toReturnPhase(),
		step{at: at, msg: process.MsgCheckIn, req: checkIn(process.CheckInSafe, "")},
		step{at: 61 * day, msg: process.MsgSubmitReturnReport, req: Request{Actor: student}},
		step{at: 61*day + time.Minute, msg: process.MsgDecide, req: approve(foreign)})
	res := h.run(h.stayInput(), steps)
	for i, r := range res {
		require.Empty(t, r, "step %d (%s)", i, steps[i].msg)
	}
	first := recordsOf(h.records, EventCheckedIn, "")[0]
	var raced int
	for _, r := range recordsOf(h.records, EventCheckInMissed, "") {
		if !r.OccurredAt.After(first.OccurredAt) {
			raced++
		}
	}
	require.LessOrEqual(t, raced, 1, "at most one alert for the arrival check-in")
	require.Equal(t, alertAt, first.OccurredAt)
	require.Empty(t, first.Projection.Alerts, "the check-in clears whatever came first")
	require.Equal(t, alertAt.Add(14*day), *first.Projection.CheckInDue)
	if later := recordsOf(h.records, EventCheckInMissed, ""); raced < len(later) {
		require.Equal(t, alertAt.Add(15*day), later[raced].OccurredAt, "the next alert is the next check-in's, not this one again")
	}
}

// TestChangeDecisionRacesTheReturn: the office approves a 延期 at the very moment the student reports
// being back; whichever comes first, the stay ends once and the return date is the day of return or
// the approved one, never a change to a stay that is over.
func TestChangeDecisionRacesTheReturn(t *testing.T) {
	h := newHarness(t)
	m := time.Minute
	later := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	back := Request{Actor: student, Return: &process.ReturnReport{Date: "2026-03-20"}}
	steps := append(toReturnPhase(),
		step{at: 9 * m, msg: process.MsgRequestChange, req: changeTo(process.ChangeExtend, later)},
		step{at: 10 * m, msg: process.MsgDecideChange, req: decideChange(college, process.DecisionApprove)},
		step{at: 20 * day, msg: process.MsgDecideChange, req: decideChange(foreign, process.DecisionApprove)},
		step{at: 20 * day, msg: process.MsgReportReturn, req: back},
		step{at: 200 * day, msg: process.MsgSubmitReturnReport, req: Request{Actor: student}},
		step{at: 200*day + m, msg: process.MsgDecide, req: approve(foreign)})
	res := h.run(h.stayInput(), steps)
	require.Len(t, recordsOf(h.records, EventReturnReported, ""), 1, "the return is recorded once")
	require.Empty(t, res[len(res)-1], "the application completes")
	returned := recordsOf(h.records, EventReturnReported, "")[0]
	if res[10] == "" { // the approval came first: the return then ends the extended stay
		require.True(t, time.Date(2026, 3, 20, 0, 0, 0, 0, process.Zone).Equal(*returned.Projection.ExpectedReturn))
	} else { // the return came first: the change is moot and refused
		require.Equal(t, "rejected:"+CodeWrongStage, res[10])
	}
	require.Empty(t, lastOf(h.records, EventReturnReported).Projection.Alerts, "nothing pending after the return")
}
