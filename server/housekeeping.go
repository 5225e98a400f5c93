package server

import (
	"context"
	"log/slog"
	"time"
)

// RunHousekeeping repairs what a crash can leave behind, until ctx ends: every
// minute it starts the workflow of a draft left without one. Every worker runs
// it, which is harmless: a workflow that already exists is not started twice.
// Orphan objects and expired sessions are the housekeeping schedule's (EnsureSchedules).
func (s *Services) RunHousekeeping(ctx context.Context) {
	drafts := time.NewTicker(time.Minute)
	defer drafts.Stop()
	svc := s.Service()
	for {
		select {
		case <-ctx.Done():
			return
		case <-drafts.C:
			if _, err := svc.ReconcileDrafts(ctx, time.Minute); err != nil && ctx.Err() == nil {
				slog.Warn("draft reconciliation failed", "error", err)
			}
		}
	}
}
