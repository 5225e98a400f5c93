package workflows

// The application's side of its project's selection round: it joins the round when it reaches the
// selection stage, and takes the round's word (拟录取, 候补, 录取, 未入选) as the round sends it.

import (
	"go.temporal.io/sdk/workflow"

	"outbound/activities"
	"outbound/process"
)

// EventSelection is a round's word recorded in the application's timeline.
const EventSelection = "selection"

// roundActor is who acts for the round in the timeline: the workflow itself, no account (no role).
var roundActor = Actor{Name: "外事部门（项目选拔）"}

// InSelection reports whether the application waits on its project's round.
func (s *State) InSelection() bool {
	r := s.review()
	return r != nil && r.Admission == process.RoundAdmission
}

// receiveSelection takes the round's words, one at a time, for as long as the application lives.
func (w *application) receiveSelection(ctx workflow.Context) {
	ch := workflow.GetSignalChannel(ctx, SelectionSignal)
	for {
		var n SelectionNotice
		ch.Receive(ctx, &n)
		if err := w.selected(ctx, n); err != nil {
			return // the workflow is ending
		}
	}
}

// selected applies one word of the round. An application no longer in the selection stage (it
// ended meanwhile) takes nothing.
func (w *application) selected(ctx workflow.Context, n SelectionNotice) error {
	if err := w.lock.Lock(ctx); err != nil {
		return err
	}
	defer w.lock.Unlock()
	s := w.state
	if !s.InSelection() {
		return nil
	}
	now := workflow.Now(ctx)
	ev := Event{Kind: EventSelection, Step: n.Step, Opinion: n.Body, Actor: roundActor, Detail: map[string]any{"outcome": n.Outcome}}
	notice := activities.Notice{ToStudent: true, Title: n.Step, Body: n.Body, Calendar: n.Calendar}
	switch n.Outcome {
	case process.OutcomeAdmitted:
		// The round never admits past the quota; the database's reservation stays the backstop.
		quota := activities.QuotaRequest{ApplicationID: s.Input.ApplicationID}
		reserved, err := execute(ctx, w, activities.CallReserveQuota, quota)
		if err != nil {
			return err
		}
		if !reserved {
			ev.Kind, ev.Step = EventRefused, "录取未生效：推荐名额已满"
			return w.record(ctx, ev, []activities.Notice{{ToRole: string(process.RoleForeignAffairs), Title: ev.Step,
				Body: s.Input.StudentName + "（项目编号 " + s.Input.ProjectCode + "）"}}, nil)
		}
		ev.Kind, ev.Detail = EventDecided, map[string]any{"decision": process.DecisionApprove, "stage": s.Stage(), "outcome": n.Outcome}
		s.Decided(Request{Actor: roundActor, Decision: process.DecisionApprove}, now)
		notice.Body = "当前状态：" + s.Status
	case process.OutcomeProposed, process.OutcomeWaitlisted:
		s.Status = process.OutcomeStatus(n.Outcome, n.WaitPosition)
	case process.OutcomeNotSelected, process.OutcomeRemoved:
		s.Status, s.Terminal, s.StageEnteredAt = process.StatusNotSelected, process.StageNotSelected, now
	}
	return w.record(ctx, ev, []activities.Notice{notice}, nil)
}

// joinAfter joins the round once a decision has moved the application into the selection stage
// (and its record stood: a refused record put the application back).
func (w *application) joinAfter(ctx workflow.Context) {
	if w.state.InSelection() {
		_ = w.joinRound(ctx)
	}
}

// joinRound tells the project's round that the application reached the selection stage. A round
// that has already ended has no place left: the application is not selected.
func (w *application) joinRound(ctx workflow.Context) error {
	s := w.state
	err := workflow.SignalExternalWorkflow(ctx, s.Input.Round, "", RoundJoin, Joined{ApplicationID: s.Input.ApplicationID, College: s.Input.College}).Get(ctx, nil)
	if err == nil {
		return nil
	}
	s.Status, s.Terminal, s.StageEnteredAt = process.StatusNotSelected, process.StageNotSelected, workflow.Now(ctx)
	ev := Event{Kind: EventSelection, Step: "项目选拔已结束，未能参加选拔", Actor: roundActor, Detail: map[string]any{"outcome": process.OutcomeNotSelected}}
	return w.record(ctx, ev, []activities.Notice{{ToStudent: true, Title: ev.Step}}, nil)
}

// placeGivenBack tells the round that an admitted student gave the place up, so that the next
// 候补 moves up. A round that has ended moves nobody.
func (w *application) placeGivenBack(ctx workflow.Context) {
	if w.state.Terminal != process.StageGivenUp {
		return
	}
	_ = workflow.SignalExternalWorkflow(ctx, w.state.Input.Round, "", RoundGiveUp, w.state.Input.ApplicationID).Get(ctx, nil)
}
