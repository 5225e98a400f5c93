package activities

import (
	"context"
	"log/slog"
	"time"

	"go.temporal.io/sdk/activity"

	"outbound/storage"
)

// Names of the housekeeping activities.
const (
	NameSweepOrphans             = "SweepOrphans"
	NamePurgeSessions            = "PurgeSessions"
	NameEraseExpiredPersonalData = "EraseExpiredPersonalData"
	NameSealIdentityNumbers      = "SealIdentityNumbers"
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

// PurgeSessions deletes the sessions that have expired, the sign-in counts a day old and the
// events every campus system received more than a month ago.
func (a *Activities) PurgeSessions(ctx context.Context) (int64, error) {
	if _, err := a.Store.PurgeSignInThrottle(ctx); err != nil {
		return 0, err
	}
	// Events every endpoint has passed are kept a month, for redelivery, then forgotten.
	if _, err := a.Store.ForgetDeliveredEvents(ctx, keepDeliveredEvents); err != nil {
		return 0, err
	}
	return a.Store.PurgeExpiredSessions(ctx)
}

// keepDeliveredEvents is how long an event every campus system has received stays redeliverable.
const keepDeliveredEvents = 30 * 24 * time.Hour

// eraseBatch is how many applications or profiles one transaction erases.
const eraseBatch = 200

// EraseExpiredPersonalData erases the personal data of applications closed longer than the
// configured time ago, and of the profiles of students who left as long ago (PIPL: kept no longer
// than needed). Each erasure is audited in its own transaction; a run goes on until none is due.
func (a *Activities) EraseExpiredPersonalData(ctx context.Context) (storage.Erased, error) {
	var total storage.Erased
	if a.KeepClosedFor <= 0 {
		return total, nil
	}
	cutoff := time.Now().Add(-a.KeepClosedFor)
	for {
		n, err := a.Store.EraseClosedApplications(ctx, cutoff, eraseBatch)
		if err != nil {
			return total, err
		}
		total.Applications, total.Files = total.Applications+n.Applications, total.Files+n.Files
		if n.Applications < eraseBatch {
			break
		}
		activity.RecordHeartbeat(ctx, total)
	}
	for {
		n, err := a.Store.EraseLeftProfiles(ctx, cutoff, eraseBatch)
		if err != nil {
			return total, err
		}
		total.Profiles += n
		if n < eraseBatch {
			break
		}
		activity.RecordHeartbeat(ctx, total)
	}
	if total != (storage.Erased{}) {
		slog.Info("erased expired personal data", "applications", total.Applications, "files", total.Files, "profiles", total.Profiles)
	}
	return total, nil
}

// SealIdentityNumbers seals under the current key the identity numbers still in clear or under
// an older key (database.field_keys), in batches, and says how many rows it sealed.
func (a *Activities) SealIdentityNumbers(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := a.Store.ResealFields(ctx, eraseBatch)
		if err != nil {
			return total, err
		}
		total += n
		if n == 0 {
			return total, nil
		}
		activity.RecordHeartbeat(ctx, total)
	}
}
