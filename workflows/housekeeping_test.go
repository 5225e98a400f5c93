package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"

	"outbound/activities"
	"outbound/storage"
)

func TestHousekeepingSweepsThenPurges(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	var order []string
	env.RegisterActivityWithOptions(func(_ context.Context, grace time.Duration) (int, error) {
		require.Equal(t, time.Hour, grace, "young objects may belong to an upload still committing")
		order = append(order, "sweep")
		return 3, nil
	}, activity.RegisterOptions{Name: activities.NameSweepOrphans})
	env.RegisterActivityWithOptions(func(context.Context) (int64, error) {
		order = append(order, "purge")
		return 7, nil
	}, activity.RegisterOptions{Name: activities.NamePurgeSessions})
	env.RegisterActivityWithOptions(func(context.Context) (storage.Erased, error) {
		order = append(order, "erase")
		return storage.Erased{Applications: 2, Files: 5, Profiles: 1}, nil
	}, activity.RegisterOptions{Name: activities.NameEraseExpiredPersonalData})
	env.RegisterActivityWithOptions(func(context.Context) (int, error) {
		order = append(order, "seal")
		return 4, nil
	}, activity.RegisterOptions{Name: activities.NameSealIdentityNumbers})
	env.ExecuteWorkflow(Housekeeping)
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var out HousekeepingResult
	require.NoError(t, env.GetWorkflowResult(&out))
	require.Equal(t, HousekeepingResult{OrphanObjects: 3, ExpiredSessions: 7, Erased: storage.Erased{Applications: 2, Files: 5, Profiles: 1}, Sealed: 4}, out)
	require.Equal(t, []string{"sweep", "purge", "erase", "seal"}, order)
}

func TestHousekeepingGivesUpAfterThreeAttempts(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	attempts := 0
	env.RegisterActivityWithOptions(func(context.Context, time.Duration) (int, error) {
		attempts++
		return 0, errors.New("minio down")
	}, activity.RegisterOptions{Name: activities.NameSweepOrphans})
	env.RegisterActivityWithOptions(func(context.Context) (int64, error) { return 0, nil }, activity.RegisterOptions{Name: activities.NamePurgeSessions})
	env.ExecuteWorkflow(Housekeeping)
	require.Error(t, env.GetWorkflowError(), "the run fails visibly; the next hour's run tries again")
	require.Equal(t, 3, attempts)
}
