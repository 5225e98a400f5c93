// Package workflows holds the application workflow: one durable Temporal
// workflow per application, carrying it through its three phases.
//
// The process is data (Definition), captured into each workflow when the
// application is created, so that an application in flight keeps the rules it
// started with. The whole state machine is in state.go.
package workflows

import (
	"strconv"
	"time"
)

// Role is what an account may do.
type Role string

const (
	RoleStudent         Role = "student"
	RoleCollegeReviewer Role = "college_reviewer" // 学院, scoped to one college
	RoleAcademicAffairs Role = "academic_affairs" // 教务处
	RoleForeignAffairs  Role = "foreign_affairs"  // 外事部门 / 国际处
	RoleAdmin           Role = "admin"
)

// Roles lists every role, in the order pages show them.
var Roles = []Role{RoleStudent, RoleCollegeReviewer, RoleAcademicAffairs, RoleForeignAffairs, RoleAdmin}

// Phase names.
const (
	PhaseApplication  = "application"  // 申请
	PhasePredeparture = "predeparture" // 行前
	PhaseReturn       = "return"       // 返校
)

// Definition is the chain of phases an application goes through.
type Definition struct {
	Version int
	Phases  []Phase
}

// Phase is one chain: the student hands something in, reviewers decide in order.
type Phase struct {
	Name string
	// Submit is the message that hands the phase in.
	Submit string
	// EditableStage is where the student works on the phase.
	EditableStage string
	// EditableStatus is the status word while the student works on it.
	EditableStatus string
	// ReturnedStatus is the status word after a reviewer sent it back.
	ReturnedStatus string
	SubmitStep     string
	Reviews        []Review
	// DoneStatus is the status word once the last review approved.
	DoneStatus string
}

// Review is one reviewer's stage.
type Review struct {
	Stage string
	Role  Role
	// Status is the status word while this review is pending.
	Status string
	// Label names the step in the progress table.
	Label string
	// DistinctFrom names an earlier stage whose approver may not approve this one.
	DistinctFrom string
}

// Terminal stages.
const (
	StageRejected  = "rejected"
	StageCancelled = "cancelled"
	StageExpired   = "expired"
	StageCompleted = "completed"
)

// Status words of the terminal stages.
const (
	StatusRejected  = "未通过"
	StatusCancelled = "已删除"
	StatusExpired   = "已过期"
)

// DefaultDefinition is the university's process as the manual describes it.
func DefaultDefinition() Definition {
	return Definition{
		Version: 1,
		Phases: []Phase{
			{
				Name: PhaseApplication, Submit: MsgSubmit,
				EditableStage: "draft", EditableStatus: "未提交", ReturnedStatus: "已退回",
				SubmitStep: "提交新申请",
				Reviews: []Review{
					{Stage: "college_review", Role: RoleCollegeReviewer, Status: "申请中", Label: "学院审核"},
					{Stage: "academic_review", Role: RoleAcademicAffairs, Status: "申请中", Label: "教务处审核"},
					{Stage: "foreign_review", Role: RoleForeignAffairs, Status: "申请中", Label: "外事部门审核"},
				},
				DoneStatus: "已录取",
			},
			{
				Name: PhasePredeparture, Submit: MsgSubmitPredeparture,
				EditableStage: "predeparture_materials", EditableStatus: "已录取", ReturnedStatus: "行前资料已退回",
				SubmitStep: "上传行前材料",
				Reviews: []Review{
					{Stage: "predeparture_first_review", Role: RoleAcademicAffairs, Status: "行前资料已上传", Label: "行前阶段教务处初审"},
					{Stage: "predeparture_second_review", Role: RoleAcademicAffairs, Status: "行前阶段教务处初审通过", Label: "行前阶段教务处复审", DistinctFrom: "predeparture_first_review"},
					{Stage: "predeparture_foreign_review", Role: RoleForeignAffairs, Status: "行前阶段教务处复审通过", Label: "行前阶段外事部门审核"},
				},
				DoneStatus: "行前阶段外事部门审核通过",
			},
			{
				Name: PhaseReturn, Submit: MsgSubmitReturnReport,
				EditableStage: "return_report", EditableStatus: "行前阶段外事部门审核通过", ReturnedStatus: "返校总结已退回",
				SubmitStep: "返校总结提交",
				Reviews: []Review{
					{Stage: "return_review", Role: RoleForeignAffairs, Status: "返校总结已提交", Label: "返校总结上报阶段国际处审核"},
				},
				DoneStatus: "返校总结上报阶段国际处审核通过",
			},
		},
	}
}

// studentSteps name what the student is to do in each phase, for the progress table.
var studentSteps = map[string]string{
	PhaseApplication:  "学生提交申请",
	PhasePredeparture: "学生上传行前材料",
	PhaseReturn:       "学生提交返校总结",
}

// PendingStep describes the awaited step of an open application in a phase
// and stage, e.g. 学院审核(未审核); the read model's rows use it too.
func (d Definition) PendingStep(phase, stage string) string {
	for _, p := range d.Phases {
		for _, r := range p.Reviews {
			if r.Stage == stage {
				return r.Label + "(未审核)"
			}
		}
	}
	return studentSteps[phase]
}

// ReviewStages lists every stage where a reviewer is to act.
func (d Definition) ReviewStages() []string {
	var out []string
	for _, p := range d.Phases {
		for _, r := range p.Reviews {
			out = append(out, r.Stage)
		}
	}
	return out
}

// EditableStage is the stage where the student works on the named phase.
func (d Definition) EditableStage(phase string) string {
	for _, p := range d.Phases {
		if p.Name == phase {
			return p.EditableStage
		}
	}
	return ""
}

// Timing holds the durations of the workflow's timers, from configuration.
type Timing struct {
	ReviewDeadline      time.Duration
	ReviewReminder      time.Duration
	WindowReminder      time.Duration
	ReturnReportDue     time.Duration
	ReturnReportWarning time.Duration
}

// Input starts an application's workflow.
type Input struct {
	ApplicationID int64
	StudentID     int64
	StudentName   string
	College       string
	ProjectCode   string
	WindowOpens   time.Time
	WindowCloses  time.Time
	Definition    Definition
	Timing        Timing
}

// WorkflowID is the Temporal workflow ID of an application.
func WorkflowID(applicationID int64) string {
	return "application-" + strconv.FormatInt(applicationID, 10)
}
