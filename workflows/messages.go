package workflows

import (
	"time"

	"outbound/process"
)

// TaskQueue is where every application workflow runs.
const TaskQueue = "outbound"

// WorkflowName is the registered name of the application workflow.
const WorkflowName = "Application"

// QueryState is the query that returns a View.
const QueryState = "state"

// Actor is who sends a message; the API fills it from the signed-in account.
type Actor struct {
	ID      int64        `json:"id"`
	Name    string       `json:"name"`
	Role    process.Role `json:"role"`
	College string       `json:"college,omitempty"`
}

// Request is the payload of every message; each message reads the fields it needs.
type Request struct {
	Actor Actor `json:"actor"`
	// Decision and Opinion for decide.
	Decision string `json:"decision,omitempty"`
	Opinion  string `json:"opinion,omitempty"`
	// Funding (资助情况) may accompany foreign affairs' approval at admission.
	Funding *Funding `json:"funding,omitempty"`
	// AttachmentIDs are the files a supplement adds.
	AttachmentIDs []int64 `json:"attachmentIds,omitempty"`
	// CheckIn is 报平安's content.
	CheckIn *process.CheckIn `json:"checkIn,omitempty"`
	// Change is 变更申请's content.
	Change *process.ChangeRequest `json:"change,omitempty"`
	// Return is 回国报到's content.
	Return *process.ReturnReport `json:"return,omitempty"`
	// Lines are a 学分认定 review's decisions on the request's lines.
	Lines []process.LineDecision `json:"lines,omitempty"`
	// ViaTemporal marks a Signal whose actor was verified: set by the workflow, never by a payload.
	ViaTemporal bool `json:"-"`
}

// ViaTemporalMark follows the actor's name on what an administrator did through Temporal,
// so that the record never pretends the reviewer clicked it.
const ViaTemporalMark = "（经 Temporal 由管理员代为操作）"

// Funding is 资助情况.
type Funding struct {
	Source string  `json:"source"`
	Amount float64 `json:"amount"`
	Note   string  `json:"note,omitempty"`
}

// Event is one entry of the timeline.
type Event struct {
	Seq     int            `json:"seq"`
	Kind    string         `json:"kind"`
	Step    string         `json:"step"`
	Actor   Actor          `json:"actor"`
	Opinion string         `json:"opinion,omitempty"`
	Detail  map[string]any `json:"detail,omitempty"`
	At      time.Time      `json:"at"`
	Status  string         `json:"status"`
	// Lines are the line decisions a 学分认定 review recorded.
	Lines []process.LineDecision `json:"lines,omitempty"`
}

// Event kinds.
const (
	EventCreated    = "created"
	EventSubmitted  = "submitted"
	EventDecided    = "decided"
	EventGivenUp    = "given_up"
	EventWithdrawn  = "withdrawn"
	EventDeleted    = "deleted"
	EventSupplement = "supplemented"
	EventRefused    = "refused"
	EventReminder   = "reminder"
	EventOverdue    = "overdue"
	EventExpired    = "expired"
	// The stay abroad: a check-in, and a check-in missed past its grace.
	EventCheckedIn     = "checked_in"
	EventCheckInMissed = "check_in_missed"
	// A change request while abroad, and a decision on it.
	EventChangeRequested = "change_requested"
	EventChangeDecided   = "change_decided"
	// 证照交还: overdue, and recorded by the office.
	EventPassportOverdue  = "passport_overdue"
	EventPassportReturned = "passport_returned"
	// 回国报到.
	EventReturnReported = "return_reported"
)

// View is what the state query returns.
type View struct {
	ApplicationID  int64        `json:"applicationId"`
	Phase          string       `json:"phase"`
	Stage          string       `json:"stage"`
	Status         string       `json:"status"`
	AwaitingRole   process.Role `json:"awaitingRole,omitempty"`
	PendingStep    string       `json:"pendingStep,omitempty"`
	StageEnteredAt time.Time    `json:"stageEnteredAt"`
	DueAt          *time.Time   `json:"dueAt,omitempty"`
	Overdue        bool         `json:"overdue"`
	Closed         bool         `json:"closed"`
	ReturnDate     *time.Time   `json:"returnDate,omitempty"`
	// Stay is the stay abroad's check-ins, once the stay has started.
	Stay *StayView `json:"stay,omitempty"`
	// Change is the change request under review, if any.
	Change *ChangeView `json:"change,omitempty"`
	// Passport is 证照交还, when an 因公护照 is owed.
	Passport *PassportView `json:"passport,omitempty"`
	// WithdrawEnds: withdrawing now would end the chance to hand the application in again.
	WithdrawEnds   bool                              `json:"withdrawEnds,omitempty"`
	DecideExcluded []int64                           `json:"decideExcluded,omitempty"`
	Allowed        map[process.Role][]process.Action `json:"allowed"`
	Timeline       []Event                           `json:"timeline"`
}
