package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"outbound/activities"
	"outbound/process"
)

// Search attributes for administrators; no personal data in them.
var (
	AttrStage          = temporal.NewSearchAttributeKeyKeyword("ApplicationStage")
	AttrAwaitingRole   = temporal.NewSearchAttributeKeyKeyword("AwaitingRole")
	AttrCollege        = temporal.NewSearchAttributeKeyKeyword("College")
	AttrProjectCode    = temporal.NewSearchAttributeKeyKeyword("ProjectCode")
	AttrStageEnteredAt = temporal.NewSearchAttributeKeyTime("StageEnteredAt")
	AttrReviewOverdue  = temporal.NewSearchAttributeKeyBool("ReviewOverdue")
	// AttrNeedsAttention is set while the workflow's work keeps failing (see execute).
	AttrNeedsAttention = temporal.NewSearchAttributeKeyBool("NeedsAttention")
	// AttrAlerts lists the office's alerts (process.Alert*): one KeywordList holds them all.
	AttrAlerts = temporal.NewSearchAttributeKeyKeywordList("Alerts")
)

// SearchAttributeTypes is what the dev stack and docker-compose register.
var SearchAttributeTypes = map[string]string{
	"ApplicationStage": "Keyword",
	"AwaitingRole":     "Keyword",
	"College":          "Keyword",
	"ProjectCode":      "Keyword",
	"StageEnteredAt":   "Datetime",
	"ReviewOverdue":    "Bool",
	"NeedsAttention":   "Bool",
	"Alerts":           "KeywordList",
}

// application runs one workflow: the state, and the lock that keeps one message at a time.
type application struct {
	state *State
	// lock serialises handlers: each may wait on activities, and another must not interleave.
	lock workflow.Mutex
	// local is whether activities run as local activities (see execute); decided once per run.
	local *bool
	// verifySignals is whether a Signal's actor is looked up first (changeStudentRules).
	verifySignals bool
	// submitAtOnce is whether a submission is one activity (changeSubmitAtOnce); decided at the first.
	submitAtOnce *bool
}

// changeLocalActivities: version 1 runs the activities as local activities, in
// the worker that runs the workflow, which saves two trips through the server
// for each. Histories recorded before the change keep regular activities.
const changeLocalActivities = "local-activities"

// changeRefuseUnrecordable: version 1 refuses a message whose words the read
// model cannot record (control characters, over-long names, sums past the
// column). Applications started before it keep the messages they accepted.
const changeRefuseUnrecordable = "refuse-unrecordable"

// changeStudentRules (its id is the first change's name, kept so that recorded
// histories replay): version 1 looks a Signal's actor up before applying it (the
// account exists, is enabled, holds the role and college it claims) and marks
// what it applies as done through Temporal; version 2 also lets a student delete
// an application that is 未提交 after a withdrawal or 已退回, and give up an
// admission (放弃录取); version 3 gives a returned application a correction deadline and lets a
// withdrawn one be resubmitted only while the window is open (State.CorrectionRules).
// Applications started before a version keep the rules they had.
// One change id for both keeps a workflow's first task small.
const changeStudentRules = "verify-signals"

// changeSubmitAtOnce: version 1 hands a phase in with one local activity that checks, snapshots
// and records the submission in one transaction (activities.Submit), instead of three activities
// in a row: a submission waits on one round of work, and a refused record leaves nothing to undo.
const changeSubmitAtOnce = "submit-at-once"

// execute runs an activity and waits for its result; the call's type says what it takes and gives.
func execute[In, Out any](ctx workflow.Context, w *application, call activities.Call[In, Out], in In) (Out, error) {
	var out Out
	var result any = &out
	if _, none := result.(*activities.NoResult); none {
		result = nil
	}
	err := w.executeNamed(ctx, call.Name, in, result)
	return out, err
}

