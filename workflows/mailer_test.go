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

// mailerEnv runs the mailer with a SendMail that keeps when it ran (from the start) in runs; run
// says how each run ends, given its number from 1.
func mailerEnv(run func(n int) error) (*testsuite.TestWorkflowEnvironment, *[]time.Duration) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	start := env.Now()
	runs := &[]time.Duration{}
	env.RegisterActivityWithOptions(func(context.Context) (int, error) {
		*runs = append(*runs, env.Now().Sub(start).Round(time.Second))
		return 1, run(len(*runs))
	}, activity.RegisterOptions{Name: activities.NameSendMail})
	return env, runs
}

func TestMailerRunsAtItsIntervalAndWhenWoken(t *testing.T) {
	env, runs := mailerEnv(func(n int) error {
		if n == 3 {
			return errors.New("mail server down") // a failing run does not stop the mailer
		}
		return nil
	})
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalSendMail, nil) }, 10*time.Second)
	env.ExecuteWorkflow(Mailer, 30*time.Second)
	require.True(t, env.IsWorkflowCompleted())
	var cont *workflow.ContinueAsNewError
	require.ErrorAs(t, env.GetWorkflowError(), &cont, "a long history continues as new")
	// At start, woken at 10 s, then every 30 s; the run that failed is tried again 10 s later.
	require.Equal(t, []time.Duration{0, 10 * time.Second, 40 * time.Second, 50 * time.Second, 80 * time.Second}, (*runs)[:5])
	require.Len(t, *runs, mailerRunsPerHistory+1)
}

// TestMailerTakesANewInterval: a worker started with another mail.every signals it; the wait under
// way ends at the new interval after the last run, with no extra run (one under a second is ignored).
func TestMailerTakesANewInterval(t *testing.T) {
	env, runs := mailerEnv(func(int) error { return nil })
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalMailEvery, time.Minute) }, 10*time.Second)
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalMailEvery, time.Millisecond) }, 200*time.Second)
	env.ExecuteWorkflow(Mailer, 30*time.Second)
	require.Equal(t, []time.Duration{0, 60 * time.Second, 120 * time.Second, 180 * time.Second, 240 * time.Second, 300 * time.Second}, (*runs)[:6])
}
