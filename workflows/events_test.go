package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"outbound/activities"
	"outbound/process"
	"outbound/storage"
)

// deliveryEnv runs an endpoint's delivery with a DeliverEvents that keeps when it ran (from the
// start); run says how each run ends, given its number from 1.
func deliveryEnv(run func(n int) (activities.DeliveryRun, error)) (*testsuite.TestWorkflowEnvironment, *[]time.Duration) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	start := env.Now()
	runs := &[]time.Duration{}
	env.RegisterActivityWithOptions(func(_ context.Context, endpoint int64) (activities.DeliveryRun, error) {
		*runs = append(*runs, env.Now().Sub(start).Round(time.Second))
		return run(len(*runs))
	}, activity.RegisterOptions{Name: activities.NameDeliverEvents})
	return env, runs
}

var deliveryInput = EventDeliveryInput{EndpointID: 7, Every: 10 * time.Second, RetryFirst: 5 * time.Second, RetryMax: time.Minute}

// TestDeliveryRetriesARefusingReceiverForAsLongAsItTakes: a receiver that is down is tried with a
// doubling wait up to the longest one; once it takes the events the delivery goes back to its
// interval. (The policy sets no limit of attempts, so a day's outage is waited out the same way;
// the test suite itself stops an unlimited policy after ten attempts, hence five minutes here.)
func TestDeliveryRetriesARefusingReceiverForAsLongAsItTakes(t *testing.T) {
	down := 5 * time.Minute
	var runs *[]time.Duration
	var env *testsuite.TestWorkflowEnvironment
	env, runs = deliveryEnv(func(n int) (activities.DeliveryRun, error) {
		if (*runs)[n-1] < down {
			return activities.DeliveryRun{}, errors.New("HTTP 503")
		}
		if n > 50 {
			return activities.DeliveryRun{Disabled: true}, nil
		}
		return activities.DeliveryRun{Delivered: 3}, nil
	})
	env.ExecuteWorkflow(EventDelivery, deliveryInput)
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	r := *runs
	require.Equal(t, []time.Duration{0, 5 * time.Second, 15 * time.Second, 35 * time.Second, 75 * time.Second, 135 * time.Second}, r[:6],
		"waits of 5, 10, 20, 40 s, then a minute")
	first := 0
	for r[first] < down {
		first++
	}
	require.Less(t, r[first]-down, time.Minute, "taken within the longest wait of the receiver's return")
	require.Equal(t, deliveryInput.Every, r[first+1]-r[first], "then at its interval again")
}

// TestDeliveryRunsAtOnceWhenWokenOrWhenMoreWait: a wake-up (an endpoint saved, a redelivery)
// ends the wait; a run that left events waiting is followed by another at once; a switched-off
// endpoint ends its delivery; a long one continues as new.
func TestDeliveryRunsAtOnceWhenWokenOrWhenMoreWait(t *testing.T) {
	env, runs := deliveryEnv(func(n int) (activities.DeliveryRun, error) {
		switch n {
		case 2:
			return activities.DeliveryRun{Delivered: 50, More: true}, nil
		case 6:
			return activities.DeliveryRun{Disabled: true}, nil
		}
		return activities.DeliveryRun{}, nil
	})
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalDeliverNow, nil) }, 3*time.Second)
	// A wake-up that comes with the interval's end is not lost: one more run follows at once.
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalDeliverNow, nil) }, 13*time.Second)
	env.ExecuteWorkflow(EventDelivery, deliveryInput)
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	require.Equal(t, []time.Duration{0, 3 * time.Second, 3 * time.Second, 13 * time.Second, 13 * time.Second, 23 * time.Second}, *runs)

	env, runs = deliveryEnv(func(int) (activities.DeliveryRun, error) { return activities.DeliveryRun{}, nil })
	env.ExecuteWorkflow(EventDelivery, deliveryInput)
	var cont *workflow.ContinueAsNewError
	require.ErrorAs(t, env.GetWorkflowError(), &cont, "a long history continues as new")
	require.Len(t, *runs, deliveryRunsPerHistory)
}

// TestCampusEventsFollowTheWorkflowsEvents: the read model makes campus events from the
// workflow's own event names; renaming one there without here fails.
func TestCampusEventsFollowTheWorkflowsEvents(t *testing.T) {
	ev := func(kind string, p storage.Projection) storage.Event { return storage.Event{Kind: kind, Projection: p} }
	require.Equal(t, []string{process.EventApplicationSubmitted}, storage.CampusEvents(ev(EventSubmitted, storage.Projection{}), process.PhaseApplication))
	require.Equal(t, []string{process.EventApplicationDecided, process.EventApplicationAdmitted},
		storage.CampusEvents(ev(EventDecided, storage.Projection{Admitted: true, Phase: process.PhasePredeparture}), process.PhaseApplication))
	require.Equal(t, []string{process.EventApplicationGivenUp, process.EventApplicationClosed},
		storage.CampusEvents(ev(EventGivenUp, storage.Projection{Closed: true}), process.PhasePredeparture))
	require.Equal(t, []string{process.EventApplicationDecided, process.EventApplicationDeparted},
		storage.CampusEvents(ev(EventDecided, storage.Projection{Phase: process.PhaseReturn}), process.PhasePredeparture))
	require.Equal(t, []string{process.EventApplicationReturned}, storage.CampusEvents(ev(EventReturnReported, storage.Projection{Phase: process.PhaseReturn}), process.PhaseReturn))
	require.Equal(t, []string{process.EventApplicationDecided, process.EventCreditsRecognised, process.EventApplicationClosed},
		storage.CampusEvents(ev(EventDecided, storage.Projection{Closed: true, Phase: process.PhaseCredits, Status: process.StatusCompleted}), process.PhaseCredits))
	require.Empty(t, storage.CampusEvents(ev(EventReminder, storage.Projection{}), process.PhaseApplication))
}