// executeNamed runs an activity by name and waits for its result.
func (w *application) executeNamed(ctx workflow.Context, name string, arg, result any) error {
	if w.local == nil {
		local := workflow.GetVersion(ctx, changeLocalActivities, workflow.DefaultVersion, 1) == 1
		w.local = &local
	}
	if *w.local {
		lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
			StartToCloseTimeout: 30 * time.Second,
			RetryPolicy:         localRetry,
		})
		err := workflow.ExecuteLocalActivity(lctx, name, arg).Get(lctx, result)
		var appErr *temporal.ApplicationError
		if err == nil || (errors.As(err, &appErr) && appErr.NonRetryable()) || temporal.IsCanceledError(err) {
			return err
		}
		// It keeps failing: the work goes on as a regular activity, which the Temporal UI shows under
		// Pending Activities with its attempts and last failure, and the workflow says it needs an
		// administrator until the work succeeds.
		w.needsAttention(ctx, name, err)
		err = workflow.ExecuteActivity(withActivityOptions(ctx), name, arg).Get(ctx, result)
		w.attended(ctx)
		return err
	}
	return workflow.ExecuteActivity(withActivityOptions(ctx), name, arg).Get(ctx, result)
}

// localRetry gives a local activity a few quick attempts before it surfaces (execute).
var localRetry = &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Second, MaximumAttempts: 4}

// needsAttention marks the workflow for administrators: the NeedsAttention search attribute (one
// query in the Temporal UI finds them all) and the problem in its current details.
func (w *application) needsAttention(ctx workflow.Context, activity string, err error) {
	if e := workflow.UpsertTypedSearchAttributes(ctx, AttrNeedsAttention.ValueSet(true)); e != nil {
		workflow.GetLogger(ctx).Error("cannot mark the workflow", "error", e)
	}
	msg := err.Error()
	if r := []rune(msg); len(r) > 200 {
		msg = string(r[:200]) + "…"
	}
	workflow.SetCurrentDetails(ctx, "**需要管理员处理**：「"+activity+"」多次失败，正在重试（见 Pending Activities）。最近一次错误："+msg+"\n\n"+w.state.Details())
}

// attended clears the mark once the work has succeeded (or the workflow gave up on it).
func (w *application) attended(ctx workflow.Context) {
	if e := workflow.UpsertTypedSearchAttributes(ctx, AttrNeedsAttention.ValueSet(false)); e != nil {
		workflow.GetLogger(ctx).Error("cannot clear the mark", "error", e)
	}
	workflow.SetCurrentDetails(ctx, w.state.Details())
}

// activityRetry retries until the database is back.
var activityRetry = &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute}

// Application is the workflow: it lives from the draft until the application ends.
func Application(ctx workflow.Context, in Input) (string, error) {
	w := &application{state: NewState(in, workflow.Now(ctx)), lock: workflow.NewMutex(ctx)}
	w.state.RefuseUnrecordable = workflow.GetVersion(ctx, changeRefuseUnrecordable, workflow.DefaultVersion, 1) == 1
	rules := workflow.GetVersion(ctx, changeStudentRules, workflow.DefaultVersion, 3)
	w.verifySignals, w.state.DeleteAndGiveUp, w.state.CorrectionRules = rules >= 1, rules >= 2, rules >= 3
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (View, error) {
		return w.state.View(workflow.Now(ctx)), nil
	}); err != nil {
		return "", err
	}
	for _, name := range process.Messages {
		name := name
		if err := workflow.SetUpdateHandlerWithOptions(ctx, name,
			func(ctx workflow.Context, req Request) (View, error) { return w.handle(ctx, name, req) },
			workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, req Request) error {
				return asError(w.state.Check(name, req, workflow.Now(ctx)))
			}},
		); err != nil {
			return "", err
		}
		stayMessage := name == process.MsgCheckIn || name == process.MsgRequestChange || name == process.MsgDecideChange || name == process.MsgPassportReturned || name == process.MsgReportReturn
		if (name == process.MsgGiveUp && !w.state.DeleteAndGiveUp) || (stayMessage && !w.state.stayClocks()) {
			continue // histories from before the message never read its channel
		}
		workflow.Go(ctx, func(ctx workflow.Context) { w.receiveSignals(ctx, name) })
	}

	created := Event{Kind: EventCreated, Step: w.state.Status, Opinion: "创建新申请",
		Actor: Actor{ID: in.StudentID, Name: in.StudentName, Role: process.RoleStudent}}
	if err := w.record(ctx, created, nil, nil); err != nil {
		return "", err
	}

	for !w.state.Closed() {
		seq := w.state.Seq
		changed := func() bool { return w.state.Seq != seq }
		next, ok := w.state.NextDeadline()
		if !ok {
			if err := workflow.Await(ctx, changed); err != nil {
				return "", err
			}
			continue
		}
		if wait := next.At.Sub(workflow.Now(ctx)); wait > 0 {
			woken, err := workflow.AwaitWithTimeout(ctx, wait, changed)
			if err != nil {
				return "", err
			}
			if woken {
				continue
			}
		}
		if err := w.onDeadline(ctx, next, seq); err != nil {
			return "", err
		}
	}
	// The message that closed the application may still be recording its event:
	// taking the lock waits for it, and the update then answers its caller.
	if err := w.lock.Lock(ctx); err != nil {
		return "", err
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return "", err
	}
	return w.state.Status, nil
}

