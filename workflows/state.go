package workflows

import (
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"outbound/process"
)

// State is the whole durable state of one application. Everything that
// decides what may happen next is a method of State, pure and deterministic,
// so the workflow code only sequences side effects around it.
type State struct {
	Input Input
	// PhaseIndex points into Input.Definition.Phases.
	PhaseIndex int
	// ReviewIndex points into the phase's Reviews; -1 while the student works on the phase.
	ReviewIndex int
	Status      string
	// Terminal is one of the Stage* end stages once the application has ended.
	Terminal string
	// EverSubmitted: the application phase was handed in at least once (a draft can then no longer be deleted).
	EverSubmitted  bool
	StageEnteredAt time.Time
	ReminderSent   bool
	Overdue        bool
	// ReturnDate is 回国(入境)时间 as submitted; the return report is due after it.
	ReturnDate time.Time
	// DepartureDate is when the stay's clocks start: 行前出发时间, else 出国(境)时间, as submitted.
	DepartureDate time.Time
	Stay          Stay
	// Change is the change request under review while abroad, if any.
	Change *PendingChange
	// Passport is 证照交还.
	Passport Passport
	// Approvers maps a review stage to who approved it in the current round.
	Approvers map[string]int64
	Seq       int
	Timeline  []Event
	// RefuseUnrecordable: messages whose words the read model could not record
	// are refused (see Request.problem). Off only for histories recorded before the rule.
	RefuseUnrecordable bool
	// DeleteAndGiveUp: an application 未提交 after a withdrawal, or 已退回, may be deleted, and an
	// admitted student may give the place up (放弃录取). Off only for histories recorded before.
	DeleteAndGiveUp bool
	// CorrectionRules: after the window has closed only an application a reviewer returned may be
	// resubmitted, within Timing.CorrectionDue; a withdrawal then ends the application. Off only for
	// histories recorded before the rule.
	CorrectionRules bool
	// Returned: the application phase was sent back by a reviewer and not yet resubmitted.
	Returned bool
}

// clone is a copy that shares nothing the original may change.
func (s *State) clone() *State {
	c := *s
	c.Timeline = slices.Clone(s.Timeline)
	c.Approvers = maps.Clone(s.Approvers)
	if s.Change != nil {
		change := *s.Change
		c.Change = &change
	}
	return &c
}

// NewState is the state of a fresh draft.
func NewState(in Input, now time.Time) *State {
	first := in.Definition.Phases[0]
	return &State{
		Input:              in,
		ReviewIndex:        -1,
		Status:             first.EditableStatus,
		StageEnteredAt:     now,
		Approvers:          map[string]int64{},
		RefuseUnrecordable: true,
		DeleteAndGiveUp:    true,
		CorrectionRules:    true,
	}
}

func (s *State) phase() process.Phase { return s.Input.Definition.Phases[s.PhaseIndex] }

// review is the pending review, or nil while the student works on the phase.
func (s *State) review() *process.Review {
	if s.Terminal != "" || s.ReviewIndex < 0 {
		return nil
	}
	return &s.phase().Reviews[s.ReviewIndex]
}

// Closed reports whether the application has ended.
func (s *State) Closed() bool { return s.Terminal != "" }

// InReview reports whether a reviewer is to act.
func (s *State) InReview() bool { return s.review() != nil }

// Editable reports whether the student works on the current phase.
func (s *State) Editable() bool { return s.Terminal == "" && s.ReviewIndex < 0 }

// Stage names where the application is now.
func (s *State) Stage() string {
	if s.Terminal != "" {
		return s.Terminal
	}
	if r := s.review(); r != nil {
		return r.Stage
	}
	return s.phase().EditableStage
}

// AwaitingRole is who is to act now; empty once closed.
func (s *State) AwaitingRole() process.Role {
	if s.Terminal != "" {
		return ""
	}
	if s.InSelection() {
		return "" // the round decides: no reviewer's queue holds the application
	}
	if r := s.review(); r != nil {
		return r.Role
	}
	return process.RoleStudent
}

// PendingStep describes the awaited step for the progress table, e.g. 学院审核(未审核).
func (s *State) PendingStep() string {
	if s.Terminal != "" {
		return ""
	}
	return s.Input.Definition.PendingStep(s.phase().Name, s.Stage())
}

