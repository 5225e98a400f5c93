package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"outbound/activities"
	"outbound/process"
)

// Passport is 证照交还 as the workflow keeps it: a stay on an 因公护照 owes the passport back to the
// office within Timing.PassportReturnDays working days of the return date; the student is reminded
// on the return date, the office alerted when it is late, and the return report's last approval
// waits until the office has recorded it.
type Passport struct {
	// Owed: the 行前材料 were handed in with an 因公护照.
	Owed bool
	// Due is when it is due back, computed by the office's calendar for the return date For.
	Due      time.Time
	For      time.Time
	Reminded bool
	Overdue  bool
	Returned bool
}

// PassportView is 证照交还 for the state query.
type PassportView struct {
	Due      *time.Time `json:"due,omitempty"`
	Overdue  bool       `json:"overdue"`
	Returned bool       `json:"returned"`
}

// passportOutstanding reports whether the passport is still to be handed back.
func (s *State) passportOutstanding() bool {
	return s.Passport.Owed && !s.Passport.Returned && s.Terminal == ""
}

// passportDeadlines are 证照交还's timers: the reminder on the return date, overdue when due.
func (s *State) passportDeadlines() []Deadline {
	p := s.Passport
	if !s.passportOutstanding() || p.Due.IsZero() {
		return nil
	}
	var out []Deadline
	if !p.Reminded && !s.ReturnDate.IsZero() {
		out = append(out, Deadline{s.ReturnDate, DeadlinePassportReminder})
	}
	if !p.Overdue {
		out = append(out, Deadline{p.Due, DeadlinePassportOverdue})
	}
	return out
}

func (s *State) checkPassportReturned(req Request) *Refusal {
	if !s.stayClocks() {
		return refuse(CodeUnknownMessage, "未知的操作："+process.MsgPassportReturned)
	}
	if req.Actor.Role != process.PassportKeeper {
		return refuse(CodeWrongRole, "证照交还由"+process.RoleLabels[process.PassportKeeper]+"登记")
	}
	if !s.passportOutstanding() || s.phase().Name != process.PhaseReturn {
		return refuse(CodeWrongStage, "该申请没有待交还的因公护照")
	}
	return nil
}

// passportView is 证照交还 for the state query, when a passport is owed.
func (s *State) passportView() *PassportView {
	if !s.Passport.Owed {
		return nil
	}
	v := &PassportView{Overdue: s.Passport.Overdue && !s.Passport.Returned, Returned: s.Passport.Returned}
	if !s.Passport.Due.IsZero() {
		due := s.Passport.Due
		v.Due = &due
	}
	return v
}

// armPassport computes when the passport is due back once the return phase has a return date, and
// again when a change request moved it: the calendar is the office's, read by an activity.
func (w *application) armPassport(ctx workflow.Context) error {
	s := w.state
	days := s.Input.Timing.PassportReturnDays
	if !s.passportOutstanding() || days <= 0 || s.phase().Name != process.PhaseReturn || s.ReturnDate.IsZero() || s.Passport.For.Equal(s.ReturnDate) {
		return nil
	}
	due, err := execute(ctx, w, activities.CallPassportDue, activities.PassportDueRequest{ReturnDate: s.ReturnDate, Days: days})
	if err != nil {
		return err
	}
	s.Passport.Due, s.Passport.For = due, s.ReturnDate
	s.Passport.Reminded, s.Passport.Overdue = false, false
	return nil
}
