package workflows

import (
	"time"

	"outbound/process"
)

// Deadline is the next timer of the current stage.
type Deadline struct {
	At   time.Time
	Kind string
}

// Deadline kinds.
const (
	DeadlineWindowReminder = "window_reminder"
	DeadlineWindowClose    = "window_close"
	DeadlineReviewReminder = "review_reminder"
	DeadlineReviewOverdue  = "review_overdue"
	DeadlineReturnReminder = "return_reminder"
	DeadlineReturnOverdue  = "return_overdue"
	// A returned application's correction deadline (Timing.CorrectionDue).
	DeadlineCorrectionReminder = "correction_reminder"
	DeadlineCorrectionExpired  = "correction_expired"
	// The stay's check-in: its due time (the student is reminded) and its grace (the office is alerted).
	DeadlineCheckInReminder = "check_in_reminder"
	DeadlineCheckInMissed   = "check_in_missed"
	// 证照交还: the reminder on the return date, and overdue.
	DeadlinePassportReminder = "passport_reminder"
	DeadlinePassportOverdue  = "passport_overdue"
)

// NextDeadline is the earliest timer still to fire in the current stage.
func (s *State) NextDeadline() (Deadline, bool) {
	t := s.Input.Timing
	var candidates []Deadline
	switch {
	case s.Terminal != "", s.InSelection():
		// The round keeps its own calendar.
	case s.InReview():
		if !s.ReminderSent && t.ReviewReminder < t.ReviewDeadline {
			candidates = append(candidates, Deadline{s.StageEnteredAt.Add(t.ReviewReminder), DeadlineReviewReminder})
		}
		if !s.Overdue {
			candidates = append(candidates, Deadline{s.StageEnteredAt.Add(t.ReviewDeadline), DeadlineReviewOverdue})
		}
	case s.correctionDue() != nil:
		due := *s.correctionDue()
		if !s.ReminderSent && t.CorrectionReminder < t.CorrectionDue {
			candidates = append(candidates, Deadline{due.Add(-t.CorrectionReminder), DeadlineCorrectionReminder})
		}
		candidates = append(candidates, Deadline{due, DeadlineCorrectionExpired})
	case s.windowBinds():
		if !s.ReminderSent {
			candidates = append(candidates, Deadline{s.Input.WindowCloses.Add(-t.WindowReminder), DeadlineWindowReminder})
		}
		candidates = append(candidates, Deadline{s.Input.WindowCloses, DeadlineWindowClose})
	case s.phase().Name == process.PhaseReturn && !s.ReturnDate.IsZero():
		due := s.ReturnDate.Add(t.ReturnReportDue)
		if !s.ReminderSent {
			candidates = append(candidates, Deadline{due.Add(-t.ReturnReportWarning), DeadlineReturnReminder})
		}
		if !s.Overdue {
			candidates = append(candidates, Deadline{due, DeadlineReturnOverdue})
		}
	}
	candidates = append(candidates, s.checkInDeadlines()...)
	candidates = append(candidates, s.passportDeadlines()...)
	if len(candidates) == 0 {
		return Deadline{}, false
	}
	next := candidates[0]
	for _, c := range candidates[1:] {
		if c.At.Before(next.At) {
			next = c
		}
	}
	return next, true
}

// DueAt is when the current stage's work is due, if it has a due time.
func (s *State) DueAt() *time.Time {
	t := s.Input.Timing
	var due time.Time
	switch {
	case s.Terminal != "", s.InSelection():
		return nil
	case s.InReview():
		due = s.StageEnteredAt.Add(t.ReviewDeadline)
	case s.correctionDue() != nil:
		due = *s.correctionDue()
	case s.windowBinds():
		due = s.Input.WindowCloses
	case s.phase().Name == process.PhaseReturn && !s.ReturnDate.IsZero():
		due = s.ReturnDate.Add(t.ReturnReportDue)
	default:
		return nil
	}
	return &due
}
