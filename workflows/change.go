package workflows

import (
	"strings"
	"time"
	"unicode/utf8"

	"outbound/activities"
	"outbound/process"
)

// PendingChange is a change request (变更申请) under review: the request, and where along the
// definition's ChangeReviews it is.
type PendingChange struct {
	Request     process.ChangeRequest
	Review      int
	RequestedAt time.Time
}

// changeReview is the pending change request's review, or nil.
func (s *State) changeReview() *process.Review {
	if s.Change == nil || !s.Abroad() || s.Change.Review >= len(s.Input.Definition.ChangeReviews) {
		return nil
	}
	return &s.Input.Definition.ChangeReviews[s.Change.Review]
}

func (s *State) checkRequestChange(req Request, now time.Time) *Refusal {
	if !s.stayClocks() || len(s.Input.Definition.ChangeReviews) == 0 {
		return refuse(CodeUnknownMessage, "未知的操作："+process.MsgRequestChange)
	}
	if !s.isOwner(req.Actor) {
		return refuse(CodeNotOwner, "只有申请人本人可以提出变更申请")
	}
	if !s.Abroad() {
		return refuse(CodeWrongStage, "当前状态（"+s.Status+"）不能提出变更申请：在外期间、提交返校总结前可以提出")
	}
	if s.Change != nil {
		return refuse(CodeWrongStage, "已有一项变更申请正在审核，请等待审核结果")
	}
	if req.Change == nil {
		return refuse(CodeInvalidChange, "请填写变更申请的内容")
	}
	if _, msg := req.Change.Problem(s.ReturnDate, process.DayOf(now)); msg != "" {
		return refuse(CodeInvalidChange, msg)
	}
	return nil
}

func (s *State) checkDecideChange(req Request) *Refusal {
	r := s.changeReview()
	if r == nil {
		return refuse(CodeWrongStage, "没有待审核的变更申请")
	}
	if refusal := s.checkReviewer(r, req.Actor); refusal != nil {
		return refusal
	}
	switch req.Decision {
	case process.DecisionApprove:
	case process.DecisionReject:
		if strings.TrimSpace(req.Opinion) == "" {
			return refuse(CodeOpinionRequired, "不同意变更时必须填写审核意见")
		}
	default:
		return refuse(CodeInvalidDecision, "变更审核结果必须是通过(approve)或不通过(reject)")
	}
	if utf8.RuneCountInString(req.Opinion) > process.MaxOpinionRunes {
		return refuse(CodeOpinionTooLong, "审核意见不能超过1000字")
	}
	return nil
}

// ChangeRequested starts the change request's chain.
func (s *State) ChangeRequested(c process.ChangeRequest, now time.Time) {
	s.Change = &PendingChange{Request: c, RequestedAt: now}
}

// ChangeDecided moves the chain on: an approval by its last review applies the new return date (the
// check-ins that fall due and the return report's due date follow it); a rejection ends the request.
func (s *State) ChangeDecided(decision string) (applied bool) {
	if decision != process.DecisionApprove {
		s.Change = nil
		return false
	}
	s.Change.Review++
	if s.Change.Review < len(s.Input.Definition.ChangeReviews) {
		return false
	}
	if d, ok := process.ParseDate(s.Change.Request.ReturnDate); ok {
		s.ReturnDate = d
		// The return report's reminder and overdue follow the new date.
		s.ReminderSent, s.Overdue = false, false
	}
	s.Change = nil
	return true
}

// ChangeView is the pending change request for the state query.
type ChangeView struct {
	Request     process.ChangeRequest `json:"request"`
	Stage       string                `json:"stage"`
	Label       string                `json:"label"`
	RequestedAt time.Time             `json:"requestedAt"`
}

// changeNotice tells the awaited reviewers of a change request.
func (w *application) changeNotice(title string) activities.Notice {
	s := w.state
	r := s.changeReview()
	return activities.Notice{ToRole: string(r.Role), College: s.Input.College, Title: title,
		Body: s.Input.StudentName + "（项目编号 " + s.Input.ProjectCode + "）：" + s.Change.Request.Words() + "，待" + r.Label}
}
