package workflows

import (
	"time"

	"outbound/activities"
	"outbound/process"
)

// Stay is the stay abroad as the workflow keeps it: from the 行前 approval until the return report
// is handed in, the student checks in (报平安) — within Timing.ArrivalCheckIn of the departure, then
// every Timing.CheckInEvery. A check-in not made by its due time reminds the student; after
// Timing.CheckInGrace more the foreign affairs office and its duty list are alerted.
type Stay struct {
	// NextDue is when the next check-in is due; zero while the stay has not started (or has no clocks).
	NextDue  time.Time
	CheckIns int
	LastAt   time.Time
	Last     process.CheckIn
	// Reminded: the student was reminded that NextDue has passed.
	Reminded bool
	// Missed: NextDue and its grace passed; the office was alerted. The next check-in clears it.
	Missed bool
	// NeedsHelp: the last check-in asked for help; a later 平安 clears it.
	NeedsHelp bool
	// Ended: the return report was handed in; the check-ins are over.
	Ended bool
	// ReturnedOn is the day the student reported being back (回国报到); the check-ins are over.
	ReturnedOn time.Time
}

// StayView is the stay as the state query answers it.
type StayView struct {
	NextDue  *time.Time       `json:"nextCheckInDue,omitempty"`
	CheckIns int              `json:"checkIns"`
	LastAt   *time.Time       `json:"lastCheckInAt,omitempty"`
	Last     *process.CheckIn `json:"lastCheckIn,omitempty"`
	Alerts   []string         `json:"alerts"`
}

// stayClocks reports whether this application has the stay's check-ins: its timing, captured at
// creation, sets them (applications created before the stay was part of the process have none).
func (s *State) stayClocks() bool { return s.Input.Timing.CheckInEvery > 0 }

// Abroad reports whether the stay's check-ins are open.
func (s *State) Abroad() bool {
	return !s.Stay.NextDue.IsZero() && !s.Stay.Ended && s.Stay.ReturnedOn.IsZero() && s.Terminal == "" &&
		s.phase().Name == process.PhaseReturn && s.Editable()
}

// startStay arms the arrival check-in as the return phase starts: due ArrivalCheckIn after the
// departure date, or after now when the approval came later than the departure.
func (s *State) startStay(now time.Time) {
	if !s.stayClocks() {
		return
	}
	from := s.DepartureDate
	if from.IsZero() || from.Before(now) {
		from = now
	}
	s.Stay = Stay{NextDue: from.Add(s.Input.Timing.ArrivalCheckIn)}
}

// CheckedIn records a check-in: the next is due CheckInEvery later, and a missed mark clears.
func (s *State) CheckedIn(c process.CheckIn, now time.Time) {
	s.Stay.CheckIns++
	s.Stay.LastAt, s.Stay.Last = now, c
	s.Stay.NextDue = now.Add(s.Input.Timing.CheckInEvery)
	s.Stay.Reminded, s.Stay.Missed = false, false
	s.Stay.NeedsHelp = c.Status == process.CheckInHelp
}

// Alerts lists what marks the application for the office now.
func (s *State) Alerts() []string {
	out := []string{}
	if s.passportOutstanding() && s.Passport.Overdue {
		out = append(out, process.AlertPassportOverdue)
	}
	if !s.Abroad() {
		return out
	}
	if s.Stay.Missed {
		out = append(out, process.AlertMissedCheckIn)
	}
	if s.Stay.NeedsHelp {
		out = append(out, process.AlertNeedsHelp)
	}
	if s.Change != nil {
		out = append(out, process.AlertChangePending)
	}
	return out
}

// checkInDeadlines are the stay's timers: the reminder at the due time, the alert after the grace.
// No check-in falls due on or after the return date.
func (s *State) checkInDeadlines() []Deadline {
	if !s.Abroad() {
		return nil
	}
	due := s.Stay.NextDue
	if !s.ReturnDate.IsZero() && !due.Before(s.ReturnDate) {
		return nil
	}
	var out []Deadline
	if !s.Stay.Reminded {
		out = append(out, Deadline{due, DeadlineCheckInReminder})
	}
	if !s.Stay.Missed {
		out = append(out, Deadline{due.Add(s.Input.Timing.CheckInGrace), DeadlineCheckInMissed})
	}
	return out
}

