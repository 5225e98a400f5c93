// Package process is the one home of the rules of an application: the roles,
// the phases and their review stages, the messages, what each phase lets the
// student edit or upload, the required fields, the allowed file formats and
// the words people read for all of them.
//
// The chain of phases is data (Definition), captured into each workflow when
// the application is created, so that an application in flight keeps the
// rules it started with. The workflow, the activities, the application
// service, the SQL and the web UI all ask this package; none keeps a copy.
package process

import "slices"

// Phase names.
const (
	PhaseApplication  = "application"  // 申请
	PhasePredeparture = "predeparture" // 行前
	PhaseReturn       = "return"       // 返校
)

// Messages: each is an Update (validated, answered at once) and a Signal of the same name.
const (
	MsgSubmit             = "submit"
	MsgWithdraw           = "withdraw"
	MsgDelete             = "delete"
	MsgSupplement         = "supplement"
	MsgSubmitPredeparture = "submit-predeparture"
	MsgSubmitReturnReport = "submit-return-report"
	MsgDecide             = "decide"
	// MsgGiveUp is 放弃录取: an admitted student gives the place back before departure.
	MsgGiveUp = "give-up"
)

// Messages lists every message name.
var Messages = []string{MsgSubmit, MsgWithdraw, MsgDelete, MsgSupplement, MsgSubmitPredeparture, MsgSubmitReturnReport, MsgDecide, MsgGiveUp, MsgCheckIn, MsgRequestChange, MsgDecideChange, MsgPassportReturned, MsgReportReturn, MsgSubmitCredits}

// Decisions a reviewer can take.
const (
	DecisionApprove = "approve"
	DecisionReturn  = "return" // 退回: back to the student, editable
	DecisionReject  = "reject" // 不通过: the application ends
)

// Decisions name the decisions in a reviewer's words.
var Decisions = []Option{{DecisionApprove, "通过"}, {DecisionReturn, "退回"}, {DecisionReject, "不通过"}}

// MaxOpinionPhrases and MaxPhraseRunes bound the office's ready-made opinions per decision.
const (
	MaxOpinionPhrases = 20
	MaxPhraseRunes    = 100
)

// Upload kinds: what a stored file is for.
const (
	KindRequired     = "required"      // 附件信息, against one of the project's requirements
	KindSupplement   = "supplement"    // 补交材料附件, while under review
	KindPredeparture = "predeparture"  // 行前材料
	KindReturnReport = "return_report" // 返校总结
	KindPhoto        = "photo"         // the profile's photo
	KindChange       = "change"        // 变更申请材料, a change request's supporting files while abroad
)

// Definition is the chain of phases an application goes through.
type Definition struct {
	Version int
	Phases  []Phase
	// ChangeReviews is the chain of a change request while abroad; none in histories from before.
	ChangeReviews []Review `json:",omitempty"`
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
	// The student's tracker: Journey is the phase's one step when set; otherwise the phase shows
	// EditJourney and then each review as a step of its own. Milestone is the step reached when the
	// phase is done (录取), if it has one.
	Journey     string `json:",omitempty"`
	EditJourney string `json:",omitempty"`
	Milestone   string `json:",omitempty"`
	// CreditBearing: the phase is for applications to credit-bearing projects only (学分认定).
	CreditBearing bool `json:",omitempty"`
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
	// Applicants routes: the review is for these applicants only (all when empty).
	Applicants Applicants `json:",omitempty"`
	// Office is the office that signs the review on the printed 申请表 (e.g. 学院意见); none when empty.
	Office string `json:",omitempty"`
	// Journey is the step's word on the student's tracker; the phase's own word when empty.
	Journey string `json:",omitempty"`
	// Admission routes: the review is for projects with a selection round only, or without only.
	Admission Admission `json:",omitempty"`
}

// Applicants is whom a review is for.
type Applicants string

const (
	AllApplicants  Applicants = ""
	Graduates      Applicants = "graduate"      // 硕士研究生, 博士研究生
	Undergraduates Applicants = "undergraduate" // 本科生
)

// Include reports whether an applicant, graduate or not, passes a review for these applicants.
func (a Applicants) Include(graduate bool) bool {
	return a == AllApplicants || (a == Graduates) == graduate
}

// IsGraduate tells a graduate applicant by 在读学历.
func IsGraduate(degreeLevel string) bool { return degreeLevel != "" && degreeLevel != DegreeLevels[0] }

// Terminal stages.
const (
	StageRejected  = "rejected"
	StageCancelled = "cancelled"
	StageExpired   = "expired"
	StageCompleted = "completed"
	StageGivenUp   = "given_up"
)

// Status words of the terminal stages.
const (
	StatusRejected  = "未通过"
	StatusCancelled = "已删除"
	StatusExpired   = "已过期"
	StatusCompleted = "已完成"
	StatusGivenUp   = "已放弃录取"
)

