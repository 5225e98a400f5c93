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
	Sealed          int            `json:"sealed"`
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
	// Personal data past its retention is erased (its files are swept at the next run), and identity
	// numbers in clear or under an older key are sealed under the current one; runs recorded before
	// these steps keep their history.
	if workflow.GetVersion(ctx, "erase-expired-personal-data", workflow.DefaultVersion, 1) == 1 {
		if err := workflow.ExecuteActivity(ctx, activities.NameEraseExpiredPersonalData).Get(ctx, &out.Erased); err != nil {
			return out, err
		}
		err := workflow.ExecuteActivity(ctx, activities.NameSealIdentityNumbers).Get(ctx, &out.Sealed)
		return out, err
	}
	return out, nil
}
