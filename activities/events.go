package activities

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"go.temporal.io/sdk/activity"

	"outbound/storage"
	"outbound/webhook"
)

// NameDeliverEvents is the activity that sends an endpoint its waiting events.
const NameDeliverEvents = "DeliverEvents"

// eventBatch is how many events one read takes; a run goes on reading while there are more,
// for at most deliveryRunFor, so that a long backlog is sent in several runs of the workflow.
const (
	eventBatch     = 50
	deliveryRunFor = 40 * time.Second
)

// DeliveryRun is what a run of DeliverEvents did.
type DeliveryRun struct {
	Delivered int
	// More says events were still waiting when the run stopped; Disabled that the endpoint is
	// switched off or gone, which ends its workflow.
	More     bool
	Disabled bool
}

// envelope is the body a receiver gets.
type envelope struct {
	ID         int64           `json:"id"`
	Type       string          `json:"type"`
	OccurredAt time.Time       `json:"occurredAt"`
	Data       json.RawMessage `json:"data"`
}

// DeliverEvents sends an endpoint its waiting events one at a time, in order. A delivery the
// receiver does not take is recorded for administrators and fails the run, so that Temporal
// retries it with backoff while the events behind it wait: in order, at least once.
func (a *Activities) DeliverEvents(ctx context.Context, endpointID int64) (DeliveryRun, error) {
	var run DeliveryRun
	ep, err := a.Store.EventTarget(ctx, endpointID)
	if errors.Is(err, storage.ErrNotFound) {
		return DeliveryRun{Disabled: true}, nil
	}
	if err != nil {
		return run, err
	}
	if !ep.Enabled {
		return DeliveryRun{Disabled: true}, nil
	}
	sender := a.Events
	if sender == nil {
		sender = webhook.NewSender(10 * time.Second)
	}
	until := time.Now().Add(deliveryRunFor)
	for time.Now().Before(until) {
		events, err := a.Store.NextEvents(ctx, endpointID, eventBatch)
		if err != nil || len(events) == 0 {
			return run, err
		}
		for _, ev := range events {
			body, err := json.Marshal(envelope{ID: ev.ID, Type: ev.Kind, OccurredAt: ev.OccurredAt, Data: ev.Payload})
			if err != nil {
				return run, err
			}
			status, err := sender.Post(ctx, ep.URL, ep.Secret, ev.ID, ev.Kind, body, time.Now())
			if err != nil {
				var f *webhook.Failure
				if errors.As(err, &f) {
					if rerr := a.Store.DeliveryFailed(context.WithoutCancel(ctx), endpointID, ev.ID, f.Status, f.Problem); rerr != nil {
						return run, errors.Join(err, rerr)
					}
				}
				return run, err
			}
			if err := a.Store.Delivered(context.WithoutCancel(ctx), endpointID, ev, status); err != nil {
				return run, err
			}
			run.Delivered++
			activity.RecordHeartbeat(ctx, run.Delivered)
		}
	}
	run.More = true
	return run, nil
}
