package service

import "outbound/process"

// Labelled is a code with the words people read for it.
type Labelled struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Section is a section of the forms and the stage in which the student may change it.
type Section struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	Stage string `json:"stage"`
}

// Rules is the process definition as the web UI needs it, so that it keeps no copy of its own.
type Rules struct {
	Stages []Labelled         `json:"stages"`
	Roles  []process.RoleSpec `json:"roles"`
	// Journey is the student's tracker; Signatures the printed 申请表's blocks; AdmissionStages
	// the stages whose approval admits (where 资助情况 is recorded).
	Journey    []process.JourneyStep `json:"journey"`
	Signatures []process.Signature   `json:"signatures"`
	// CreditSignatures are the printed 学分认定表's blocks.
	CreditSignatures []process.Signature `json:"creditSignatures"`
	AdmissionStages  []string            `json:"admissionStages"`
	// FormStage is the stage in which the student may change the forms.
	FormStage string `json:"formStage"`
	// Phases are what the student does in each phase; 申请查看 has a section for each.
	Phases          []process.PhaseWork `json:"phases"`
	Actions         map[string]string   `json:"actions"`
	DegreeLevels    []string            `json:"degreeLevels"`
	FundingKinds    []string            `json:"fundingKinds"`
	DefaultFormats  []string            `json:"defaultFormats"`
	PhotoFormats    []string            `json:"photoFormats"`
	DefaultMaxBytes int64               `json:"defaultMaxBytes"`
	MaxOpinionRunes int                 `json:"maxOpinionRunes"`
	// MaxOpinionPhrases is how many ready-made opinions the office may keep per decision.
	MaxOpinionPhrases int             `json:"maxOpinionPhrases"`
	ProfileRequired   []process.Field `json:"profileRequired"`
	// Form is the catalogue of the application's forms: the web forms, the detail and the printed
	// 申请表 are drawn from it.
	Form     []process.FormField `json:"form"`
	Sections []Section           `json:"sections"`
	// CheckInStatuses and Alerts are the stay abroad's words (报平安, the office's marks).
	CheckInStatuses []process.Option `json:"checkInStatuses"`
	Alerts          []Labelled       `json:"alerts"`
	ChangeKinds     []process.Option `json:"changeKinds"`
	// CreditKinds and LineDecisions are 学分认定's words: what a line asks for, and a review's decision on it.
	CreditKinds   []process.Option `json:"creditKinds"`
	LineDecisions []process.Option `json:"lineDecisions"`
	// Places are the countries and regions a project may name; TermLengths its 项目期限.
	Places      []process.Place `json:"places"`
	TermLengths []string        `json:"termLengths"`
	// ProjectCategories are a project's 项目类型; ProjectChoices the words of its other fields
	// (nature, feeMode, teachingMode); Grades the 年级 a project may admit.
	ProjectCategories []string            `json:"projectCategories"`
	ProjectChoices    map[string][]string `json:"projectChoices"`
	Grades            []string            `json:"grades"`
	// Decisions are a reviewer's decisions in words (the office's ready-made opinions for each are
	// at /opinion-phrases).
	Decisions []process.Option `json:"decisions"`
	// CampusEvents are the events campus systems may be told of.
	CampusEvents []process.Option `json:"campusEvents"`
}

// Rules describes the process new applications follow.
func (s *Service) Rules() Rules {
	r := Rules{
		Actions: map[string]string{}, DegreeLevels: process.DegreeLevels, FundingKinds: process.FundingKinds,
		DefaultFormats: process.DefaultFormats, PhotoFormats: process.PhotoFormats, DefaultMaxBytes: s.Config.Upload.MaxBytes,
		MaxOpinionRunes: process.MaxOpinionRunes, MaxOpinionPhrases: process.MaxOpinionPhrases, ProfileRequired: process.ProfileRequired,
		Form: process.Form, CheckInStatuses: process.CheckInStatuses, ChangeKinds: process.ChangeKinds,
		CreditKinds: process.CreditKinds, LineDecisions: process.LineDecisions, Places: process.Places, TermLengths: process.TermLengths,
		Decisions: process.Decisions, CampusEvents: process.CampusEvents, ProjectCategories: process.ProjectCategories,
		ProjectChoices: process.ProjectChoices, Grades: process.Grades,
		Alerts: []Labelled{{process.AlertMissedCheckIn, process.AlertLabels[process.AlertMissedCheckIn]}, {process.AlertNeedsHelp, process.AlertLabels[process.AlertNeedsHelp]},
			{process.AlertChangePending, process.AlertLabels[process.AlertChangePending]},
			{process.AlertPassportOverdue, process.AlertLabels[process.AlertPassportOverdue]}},
	}
	for _, section := range []string{process.SectionBasic, process.SectionApply, process.SectionTravel} {
		r.Sections = append(r.Sections, Section{Code: section, Label: process.SectionLabels[section], Stage: s.Process.SectionStage(section)})
	}
	for _, stage := range s.Process.Stages() {
		r.Stages = append(r.Stages, Labelled{Code: stage, Label: s.Process.StageLabel(stage)})
	}
	r.Roles = process.RoleSpecs
	r.Journey, r.Signatures, r.FormStage = s.Process.Journey(), s.Process.Signatures(), s.Process.FormStage()
	r.CreditSignatures = s.Process.SignaturesOf(process.PhaseCredits)
	r.Phases = s.Process.Work()
	for _, stage := range s.Process.Stages() {
		if s.Process.Admits(stage) {
			r.AdmissionStages = append(r.AdmissionStages, stage)
		}
	}
	for a, label := range process.ActionLabels {
		r.Actions[string(a)] = label
	}
	return r
}