// DefaultDefinition is the university's process as the manual describes it.
func DefaultDefinition() Definition {
	return Definition{
		Version:       1,
		ChangeReviews: ChangeReviews,
		Phases: []Phase{
			{
				Name: PhaseApplication, Submit: MsgSubmit,
				EditableStage: "draft", EditableStatus: "未提交", ReturnedStatus: "已退回",
				SubmitStep: "提交新申请", EditJourney: "提交申请", Milestone: "录取",
				Reviews: []Review{
					{Stage: "college_review", Role: RoleCollegeReviewer, Status: "申请中", Label: "学院审核", Office: "学院意见"},
					{Stage: "academic_review", Role: RoleAcademicAffairs, Status: "申请中", Label: "教务处审核", Office: "教务处意见",
						Applicants: Undergraduates},
					{Stage: "graduate_review", Role: RoleGraduateSchool, Status: "申请中", Label: "研究生院审核", Office: "研究生院意见",
						Applicants: Graduates},
					{Stage: StageSelection, Role: RoleForeignAffairs, Status: "选拔中", Label: "项目选拔", Office: "外事部门意见",
						Admission: RoundAdmission, Journey: "选拔与公示"},
					{Stage: "foreign_review", Role: RoleForeignAffairs, Status: "申请中", Label: "外事部门审核", Office: "外事部门意见",
						Admission: DirectAdmission},
				},
				DoneStatus: "已录取",
			},
			{
				Name: PhasePredeparture, Submit: MsgSubmitPredeparture,
				EditableStage: "predeparture_materials", EditableStatus: "已录取", ReturnedStatus: "行前资料已退回",
				SubmitStep: "上传行前材料", Journey: "行前材料",
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
				SubmitStep: "返校总结提交", Journey: "返校总结",
				Reviews: []Review{
					{Stage: "return_review", Role: RoleForeignAffairs, Status: "返校总结已提交", Label: "返校总结上报阶段国际处审核"},
				},
				DoneStatus: "返校总结上报阶段国际处审核通过",
			},
			{
				Name: PhaseCredits, Submit: MsgSubmitCredits, CreditBearing: true,
				EditableStage: "credit_request", EditableStatus: "待提交学分认定", ReturnedStatus: "学分认定已退回",
				SubmitStep: "提交学分认定申请", Journey: "学分认定",
				Reviews: []Review{
					{Stage: "credit_college_review", Role: RoleCollegeReviewer, Status: "学分认定审核中", Label: "学分认定学院审核", Office: "学院意见"},
					{Stage: "credit_academic_review", Role: RoleAcademicAffairs, Status: "学分认定学院审核通过", Label: "学分认定教务处确认",
						Applicants: Undergraduates, Office: "教务处意见"},
					{Stage: "credit_graduate_review", Role: RoleGraduateSchool, Status: "学分认定学院审核通过", Label: "学分认定研究生院确认",
						Applicants: Graduates, Office: "研究生院意见"},
				},
				DoneStatus: "学分认定完成",
			},
		},
	}
}

// phaseWork describes, per phase, what the student does while it is editable:
// the step's words and the kind of file the phase takes. It is not part of
// Definition so that histories recorded before it stay as they were.
var phaseWork = map[string]struct {
	step, stageLabel, uploadKind, uploadLabel, submitLabel string
	// editAction lets the student upload the phase's files; deleteAction delete them (the same when empty).
	editAction, deleteAction Action
	// notBefore names the form's date before which the phase may not be handed in.
	notBefore string
	// checklist: a project may list what the phase needs (attachment_requirements.phase).
	checklist bool
}{
	PhaseApplication:  {"学生提交申请", "未提交", KindRequired, "附件", "提交申请", ActionEdit, ActionEdit, "", true},
	PhasePredeparture: {"学生上传行前材料", "待上传行前材料", KindPredeparture, "行前材料", "提交行前材料", ActionUploadPredeparture, ActionDeletePredeparture, "", true},
	PhaseReturn:       {"学生提交返校总结", "待提交返校总结", KindReturnReport, "返校总结", "返校总结提交", ActionSubmitReturnReport, ActionSubmitReturnReport, "returnDate", false},
	PhaseCredits:      {"学生提交学分认定申请", "待提交学分认定", KindTranscript, "境外成绩单", "提交学分认定申请", ActionCredits, ActionCredits, "", false},
}

// PhaseWork is what the student does in a phase, as the web UI draws its section of 申请查看.
type PhaseWork struct {
	Name          string `json:"name"`
	EditableStage string `json:"editableStage"`
	Submit        string `json:"submit"`      // the message that hands the phase in
	SubmitLabel   string `json:"submitLabel"` // its button's words
	UploadKind    string `json:"uploadKind"`
	UploadLabel   string `json:"uploadLabel"`
	EditAction    Action `json:"editAction"`
	DeleteAction  Action `json:"deleteAction"`
	NotBefore     string `json:"notBefore,omitempty"`
	Checklist     bool   `json:"checklist"`
}

// Work lists each phase's work, in order.
func (d Definition) Work() []PhaseWork {
	out := make([]PhaseWork, len(d.Phases))
	for i, p := range d.Phases {
		w := phaseWork[p.Name]
		out[i] = PhaseWork{Name: p.Name, EditableStage: p.EditableStage, Submit: p.Submit, SubmitLabel: w.submitLabel,
			UploadKind: w.uploadKind, UploadLabel: w.uploadLabel, EditAction: w.editAction, DeleteAction: w.deleteAction, NotBefore: w.notBefore,
			Checklist: w.checklist}
	}
	return out
}

