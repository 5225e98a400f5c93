//go:build integration

package workflows_test

import (
	"context"
	failurepb "go.temporal.io/api/failure/v1"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"outbound/activities"
	"outbound/payloadcodec"
	"outbound/process"
	"outbound/workflows"
)

// TestPostgresOutageConverges: with the database down a decision still reaches the
// workflow; its activity retries, and once the database is back the read model
// converges with every event recorded once.
func TestPostgresOutageConverges(t *testing.T) {
	app, p := submittedApplication(t)
	waitSeq(t, app.ID, 2)

	env.Stack.StopPostgres()
	restarted := false
	defer func() {
		if !restarted {
			_ = env.Stack.StartPostgres(context.Background())
		}
	}()
	signal(t, app.ID, process.MsgDecide, approve(p.college))
	// The decision reaches the workflow while the database is down; the work it needs (looking the
	// actor up) fails and is retried: after its quick local attempts it shows in the Temporal UI as
	// a pending activity with its attempts and last failure.
	var last *failurepb.Failure
	require.Eventually(t, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		d, err := env.Services.Temporal.DescribeWorkflow(ctx, workflows.WorkflowID(app.ID), "")
		require.NoError(t, err)
		for _, a := range d.RawResponse.GetPendingActivities() {
			if a.GetActivityType().GetName() == activities.NameVerifyActor && a.GetLastFailure() != nil {
				last = a.GetLastFailure()
				return true
			}
		}
		return false
	}, time.Minute, 500*time.Millisecond, "the work failed during the outage and is being retried")
	// Its message (a database error may name hosts, people and addresses) is sealed like a payload.
	require.Equal(t, "Encoded failure", last.GetMessage())
	require.NotNil(t, last.GetEncodedAttributes())
	require.Equal(t, payloadcodec.Encoding, string(last.GetEncodedAttributes().GetMetadata()["encoding"]))
	require.Equal(t, "college_review", queryState(t, app.ID).Stage, "nothing is applied before the actor is verified")
	require.Never(t, func() bool {
		var seq int
		return env.Services.Store.DB.Get(&seq, `SELECT last_event_seq FROM applications WHERE id = $1`, app.ID) == nil
	}, 2*time.Second, 500*time.Millisecond, "the database is really down: nothing could be recorded")
	require.NoError(t, env.Stack.StartPostgres(context.Background()))
	restarted = true

	row := waitSeq(t, app.ID, 3)
	require.Equal(t, "academic_review", row.Stage)
	timeline, err := env.Services.Store.Timeline(context.Background(), app.ID)
	require.NoError(t, err)
	require.Len(t, timeline, 3, "no event lost or doubled")
}

// TestTemporalRestartKeepsApplicationsAndTimers: the server killed and started
// again on the same SQLite file; the application goes on and its timer still fires.
func TestTemporalRestartKeepsApplicationsAndTimers(t *testing.T) {
	username := newStudent(t)
	p := actors(t, username)
	timing := longTiming()
	timing.ReviewDeadline, timing.ReviewReminder = 8*time.Second, 7*time.Second
	app, _ := newApplication(t, username, timing, nil)
	_, err := update(app.ID, process.MsgSubmit, workflows.Request{Actor: p.student})
	require.NoError(t, err)
	waitSeq(t, app.ID, 2)

	env.Stack.KillTemporal()
	require.NoError(t, env.Stack.RestartTemporal(context.Background()))

	// The reminder and the overdue mark were due while the server was down or after.
	row := waitSeq(t, app.ID, 4)
	require.True(t, row.Overdue)
	require.Eventually(t, func() bool {
		_, err = update(app.ID, process.MsgDecide, approve(p.college))
		return err == nil
	}, 60*time.Second, time.Second)
	row = waitSeq(t, app.ID, 5)
	require.Equal(t, "academic_review", row.Stage)
}

// queryState asks an application's workflow for its state.
func queryState(t *testing.T, id int64) workflows.View {
	// A query waits for a workflow task in progress, which retrying work may hold for seconds.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := env.Services.Temporal.QueryWorkflow(ctx, workflows.WorkflowID(id), "", workflows.QueryState)
	require.NoError(t, err)
	var v workflows.View
	require.NoError(t, res.Get(&v))
	return v
}
