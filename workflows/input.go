package workflows

import (
	"strconv"
	"time"

	"outbound/process"
)

// Timing holds the durations of the workflow's timers, from configuration.
type Timing struct {
	ReviewDeadline      time.Duration
	ReviewReminder      time.Duration
	WindowReminder      time.Duration
	ReturnReportDue     time.Duration
	ReturnReportWarning time.Duration
	// CorrectionDue is how long a returned (退回) application may take to be resubmitted; zero in
	// histories recorded before the rule.
	CorrectionDue      time.Duration
	CorrectionReminder time.Duration
	// The stay's check-ins (Stay): the arrival check-in is due ArrivalCheckIn after the departure,
	// then one every CheckInEvery; CheckInGrace after a due time the office is alerted. Zero
	// CheckInEvery (histories recorded before the stay) means no check-ins.
	ArrivalCheckIn time.Duration
	CheckInEvery   time.Duration
	CheckInGrace   time.Duration
	// PassportReturnDays is how many working days after the return an 因公护照 is due back (证照交还).
	PassportReturnDays int
}

// Input starts an application's workflow.
type Input struct {
	ApplicationID int64
	StudentID     int64
	StudentName   string
	College       string
	// Graduate is told by 在读学历 from the profile when the application is created; it routes the
	// application through the reviews that are for graduate applicants.
	Graduate     bool
	ProjectCode  string
	WindowOpens  time.Time
	WindowCloses time.Time
	Definition   process.Definition
	Timing       Timing
	// Round is the workflow ID of the project's selection round; empty for a project that admits
	// directly (and in histories recorded before rounds).
	Round string `json:",omitempty"`
	// Credits: the project is credit-bearing; after the return report the student asks for 学分认定.
	// False in histories recorded before the phase.
	Credits bool `json:",omitempty"`
}

// WorkflowID is the Temporal workflow ID of an application.
func WorkflowID(applicationID int64) string {
	return "application-" + strconv.FormatInt(applicationID, 10)
}
