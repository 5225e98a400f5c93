package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"log/slog"
	"maps"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"golang.org/x/sync/errgroup"
	"outbound/process"
)

// SubmissionFacts is what the checks at submit look at.
type SubmissionFacts struct {
	Application     *Application
	Project         *Project
	LanguageScores  []LanguageScore
	Awards          []Award
	Attachments     []Attachment
	OtherOpenExists bool
	// CreditLines counts the lines of a 学分认定 request.
	CreditLines int
}

// SubmissionFacts loads what the checks of an application need besides the application itself,
// the reads at once: a student's 下一步 waits on their round trips.
func (s *Store) SubmissionFacts(ctx context.Context, app *Application) (*SubmissionFacts, error) {
	f := &SubmissionFacts{Application: app}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { f.LanguageScores, err = languageScores(gctx, s.DB, app.ID); return err })
	g.Go(func() (err error) { f.Awards, err = awards(gctx, s.DB, app.ID); return err })
	g.Go(func() (err error) { f.Attachments, err = attachments(gctx, s.DB, app.ID); return err })
	g.Go(func() (err error) { f.Project, err = projectByID(gctx, s.DB, app.ProjectID); return err })
	g.Go(func() (err error) { f.OtherOpenExists, err = otherOpenExists(gctx, s.DB, app); return err })
	g.Go(func() (err error) { f.CreditLines, err = creditLineCount(gctx, s.DB, app.ID); return err })
	return f, g.Wait()
}

// submissionFactsIn loads the same over one connection, one read after another: a transaction's.
func submissionFactsIn(ctx context.Context, q sqlx.QueryerContext, app *Application) (f *SubmissionFacts, err error) {
	applicationID := app.ID
	f = &SubmissionFacts{Application: app}
	if f.LanguageScores, err = languageScores(ctx, q, applicationID); err != nil {
		return nil, err
	}
	if f.Awards, err = awards(ctx, q, applicationID); err != nil {
		return nil, err
	}
	if f.Attachments, err = attachments(ctx, q, applicationID); err != nil {
		return nil, err
	}
	if f.Project, err = projectByID(ctx, q, f.Application.ProjectID); err != nil {
		return nil, err
	}
	if f.OtherOpenExists, err = otherOpenExists(ctx, q, f.Application); err != nil {
		return nil, err
	}
	if f.CreditLines, err = creditLineCount(ctx, q, applicationID); err != nil {
		return nil, err
	}
	return f, nil
}

func creditLineCount(ctx context.Context, q sqlx.QueryerContext, applicationID int64) (n int, err error) {
	err = sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM credit_lines WHERE application_id = $1`, applicationID)
	return n, err
}

func otherOpenExists(ctx context.Context, q sqlx.QueryerContext, app *Application) (exists bool, err error) {
	err = sqlx.GetContext(ctx, q, &exists, `SELECT EXISTS (SELECT 1 FROM applications WHERE student_id = $1 AND id <> $2 AND closed_at IS NULL AND phase <> 'credits')`,
		app.StudentID, app.ID)
	return exists, err
}

// SaveSnapshot records what was submitted at an event, once; it returns the recorded hash.
func (s *Store) SaveSnapshot(ctx context.Context, applicationID int64, seq int, content []byte) (string, error) {
	return saveSnapshot(ctx, s.DB, applicationID, seq, content)
}

func saveSnapshot(ctx context.Context, q sqlx.QueryerContext, applicationID int64, seq int, content []byte) (string, error) {
	sum := sha256.Sum256(content)
	hash := hex.EncodeToString(sum[:])
	var stored string
	err := sqlx.GetContext(ctx, q, &stored, `WITH ins AS (
			INSERT INTO submission_snapshots (application_id, seq, sha256, content) VALUES ($1, $2, $3, outbound_seal_fields($4, $5))
			ON CONFLICT (application_id, seq) DO NOTHING RETURNING sha256)
		SELECT sha256 FROM ins UNION ALL SELECT sha256 FROM submission_snapshots WHERE application_id = $1 AND seq = $2 LIMIT 1`,
		applicationID, seq, hash, content, pq.StringArray(process.SealedNames()))
	return stored, err
}

// Submission is a submission being handed in, in one transaction (BeginSubmission): its check,
// its snapshot and its record are written together by Record, or nothing is.
type Submission struct {
	tx *sqlx.Tx
	// Facts are what the check looks at, read under the application's row lock (the application
	// only, when Recorded).
	Facts *SubmissionFacts
	// Recorded: an earlier attempt recorded this submission already, with RecordedSHA256.
	Recorded       bool
	RecordedSHA256 string
}

// BeginSubmission locks the application's row and reads what a submission at seq checks. The lock
// holds every edit back (each takes it, see editableDraft) until the submission is recorded or
// given up, so that what is checked is what is snapshotted. Rollback must follow, also after Record.
func (s *Store) BeginSubmission(ctx context.Context, applicationID int64, seq int) (*Submission, error) {
	tx, err := s.DB.BeginTxx(ctx, nil)
	if err != nil {
		return nil, err
	}
	sub := &Submission{tx: tx}
	app := &Application{}
	if err := tx.GetContext(ctx, app, applicationSelect+` WHERE ap.id = $1 FOR UPDATE OF ap`, applicationID); err != nil {
		_ = tx.Rollback()
		return nil, notFound(err)
	}
	if app.LastEventSeq >= seq {
		// Recorded by an earlier attempt: nothing is checked again, and only the hash is read.
		sub.Recorded, sub.Facts = true, &SubmissionFacts{Application: app}
		err := tx.GetContext(ctx, &sub.RecordedSHA256, `SELECT sha256 FROM submission_snapshots WHERE application_id = $1 AND seq = $2`, applicationID, seq)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			_ = tx.Rollback()
			return nil, err
		}
		return sub, nil
	}
	if sub.Facts, err = submissionFactsIn(ctx, tx, app); err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	return sub, nil
}

// Record writes the snapshot and the submitted event with the snapshot's hash, and commits.
func (sub *Submission) Record(ctx context.Context, content []byte, e Event) (string, error) {
	sha, err := saveSnapshot(ctx, sub.tx, e.ApplicationID, e.Seq, content)
	if err != nil {
		return "", err
	}
	detail := map[string]any{"sha256": sha}
	maps.Copy(detail, e.Detail)
	e.Detail, e.Projection.SnapshotSHA256 = detail, sha
	if err := recordEvent(ctx, sub.tx, e); err != nil {
		return "", err
	}
	return sha, sub.tx.Commit()
}

// Rollback gives the submission up, unless Record committed it.
func (sub *Submission) Rollback() {
	if err := sub.tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		slog.Warn("rollback failed", "error", err)
	}
}