// withActivityOptions is applied to every context that runs activities: the
// workflow's own and each handler's. Activities retry until the database is back.
func withActivityOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second, RetryPolicy: activityRetry})
}

func asError(r *Refusal) error {
	if r == nil {
		return nil
	}
	return temporal.NewApplicationErrorWithOptions(r.Message, r.Code, temporal.ApplicationErrorOptions{NonRetryable: true})
}

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
	// The refused message's own words may be what the read model cannot hold: only a clean name is kept.
	actor := req.Actor
	actor.Name = process.CleanText(actor.Name, process.MaxNameRunes)
	actor.Role = process.Role(process.CleanText(string(actor.Role), process.MaxNameRunes))
	ev := Event{Kind: EventRefused, Step: "操作被拒绝", Actor: actor, Opinion: r.Message,
		Detail: map[string]any{"message": name, "code": r.Code}}
	_ = w.record(ctx, ev, nil, nil)
}

// handle applies one accepted message: side effects first, then the transition, then the record.
func (w *application) handle(ctx workflow.Context, name string, req Request) (View, error) {
	if err := w.lock.Lock(ctx); err != nil {
		return View{}, err
	}
	defer w.lock.Unlock()
	s := w.state
	// Checked again: the state may have moved while this handler waited for the lock.
	if r := s.Check(name, req, workflow.Now(ctx)); r != nil {
		return View{}, asError(r)
	}
	// What to undo should the read model refuse the record: the transition and what led to it.
	before := s.clone()
	var undo []func(workflow.Context) error
	ev := Event{Actor: req.Actor, Opinion: req.Opinion}
	var notices []activities.Notice
	var funding *activities.Funding
	switch name {
	case process.MsgSubmit, process.MsgSubmitPredeparture, process.MsgSubmitReturnReport:
		if w.submitAtOnce == nil {
			atOnce := workflow.GetVersion(ctx, changeSubmitAtOnce, workflow.DefaultVersion, 1) == 1
			w.submitAtOnce = &atOnce
		}
		if *w.submitAtOnce {
			return w.submit(ctx, name, req)
		}
		check, err := execute(ctx, w, activities.CallCheckSubmission,
			activities.SubmissionCheck{ApplicationID: s.Input.ApplicationID, Phase: s.phase().Name})
		if err != nil {
			return View{}, err
		}
		if len(check.Problems) > 0 {
			return View{}, temporal.NewApplicationErrorWithOptions("提交前请先完善以下内容", CodeIncomplete,
				temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{check.Problems}})
		}
		snapshot := activities.SnapshotRequest{ApplicationID: s.Input.ApplicationID, Seq: s.Seq + 1}
		sha, err := execute(ctx, w, activities.CallTakeSnapshot, snapshot)
		if err != nil {
			return View{}, err
		}
		undo = append(undo, func(ctx workflow.Context) error {
			_, err := execute(ctx, w, activities.CallDiscardSnapshot, snapshot)
			return err
		})
		if name == process.MsgSubmit {
			s.ReturnDate, s.DepartureDate = check.ReturnDate, check.DepartureDate
		}
		ev.Kind, ev.Opinion = EventSubmitted, s.phase().SubmitStep
		ev.Detail = map[string]any{"sha256": sha}
		s.Submitted(workflow.Now(ctx))
		notices = append(notices, w.reviewerNotice("有新的申请待审核"))
	case process.MsgDecide:
		if req.Decision == process.DecisionApprove && s.isAdmission() {
			reserved, err := execute(ctx, w, activities.CallReserveQuota, activities.QuotaRequest{ApplicationID: s.Input.ApplicationID})
			if err != nil {
				return View{}, err
			}
			if !reserved {
				return View{}, asError(refuse(CodeQuotaFull, "该项目的推荐名额已满，不能再录取"))
			}
			undo = append(undo, func(ctx workflow.Context) error {
				_, err := execute(ctx, w, activities.CallReleaseQuota, activities.QuotaRequest{ApplicationID: s.Input.ApplicationID})
				return err
			})
			if req.Funding != nil {
				amount := req.Funding.Amount
				funding = &activities.Funding{Source: req.Funding.Source, Amount: &amount, Note: req.Funding.Note}
			}
		}
		label := s.review().Label
		ev.Kind = EventDecided
		ev.Detail = map[string]any{"decision": req.Decision, "stage": s.Stage()}
		switch req.Decision {
		case process.DecisionApprove:
			ev.Step = label + "通过"
		case process.DecisionReturn:
			ev.Step = label + "退回"
		case process.DecisionReject:
			ev.Step = label + "不通过"
		}
		s.Decided(req, workflow.Now(ctx))
		if err := w.armPassport(ctx); err != nil {
			return View{}, err
		}
		notices = append(notices, activities.Notice{ToStudent: true, Title: ev.Step, Body: "当前状态：" + s.Status})
		if s.InReview() {
			notices = append(notices, w.reviewerNotice("有新的申请待审核"))
		}
	case process.MsgWithdraw:
		ev.Kind, ev.Opinion = EventWithdrawn, "撤回修改"
		s.Withdrawn(workflow.Now(ctx))
	case process.MsgDelete:
		ev.Kind, ev.Opinion = EventDeleted, "申请删除"
		s.Deleted(workflow.Now(ctx))
	case process.MsgGiveUp:
		// The place goes back to the project before the application ends.
		quota := activities.QuotaRequest{ApplicationID: s.Input.ApplicationID}
		if _, err := execute(ctx, w, activities.CallReleaseQuota, quota); err != nil {
			return View{}, err
		}
		undo = append(undo, func(ctx workflow.Context) error {
			_, err := execute(ctx, w, activities.CallReserveQuota, quota)
			return err
		})
		ev.Kind, ev.Step = EventGivenUp, "放弃录取"
		s.GaveUp(workflow.Now(ctx))
		notices = append(notices, activities.Notice{ToRole: string(process.RoleForeignAffairs), Title: "学生放弃录取",
			Body: s.Input.StudentName + " 放弃了录取：" + req.Opinion})
	case process.MsgCheckIn:
		c := *req.CheckIn
		late := s.Stay.Missed
		ev.Kind, ev.Step, ev.Opinion = EventCheckedIn, "报平安（"+process.CheckInStatusLabel(c.Status)+"）："+c.Place(), c.Note
		ev.Detail = map[string]any{"country": c.Country, "city": c.City, "status": c.Status, "late": late}
		s.CheckedIn(c, workflow.Now(ctx))
		notices = w.checkInNotices(c, late)
	case process.MsgRequestChange:
		c := *req.Change
		ev.Kind, ev.Step, ev.Opinion = EventChangeRequested, "变更申请："+c.Words(), c.Reason
		ev.Detail = map[string]any{"kind": c.Kind, "returnDate": c.ReturnDate, "country": c.Country, "city": c.City}
		s.ChangeRequested(c, workflow.Now(ctx))
		notices = append(notices, w.changeNotice("有新的变更申请待审核"))
	case process.MsgDecideChange:
		r, words := s.changeReview(), s.Change.Request.Words()
		ev.Kind, ev.Step = EventChangeDecided, r.Label+map[bool]string{true: "通过", false: "不通过"}[req.Decision == process.DecisionApprove]
		ev.Detail = map[string]any{"decision": req.Decision, "stage": r.Stage}
		body := words
		if s.ChangeDecided(req.Decision) {
			body += "；变更已生效"
			if err := w.armPassport(ctx); err != nil {
				return View{}, err
			}
		}
		notices = append(notices, activities.Notice{ToStudent: true, Title: ev.Step, Body: body})
		if s.Change != nil {
			notices = append(notices, w.changeNotice("有新的变更申请待审核"))
		}
	case process.MsgReportReturn:
		day, _ := process.ParseDate(req.Return.Date)
		ev.Kind, ev.Step = EventReturnReported, "回国报到："+req.Return.Date
		ev.Detail = map[string]any{"date": req.Return.Date}
		s.ReportedReturn(day)
		if err := w.armPassport(ctx); err != nil {
			return View{}, err
		}
	case process.MsgPassportReturned:
		ev.Kind, ev.Step = EventPassportReturned, "证照交还"
		s.Passport.Returned = true
		notices = append(notices, activities.Notice{ToStudent: true, Title: "因公护照已交还", Body: "外事部门已登记您的因公护照交还"})
	case process.MsgSupplement:
		ev.Kind, ev.Step, ev.Opinion = EventSupplement, "补交材料附件", ""
		ev.Detail = map[string]any{"attachmentIds": req.AttachmentIDs}
		notices = append(notices, w.reviewerNotice("申请人补交了材料附件"))
	}
	if ev.Step == "" {
		ev.Step = s.Status
	}
	markViaTemporal(&ev, req)
	if err := w.record(ctx, ev, notices, funding); err != nil {
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || appErr.Type() != activities.CodeRecordRefused {
			return View{}, err
		}
		// The read model cannot hold this event: the message does not take effect, so that the
		// workflow and the read model never disagree.
		*w.state = *before
		for _, u := range undo {
			if err := u(ctx); err != nil {
				return View{}, err
			}
		}
		return View{}, asError(refuse(CodeRecordRefused, "该操作的内容无法保存，操作未生效；请修改后重试"))
	}
	return s.View(workflow.Now(ctx)), nil
}