func (s *State) isOwner(a Actor) bool {
	return a.Role == process.RoleStudent && a.ID == s.Input.StudentID
}

// Check says whether a message may be applied now. It changes nothing.
func (s *State) Check(name string, req Request, now time.Time) *Refusal {
	if r := s.check(name, req, now); r != nil || !s.RefuseUnrecordable {
		return r
	}
	return req.problem()
}

// problem refuses text that the read model could not record: the API checks
// the same, so only a Signal sent by hand meets it. Without it such a message
// would move the state and then fail its record on every attempt.
func (req Request) problem() *Refusal {
	type text struct {
		label, value string
		max          int
	}
	texts := []text{{"操作人姓名", req.Actor.Name, process.MaxNameRunes}, {"审核意见", req.Opinion, process.MaxOpinionRunes}}
	if f := req.Funding; f != nil {
		texts = append(texts, text{"资助来源", f.Source, process.MaxFundingRunes}, text{"资助说明", f.Note, process.MaxFundingRunes})
	}
	for _, t := range texts {
		if msg := process.TextProblem(t.label, t.value, t.max); msg != "" {
			return refuse(CodeInvalidText, msg)
		}
	}
	return nil
}

func (s *State) check(name string, req Request, now time.Time) *Refusal {
	if s.Terminal != "" {
		return refuse(CodeClosed, "该申请已结束（"+s.Status+"），不能再操作")
	}
	switch name {
	case process.MsgSubmit, process.MsgSubmitPredeparture, process.MsgSubmitReturnReport, process.MsgSubmitCredits:
		return s.checkSubmit(name, req, now)
	case process.MsgWithdraw:
		if !s.isOwner(req.Actor) {
			return refuse(CodeNotOwner, "只有申请人本人可以撤回申请")
		}
		if !s.InReview() {
			return refuse(CodeWrongStage, "当前状态（"+s.Status+"）不能撤回：只有审核中的申请可以撤回修改")
		}
		if s.InSelection() {
			return refuse(CodeWrongStage, "项目选拔进行中，不能撤回修改")
		}
	case process.MsgDelete:
		if !s.isOwner(req.Actor) {
			return refuse(CodeNotOwner, "只有申请人本人可以删除申请")
		}
		if s.PhaseIndex != 0 || !s.Editable() || (s.EverSubmitted && !s.DeleteAndGiveUp) {
			return refuse(CodeWrongStage, "只有未提交或已退回的申请可以删除")
		}
	case process.MsgGiveUp:
		if !s.DeleteAndGiveUp {
			return refuse(CodeUnknownMessage, "未知的操作："+name)
		}
		if !s.isOwner(req.Actor) {
			return refuse(CodeNotOwner, "只有申请人本人可以放弃录取")
		}
		if s.phase().Name != process.PhasePredeparture {
			return refuse(CodeWrongStage, "当前状态（"+s.Status+"）不能放弃录取：只有已录取、尚未出发的申请可以放弃")
		}
		if strings.TrimSpace(req.Opinion) == "" {
			return refuse(CodeOpinionRequired, "请填写放弃录取的原因")
		}
		if utf8.RuneCountInString(req.Opinion) > process.MaxOpinionRunes {
			return refuse(CodeOpinionTooLong, "原因过长")
		}
	case process.MsgSupplement:
		if !s.isOwner(req.Actor) {
			return refuse(CodeNotOwner, "只有申请人本人可以补交材料")
		}
		if !s.InReview() {
			return refuse(CodeWrongStage, "只有审核中的申请可以补交材料附件")
		}
		if len(req.AttachmentIDs) == 0 {
			return refuse(CodeNoAttachments, "请至少上传一个补交材料附件")
		}
	case process.MsgDecide:
		return s.checkDecide(req)
	case process.MsgCheckIn:
		return s.checkCheckIn(req)
	case process.MsgRequestChange:
		return s.checkRequestChange(req, now)
	case process.MsgDecideChange:
		return s.checkDecideChange(req)
	case process.MsgPassportReturned:
		return s.checkPassportReturned(req)
	case process.MsgReportReturn:
		return s.checkReportReturn(req, now)
	default:
		return refuse(CodeUnknownMessage, "未知的操作："+name)
	}
	return nil
}

