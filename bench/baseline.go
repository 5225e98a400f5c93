package bench

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// The baselines: a minimal workflow that answers Updates on the same Temporal server as the
// application workflows, in one of three kinds.

const baselineQueue = "bench-baseline"

// Kinds of baseline workflow.
const (
	// baselineBare answers the Update and does nothing else.
	baselineBare = "bare"
	// baselineActivity runs one no-op regular activity per Update.
	baselineActivity = "activity"
	// baselineRecorded runs one local activity that writes one row in one transaction: the floor
	// of a durable transition whose result is recorded, which is what a submit must do.
	baselineRecorded = "recorded"
)

// Baseline is the minimal workflow: it accepts "ping" Updates until told to stop.
func Baseline(ctx workflow.Context, kind string) error {
	done := false
	if err := workflow.SetUpdateHandler(ctx, "ping", func(ctx workflow.Context, last bool) (int, error) {
		switch kind {
		case baselineActivity:
			ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
			if err := workflow.ExecuteActivity(ctx, "BenchNoop").Get(ctx, nil); err != nil {
				return 0, err
			}
		case baselineRecorded:
			ctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 30 * time.Second})
			if err := workflow.ExecuteLocalActivity(ctx, "BenchRecord", workflow.GetInfo(ctx).WorkflowExecution.ID).Get(ctx, nil); err != nil {
				return 0, err
			}
		}
		done = done || last
		return 1, nil
	}); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return done && workflow.AllHandlersFinished(ctx) })
}

// noop is the baseline's activity: a round trip through the worker and nothing else.
func noop(context.Context) error { return nil }

// recorder writes the recorded baseline's row.
type recorder struct{ db *sqlx.DB }

const recorderTable = `CREATE TABLE IF NOT EXISTS bench_transitions (
	id BIGSERIAL PRIMARY KEY, workflow_id TEXT NOT NULL, recorded_at TIMESTAMPTZ NOT NULL DEFAULT now())`

func (r recorder) record(ctx context.Context, workflowID string) error {
	tx, err := r.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	if _, err := tx.ExecContext(ctx, `INSERT INTO bench_transitions (workflow_id) VALUES ($1)`, workflowID); err != nil {
		return err
	}
	return tx.Commit()
}

func registerBaseline(w worker.Worker, db *sqlx.DB) {
	w.RegisterWorkflowWithOptions(Baseline, workflow.RegisterOptions{Name: "BenchBaseline"})
	w.RegisterActivityWithOptions(noop, activity.RegisterOptions{Name: "BenchNoop"})
	w.RegisterActivityWithOptions(recorder{db}.record, activity.RegisterOptions{Name: "BenchRecord"})
}
