package bench

import (
	"context"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// The baselines: a minimal workflow that answers Updates, with or without a
// no-op activity, on the same Temporal server as the application workflows.

const baselineQueue = "bench-baseline"

// Baseline is the minimal workflow: it accepts "ping" Updates until told to stop.
func Baseline(ctx workflow.Context, withActivity bool) error {
	done := false
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30e9})
	if err := workflow.SetUpdateHandler(ctx, "ping", func(ctx workflow.Context, last bool) (int, error) {
		if withActivity {
			ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30e9})
			if err := workflow.ExecuteActivity(ctx, "BenchNoop").Get(ctx, nil); err != nil {
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

func registerBaseline(w worker.Worker) {
	w.RegisterWorkflowWithOptions(Baseline, workflow.RegisterOptions{Name: "BenchBaseline"})
	w.RegisterActivityWithOptions(noop, activity.RegisterOptions{Name: "BenchNoop"})
}
