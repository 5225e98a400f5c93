// Package activities holds the side effects of the application workflow:
// the read model in PostgreSQL, the checks at submit, the quota and the
// submission snapshot. Every activity is idempotent, keyed by application
// and event sequence, because Temporal may run it more than once.
package activities

import (
	"encoding/json"
	"time"

	"outbound/process"
)

// EventRecord is what the workflow hands over for one event: the timeline
// entry, where the application is after it, and what follows from it. It is
// recorded in workflow histories, so its fields only ever grow.
type EventRecord struct {
	ApplicationID int64
	Seq           int
	Projection    Projection
	Kind          string
	Step          string
	ActorID       int64
	ActorName     string
	ActorRole     string
	// ActorCollege and VerifyActor: the record holds only if the accounts vouch for the actor.
	ActorCollege string
	VerifyActor  bool
	Opinion      string
	Detail       map[string]any
	OccurredAt   time.Time
	Funding      *Funding
	Notices      []Notice
	// CheckIn is the stay's check-in the event records (报平安).
	CheckIn *process.CheckIn
	// CreditDecisions are a 学分认定 review's line decisions, made at DecisionStage.
	CreditDecisions []process.LineDecision
	DecisionStage   string
}

// Projection is where the workflow says an application is after an event.
type Projection struct {
	Status         string
	Phase          string
	Stage          string
	AwaitingRole   string
	StageEnteredAt time.Time
	DueAt          *time.Time
	Overdue        bool
	Closed         bool
	Submitted      bool
	Admitted       bool
	SnapshotSHA256 string
	// CheckInDue is when the stay's next check-in is due, while the student is abroad.
	CheckInDue *time.Time
	// Alerts are the office's marks (process.Alert*).
	Alerts []string
	// ExpectedReturn is the return date as the workflow holds it (a change request may move it).
	ExpectedReturn *time.Time
}

// Notice is a notification of an event, to the student or to the reviewers of a role.
type Notice struct {
	ToStudent bool
	ToRole    string
	College   string
	Title     string
	Body      string
	// ToDuty e-mails the duty list the foreign affairs office keeps.
	ToDuty bool
	// Calendar is an iCalendar event e-mailed with a notice to the student (an interview).
	Calendar string
}

// Funding is 资助情况 decided at admission.
type Funding struct {
	Source string   `json:"source"`
	Amount *float64 `json:"amount"`
	Note   string   `json:"note"`
}

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
	Problems      []Problem
	ReturnDate    time.Time
	DepartureDate time.Time
}

// SubmitRequest hands a phase in (Submit): Record is the submitted event as the workflow will
// record it, without the snapshot's hash, which Submit adds.
type SubmitRequest struct {
	Phase  string
	Record EventRecord
}

// SubmitResult is the check's answer; with no problems, the submission is recorded with SHA256.
type SubmitResult struct {
	Problems      []Problem
	ReturnDate    time.Time
	DepartureDate time.Time
	SHA256        string
	// OfficialPassport: the 行前 phase travels on an 因公护照, to be handed back after the return.
	OfficialPassport bool
}

// PassportDueRequest asks when an 因公护照 is due back: Days working days after the return date.
type PassportDueRequest struct {
	ReturnDate time.Time
	Days       int
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

// ActorClaim is who a Signal says sent it.
type ActorClaim struct {
	ID      int64
	Role    string
	College string
}

// ActorVerdict is what the accounts say of a claim: the account's own name
// when it holds, otherwise what does not hold, in words for the timeline.
type ActorVerdict struct {
	Name    string
	Problem string
}

// Activity names as registered with the worker.
const (
	NameRecordEvent     = "RecordEvent"
	NameCheckSubmission = "CheckSubmission"
	NameTakeSnapshot    = "TakeSnapshot"
	NameReserveQuota    = "ReserveQuota"
	NameVerifyActor     = "VerifyActor"
	NameReleaseQuota    = "ReleaseQuota"
	NameDiscardSnapshot = "DiscardSnapshot"
	NameSendMail        = "SendMail"
	NameSubmit          = "Submit"
	NamePassportDue     = "PassportDue"
	NamePublicityEnd    = "PublicityEnd"
	NameRecordRound     = "RecordRound"
)

// PublicityRequest asks when a 公示 of Days working days that starts at From ends.
type PublicityRequest struct {
	From time.Time
	Days int
}

// RoundSnapshot is a selection round's state for the read model.
type RoundSnapshot struct {
	ID        string
	ProjectID int64
	Year      int
	Stage     string
	Seq       int
	State     json.RawMessage
	// PublicUntil is when the last 公示 now running ends; nil when none is.
	PublicUntil *time.Time
}
