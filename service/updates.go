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

// handOverWithin bounds how long a message received is carried towards its workflow — its turn,
// the Update and its outcome — after its request has been answered "being processed".
const handOverWithin = 2 * time.Minute

// update delivers an Update to a workflow (an application's or a round's) and waits for its
// answer, read into out when out is not nil. key, when given, names the request: with the
// message's name it is the Update ID, so a repeated request is applied once and answered with the
// outcome of the first. When the answer does not come within the request's time, the caller is
// told the message is being processed (Pending) rather than given an error it cannot interpret.
func (s *Service) update(ctx context.Context, workflowID, name, key string, req, out any) error {
	if key == "" || len(key) > 100 {
		key = uuid.NewString()
	}
	updateID := name + ":" + key
	wait, cancel := answerWithin(ctx)
	defer cancel()
	// The message is carried apart from its request: a caller who leaves, or whose time runs out
	// while the message waits its turn, does not take it back, and the same message repeated
	// meanwhile (the same key) joins it instead of queueing again.
	handed := s.handing.DoChan(workflowID+"/"+updateID, func() (any, error) {
		return s.handOver(context.WithoutCancel(ctx), workflowID, name, updateID, req)
	})
	var err error
	select {
	case r := <-handed:
		if err = r.Err; err == nil {
			return r.Val.(client.WorkflowUpdateHandle).Get(wait, out)
		}
	case <-wait.Done():
		err = wait.Err()
	}
	// Either way the outcome is not known yet: the wait ended with our deadline, the server's (it
	// ends a long poll a little before it), or the workflow refusing Updates for a while.
	var late *client.WorkflowUpdateServiceTimeoutOrCanceledError
	if ctx.Err() == nil && (wait.Err() != nil || errors.As(err, &late) || busy(err) || errors.Is(err, context.DeadlineExceeded)) {
		slog.WarnContext(ctx, "a message's answer did not come in time", "workflow", workflowID, "message", name, "error", err)
		return &Pending{Key: key}
	}
	return err
}

// handOver waits for the message's turn, delivers its Update and waits for the outcome, which the
// handle then holds (an Update's refusal included).
func (s *Service) handOver(ctx context.Context, workflowID, name, updateID string, req any) (client.WorkflowUpdateHandle, error) {
	ctx, cancel := context.WithTimeout(ctx, handOverWithin)
	defer cancel()
	release, err := s.turns.take(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	for retry := time.Duration(0); ; retry = min(2*retry+100*time.Millisecond, time.Second) {
		h, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: workflowID, UpdateName: name, UpdateID: updateID, Args: []any{req}, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		// A workflow whose task is being retried, or a server shedding load, refuses the Update
		// before taking it: it is asked again.
		if !busy(err) || sleepCtx(ctx, retry) != nil {
			if err != nil && ctx.Err() != nil {
				slog.Warn("a message could not be handed to its workflow", "workflow", workflowID, "update", updateID, "within", handOverWithin, "error", err)
			}
			return h, err
		}
	}
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