// reviewerNotice tells the awaited reviewers; the body names the student and the project, so that
// a reviewer's list of notifications is not a column of identical lines.
func (w *application) reviewerNotice(title string) activities.Notice {
	in := w.state.Input
	return activities.Notice{ToRole: string(w.state.AwaitingRole()), College: in.College, Title: title,
		Body: in.StudentName + "（项目编号 " + in.ProjectCode + "）：" + w.state.PendingStep()}
}

// onDeadline fires a timer of the stage that was current when it was set.
func (w *application) onDeadline(ctx workflow.Context, d Deadline, seq int) error {
	if err := w.lock.Lock(ctx); err != nil {
		return err
	}
	defer w.lock.Unlock()
	s := w.state
	if s.Seq != seq {
		return nil // a message moved the application on while the lock was held
	}
	ev := Event{Actor: Actor{Name: "系统", Role: ""}}
	var notices []activities.Notice
	switch d.Kind {
	case DeadlineWindowReminder:
		s.ReminderSent = true
		ev.Kind, ev.Step = EventReminder, "申报即将截止提醒"
		notices = append(notices, activities.Notice{ToStudent: true, Title: "申报即将截止", Body: "截止时间 " + process.FormatTime(s.Input.WindowCloses) + "，请尽快提交申请"})
	case DeadlineWindowClose:
		ev.Kind, ev.Step = EventExpired, "申报已截止，草稿过期"
		s.Expired(workflow.Now(ctx))
		notices = append(notices, activities.Notice{ToStudent: true, Title: "申请已过期", Body: "项目申报已截止，未提交的申请已过期"})
	case DeadlineReviewReminder:
		s.ReminderSent = true
		ev.Kind, ev.Step = EventReminder, s.review().Label+"待处理提醒"
		notices = append(notices, w.reviewerNotice("有申请等待审核"))
	case DeadlineReviewOverdue:
		s.Overdue = true
		ev.Kind, ev.Step = EventOverdue, s.review().Label+"已超期"
		notices = append(notices, w.reviewerNotice("有申请审核已超期"))
	case DeadlineCorrectionReminder:
		s.ReminderSent = true
		ev.Kind, ev.Step = EventReminder, "修改期限提醒"
		notices = append(notices, activities.Notice{ToStudent: true, Title: "请尽快修改并重新提交申请",
			Body: "申请已被退回，请于 " + process.FormatTime(*s.correctionDue()) + " 前修改并重新提交，逾期申请将过期"})
	case DeadlineCorrectionExpired:
		ev.Kind, ev.Step = EventExpired, "退回后未在期限内重新提交，申请过期"
		s.Expired(workflow.Now(ctx))
		notices = append(notices, activities.Notice{ToStudent: true, Title: "申请已过期", Body: "申请退回后未在修改期限内重新提交，已过期"})
	case DeadlineReturnReminder:
		s.ReminderSent = true
		ev.Kind, ev.Step = EventReminder, "返校总结提交提醒"
		notices = append(notices, activities.Notice{ToStudent: true, Title: "请提交返校总结", Body: "返校总结即将到期"})
	case DeadlineReturnOverdue:
		s.Overdue = true
		ev.Kind, ev.Step = EventOverdue, "返校总结已超期"
		notices = append(notices, activities.Notice{ToStudent: true, Title: "返校总结已超期", Body: "请尽快提交返校总结"})
	case DeadlineCheckInReminder:
		s.Stay.Reminded = true
		ev.Kind, ev.Step = EventReminder, "报平安提醒"
		notices = append(notices, activities.Notice{ToStudent: true, Title: "请报平安",
			Body: "报平安已于 " + process.FormatTime(s.Stay.NextDue) + " 到期，请尽快报平安；逾期未报将通知外事部门"})
	case DeadlinePassportReminder:
		s.Passport.Reminded = true
		ev.Kind, ev.Step = EventReminder, "证照交还提醒"
		notices = append(notices, activities.Notice{ToStudent: true, Title: "请交还因公护照",
			Body: "请于 " + process.FormatTime(s.Passport.Due) + " 前将因公护照交还外事部门"})
	case DeadlinePassportOverdue:
		s.Passport.Overdue = true
		ev.Kind, ev.Step = EventPassportOverdue, "证照逾期未交还"
		who := s.Input.StudentName + "（项目编号 " + s.Input.ProjectCode + "）"
		notices = append(notices, activities.Notice{ToStudent: true, Title: "因公护照逾期未交还", Body: "请尽快将因公护照交还外事部门"},
			activities.Notice{ToRole: string(process.PassportKeeper), Title: "因公护照逾期未交还", Body: who + " 的因公护照应于 " + process.FormatTime(s.Passport.Due) + " 前交还"})
	case DeadlineCheckInMissed:
		notices = w.missedNotices()
		s.Stay.Missed = true
		ev.Kind, ev.Step = EventCheckInMissed, "未按时报平安"
	}
	return w.record(ctx, ev, notices, nil)
}