func (s *State) checkSubmit(name string, req Request, now time.Time) *Refusal {
	if !s.isOwner(req.Actor) {
		return refuse(CodeNotOwner, "只有申请人本人可以提交")
	}
	if !s.Editable() || s.phase().Submit != name {
		return refuse(CodeWrongStage, "当前状态（"+s.Status+"）不能进行此提交")
	}
	switch name {
	case process.MsgSubmit:
		// The window binds the first submission; a returned application may be resubmitted, within
		// its correction deadline where that rule holds, and a withdrawn one only while the window is open.
		if s.Returned && s.CorrectionRules {
			if due := s.correctionDue(); due != nil && !now.Before(*due) {
				return refuse(CodeCorrectionExpired, "修改期限已过（"+process.FormatTime(*due)+"），不能再提交")
			}
		} else if !s.EverSubmitted || s.CorrectionRules {
			if now.Before(s.Input.WindowOpens) {
				return refuse(CodeWindowNotOpen, "项目申报尚未开始（开始时间 "+process.FormatTime(s.Input.WindowOpens)+"）")
			}
			if !now.Before(s.Input.WindowCloses) {
				return refuse(CodeWindowClosed, "项目申报已截止（截止时间 "+process.FormatTime(s.Input.WindowCloses)+"）")
			}
		}
	case process.MsgSubmitReturnReport:
		if !s.ReturnDate.IsZero() && now.Before(s.ReturnDate) {
			return refuse(CodeReturnNotReached, "回国(入境)时间 "+s.ReturnDate.Format("2006-01-02")+" 之后才能提交返校总结")
		}
	}
	return nil
}

func (s *State) checkDecide(req Request) *Refusal {
	r := s.review()
	if r == nil {
		return refuse(CodeWrongStage, "当前状态（"+s.Status+"）没有待审核的环节")
	}
	if r.Admission == process.RoundAdmission {
		return refuse(CodeWrongStage, "该申请正在项目选拔中，由外事部门在选拔页面确定拟录取与候补")
	}
	if refusal := s.checkReviewer(r, req.Actor); refusal != nil {
		return refusal
	}
	if r.DistinctFrom != "" && s.Approvers[r.DistinctFrom] == req.Actor.ID {
		return refuse(CodeSameReviewer, "初审与复审须由不同的人完成")
	}
	if refusal := s.checkLines(req); refusal != nil {
		return refusal
	}
	switch req.Decision {
	case process.DecisionApprove:
	case process.DecisionReturn, process.DecisionReject:
		if strings.TrimSpace(req.Opinion) == "" {
			return refuse(CodeOpinionRequired, "退回或不通过时必须填写审核意见")
		}
	default:
		return refuse(CodeInvalidDecision, "审核结果必须是通过(approve)、退回(return)或不通过(reject)")
	}
	if utf8.RuneCountInString(req.Opinion) > process.MaxOpinionRunes {
		return refuse(CodeOpinionTooLong, "审核意见不能超过1000字")
	}
	if req.Decision == process.DecisionApprove && s.phase().Name == process.PhaseReturn && s.IsFinalApproval() && s.passportOutstanding() {
		return refuse(CodePassportOwed, "因公护照尚未交还，请先登记证照交还")
	}
	if req.Funding != nil && !(req.Decision == process.DecisionApprove && s.isAdmission()) {
		return refuse(CodeFundingNotAllowed, "资助情况只能在外事部门录取时填写")
	}
	if req.Funding != nil && (req.Funding.Amount < 0 || req.Funding.Amount > process.MaxAmount || strings.TrimSpace(req.Funding.Source) == "") {
		return refuse(CodeFundingNotAllowed, "资助情况须填写资助来源，金额不能为负数")
	}
	return nil
}

// checkReviewer refuses an actor who is not the review's role, or of another college where the
// review is a college's.
func (s *State) checkReviewer(r *process.Review, a Actor) *Refusal {
	if a.Role != r.Role {
		return refuse(CodeWrongRole, "当前环节“"+r.Label+"”不由您的角色审核")
	}
	if r.Role.Spec().Scope == process.ScopeCollege && a.College != s.Input.College {
		return refuse(CodeWrongCollege, "只能审核本学院学生的申请")
	}
	return nil
}

// isAdmission reports whether approving now admits the student (the application phase's last review).
func (s *State) isAdmission() bool {
	return s.PhaseIndex == 0 && s.nextReview(s.ReviewIndex+1) == len(s.phase().Reviews)
}

