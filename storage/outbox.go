package storage

import (
	"context"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"outbound/process"
)

// Timeline event kinds the outbox tells campus systems of (the workflow's names for them).
const (
	timelineSubmitted      = "submitted"
	timelineDecided        = "decided"
	timelineGivenUp        = "given_up"
	timelineReturnReported = "return_reported"
)

// CampusEvents are the events for campus systems an application's event makes, given the phase
// the application was in before it.
func CampusEvents(e Event, prevPhase string) []string {
	p := e.Projection
	var out []string
	switch e.Kind {
	case timelineSubmitted:
		out = append(out, process.EventApplicationSubmitted)
	case timelineDecided:
		out = append(out, process.EventApplicationDecided)
	case timelineGivenUp:
		out = append(out, process.EventApplicationGivenUp)
	case timelineReturnReported:
		out = append(out, process.EventApplicationReturned)
	}
	if p.Admitted {
		out = append(out, process.EventApplicationAdmitted)
	}
	if p.Phase == process.PhaseReturn && prevPhase == process.PhasePredeparture {
		out = append(out, process.EventApplicationDeparted)
	}
	if p.Closed {
		if prevPhase == process.PhaseCredits && p.Status == process.StatusCompleted {
			out = append(out, process.EventCreditsRecognised)
		}
		out = append(out, process.EventApplicationClosed)
	}
	return out
}

// addToOutbox records the campus events of an application's event, with the transaction that
// records the event, for the endpoints that asked for them; none is written while no endpoint
// asks. The payload names the application as campus systems know it: no identity numbers.
func addToOutbox(ctx context.Context, tx *sqlx.Tx, e Event, detail []byte, kinds []string) error {
	if len(kinds) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO event_outbox (kind, application_id, event_seq, occurred_at, payload)
		SELECT k, a.id, $2, $3, jsonb_build_object(
			'application', jsonb_build_object('id', a.id, 'systemNo', a.system_no, 'status', a.status, 'phase', a.phase, 'stage', a.stage,
				'studentNo', s.username, 'studentName', s.display_name, 'college', a.college_code,
				'project', jsonb_build_object('id', p.id, 'code', p.code, 'name', p.name, 'year', p.year)),
			'step', $5::text, 'decision', $6::jsonb -> 'decision', 'decidedStage', $6::jsonb -> 'stage', 'actorRole', $7::text)
		FROM applications a JOIN accounts s ON s.id = a.student_id JOIN projects p ON p.id = a.project_id, unnest($4::text[]) k
		WHERE a.id = $1 AND EXISTS (SELECT 1 FROM event_endpoints ep WHERE ep.enabled AND k = ANY(ep.events))
		ON CONFLICT DO NOTHING`, e.ApplicationID, e.Seq, e.OccurredAt, pq.StringArray(kinds), e.Step, string(detail), e.ActorRole)
	return err
}
