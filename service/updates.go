package service

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"outbound/workflows"
)

// send delivers a message to an application's workflow as an Update and waits
// for its answer. key, when given, is the Update ID: a retried request is applied once.
func (s *Service) send(ctx context.Context, appID int64, name, key string, req workflows.Request) (*workflows.View, error) {
	var v workflows.View
	if err := s.update(ctx, workflows.WorkflowID(appID), name, key, req, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// update delivers an Update to a workflow (an application's or a round's) and waits for its
// answer, read into out when out is not nil. key, when given, names the request: with the
// message's name it is the Update ID, so a repeated request is applied once and answered with the
// outcome of the first. When the answer does not come within the request's time, the caller is
// told the message is being processed (Pending) rather than given an error it cannot interpret.
func (s *Service) update(ctx context.Context, workflowID, name, key string, req, out any) error {
	if key == "" || len(key) > 100 {
		key = uuid.NewString()
	}
	wait, cancel := answerWithin(ctx)
	defer cancel()
	var err error
	for retry := time.Duration(0); ; retry = min(2*retry+100*time.Millisecond, time.Second) {
		var h client.WorkflowUpdateHandle
		h, err = s.Temporal.UpdateWorkflow(wait, client.UpdateWorkflowOptions{
			WorkflowID: workflowID, UpdateName: name, UpdateID: name + ":" + key, Args: []any{req}, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = h.Get(wait, out)
		}
		// A workflow whose task is being retried, or a server shedding load, refuses the Update
		// before taking it: it is asked again, within the request's time.
		if !busy(err) || sleepCtx(wait, retry) != nil {
			break
		}
	}
	// The wait ends with our deadline, or a little before it with the server's (it keeps a margin
	// of its own on a long poll): either way the outcome is not known yet.
	var late *client.WorkflowUpdateServiceTimeoutOrCanceledError
	if err != nil && ctx.Err() == nil && (wait.Err() != nil || errors.As(err, &late) || busy(err)) {
		slog.WarnContext(ctx, "a message's answer did not come in time", "workflow", workflowID, "message", name, "error", err)
		return &Pending{Key: key}
	}
	return err
}

// busy reports an Update refused before it was taken: the workflow's task is failing for now (a
// worker lost mid-task), or the server sheds load.
func busy(err error) bool {
	var notReady *serviceerror.WorkflowNotReady
	var exhausted *serviceerror.ResourceExhausted
	return errors.As(err, &notReady) || errors.As(err, &exhausted)
}

// sleepCtx waits d, or less when ctx ends first (its error then).
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// answerWithin bounds the wait for a workflow's answer to the request's time less a margin, so
// that the answer "being processed" reaches the caller before the request's own deadline.
func answerWithin(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	left := time.Until(deadline)
	return context.WithTimeout(ctx, left-min(2*time.Second, left/5))
}
