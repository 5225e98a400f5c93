package workflows

// Running activities: as local activities first, then as regular ones that the Temporal UI shows
// while they keep failing.

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"outbound/activities"
)

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

// withActivityOptions is applied to every context that runs activities: the
// workflow's own and each handler's. Activities retry until the database is back.
func withActivityOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second, RetryPolicy: activityRetry})
}
