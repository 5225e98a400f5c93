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
)

func TestMailerRunsAtItsIntervalAndWhenWoken(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	start := env.Now()
	var runs []time.Duration
	env.RegisterActivityWithOptions(func(context.Context) (int, error) {
		runs = append(runs, env.Now().Sub(start).Round(time.Second))
		if len(runs) == 3 {
			return 0, errors.New("mail server down") // a failing run does not stop the mailer
		}
		return 1, nil
	}, activity.RegisterOptions{Name: activities.NameSendMail})
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalSendMail, nil) }, 10*time.Second)
	env.ExecuteWorkflow(Mailer, 30*time.Second)
	require.True(t, env.IsWorkflowCompleted())
	var cont *workflow.ContinueAsNewError
	require.ErrorAs(t, env.GetWorkflowError(), &cont, "a long history continues as new")
	// At start, woken at 10 s, then every 30 s; the run that failed is tried again 10 s later.
	require.Equal(t, []time.Duration{0, 10 * time.Second, 40 * time.Second, 50 * time.Second, 80 * time.Second}, runs[:5])
	require.Len(t, runs, mailerRunsPerHistory+1)
}

// TestMailerTakesANewInterval: a worker started with another mail.every signals it; the wait under
// way ends at the new interval after the last run, with no extra run (one under a second is ignored).
func TestMailerTakesANewInterval(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	start := env.Now()
	var runs []time.Duration
	env.RegisterActivityWithOptions(func(context.Context) (int, error) {
		runs = append(runs, env.Now().Sub(start).Round(time.Second))
		return 0, nil
	}, activity.RegisterOptions{Name: activities.NameSendMail})
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalMailEvery, time.Minute) }, 10*time.Second)
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalMailEvery, time.Millisecond) }, 200*time.Second)
	env.ExecuteWorkflow(Mailer, 30*time.Second)
	require.Equal(t, []time.Duration{0, 60 * time.Second, 120 * time.Second, 180 * time.Second, 240 * time.Second, 300 * time.Second}, runs[:6])
}
