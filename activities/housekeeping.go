package activities

import (
	"context"
	"log/slog"
	"time"

	"go.temporal.io/sdk/activity"
)

// Names of the housekeeping activities.
const (
	NameSweepOrphans  = "SweepOrphans"
	NamePurgeSessions = "PurgeSessions"
)

// SweepOrphans removes objects older than grace that no attachment row
// records: the leftovers of an upload whose row never committed (a crash
// between the two writes), and the files nobody can need any more — deleted
// ones no submission recorded and replaced photos — whose rows it forgets
// first. Young objects are left alone, since their upload may still be committing.
func (a *Activities) SweepOrphans(ctx context.Context, grace time.Duration) (int, error) {
	forgotten, err := a.Store.ForgetSupersededFiles(ctx, grace)
	if err != nil {
		return 0, err
	}
	if forgotten > 0 {
		slog.Info("forgot superseded files", "rows", forgotten)
	}
	removed := 0
	for obj := range a.Files.List(ctx, "") {
		if obj.Err != nil {
			return removed, obj.Err
		}
		if time.Since(obj.LastModified) < grace {
			continue
		}
		known, err := a.Store.ObjectKnown(ctx, obj.Key)
		if err != nil {
			return removed, err
		}
		if known {
			continue
		}
		if err := a.Files.Remove(ctx, obj.Key); err != nil {
			return removed, err
		}
		slog.Info("removed orphan object", "key", obj.Key, "age", time.Since(obj.LastModified).Round(time.Second))
		removed++
		if activity.IsActivity(ctx) {
			activity.RecordHeartbeat(ctx, removed)
		}
	}
	return removed, nil
}

// PurgeSessions deletes the sessions that have expired, and the sign-in counts a day old.
func (a *Activities) PurgeSessions(ctx context.Context) (int64, error) {
	if _, err := a.Store.PurgeSignInThrottle(ctx); err != nil {
		return 0, err
	}
	return a.Store.PurgeExpiredSessions(ctx)
}
