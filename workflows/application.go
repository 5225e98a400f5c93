package workflows

import (
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
		if (name == process.MsgGiveUp && !w.state.DeleteAndGiveUp) || (stayMessage && !w.state.stayClocks()) || (name == process.MsgSubmitCredits && !in.Credits) {
			continue // histories from before the message never read its channel
		}
		workflow.Go(ctx, func(ctx workflow.Context) { w.receiveSignals(ctx, name) })
	}
	if in.Round != "" {
		workflow.Go(ctx, w.receiveSelection)
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

func asError(r *Refusal) error {
	if r == nil {
		return nil
	}
	return temporal.NewApplicationErrorWithOptions(r.Message, r.Code, temporal.ApplicationErrorOptions{NonRetryable: true})
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
	case process.MsgSubmit, process.MsgSubmitPredeparture, process.MsgSubmitReturnReport, process.MsgSubmitCredits:
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
		ev.Lines = req.Lines
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
		if s.InSelection() {
			defer w.joinAfter(ctx)
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
		if s.Input.Round != "" {
			defer w.placeGivenBack(ctx)
		}
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
		day, _ := process.Values{"d": req.Return.Date}.Date("d") // the start of that day in China: the report may follow at once
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
		refusal := recordRefusal(err)
		if refusal == nil {
			return View{}, err
		}
		// The read model cannot hold this event (or its actor is not who it claims): the message
		// does not take effect, so that the workflow and the read model never disagree.
		*w.state = *before
		for _, u := range undo {
			if err := u(ctx); err != nil {
				return View{}, err
			}
		}
		if refusal.Code == CodeActorUnverified {
			w.recordRefusalLocked(ctx, name, req, refusal)
		}
		return View{}, asError(refusal)
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
	switch refusal := recordRefusal(err); {
	case refusal != nil:
		if refusal.Code == CodeActorUnverified {
			w.recordRefusalLocked(ctx, name, req, refusal)
		}
		return View{}, asError(refusal)
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
