package workflows

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"go.temporal.io/sdk/workflow"

	"outbound/activities"
	"outbound/process"
)

// selectionRound runs one round: its state, and the lock that keeps one message at a time (the
// round is the only writer of who is admitted, so that no race exceeds the quota).
type selectionRound struct {
	round *Round
	lock  workflow.Mutex
	// applied counts the changes completed (their activities done): the main loop wakes on it, not
	// on Seq, which a change moves before it has finished.
	applied int
}

// SelectionRound is the round's workflow: from its first candidate until nothing is left to decide.
func SelectionRound(ctx workflow.Context, in RoundInput) (string, error) {
	w := &selectionRound{round: &Round{Input: in, Stage: process.RoundCollecting}, lock: workflow.NewMutex(ctx)}
	if err := workflow.SetQueryHandler(ctx, RoundQuery, func() (*Round, error) { return w.round, nil }); err != nil {
		return "", err
	}
	for _, name := range []string{RoundRank, RoundInterview, RoundScore, RoundPropose, RoundObject, RoundResolve} {
		name := name
		if err := workflow.SetUpdateHandlerWithOptions(ctx, name,
			func(ctx workflow.Context, req RoundRequest) (*Round, error) { return w.handle(ctx, name, req) },
			workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, req RoundRequest) error {
				return asError(w.round.Check(name, req, workflow.Now(ctx)))
			}},
		); err != nil {
			return "", err
		}
	}
	joins, giveUps := workflow.GetSignalChannel(ctx, RoundJoin), workflow.GetSignalChannel(ctx, RoundGiveUp)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var j Joined
			joins.Receive(ctx, &j)
			w.apply(ctx, func() error { return w.join(j) })
		}
	})
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var id int64
			giveUps.Receive(ctx, &id)
			w.apply(ctx, func() error { return w.gaveUp(ctx, id) })
		}
	})
	if err := w.record(ctx); err != nil {
		return "", err
	}
	for {
		seq, applied := w.round.Seq, w.applied
		changed := func() bool { return w.applied != applied }
		if w.round.finished(workflow.Now(ctx)) {
			break
		}
		next, ok := w.round.nextWake()
		if !ok {
			if err := workflow.Await(ctx, changed); err != nil {
				return "", err
			}
			continue
		}
		if wait := next.Sub(workflow.Now(ctx)); wait > 0 {
			if _, err := workflow.AwaitWithTimeout(ctx, wait, changed); err != nil {
				return "", err
			}
			continue
		}
		if err := w.apply(ctx, func() error { return w.onTime(ctx) }); err != nil {
			return "", err
		}
		if w.round.Seq == seq {
			// Nothing moved (an objection is pending): wait for the office.
			if err := workflow.Await(ctx, changed); err != nil {
				return "", err
			}
		}
	}
	if err := w.apply(ctx, func() error { return w.close(ctx) }); err != nil {
		return "", err
	}
	return process.RoundClosed, nil
}

// apply runs a change under the lock and records the round when it changed something.
func (w *selectionRound) apply(ctx workflow.Context, change func() error) error {
	if err := w.lock.Lock(ctx); err != nil {
		return err
	}
	defer w.lock.Unlock()
	seq := w.round.Seq
	if err := change(); err != nil {
		return err
	}
	if w.round.Seq == seq {
		return nil
	}
	defer func() { w.applied++ }()
	return w.record(ctx)
}

