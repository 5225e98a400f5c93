package activities

import "context"

// Call is an activity as a workflow calls it: the name it is registered under and, in its type,
// what it takes and what it gives back. Each is made from the method itself (below), so that a
// workflow passing the wrong argument or reading the wrong result does not compile.
type Call[In, Out any] struct{ Name string }

// NoResult is the result of an activity that gives back nothing but an error.
type NoResult struct{}

func call[In, Out any](name string, _ func(*Activities, context.Context, In) (Out, error)) Call[In, Out] {
	return Call[In, Out]{Name: name}
}

func callNoResult[In any](name string, _ func(*Activities, context.Context, In) error) Call[In, NoResult] {
	return Call[In, NoResult]{Name: name}
}

// The application workflow's activities.
var (
	CallRecordEvent     = callNoResult(NameRecordEvent, (*Activities).RecordEvent)
	CallCheckSubmission = call(NameCheckSubmission, (*Activities).CheckSubmission)
	CallTakeSnapshot    = call(NameTakeSnapshot, (*Activities).TakeSnapshot)
	CallSubmit          = call(NameSubmit, (*Activities).Submit)
	CallReserveQuota    = call(NameReserveQuota, (*Activities).ReserveQuota)
	CallVerifyActor     = call(NameVerifyActor, (*Activities).VerifyActor)
	CallReleaseQuota    = callNoResult(NameReleaseQuota, (*Activities).ReleaseQuota)
	CallDiscardSnapshot = callNoResult(NameDiscardSnapshot, (*Activities).DiscardSnapshot)
	CallPassportDue     = call(NamePassportDue, (*Activities).PassportDue)
)

// The selection round's activities.
var (
	CallPublicityEnd = call(NamePublicityEnd, (*Activities).PublicityEnd)
	CallRecordRound  = callNoResult(NameRecordRound, (*Activities).RecordRound)
)
