package service

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"
	"golang.org/x/sync/errgroup"

	"outbound/activities"
	"outbound/process"
	"outbound/storage"
	"outbound/workflows"
)

// RequirementFiles is a row of 附件信息: a requirement and its uploaded files.
type RequirementFiles struct {
	storage.Requirement
	Files []storage.Attachment `json:"files"`
}

// LabelledAction is an entry of the 操作 menu with its words.
type LabelledAction struct {
	Action process.Action `json:"action"`
	Label  string         `json:"label"`
}

// ApplicationDetail is 申请查看: 进度信息, 基本信息, 详细信息, 资助情况, 附件信息, 历史记录.
type ApplicationDetail struct {
	Application    *storage.Application    `json:"application"`
	Funding        storage.Funding         `json:"funding"`
	LanguageScores []storage.LanguageScore `json:"languageScores"`
	Awards         []storage.Award         `json:"awards"`
	Requirements   []RequirementFiles      `json:"requirements"`
	OtherFiles     []storage.Attachment    `json:"otherFiles"`
	Timeline       []storage.TimelineEvent `json:"timeline"`
	CheckIns       []storage.CheckInRow    `json:"checkIns"`
	// ChangeRequest is the change request under review while abroad, if any; Passport is 证照交还.
	ChangeRequest *workflows.ChangeView   `json:"changeRequest,omitempty"`
	Passport      *workflows.PassportView `json:"passport,omitempty"`
	// TravelProblems are what 出行信息 gets wrong against the stay, by field, for the student and the 行前 reviewers.
	TravelProblems map[string]string `json:"travelProblems,omitempty"`
	PendingStep    string            `json:"pendingStep"`
	Actions        []LabelledAction  `json:"actions"`
	TemporalURL    string            `json:"temporalUrl"`
	// Applicant is who applies, beside the decision form: 学习经历 and whether a photo is on file;
	// for the offices only.
	Applicant *Applicant `json:"applicant,omitempty"`
	// Changes are what differs from the submission before the latest, for a resubmission.
	Changes []Change `json:"changes"`
	// DecideBlocked says why a reviewer of the awaited role is not offered 审核.
	DecideBlocked string `json:"decideBlocked,omitempty"`
	// WithdrawEnds: withdrawing now would end the chance to hand the application in again (the
	// window has closed); the student is told before confirming.
	WithdrawEnds bool `json:"withdrawEnds,omitempty"`
}

// Applicant is the applicant's profile as reviewers see it beside the application.
type Applicant struct {
	HasPhoto            bool                         `json:"hasPhoto"`
	PhotoCheckResult    string                       `json:"photoCheckResult"`
	LearningExperiences []storage.LearningExperience `json:"learningExperiences"`
}

// Detail is the whole of an application the caller may see.
func (s *Service) Detail(ctx context.Context, who Caller, id int64) (*ApplicationDetail, error) {
	app, err := s.Application(ctx, who, id)
	if err != nil {
		return nil, err
	}
	return s.detail(ctx, who, app.ID, app, nil)
}

// detailOf answers a change with the application as it is now; view is the
// workflow's state when the caller has it already (a message's answer).
func (s *Service) detailOf(ctx context.Context, who Caller, id int64, view *workflows.View) (*ApplicationDetail, error) {
	return s.detail(ctx, who, id, nil, view)
}