// handle applies one accepted Update.
func (w *selectionRound) handle(ctx workflow.Context, name string, req RoundRequest) (*Round, error) {
	err := w.apply(ctx, func() error {
		r, now := w.round, workflow.Now(ctx)
		if refusal := r.Check(name, req, now); refusal != nil {
			return asError(refusal)
		}
		r.Seq++
		switch name {
		case RoundRank:
			for i, e := range req.Order {
				c := r.Candidate(e.ApplicationID)
				c.CollegeRank, c.RankReason = i+1, e.Reason
			}
		case RoundInterview:
			end := req.At.Add(time.Duration(req.Minutes) * time.Minute)
			for _, id := range req.ApplicationIDs {
				c := r.Candidate(id)
				c.InterviewAt, c.InterviewEnd, c.Place = req.At, end, req.Place
				body := "面试时间：" + process.FormatTime(req.At) + "（" + strconv.Itoa(req.Minutes) + "分钟）；地点：" + req.Place
				w.tell(ctx, id, SelectionNotice{Step: "面试安排", Body: body,
					Calendar: interviewEvent(r.Input, id, req.At, end, req.Place, now)})
			}
		case RoundScore:
			c := r.Candidate(req.ApplicationID)
			c.Absent, c.Score = req.Absent, nil
			if !req.Absent {
				score := *req.Score
				c.Score = &score
			}
		case RoundPropose:
			return w.propose(ctx, req)
		case RoundObject:
			r.Objections = append(r.Objections, Objection{ID: len(r.Objections) + 1, ApplicationID: req.ApplicationID,
				Objector: req.Actor, Reason: req.Reason, Contact: req.Contact, Status: process.ObjectionPending, At: now})
		case RoundResolve:
			return w.resolve(ctx, req)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return w.round, nil
}

// propose names the 拟录取 and the 候补 and starts the 公示.
func (w *selectionRound) propose(ctx workflow.Context, req RoundRequest) error {
	r, now := w.round, workflow.Now(ctx)
	until, err := w.publicityEnd(ctx, r.Input.Settings.PublicityDays)
	if err != nil {
		return err
	}
	r.Stage, r.Opinion, r.PublishedAt, r.PublicUntil = process.RoundPublicity, req.Opinion, now, until
	if day, ok := process.ParseDate(req.WaitlistUntil); ok && len(req.Waitlist) > 0 {
		r.WaitlistUntil = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, process.Zone) // the end of that day in China
	}
	for _, id := range req.Admit {
		c := r.Candidate(id)
		c.Outcome, c.PublicUntil = process.OutcomeProposed, until
		w.tell(ctx, id, SelectionNotice{Outcome: process.OutcomeProposed, Step: "列入拟录取名单（公示中）",
			Body: "公示期至 " + process.FormatTime(until) + "，公示期满无异议后正式录取"})
	}
	for i, id := range req.Waitlist {
		c := r.Candidate(id)
		c.Outcome, c.WaitPosition = process.OutcomeWaitlisted, i+1
		w.tell(ctx, id, SelectionNotice{Outcome: process.OutcomeWaitlisted, WaitPosition: i + 1, Step: "列入候补名单（第" + strconv.Itoa(i+1) + "位）",
			Body: "有拟录取学生放弃或被取消时，按顺序递补"})
	}
	return nil
}

// resolve upholds or dismisses an objection; upholding removes the candidate and moves the next 候补 up.
func (w *selectionRound) resolve(ctx workflow.Context, req RoundRequest) error {
	r, now := w.round, workflow.Now(ctx)
	i := slices.IndexFunc(r.Objections, func(o Objection) bool { return o.ID == req.ObjectionID })
	o := &r.Objections[i]
	o.Status, o.Reply, o.ResolvedAt = process.ObjectionDismissed, req.Reply, now
	if !req.Uphold {
		return nil
	}
	o.Status = process.ObjectionUpheld
	c := r.Candidate(o.ApplicationID)
	if c.Outcome != process.OutcomeProposed {
		return nil // an earlier objection already removed the candidate
	}
	c.Outcome = process.OutcomeRemoved
	w.tell(ctx, c.ApplicationID, SelectionNotice{Outcome: process.OutcomeRemoved, Step: "公示异议成立，取消拟录取", Body: req.Reply})
	return w.moveUp(ctx)
}

// moveUp publishes the 候补 who move up, each with their own short 公示.
func (w *selectionRound) moveUp(ctx workflow.Context) error {
	moved := w.round.promote(workflow.Now(ctx))
	if len(moved) == 0 {
		return nil
	}
	until, err := w.publicityEnd(ctx, w.round.Input.Settings.SubstituteDays)
	if err != nil {
		return err
	}
	for _, c := range moved {
		c.PublicUntil = until
		w.tell(ctx, c.ApplicationID, SelectionNotice{Outcome: process.OutcomeProposed, Step: "候补递补为拟录取（公示中）",
			Body: "递补公示期至 " + process.FormatTime(until) + "，公示期满无异议后正式录取"})
	}
	for _, c := range w.round.waitlist() {
		w.tell(ctx, c.ApplicationID, SelectionNotice{Outcome: process.OutcomeWaitlisted, WaitPosition: c.WaitPosition,
			Step: "候补顺位变为第" + strconv.Itoa(c.WaitPosition) + "位"})
	}
	return nil
}

// join adds an application that reached the selection stage (again: a repeat changes nothing).
func (w *selectionRound) join(j Joined) error {
	r := w.round
	if r.Candidate(j.ApplicationID) != nil {
		return nil
	}
	r.Seq++
	c := &Candidate{ApplicationID: j.ApplicationID, College: j.College, Outcome: process.OutcomeCandidate}
	r.Candidates = append(r.Candidates, c)
	return nil
}

// gaveUp is an admitted student's 放弃录取: the place goes to the next valid 候补.
func (w *selectionRound) gaveUp(ctx workflow.Context, id int64) error {
	c := w.round.Candidate(id)
	if c == nil || c.Outcome != process.OutcomeAdmitted {
		return nil
	}
	w.round.Seq++
	c.Outcome = process.OutcomeGivenUp
	return w.moveUp(ctx)
}

// onTime admits the candidates whose 公示 ended, ends the main 公示 and, once the 候补's validity
// has passed, releases them.
func (w *selectionRound) onTime(ctx workflow.Context) error {
	r, now := w.round, workflow.Now(ctx)
	for _, c := range r.due(now) {
		r.Seq++
		c.Outcome = process.OutcomeAdmitted
		w.tell(ctx, c.ApplicationID, SelectionNotice{Outcome: process.OutcomeAdmitted, Step: "公示期满，正式录取"})
	}
	if r.Stage == process.RoundPublicity && !now.Before(r.PublicUntil) && r.count(process.OutcomeProposed) == 0 {
		r.Seq++
		r.Stage = process.RoundWaitlist
		for _, c := range r.Candidates {
			if c.Outcome == process.OutcomeCandidate {
				c.Outcome = process.OutcomeNotSelected
				w.tell(ctx, c.ApplicationID, SelectionNotice{Outcome: process.OutcomeNotSelected, Step: "未入选"})
			}
		}
	}
	if r.Stage == process.RoundWaitlist && !r.WaitlistUntil.IsZero() && !now.Before(r.WaitlistUntil) {
		r.Seq++
		for _, c := range r.waitlist() {
			c.Outcome = process.OutcomeNotSelected
			w.tell(ctx, c.ApplicationID, SelectionNotice{Outcome: process.OutcomeNotSelected, Step: "候补有效期已过，未递补"})
		}
	}
	return nil
}

// close ends the round: whoever is still a 候补 is told they were not selected.
func (w *selectionRound) close(ctx workflow.Context) error {
	r := w.round
	r.Seq++
	r.Stage = process.RoundClosed
	for _, c := range r.waitlist() {
		c.Outcome = process.OutcomeNotSelected
		w.tell(ctx, c.ApplicationID, SelectionNotice{Outcome: process.OutcomeNotSelected, Step: "选拔结束，未递补"})
	}
	return nil
}

// tell signals an application its outcome; the application records it in its own timeline.
func (w *selectionRound) tell(ctx workflow.Context, applicationID int64, n SelectionNotice) {
	// The signal is delivered by the server even if this workflow moves on; an application that has
	// ended in the meantime refuses it, which changes nothing here.
	_ = workflow.SignalExternalWorkflow(ctx, WorkflowID(applicationID), "", SelectionSignal, n).Get(ctx, nil)
}

// publicityEnd asks the office's calendar when a 公示 of some working days that starts now ends.
func (w *selectionRound) publicityEnd(ctx workflow.Context, days int) (time.Time, error) {
	var end time.Time
	err := workflow.ExecuteActivity(withActivityOptions(ctx), activities.CallPublicityEnd.Name,
		activities.PublicityRequest{From: workflow.Now(ctx), Days: days}).Get(ctx, &end)
	return end, err
}

// record writes the round's read model and what the Temporal UI shows: no personal data.
func (w *selectionRound) record(ctx workflow.Context) error {
	r := w.round
	workflow.SetCurrentDetails(ctx, r.Details())
	return workflow.ExecuteActivity(withActivityOptions(ctx), activities.CallRecordRound.Name, r.Record()).Get(ctx, nil)
}

// Details is the round's summary for the Temporal UI: project, stage, candidates and dates.
func (r *Round) Details() string {
	s := fmt.Sprintf("项目 %s · %d 年度 · %s\n\n候选 %d 人 · 拟录取 %d · 候补 %d · 已录取 %d（名额 %d）",
		r.Input.ProjectCode, r.Input.Year, process.RoundStageLabels[r.Stage], len(r.Candidates),
		r.count(process.OutcomeProposed), r.count(process.OutcomeWaitlisted), r.count(process.OutcomeAdmitted), r.Input.Quota)
	if !r.PublicUntil.IsZero() {
		s += "\n\n公示：" + process.FormatTime(r.PublishedAt) + " 至 " + process.FormatTime(r.PublicUntil)
	}
	pending := 0
	for _, o := range r.Objections {
		if o.Status == process.ObjectionPending {
			pending++
		}
	}
	if pending > 0 {
		s += fmt.Sprintf("\n\n**待处理异议 %d 件**", pending)
	}
	return s
}

// roundRecord is the round as the read model keeps it: activities.RoundSnapshot, whose State
// receives the round's JSON as the payload converter writes it (no encoding in workflow code).
type roundRecord struct {
	ID          string
	ProjectID   int64
	Year        int
	Stage       string
	Seq         int
	State       *Round
	PublicUntil *time.Time
}

// Record is the round as the read model keeps it.
func (r *Round) Record() roundRecord {
	rec := roundRecord{ID: RoundID(r.Input.ProjectID, r.Input.Year), ProjectID: r.Input.ProjectID, Year: r.Input.Year,
		Stage: r.Stage, Seq: r.Seq, State: r}
	for _, c := range r.Candidates {
		if c.Outcome == process.OutcomeProposed && (rec.PublicUntil == nil || c.PublicUntil.After(*rec.PublicUntil)) {
			until := c.PublicUntil
			rec.PublicUntil = &until
		}
	}
	return rec
}

// interviewEvent is the interview as an iCalendar event, e-mailed to the candidate.
func interviewEvent(in RoundInput, applicationID int64, start, end time.Time, place string, now time.Time) string {
	uid := fmt.Sprintf("interview-%d-%d-%d@outbound", in.ProjectID, applicationID, start.Unix())
	return process.InterviewCalendar(uid, "项目面试（"+in.ProjectCode+"）", place, start, end, now)
}
