package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"outbound/activities"
	"outbound/storage"
)

// Housekeeping runs on a Temporal Schedule, once per cluster however many
// workers run, and shows in the Temporal UI like any workflow.
const (
	HousekeepingWorkflowName = "Housekeeping"
	HousekeepingScheduleID   = "outbound-housekeeping"
	// Objects younger than this may belong to an upload that is still committing.
	orphanGrace = time.Hour
)

// HousekeepingResult says what one run removed.
type HousekeepingResult struct {
	OrphanObjects   int            `json:"orphanObjects"`
	ExpiredSessions int64          `json:"expiredSessions"`
	Erased          storage.Erased `json:"erased"`
}

// Housekeeping removes orphan objects and expired sessions.
func Housekeeping(ctx workflow.Context) (HousekeepingResult, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Minute,
		HeartbeatTimeout:    2 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 3},
	})
	var out HousekeepingResult
	if err := workflow.ExecuteActivity(ctx, activities.NameSweepOrphans, orphanGrace).Get(ctx, &out.OrphanObjects); err != nil {
		return out, err
	}
	if err := workflow.ExecuteActivity(ctx, activities.NamePurgeSessions).Get(ctx, &out.ExpiredSessions); err != nil {
		return out, err
	}
	// Personal data past its retention is erased first, so that the files it leaves are swept at the
	// next run; runs recorded before this step keep their history.
	if workflow.GetVersion(ctx, "erase-expired-personal-data", workflow.DefaultVersion, 1) == 1 {
		err := workflow.ExecuteActivity(ctx, activities.NameEraseExpiredPersonalData).Get(ctx, &out.Erased)
		return out, err
	}
	return out, nil
}
