package workflows

import (
	"strconv"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"outbound/activities"
)

// Each campus system registered for events has a delivery workflow of its own, so that a
// receiver that is down holds back only its own events. It runs DeliverEvents, which sends the
// waiting events in order; a failed delivery is retried by Temporal with backoff for as long as it
// takes (a receiver down for a day loses nothing); between runs it waits for its interval or a
// wake-up (an endpoint saved, a redelivery asked). It ends when its endpoint is switched off.
const (
	EventDeliveryWorkflowName = "EventDelivery"
	// SignalDeliverNow wakes an endpoint's delivery before its interval is over.
	SignalDeliverNow = "deliver-now"
	// deliveryRunsPerHistory keeps the history short.
	deliveryRunsPerHistory = 200
)

// EventDeliveryID names an endpoint's delivery workflow.
func EventDeliveryID(endpointID int64) string {
	return "event-delivery-" + strconv.FormatInt(endpointID, 10)
}

// EventDeliveryInput is an endpoint's delivery: how often it looks for new events, and the
// backoff of a failed delivery (first wait and longest wait).
type EventDeliveryInput struct {
	EndpointID int64
	Every      time.Duration
	RetryFirst time.Duration
	RetryMax   time.Duration
}

// EventDelivery delivers an endpoint's events until the endpoint is switched off.
func EventDelivery(ctx workflow.Context, in EventDeliveryInput) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		HeartbeatTimeout:    30 * time.Second,
		// No limit on attempts: the receiver's outage decides how long, the backoff how often.
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: in.RetryFirst, BackoffCoefficient: 2, MaximumInterval: in.RetryMax},
	})
	wake := workflow.GetSignalChannel(ctx, SignalDeliverNow)
	for i := 0; i < deliveryRunsPerHistory; i++ {
		var run activities.DeliveryRun
		if err := workflow.ExecuteActivity(ctx, activities.NameDeliverEvents, in.EndpointID).Get(ctx, &run); err != nil {
			return err
		}
		if run.Disabled {
			return nil
		}
		if run.More {
			continue
		}
		// A wake-up that came during the run is answered by another run at once.
		timer, cancel := workflow.WithCancel(ctx)
		sel := workflow.NewSelector(ctx)
		sel.AddFuture(workflow.NewTimer(timer, in.Every), func(workflow.Future) {})
		sel.AddReceive(wake, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil) })
		sel.Select(ctx)
		cancel()
	}
	return workflow.NewContinueAsNewError(ctx, EventDeliveryWorkflowName, in)
}
