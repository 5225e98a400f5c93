package process

import "time"

// StudentFacts are what a student's 操作 menu depends on. The workflow knows them from its state;
// a list knows them from the read model, so that both offer the same actions by the same rules.
type StudentFacts struct {
	Closed   bool
	InReview bool
	Phase    string
	// EverSubmitted: the application was submitted at least once.
	EverSubmitted bool
	// DeleteAndGiveUp: the application runs under the rules that let a student delete a withdrawn
	// or returned application and give up an admission.
	DeleteAndGiveUp bool
	// ReturnDate is 回国(入境)时间 as submitted; zero when unknown.
	ReturnDate time.Time
	// WindowCloses is when the project's application window closes; zero when unknown.
	WindowCloses time.Time
	// Abroad: the stay's check-ins (报平安) are open.
	Abroad bool
	// Changes: the application takes change requests while abroad; ChangePending: one is under review.
	Changes       bool
	ChangePending bool
}

// WithdrawEnds reports whether withdrawing at now would end the chance to hand the application in
// again: after the window has closed only an application a reviewer returned may be resubmitted.
func (f StudentFacts) WithdrawEnds(now time.Time) bool {
	return !f.Closed && f.InReview && f.Phase == PhaseApplication && !f.WindowCloses.IsZero() && !now.Before(f.WindowCloses)
}

// StudentActions lists the actions a student's 操作 menu offers at now.
func StudentActions(f StudentFacts, now time.Time) []Action {
	actions := []Action{ActionView}
	if !f.Closed {
		switch {
		case f.InReview:
			actions = append(actions, ActionWithdraw, ActionSupplement)
		case f.Phase == PhaseApplication:
			actions = append(actions, ActionEdit)
			if !f.EverSubmitted || f.DeleteAndGiveUp {
				actions = append(actions, ActionDelete)
			}
		case f.Phase == PhasePredeparture:
			actions = append(actions, ActionUploadPredeparture, ActionDeletePredeparture)
			if f.DeleteAndGiveUp {
				actions = append(actions, ActionGiveUp)
			}
		case f.Phase == PhaseReturn:
			if f.Abroad {
				actions = append(actions, ActionCheckIn)
				if f.Changes && !f.ChangePending {
					actions = append(actions, ActionRequestChange)
				}
				if f.Changes {
					actions = append(actions, ActionReportReturn)
				}
			}
			if f.ReturnDate.IsZero() || !now.Before(f.ReturnDate) {
				actions = append(actions, ActionSubmitReturnReport)
			}
		case f.Phase == PhaseCredits:
			actions = append(actions, ActionCredits)
		}
	}
	return append(actions, ActionTrack)
}
