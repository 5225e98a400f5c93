package workflows

// Recording an event: its number, the read model, and what administrators see in Temporal.

import (
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"outbound/activities"
)

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
		// A person's message holds only for an actor the accounts vouch for; a refusal records
		// the claim it refused, and the workflow's own events (timers, the round) name no role.
		ActorCollege: ev.Actor.College, VerifyActor: ev.Actor.Role != "" && ev.Kind != EventRefused,
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
	if len(ev.Lines) > 0 {
		rec.CreditDecisions, rec.DecisionStage = ev.Lines, ev.Detail["stage"].(string)
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