// terminalLabels name the end stages.
var terminalLabels = map[string]string{
	StageCompleted: StatusCompleted, StageRejected: StatusRejected, StageCancelled: StatusCancelled, StageExpired: StatusExpired,
	StageGivenUp: StatusGivenUp, StageNotSelected: StatusNotSelected,
}

// review finds a review stage and its phase.
func (d Definition) review(stage string) (Phase, Review, bool) {
	for _, p := range d.Phases {
		for _, r := range p.Reviews {
			if r.Stage == stage {
				return p, r, true
			}
		}
	}
	return Phase{}, Review{}, false
}

// DistinctFrom names the earlier stage whose approver may not approve stage ("" when any may).
func (d Definition) DistinctFrom(stage string) string {
	_, r, ok := d.review(stage)
	if !ok {
		return ""
	}
	return r.DistinctFrom
}

// PendingStep describes the awaited step of an open application in a phase
// and stage, e.g. 学院审核(未审核); the read model's rows use it too.
func (d Definition) PendingStep(phase, stage string) string {
	if _, r, ok := d.review(stage); ok {
		return r.Label + "(未审核)"
	}
	return phaseWork[phase].step
}

// ReviewStages lists every stage where a reviewer is to act, in the order of the process.
func (d Definition) ReviewStages() []string {
	var out []string
	for _, p := range d.Phases {
		for _, r := range p.Reviews {
			out = append(out, r.Stage)
		}
	}
	return out
}

// FormStage is the only stage in which the application's forms (基本信息,
// 申请信息, 外语水平) may be changed: the application phase's draft.
func (d Definition) FormStage() string {
	i := slices.IndexFunc(d.Phases, func(p Phase) bool { return p.Name == PhaseApplication })
	return d.Phases[i].EditableStage
}

// SectionStage is the stage in which a section of the forms may be changed: the application's
// sections in its draft, 出行信息 while the student works on the 行前材料.
func (d Definition) SectionStage(section string) string {
	if section != SectionTravel {
		return d.FormStage()
	}
	i := slices.IndexFunc(d.Phases, func(p Phase) bool { return p.Name == PhasePredeparture })
	return d.Phases[i].EditableStage
}

// UploadStages lists the stages in which files of a kind may be uploaded:
// a phase's own kind while the student works on it; supplements while under review.
func (d Definition) UploadStages(kind string) []string {
	if kind == KindSupplement {
		return d.ReviewStages()
	}
	if kind == KindChange {
		// A change request's files, while abroad: the return phase's.
		i := slices.IndexFunc(d.Phases, func(p Phase) bool { return p.Name == PhaseReturn })
		return []string{d.Phases[i].EditableStage}
	}
	var out []string
	for _, p := range d.Phases {
		if phaseWork[p.Name].uploadKind == kind {
			out = append(out, p.EditableStage)
		}
	}
	return out
}

// DeletableKind is the kind of file the student may delete in a stage: only
// the current phase's own, while it is editable. Files a phase was decided on
// stay, and so do the files of earlier phases.
func (d Definition) DeletableKind(stage string) (string, bool) {
	for _, p := range d.Phases {
		if p.EditableStage == stage {
			return phaseWork[p.Name].uploadKind, true
		}
	}
	return "", false
}

// UploadLabel names a phase's kind of file as the manual does (行前材料, 返校总结).
func UploadLabel(kind string) string {
	for _, w := range phaseWork {
		if w.uploadKind == kind {
			return w.uploadLabel
		}
	}
	switch kind {
	case KindSupplement:
		return "补交材料附件"
	case KindChange:
		return "变更申请材料"
	}
	return kind
}

// StageLabel names a stage as people read it.
func (d Definition) StageLabel(stage string) string {
	if _, r, ok := d.review(stage); ok {
		return r.Label
	}
	for _, p := range d.Phases {
		if p.EditableStage == stage {
			return phaseWork[p.Name].stageLabel
		}
	}
	if l, ok := terminalLabels[stage]; ok {
		return l
	}
	return stage
}

// Stages lists every stage in the order of the process, the end stages last.
func (d Definition) Stages() []string {
	var out []string
	for _, p := range d.Phases {
		out = append(out, p.EditableStage)
		for _, r := range p.Reviews {
			out = append(out, r.Stage)
		}
	}
	return append(out, StageCompleted, StageRejected, StageCancelled, StageExpired, StageGivenUp, StageNotSelected)
}

// Admits reports whether approving a stage admits the student: it is a review of the application
// phase with no review after it, or the selection stage (the round admits).
func (d Definition) Admits(stage string) bool {
	reviews := d.Phases[0].Reviews
	if i := slices.IndexFunc(reviews, func(r Review) bool { return r.Stage == stage }); i >= 0 && reviews[i].Admission == RoundAdmission {
		return true
	}
	return len(reviews) > 0 && reviews[len(reviews)-1].Stage == stage
}