func (s *State) checkReportReturn(req Request, now time.Time) *Refusal {
	if !s.stayClocks() || len(s.Input.Definition.ChangeReviews) == 0 {
		return refuse(CodeUnknownMessage, "未知的操作："+process.MsgReportReturn)
	}
	if !s.isOwner(req.Actor) {
		return refuse(CodeNotOwner, "只有申请人本人可以回国报到")
	}
	if !s.Abroad() {
		return refuse(CodeWrongStage, "当前状态（"+s.Status+"）不能回国报到")
	}
	if req.Return == nil {
		return refuse(CodeInvalidChange, "请填写实际回国(入境)日期")
	}
	if msg := req.Return.Problem(process.DayOf(s.DepartureDate), process.DayOf(now)); msg != "" {
		return refuse(CodeInvalidChange, msg)
	}
	return nil
}

// ReportedReturn ends the stay on the day the student came back: the return report and 证照交还
// count from it.
func (s *State) ReportedReturn(day time.Time) {
	s.Stay.ReturnedOn = day
	s.ReturnDate = day
	s.Change = nil // a change to a stay that is over is moot
	s.ReminderSent, s.Overdue = false, false
}

func (s *State) checkCheckIn(req Request) *Refusal {
	if !s.stayClocks() {
		return refuse(CodeUnknownMessage, "未知的操作："+process.MsgCheckIn)
	}
	if !s.isOwner(req.Actor) {
		return refuse(CodeNotOwner, "只有申请人本人可以报平安")
	}
	if !s.Abroad() {
		return refuse(CodeWrongStage, "当前状态（"+s.Status+"）不能报平安：行前审核通过后、提交返校总结前可以报平安")
	}
	if req.CheckIn == nil {
		return refuse(CodeInvalidCheckIn, "请填写报平安的内容")
	}
	if _, msg := req.CheckIn.Problem(); msg != "" {
		return refuse(CodeInvalidCheckIn, msg)
	}
	return nil
}

// stayView is the stay for the state query, once it has started.
func (s *State) stayView() *StayView {
	if s.Stay.NextDue.IsZero() {
		return nil
	}
	v := &StayView{CheckIns: s.Stay.CheckIns, Alerts: s.Alerts()}
	if s.Abroad() {
		due := s.Stay.NextDue
		v.NextDue = &due
	}
	if s.Stay.CheckIns > 0 {
		at, last := s.Stay.LastAt, s.Stay.Last
		v.LastAt, v.Last = &at, &last
	}
	return v
}

// checkInNotices tell the office what a check-in changes: a call for help at once, to the duty
// list too; a late check-in, so that nobody keeps looking for the student.
func (w *application) checkInNotices(c process.CheckIn, late bool) []activities.Notice {
	in := w.state.Input
	who := in.StudentName + "（项目编号 " + in.ProjectCode + "）"
	office := string(process.RoleForeignAffairs)
	switch {
	case c.Status == process.CheckInHelp:
		body := who + " 在 " + c.Place() + " 报平安时请求帮助：" + c.Note
		return []activities.Notice{{ToRole: office, Title: "学生在外需要帮助", Body: body}, {ToDuty: true, Title: "学生在外需要帮助", Body: body}}
	case late:
		return []activities.Notice{{ToRole: office, Title: "学生已补报平安", Body: who + " 已报平安：" + c.Place()}}
	}
	return nil
}

// missedNotices alert the office and its duty list that a check-in was missed, and tell the student.
func (w *application) missedNotices() []activities.Notice {
	s := w.state
	who := s.Input.StudentName + "（项目编号 " + s.Input.ProjectCode + "）"
	body := who + " 未在 " + process.FormatTime(s.Stay.NextDue) + " 前报平安"
	if s.Stay.CheckIns > 0 {
		body += "；最近一次报平安：" + process.FormatTime(s.Stay.LastAt) + "，" + s.Stay.Last.Place()
	}
	office := string(process.RoleForeignAffairs)
	return []activities.Notice{
		{ToRole: office, Title: "学生未按时报平安", Body: body},
		{ToDuty: true, Title: "学生未按时报平安", Body: body},
		{ToStudent: true, Title: "请立即报平安", Body: "您未按时报平安，外事部门已收到提醒；请立即报平安"},
	}
}
