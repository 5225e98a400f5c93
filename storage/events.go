package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"outbound/process"
)

// Projection is where the workflow says an application is after an event.
type Projection struct {
	Status         string
	Phase          string
	Stage          string
	AwaitingRole   string
	StageEnteredAt time.Time
	DueAt          *time.Time
	Overdue        bool
	Closed         bool
	Submitted      bool
	Admitted       bool
	SnapshotSHA256 string
	CheckInDue     *time.Time
	Alerts         []string
	ExpectedReturn *time.Time
}

// Event is one workflow event for the read model.
type Event struct {
	ApplicationID int64
	Seq           int
	Projection    Projection
	Kind          string
	Step          string
	ActorID       int64
	ActorName     string
	ActorRole     string
	// ActorCollege and VerifyActor: the actor a message claims is checked against the accounts
	// (it exists, is enabled, holds the role and, when it names one, the college) before anything is
	// written; a claim that does not hold is ErrActorUnverified.
	ActorCollege string
	VerifyActor  bool
	Opinion      string
	Detail       map[string]any
	OccurredAt   time.Time
	Funding      *Funding
	Notices      []Notice
	CheckIn      *process.CheckIn
	// CreditDecisions are a 学分认定 review's decisions on the lines, made at DecisionStage.
	CreditDecisions []process.LineDecision
	DecisionStage   string
}

// ErrActorUnverified is a record whose claimed actor is not an enabled account of that role (and college).
var ErrActorUnverified = errors.New("the actor is not an enabled account holding the role it claims")

// Notice is a notification of an event.
type Notice struct {
	ToStudent bool
	ToRole    string
	College   string
	Title     string
	Body      string
	// ToDuty e-mails the foreign affairs office's duty list (duty_contacts).
	ToDuty bool
	// Calendar is an iCalendar event e-mailed with a notice to the student.
	Calendar string
}

// RecordEvent writes an event once: the timeline row, the projection and the
// notifications, in one transaction. Recording the same sequence again changes nothing.
func (s *Store) RecordEvent(ctx context.Context, e Event) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error { return recordEvent(ctx, tx, e) })
}

func recordEvent(ctx context.Context, tx *sqlx.Tx, e Event) error {
	if e.VerifyActor {
		// Whoever reaches Temporal could send an Update that names anyone: the record holds only
		// for an actor the accounts vouch for, in the same transaction as what it records.
		var holds bool
		if err := tx.GetContext(ctx, &holds, `SELECT EXISTS (SELECT 1 FROM accounts WHERE id = $1 AND role = $2 AND NOT disabled
				AND ($3 = '' OR college_code = $3))`, e.ActorID, e.ActorRole, e.ActorCollege); err != nil {
			return err
		}
		if !holds {
			return ErrActorUnverified
		}
	}
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return err
	}
	if e.Detail == nil {
		detail = []byte("{}")
	}
	var actor *int64
	if e.ActorID != 0 {
		actor = &e.ActorID
	}
	p := e.Projection
	var closedAt *time.Time
	if p.Closed {
		closedAt = &e.OccurredAt
	}
	// The timeline row and the projection in one statement (one round trip for every event). A
	// Signal may name an actor who has no account: the name is kept, the reference only when it
	// exists, so that such an event is recorded rather than retried for ever.
	var recorded struct {
		Inserted  int    `db:"inserted"`
		PrevPhase string `db:"prev_phase"`
	}
	err = tx.GetContext(ctx, &recorded, `WITH prev AS (SELECT phase FROM applications WHERE id = $1),
		ev AS (
			INSERT INTO timeline_events (application_id, seq, kind, step, actor_id, actor_name, actor_role, opinion, detail, occurred_at)
			VALUES ($1, $2, $15, $16, (SELECT id FROM accounts WHERE id = $17), $18, $19, $20, $21, $13)
			ON CONFLICT (application_id, seq) DO NOTHING RETURNING id),
		projected AS (
			UPDATE applications SET status = $3, phase = $4, stage = $5, awaiting_role = $6,
				stage_entered_at = $7, review_due_at = $8, overdue = $9, closed_at = $10,
				submitted_at = CASE WHEN $11 THEN coalesce(submitted_at, $13) ELSE submitted_at END,
				admitted_at = CASE WHEN $12 THEN $13 ELSE admitted_at END,
				snapshot_sha256 = CASE WHEN $14 <> '' THEN $14 ELSE snapshot_sha256 END,
				check_in_due = $22, alerts = coalesce($23, '{}'::text[]), expected_return = coalesce($24::date, expected_return),
				submitting_since = NULL, last_event_seq = $2, updated_at = now()
			WHERE id = $1 AND last_event_seq < $2 AND EXISTS (SELECT 1 FROM ev) RETURNING 1)
		SELECT count(*) AS inserted, coalesce((SELECT phase FROM prev), '') AS prev_phase FROM ev`,
		e.ApplicationID, e.Seq, p.Status, p.Phase, p.Stage, p.AwaitingRole, p.StageEnteredAt, p.DueAt, p.Overdue,
		closedAt, p.Submitted, p.Admitted, e.OccurredAt, p.SnapshotSHA256,
		e.Kind, e.Step, actor, e.ActorName, e.ActorRole, e.Opinion, detail, p.CheckInDue, pq.StringArray(p.Alerts), p.ExpectedReturn)
	if err != nil {
		return err
	}
	if recorded.Inserted == 0 {
		return nil // recorded by an earlier attempt
	}
	if err := addToOutbox(ctx, tx, e, detail, CampusEvents(e, recorded.PrevPhase)); err != nil {
		return err
	}
	if f := e.Funding; f != nil {
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET funding_source = $2, funding_amount = $3, funding_note = $4 WHERE id = $1`,
			e.ApplicationID, f.Source, f.Amount, f.Note); err != nil {
			return err
		}
	}
	if c := e.CheckIn; c != nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO check_ins (application_id, event_seq, checked_in_at, country, city, status, note)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.ApplicationID, e.Seq, e.OccurredAt, c.Country, c.City, c.Status, c.Note); err != nil {
			return err
		}
	}
	if len(e.CreditDecisions) > 0 {
		if err := decideCreditLines(ctx, tx, e.ApplicationID, e.DecisionStage, e.CreditDecisions); err != nil {
			return err
		}
	}
	for _, n := range e.Notices {
		if err := insertNotice(ctx, tx, e, n); err != nil {
			return err
		}
	}
	if e.Detail["via"] == "temporal" {
		// What an administrator did through Temporal is audited with the event, once.
		after, err := json.Marshal(map[string]any{"kind": e.Kind, "step": e.Step, "opinion": e.Opinion, "actor": e.ActorName, "detail": e.Detail})
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (actor_id, action, target_type, target_id, after, remote_addr)
			VALUES ((SELECT id FROM accounts WHERE id = $1), $2, 'application', $3, $4, 'Temporal')`,
			actor, "application."+e.Kind+".via_temporal", strconv.FormatInt(e.ApplicationID, 10), after)
		return err
	}
	return nil
}