// submit hands the current phase in (changeSubmitAtOnce): the transition is made first, so that
// its record goes with the check and the snapshot into one activity; should the check find
// problems or the read model refuse the record, the state goes back to what it was.
func (w *application) submit(ctx workflow.Context, name string, req Request) (View, error) {
	s := w.state
	before := s.clone()
	ev := Event{Kind: EventSubmitted, Actor: req.Actor, Opinion: s.phase().SubmitStep}
	phase := s.phase().Name
	s.Submitted(workflow.Now(ctx))
	ev.Step = s.Status
	markViaTemporal(&ev, req)
	rec := w.numbered(ctx, ev, []activities.Notice{w.reviewerNotice("有新的申请待审核")}, nil)
	res, err := execute(ctx, w, activities.CallSubmit, activities.SubmitRequest{Phase: phase, Record: rec})
	if err != nil || len(res.Problems) > 0 {
		*w.state = *before
	}
	var appErr *temporal.ApplicationError
	switch {
	case err != nil && errors.As(err, &appErr) && appErr.Type() == activities.CodeRecordRefused:
		return View{}, asError(refuse(CodeRecordRefused, "该操作的内容无法保存，操作未生效；请修改后重试"))
	case err != nil:
		return View{}, err
	case len(res.Problems) > 0:
		return View{}, temporal.NewApplicationErrorWithOptions("提交前请先完善以下内容", CodeIncomplete,
			temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{res.Problems}})
	}
	switch {
	case name == process.MsgSubmit:
		s.ReturnDate, s.DepartureDate = res.ReturnDate, res.DepartureDate
	case name == process.MsgSubmitPredeparture:
		// The confirmed outbound flight starts the stay's clocks; an 因公护照 is owed back after the return.
		if !res.DepartureDate.IsZero() {
			s.DepartureDate = res.DepartureDate
		}
		s.Passport.Owed = res.OfficialPassport && s.stayClocks() && s.Input.Timing.PassportReturnDays > 0
	}
	recorded := &s.Timeline[len(s.Timeline)-1]
	if recorded.Detail == nil {
		recorded.Detail = map[string]any{}
	}
	recorded.Detail["sha256"] = res.SHA256
	if err := w.published(ctx); err != nil {
		return View{}, err
	}
	return s.View(workflow.Now(ctx)), nil
}

