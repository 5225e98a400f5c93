package server

import (
	"context"
	"log/slog"
	"time"
)

// SweepOrphans removes objects older than grace that no attachment row
// records: the leftovers of an upload whose row never committed (a crash
// between the two writes). Young objects are left alone, since their upload
// may still be committing.
func (s *Services) SweepOrphans(ctx context.Context, grace time.Duration) (int, error) {
	removed := 0
	for obj := range s.Files.List(ctx, "") {
		if obj.Err != nil {
			return removed, obj.Err
		}
		if time.Since(obj.LastModified) < grace {
			continue
		}
		known, err := s.Store.ObjectKnown(ctx, obj.Key)
		if err != nil {
			return removed, err
		}
		if known {
			continue
		}
		if err := s.Files.Remove(ctx, obj.Key); err != nil {
			return removed, err
		}
		slog.Info("removed orphan object", "key", obj.Key, "age", time.Since(obj.LastModified).Round(time.Second))
		removed++
	}
	return removed, nil
}

// RunHousekeeping repairs what a crash can leave behind, until ctx ends:
// every minute it starts the workflow of a draft left without one, every hour
// it removes orphan objects.
func (s *Services) RunHousekeeping(ctx context.Context) {
	drafts := time.NewTicker(time.Minute)
	defer drafts.Stop()
	objects := time.NewTicker(time.Hour)
	defer objects.Stop()
	svc := s.Service()
	for {
		select {
		case <-ctx.Done():
			return
		case <-drafts.C:
			if _, err := svc.ReconcileDrafts(ctx, time.Minute); err != nil && ctx.Err() == nil {
				slog.Warn("draft reconciliation failed", "error", err)
			}
		case <-objects.C:
			if _, err := s.SweepOrphans(ctx, time.Hour); err != nil && ctx.Err() == nil {
				slog.Warn("orphan sweep failed", "error", err)
			}
		}
	}
}