// IsFinalApproval reports whether approving now ends the current phase.
func (s *State) IsFinalApproval() bool {
	return s.InReview() && s.nextReview(s.ReviewIndex+1) == len(s.phase().Reviews)
}

// nextReview is the first review of the phase from index i on that this applicant passes (routing
// is data: a review may be for graduate or undergraduate applicants only), or len(Reviews) when none.
func (s *State) nextReview(i int) int {
	reviews := s.phase().Reviews
	for i < len(reviews) && !(reviews[i].Applicants.Include(s.Input.Graduate) && reviews[i].Admission.Include(s.Input.Round != "")) {
		i++
	}
	return i
}

// enter moves to a stage of the current or another phase and restarts its clocks.
func (s *State) enter(phase, review int, status string, now time.Time) {
	s.PhaseIndex, s.ReviewIndex, s.Status = phase, review, status
	s.StageEnteredAt = now
	s.ReminderSent = false
	s.Overdue = false
}

// The transitions. Each is called once its message passed Check and its side effects succeeded.

// Submitted hands the current phase in: its first review starts.
func (s *State) Submitted(now time.Time) {
	if s.PhaseIndex == 0 {
		s.EverSubmitted = true
	}
	if s.phase().Name == process.PhaseReturn {
		s.Stay.Ended = true
	}
	for _, r := range s.phase().Reviews {
		delete(s.Approvers, r.Stage)
	}
	s.Returned = false
	first := s.nextReview(0)
	s.enter(s.PhaseIndex, first, s.phase().Reviews[first].Status, now)
}

// Decided applies a reviewer's decision.
func (s *State) Decided(req Request, now time.Time) {
	p := s.phase()
	switch req.Decision {
	case process.DecisionApprove:
		s.Approvers[p.Reviews[s.ReviewIndex].Stage] = req.Actor.ID
		switch {
		case s.nextReview(s.ReviewIndex+1) < len(p.Reviews):
			next := s.nextReview(s.ReviewIndex + 1)
			s.enter(s.PhaseIndex, next, p.Reviews[next].Status, now)
		case s.PhaseIndex+1 < len(s.Input.Definition.Phases) && s.phaseApplies(s.PhaseIndex+1):
			s.enter(s.PhaseIndex+1, -1, p.DoneStatus, now)
			if s.phase().Name == process.PhaseReturn {
				s.startStay(now)
			}
		default:
			s.Status, s.Terminal = p.DoneStatus, process.StageCompleted
			s.StageEnteredAt = now
		}
	case process.DecisionReturn:
		s.enter(s.PhaseIndex, -1, p.ReturnedStatus, now)
		s.Returned = s.PhaseIndex == 0
	case process.DecisionReject:
		s.Status, s.Terminal = process.StatusRejected, process.StageRejected
		s.StageEnteredAt = now
	}
}

// Withdrawn takes the phase back from review to the student.
func (s *State) Withdrawn(now time.Time) {
	s.enter(s.PhaseIndex, -1, s.phase().EditableStatus, now)
}

// Deleted ends a draft that was never submitted.
func (s *State) Deleted(now time.Time) {
	s.Status, s.Terminal, s.StageEnteredAt = process.StatusCancelled, process.StageCancelled, now
}

// GaveUp ends an admission the student gave back (放弃录取).
func (s *State) GaveUp(now time.Time) {
	s.Status, s.Terminal, s.StageEnteredAt = process.StatusGivenUp, process.StageGivenUp, now
}

// Expired ends a draft whose window closed.
func (s *State) Expired(now time.Time) {
	s.Status, s.Terminal, s.StageEnteredAt = process.StatusExpired, process.StageExpired, now
}

// correctionDue is when a returned application must be resubmitted by, if the rule holds.
func (s *State) correctionDue() *time.Time {
	if !s.CorrectionRules || !s.Returned || s.Input.Timing.CorrectionDue <= 0 {
		return nil
	}
	due := s.StageEnteredAt.Add(s.Input.Timing.CorrectionDue)
	return &due
}

// windowBinds reports whether the application window still decides whether the application phase
// may be handed in: before the first submission, and after a withdrawal where the rule holds.
func (s *State) windowBinds() bool {
	return s.PhaseIndex == 0 && s.Editable() && (!s.EverSubmitted || (s.CorrectionRules && !s.Returned))
}
