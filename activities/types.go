// Package activities holds the side effects of the application workflow:
// the read model in PostgreSQL, the checks at submit, the quota and the
// submission snapshot. Every activity is idempotent, keyed by application
// and event sequence, because Temporal may run it more than once.
package activities

import (
	"time"

	"outbound/storage"
)

// The event types are the read model's own: the workflow hands them over as they are.
type (
	EventRecord = storage.Event
	Projection  = storage.Projection
	Notice      = storage.Notice
	Funding     = storage.Funding
)

// SubmissionCheck asks whether a phase may be handed in.
type SubmissionCheck struct {
	ApplicationID int64
	Phase         string
}

// Problem names a field and what is wrong with it.
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// SubmissionResult lists the problems (none: the phase may be handed in) and facts the workflow keeps.
type SubmissionResult struct {
	Problems   []Problem
	ReturnDate time.Time
}

// SnapshotRequest records what was submitted at an event.
type SnapshotRequest struct {
	ApplicationID int64
	Seq           int
}

// QuotaRequest reserves a place (推荐名额) for an application at admission.
type QuotaRequest struct {
	ApplicationID int64
}

// Activity names as registered with the worker.
const (
	NameRecordEvent     = "RecordEvent"
	NameCheckSubmission = "CheckSubmission"
	NameTakeSnapshot    = "TakeSnapshot"
	NameReserveQuota    = "ReserveQuota"
)
