package workflows

// What the state shows: the query's answer, the actions each role is offered, and the details the
// Temporal UI displays.

import (
	"strings"
	"time"

	"outbound/process"
)

// Details says, for the Temporal UI, what the application waits for: its stage, who is awaited,
// since when, until when and whether it is overdue. It carries no personal data.
func (s *State) Details() string {
	if s.Closed() {
		return "**" + s.Status + "**（" + process.FormatTime(s.StageEnteredAt) + " 结束）"
	}
	parts := []string{"**" + s.Input.Definition.StageLabel(s.Stage()) + "**"}
	if r := s.AwaitingRole(); r != "" {
		parts = append(parts, "等待"+process.RoleLabels[r])
	}
	parts = append(parts, "自 "+process.FormatTime(s.StageEnteredAt))
	if due := s.DueAt(); due != nil {
		parts = append(parts, "期限 "+process.FormatTime(*due))
	}
	if s.Overdue {
		parts = append(parts, "**已逾期**")
	}
	return strings.Join(parts, " · ")
}

// Allowed lists, per role, the actions the 操作 menu offers now. Scope
// (which college, which reviewer) is narrowed further by DecideExcluded and the API.
func (s *State) Allowed(now time.Time) map[process.Role][]process.Action {
	reviewerView := []process.Action{process.ActionView}
	out := map[process.Role][]process.Action{}
	out[process.RoleStudent] = process.StudentActions(s.facts(), now)
	for _, role := range process.RolesWhere(func(r process.RoleSpec) bool { return r.Decides }) {
		actions := append([]process.Action(nil), reviewerView...)
		if r := s.review(); r != nil && r.Role == role {
			actions = append(actions, process.ActionDecide)
		}
		if r := s.changeReview(); r != nil && r.Role == role {
			actions = append(actions, process.ActionDecideChange)
		}
		if role == process.PassportKeeper && s.passportOutstanding() && s.phase().Name == process.PhaseReturn {
			actions = append(actions, process.ActionPassportReturned)
		}
		out[role] = append(actions, process.ActionTrack)
	}
	for _, role := range process.RolesWhere(func(r process.RoleSpec) bool { return r.Scope == process.ScopeAll }) {
		out[role] = []process.Action{process.ActionView, process.ActionTrack}
	}
	return out
}

// DecideExcluded lists accounts that may not decide the pending review (the first reviewer at 复审).
func (s *State) DecideExcluded() []int64 {
	if r := s.review(); r != nil && r.DistinctFrom != "" {
		if id, ok := s.Approvers[r.DistinctFrom]; ok {
			return []int64{id}
		}
	}
	return nil
}

// View is the query answer.
func (s *State) View(now time.Time) View {
	v := View{
		ApplicationID:  s.Input.ApplicationID,
		Phase:          s.phase().Name,
		Stage:          s.Stage(),
		Status:         s.Status,
		AwaitingRole:   s.AwaitingRole(),
		PendingStep:    s.PendingStep(),
		StageEnteredAt: s.StageEnteredAt,
		DueAt:          s.DueAt(),
		Overdue:        s.Overdue,
		Closed:         s.Closed(),
		Allowed:        s.Allowed(now),
		WithdrawEnds:   s.WithdrawEnds(now),
		DecideExcluded: s.DecideExcluded(),
		Timeline:       append([]Event(nil), s.Timeline...),
		Stay:           s.stayView(),
		Passport:       s.passportView(),
	}
	if r := s.changeReview(); r != nil {
		v.Change = &ChangeView{Request: s.Change.Request, Stage: r.Stage, Label: r.Label, RequestedAt: s.Change.RequestedAt}
	}
	if !s.ReturnDate.IsZero() {
		rd := s.ReturnDate
		v.ReturnDate = &rd
	}
	return v
}

// WithdrawEnds reports whether withdrawing now would end the chance to hand the application in
// again: the window has closed and only a returned application may be resubmitted.
func (s *State) WithdrawEnds(now time.Time) bool {
	return s.CorrectionRules && s.facts().WithdrawEnds(now)
}

// facts are what the student's menu depends on, as the workflow knows them.
func (s *State) facts() process.StudentFacts {
	return process.StudentFacts{
		Closed: s.Closed(), InReview: s.InReview(), Phase: s.phase().Name, EverSubmitted: s.EverSubmitted,
		DeleteAndGiveUp: s.DeleteAndGiveUp, ReturnDate: s.ReturnDate, WindowCloses: s.Input.WindowCloses,
		Abroad: s.Abroad(), ChangePending: s.Change != nil,
		Changes: s.stayClocks() && len(s.Input.Definition.ChangeReviews) > 0,
	}
}