// detail reads the parts of an application at once (app too, when nil): they are independent
// reads, and one after the other they would add up in every answer.
func (s *Service) detail(ctx context.Context, who Caller, id int64, app *storage.Application, view *workflows.View) (*ApplicationDetail, error) {
	var (
		scores   []storage.LanguageScore
		awards   []storage.Award
		files    []storage.Attachment
		timeline []storage.TimelineEvent
		checkIns []storage.CheckInRow
		// The applicant and the changes are for the offices, who decide on someone else's
		// application; a student's own pages, and the answers to their messages, go without them.
		staff     = who.Role() != process.RoleStudent
		applicant *Applicant
		changes   = []Change{}
	)
	g, gctx := errgroup.WithContext(ctx)
	if app == nil {
		g.Go(func() (err error) { app, err = s.Store.ApplicationByID(gctx, id); return err })
	}
	g.Go(func() (err error) { scores, err = s.Store.LanguageScores(gctx, id); return err })
	g.Go(func() (err error) { awards, err = s.Store.Awards(gctx, id); return err })
	g.Go(func() (err error) { files, err = s.Store.Attachments(gctx, id); return err })
	g.Go(func() (err error) { timeline, err = s.Store.Timeline(gctx, id); return err })
	g.Go(func() (err error) { checkIns, err = s.Store.CheckIns(gctx, id); return err })
	if staff {
		g.Go(func() (err error) { changes, err = s.changes(gctx, id); return err })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if staff {
		var err error
		if applicant, err = s.applicant(ctx, app.StudentID); err != nil {
			return nil, err
		}
	}
	reqs, err := app.CapturedRequirements()
	if err != nil {
		return nil, err
	}
	byReq := make([]RequirementFiles, len(reqs))
	others := []storage.Attachment{}
	for i, r := range reqs {
		byReq[i] = RequirementFiles{Requirement: r, Files: []storage.Attachment{}}
	}
	for _, f := range files {
		i := -1
		if f.RequirementID != nil {
			i = slices.IndexFunc(reqs, func(r storage.Requirement) bool { return r.ID == *f.RequirementID })
		}
		if i >= 0 {
			byReq[i].Files = append(byReq[i].Files, f)
		} else {
			others = append(others, f)
		}
	}
	if view == nil {
		view = s.queryView(ctx, app.ID)
	}
	actions, blocked := allowedFor(who, app, view)
	var change *workflows.ChangeView
	var passport *workflows.PassportView
	if view != nil {
		change, passport = view.Change, view.Passport
	}
	labelled := make([]LabelledAction, len(actions))
	for i, a := range actions {
		labelled[i] = LabelledAction{Action: a, Label: process.ActionLabels[a]}
	}
	return &ApplicationDetail{
		Application: app, Funding: app.Funding, LanguageScores: scores, Awards: awards, Requirements: byReq, OtherFiles: others,
		Timeline: timeline, CheckIns: checkIns, ChangeRequest: change, Passport: passport, TravelProblems: app.TravelProblems(), PendingStep: s.pendingStep(app), Actions: labelled, TemporalURL: s.temporalURL(app.ID),
		Applicant: applicant, Changes: changes, DecideBlocked: blocked, WithdrawEnds: view != nil && view.WithdrawEnds,
	}, nil
}

func (s *Service) applicant(ctx context.Context, studentID int64) (*Applicant, error) {
	p, err := s.Store.ProfileByAccount(ctx, studentID)
	if err != nil {
		return nil, err
	}
	experiences, err := s.Store.LearningExperiences(ctx, studentID)
	if err != nil {
		return nil, err
	}
	return &Applicant{HasPhoto: p.PhotoAttachmentID != nil, PhotoCheckResult: p.PhotoCheckResult, LearningExperiences: nonNil(experiences)}, nil
}

// changes compares the latest submission with the one before, when there are two.
func (s *Service) changes(ctx context.Context, id int64) ([]Change, error) {
	snaps, err := s.Store.LastSnapshots(ctx, id, 2)
	if err != nil || len(snaps) < 2 {
		return []Change{}, err
	}
	return changesBetween(snaps[1], snaps[0])
}

// NextStep is what an application waits for, in words, and what the student still has to add.
type NextStep struct {
	// Student: the student is the one to act now.
	Student bool                 `json:"student"`
	Missing []activities.Problem `json:"missing"`
}

// Next says whose turn it is and, when it is the student's, what the current phase still lacks
// (the submission's own check, so 下一步 and 提交 never disagree).
func (s *Service) Next(ctx context.Context, who Caller, id int64) (*NextStep, error) {
	app, err := s.Application(ctx, who, id)
	if err != nil {
		return nil, err
	}
	out := &NextStep{Missing: []activities.Problem{}}
	if app.ClosedAt != nil || app.AwaitingRole != string(process.RoleStudent) {
		return out, nil
	}
	out.Student = true
	f, err := s.Store.SubmissionFacts(ctx, app)
	if err != nil {
		return nil, err
	}
	missing, err := activities.Missing(app.Phase, f)
	if err != nil {
		return nil, err
	}
	if missing != nil {
		out.Missing = missing
	}
	return out, nil
}

// ApplicationQR is a QR code (PNG) of the application's page, printed on its 申请表 so that staff
// open the application from the paper; only those who may see the application get it.
func (s *Service) ApplicationQR(ctx context.Context, who Caller, id int64) ([]byte, error) {
	if _, err := s.Application(ctx, who, id); err != nil {
		return nil, err
	}
	return qrcode.Encode(s.Config.ApplicationURL(id), qrcode.Medium, 256)
}

// ApplicantPhoto is the photo of an application's student, for whoever may see the application.
func (s *Service) ApplicantPhoto(ctx context.Context, who Caller, id int64) (*storage.Attachment, error) {
	app, err := s.Application(ctx, who, id)
	if err != nil {
		return nil, err
	}
	p, err := s.Store.ProfileByAccount(ctx, app.StudentID)
	if err != nil {
		return nil, err
	}
	if p.PhotoAttachmentID == nil {
		return nil, NotFound("照片")
	}
	return s.Store.AttachmentByID(ctx, *p.PhotoAttachmentID)
}

// pendingStep is the unfinished row of 进度信息, from the read model.
func (s *Service) pendingStep(app *storage.Application) string {
	if app.ClosedAt != nil {
		return ""
	}
	return s.Process.PendingStep(app.Phase, app.Stage)
}

func (s *Service) temporalURL(id int64) string {
	if s.Config.Temporal.UIURL == "" {
		return ""
	}
	return strings.TrimRight(s.Config.Temporal.UIURL, "/") + "/namespaces/" + s.Config.Temporal.Namespace + "/workflows/" + workflows.WorkflowID(id)
}

// queryView asks an application's workflow for its state; nil when it cannot
// answer (ended long ago, or Temporal is down).
func (s *Service) queryView(ctx context.Context, id int64) *workflows.View {
	qctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	res, err := s.Temporal.QueryWorkflow(qctx, workflows.WorkflowID(id), "", workflows.QueryState)
	if err != nil {
		return nil
	}
	var v workflows.View
	if err := res.Get(&v); err != nil {
		return nil
	}
	return &v
}

// allowedFor narrows the workflow's actions for a role to the caller's scope, and says why a
// reviewer of the awaited role is not offered 审核 (blocked, "" when they are or are not awaited).
func allowedFor(who Caller, app *storage.Application, v *workflows.View) (actions []process.Action, blocked string) {
	awaited := app.ClosedAt == nil && string(who.Role()) == app.AwaitingRole && who.Role() != process.RoleStudent
	if v == nil {
		if awaited {
			blocked = "暂时无法读取该申请的审核状态，请稍后刷新"
		}
		return []process.Action{process.ActionView, process.ActionTrack}, blocked
	}
	actions = v.Allowed[who.Role()]
	switch {
	case who.Role().Spec().Scope == process.ScopeCollege && who.College() != app.CollegeCode:
		blocked = "只能审核本学院学生的申请"
	case slices.Contains(v.DecideExcluded, who.ID):
		blocked = sameReviewer
	}
	if blocked != "" {
		actions = slices.DeleteFunc(slices.Clone(actions), func(a process.Action) bool { return a == process.ActionDecide })
	}
	if !awaited || slices.Contains(actions, process.ActionDecide) {
		blocked = ""
	}
	if len(actions) == 0 {
		actions = []process.Action{process.ActionView, process.ActionTrack}
	}
	return actions, blocked
}
