package activities

import (
	"context"
	"time"

	"outbound/process"
	"outbound/storage"
)

// PublicityEnd is when a 公示 ends by the office's calendar (process.PublicityEnd).
func (a *Activities) PublicityEnd(ctx context.Context, r PublicityRequest) (time.Time, error) {
	if a.PublicityWorkingDay > 0 {
		return r.From.Add(time.Duration(r.Days) * a.PublicityWorkingDay), nil
	}
	calendar, err := a.Store.CalendarExceptions(ctx, r.From, r.From.AddDate(0, 0, 3*r.Days+30))
	if err != nil {
		return time.Time{}, err
	}
	return process.PublicityEnd(r.From, r.Days, calendar), nil
}

// RecordRound writes a round's read model; an older state arriving late changes nothing.
func (a *Activities) RecordRound(ctx context.Context, r RoundSnapshot) error {
	return a.Store.SaveRound(ctx, storage.RoundRow{ID: r.ID, ProjectID: r.ProjectID, Year: r.Year, Stage: r.Stage, Seq: r.Seq,
		State: r.State, PublicUntil: r.PublicUntil})
}