func insertNotice(ctx context.Context, tx *sqlx.Tx, e Event, n Notice) error {
	if n.ToDuty {
		// The duty list's addresses are not accounts: the notification is an e-mail only.
		_, err := tx.ExecContext(ctx, `INSERT INTO notifications (account_id, address, application_id, event_seq, title, body)
			SELECT NULL, email, $1, $2, $3, $4 FROM duty_contacts`, e.ApplicationID, e.Seq, n.Title, n.Body)
		return err
	}
	if n.ToStudent {
		_, err := tx.ExecContext(ctx, `INSERT INTO notifications (account_id, application_id, event_seq, title, body, calendar)
			SELECT student_id, id, $2, $3, $4, nullif($5, '') FROM applications WHERE id = $1 ON CONFLICT DO NOTHING`,
			e.ApplicationID, e.Seq, n.Title, n.Body, n.Calendar)
		return err
	}
	if n.ToRole == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO notifications (account_id, application_id, event_seq, title, body)
		SELECT a.id, $1, $2, $3, $4 FROM accounts a
		WHERE a.role = $5 AND NOT a.disabled AND (NOT $7 OR a.college_code = $6)
		ON CONFLICT DO NOTHING`, e.ApplicationID, e.Seq, n.Title, n.Body, n.ToRole, n.College, process.Role(n.ToRole).Scoped())
	return err
}

// ReleaseQuota undoes ReserveQuota: the admission row goes and the project's count with it.
func (s *Store) ReleaseQuota(ctx context.Context, applicationID int64) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var projectID int64
		err := tx.GetContext(ctx, &projectID, `DELETE FROM admissions WHERE application_id = $1 RETURNING project_id`, applicationID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // released by an earlier attempt
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE projects SET admitted_count = admitted_count - 1 WHERE id = $1 AND admitted_count > 0`, projectID)
		return err
	})
}

// DiscardSnapshot removes the snapshot taken for a sequence whose event was never recorded, and
// lets edits in again.
func (s *Store) DiscardSnapshot(ctx context.Context, applicationID int64, seq int) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM submission_snapshots s WHERE application_id = $1 AND seq = $2
		AND NOT EXISTS (SELECT 1 FROM timeline_events t WHERE t.application_id = s.application_id AND t.seq = s.seq)`, applicationID, seq)
	if err != nil {
		return err
	}
	return s.ClearSubmitting(ctx, applicationID)
}

// ReserveQuota admits an application against its project's 推荐名额, atomically:
// false when the quota is full. Reserving again for the same application is a no-op that answers true.
func (s *Store) ReserveQuota(ctx context.Context, applicationID int64) (bool, error) {
	reserved := false
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var projectID int64
		err := tx.GetContext(ctx, &projectID, `INSERT INTO admissions (application_id, project_id)
			SELECT id, project_id FROM applications WHERE id = $1
			ON CONFLICT (application_id) DO NOTHING RETURNING project_id`, applicationID)
		if errors.Is(err, sql.ErrNoRows) {
			reserved = true // admitted by an earlier attempt
			return nil
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE projects SET admitted_count = admitted_count + 1
			WHERE id = $1 AND (quota IS NULL OR admitted_count < quota)`, projectID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errQuotaFull
		}
		reserved = true
		return nil
	})
	if errors.Is(err, errQuotaFull) {
		return false, nil
	}
	return reserved, err
}

var errQuotaFull = errors.New("quota full")

// Snapshot is what was submitted at an event.
type Snapshot struct {
	Seq     int             `db:"seq"`
	SHA256  string          `db:"sha256"`
	Content json.RawMessage `db:"content"`
}

// LastSnapshots are an application's latest submitted snapshots, newest first, at most n.
func (s *Store) LastSnapshots(ctx context.Context, applicationID int64, n int) ([]Snapshot, error) {
	out := []Snapshot{}
	err := s.DB.SelectContext(ctx, &out, `SELECT seq, sha256, outbound_open_fields(content, $3) AS content FROM submission_snapshots
		WHERE application_id = $1 ORDER BY seq DESC LIMIT $2`, applicationID, n, pq.StringArray(process.SealedNames()))
	return out, err
}
