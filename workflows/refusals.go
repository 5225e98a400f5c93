package workflows

// Messages that do not take effect: why (Refusal and its codes), Signals whose actor cannot be
// verified, and records the read model refuses; each is recorded in the timeline as refused.

import (
	"errors"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"outbound/activities"
	"outbound/process"
)

// receiveSignals applies signals of one name, so that an administrator can act
// from the Temporal UI or CLI; an invalid signal is recorded as refused.
func (w *application) receiveSignals(ctx workflow.Context, name string) {
	ch := workflow.GetSignalChannel(ctx, name)
	for {
		var req Request
		ch.Receive(ctx, &req)
		if w.verifySignals {
			claim := activities.ActorClaim{ID: req.Actor.ID, Role: string(req.Actor.Role), College: req.Actor.College}
			verdict, err := execute(ctx, w, activities.CallVerifyActor, claim)
			if err != nil {
				continue // the workflow is ending
			}
			if verdict.Problem != "" {
				w.recordRefusal(ctx, name, req, &Refusal{Code: CodeActorUnverified, Message: "经 Temporal 发来的操作无法核实操作人：" + verdict.Problem})
				continue
			}
			// The account's own name, not the payload's: a Signal cannot sign as someone else.
			req.Actor.Name, req.ViaTemporal = verdict.Name, true
		}
		if err := w.lock.Lock(ctx); err != nil {
			return
		}
		refusal := w.state.Check(name, req, workflow.Now(ctx))
		w.lock.Unlock()
		if refusal != nil {
			w.recordRefusal(ctx, name, req, refusal)
			continue
		}
		if _, err := w.handle(ctx, name, req); err != nil {
			var appErr *temporal.ApplicationError
			if errors.As(err, &appErr) {
				w.recordRefusal(ctx, name, req, &Refusal{Code: appErr.Type(), Message: appErr.Message()})
			}
		}
	}
}

func (w *application) recordRefusal(ctx workflow.Context, name string, req Request, r *Refusal) {
	if err := w.lock.Lock(ctx); err != nil {
		return
	}
	defer w.lock.Unlock()
	w.recordRefusalLocked(ctx, name, req, r)
}

// recordRefusalLocked records a refusal while the caller holds the lock.
func (w *application) recordRefusalLocked(ctx workflow.Context, name string, req Request, r *Refusal) {
	// The refused message's own words may be what the read model cannot hold: only a clean name is kept.
	actor := req.Actor
	actor.Name = process.CleanText(actor.Name, process.MaxNameRunes)
	actor.Role = process.Role(process.CleanText(string(actor.Role), process.MaxNameRunes))
	ev := Event{Kind: EventRefused, Step: "操作被拒绝", Actor: actor, Opinion: r.Message,
		Detail: map[string]any{"message": name, "code": r.Code}}
	_ = w.record(ctx, ev, nil, nil)
}

// recordRefusal is the refusal a failed record means, or nil when the failure is not final (the
// activity keeps its retries) or not a refusal.
func recordRefusal(err error) *Refusal {
	var appErr *temporal.ApplicationError
	if err == nil || !errors.As(err, &appErr) {
		return nil
	}
	switch appErr.Type() {
	case activities.CodeRecordRefused:
		return refuse(CodeRecordRefused, "该操作的内容无法保存，操作未生效；请修改后重试")
	case activities.CodeActorUnverified:
		return refuse(CodeActorUnverified, "无法核实操作人：账号不存在、已停用，或不具有其声称的角色与学院；操作未生效")
	}
	return nil
}

// Refusal is why a message is not accepted now; Code is stable for clients, Message is for people.
type Refusal struct {
	Code    string
	Message string
}

func (r *Refusal) Error() string { return r.Message }

func refuse(code, message string) *Refusal { return &Refusal{Code: code, Message: message} }

// Refusal codes.
const (
	CodeNotOwner          = "not_owner"
	CodeWrongRole         = "wrong_role"
	CodeWrongCollege      = "wrong_college"
	CodeSameReviewer      = "same_reviewer"
	CodeWrongStage        = "wrong_stage"
	CodeClosed            = "closed"
	CodeWindowNotOpen     = "window_not_open"
	CodeWindowClosed      = "window_closed"
	CodeReturnNotReached  = "return_date_not_reached"
	CodeOpinionRequired   = "opinion_required"
	CodeOpinionTooLong    = "opinion_too_long"
	CodeInvalidDecision   = "invalid_decision"
	CodeNoAttachments     = "no_attachments"
	CodeIncomplete        = "submission_incomplete"
	CodeQuotaFull         = "quota_full"
	CodeUnknownMessage    = "unknown_message"
	CodeFundingNotAllowed = "funding_not_allowed"
	CodeInvalidText       = "invalid_text"
	CodeActorUnverified   = "actor_unverified"
	CodeRecordRefused     = "record_refused"
	CodeCorrectionExpired = "correction_expired"
	CodeInvalidCheckIn    = "invalid_check_in"
	CodeInvalidChange     = "invalid_change"
	CodePassportOwed      = "passport_owed"
)
