//go:build integration

package workflows_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"outbound/process"
	"outbound/workflows"
)

// TestPostgresOutageConverges: with the database down a decision still reaches the
// workflow; its activity retries, and once the database is back the read model
// converges with every event recorded once.
func TestPostgresOutageConverges(t *testing.T) {
	username := newStudent(t)
	p := actors(t, username)
	app, _ := newApplication(t, username, longTiming(), nil)
	_, err := update(app.ID, process.MsgSubmit, workflows.Request{Actor: p.student})
	require.NoError(t, err)
	waitSeq(t, app.ID, 2)

	env.Stack.StopPostgres()
	restarted := false
	defer func() {
		if !restarted {
			_ = env.Stack.StartPostgres(context.Background())
		}
	}()
	signal(t, app.ID, process.MsgDecide, approve(p.college))
	time.Sleep(3 * time.Second) // the activity fails and backs off meanwhile
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