// markViaTemporal marks an event whose message came as a Signal (from the Temporal UI or CLI).
func markViaTemporal(ev *Event, req Request) {
	if !req.ViaTemporal {
		return
	}
	if ev.Detail == nil {
		ev.Detail = map[string]any{}
	}
	ev.Detail["via"] = "temporal"
	ev.Actor.Name += ViaTemporalMark
}

// record numbers an event, appends it to the timeline, writes the read model and upserts the search attributes.
func (w *application) record(ctx workflow.Context, ev Event, notices []activities.Notice, funding *activities.Funding) error {
	rec := w.numbered(ctx, ev, notices, funding)
	if _, err := execute(ctx, w, activities.CallRecordEvent, rec); err != nil {
		// Nothing was recorded: the number and the timeline entry are given back.
		w.state.Seq--
		w.state.Timeline = w.state.Timeline[:len(w.state.Timeline)-1]
		return err
	}
	return w.published(ctx)
}

// numbered gives an event the next number, appends it to the timeline and returns its record.
func (w *application) numbered(ctx workflow.Context, ev Event, notices []activities.Notice, funding *activities.Funding) activities.EventRecord {
	s := w.state
	s.Seq++
	ev.Seq = s.Seq
	ev.At = workflow.Now(ctx)
	ev.Status = s.Status
	s.Timeline = append(s.Timeline, ev)

	rec := activities.EventRecord{
		ApplicationID: s.Input.ApplicationID,
		Seq:           ev.Seq,
		Projection: activities.Projection{
			Status:         s.Status,
			Phase:          s.phase().Name,
			Stage:          s.Stage(),
			AwaitingRole:   string(s.AwaitingRole()),
			StageEnteredAt: s.StageEnteredAt,
			DueAt:          s.DueAt(),
			Overdue:        s.Overdue,
			Closed:         s.Closed(),
			Submitted:      ev.Kind == EventSubmitted && s.PhaseIndex == 0,
			Admitted:       ev.Kind == EventDecided && s.PhaseIndex == 1 && s.ReviewIndex == -1 && s.Status == s.Input.Definition.Phases[0].DoneStatus,
			Alerts:         s.Alerts(),
		},
		Kind: ev.Kind, Step: ev.Step,
		ActorID: ev.Actor.ID, ActorName: ev.Actor.Name, ActorRole: string(ev.Actor.Role),
		Opinion: ev.Opinion, Detail: ev.Detail, OccurredAt: ev.At,
		Funding: funding, Notices: notices,
	}
	if sha, ok := ev.Detail["sha256"].(string); ok {
		rec.Projection.SnapshotSHA256 = sha
	}
	if s.Abroad() {
		due := s.Stay.NextDue
		rec.Projection.CheckInDue = &due
	}
	if s.stayClocks() && !s.ReturnDate.IsZero() {
		back := s.ReturnDate
		rec.Projection.ExpectedReturn = &back
	}
	if ev.Kind == EventCheckedIn {
		last := s.Stay.Last
		rec.CheckIn = &last
	}
	return rec
}

// published shows the recorded state to administrators.
func (w *application) published(ctx workflow.Context) error {
	s := w.state
	// What the Temporal UI shows on the workflow's page and in its list: metadata, not a command.
	workflow.SetCurrentDetails(ctx, s.Details())
	attrs := []temporal.SearchAttributeUpdate{
		AttrStage.ValueSet(s.Stage()),
		AttrAwaitingRole.ValueSet(string(s.AwaitingRole())),
		AttrCollege.ValueSet(s.Input.College),
		AttrProjectCode.ValueSet(s.Input.ProjectCode),
		AttrStageEnteredAt.ValueSet(s.StageEnteredAt),
		AttrReviewOverdue.ValueSet(s.Overdue),
	}
	if s.stayClocks() {
		attrs = append(attrs, AttrAlerts.ValueSet(s.Alerts()))
	}
	return workflow.UpsertTypedSearchAttributes(ctx, attrs...)
}
