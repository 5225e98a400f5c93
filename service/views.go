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

// ListFilter narrows a list of applications.
type ListFilter struct {
	Stage       string
	ProjectID   int64
	Year        int
	OverdueOnly bool
	// College narrows offices' and administrators' lists; a college reviewer always sees their own.
	College string
	// Role narrows an administrator's queue to what awaits that role.
	Role string
	// Query finds applications by the student's 姓名 or 学号, or the project's 编号 or name.
	Query string
	// Country and PartnerID: the projects in a place, or with a host institution (the dashboard's bars).
	Country   string
	PartnerID int64
	Paging
}

// check refuses filter words the database could not compare.
func (in ListFilter) check() error {
	f := fields{}
	f.text("stage", "环节", in.Stage, 64)
	f.text("college", "学院", in.College, 64)
	f.text("role", "角色", in.Role, 64)
	f.text("q", "关键词", in.Query, 100)
	if _, ok := process.PlaceOf(in.Country); in.Country != "" && !ok {
		f.add("country", "国家(地区)不在列表中")
	}
	return f.err()
}

// scoped applies the caller's scope to a list filter: a student sees their
// own applications, a college reviewer their college's submitted ones,
// offices every submitted one, administrators every one.
func scoped(who Caller, in ListFilter) storage.ApplicationFilter {
	f := storage.ApplicationFilter{Stage: in.Stage, ProjectID: in.ProjectID, Year: in.Year, OverdueOnly: in.OverdueOnly, Query: in.Query,
		Country: in.Country, PartnerID: in.PartnerID}
	switch who.Role().Spec().Scope {
	case process.ScopeOwn:
		f.StudentID = who.ID
	case process.ScopeCollege:
		f.CollegeCode = who.College()
		f.SubmittedOnly = true
	case process.ScopeAll:
		f.College = in.College
	default:
		f.College = in.College
		f.SubmittedOnly = true
	}
	return f
}

// ApplicationSummary is an application as a list shows it. It carries no
// 身份证号, passport, phone, e-mail, address or emergency contact: lists are
// seen by everyone in a scope, the detail only by those who review it.
type ApplicationSummary struct {
	ID          int64  `json:"id"`
	SystemNo    string `json:"systemNo"`
	StudentID   int64  `json:"studentId"`
	NameCN      string `json:"nameCn"`
	StudentNo   string `json:"studentNo"`
	CollegeCode string `json:"collegeCode"`
	CollegeName string `json:"collegeName"`
	Major       string `json:"major"`
	DegreeLevel string `json:"degreeLevel"`
	// Graduate routes the application through the reviews for graduate applicants.
	Graduate bool `json:"graduate"`
	// Selection: the project chooses by a selection round.
	Selection bool `json:"selection"`
	// Credits: the project's returned students ask for 学分认定.
	Credits         bool       `json:"credits"`
	Grade           string     `json:"grade"`
	ProjectID       int64      `json:"projectId"`
	ProjectName     string     `json:"projectName"`
	ProjectCode     string     `json:"projectCode"`
	ProjectYear     int        `json:"projectYear"`
	ProjectCategory string     `json:"projectCategory"`
	DepartureDate   *string    `json:"departureDate"`
	ReturnDate      *string    `json:"returnDate"`
	Status          string     `json:"status"`
	Phase           string     `json:"phase"`
	Stage           string     `json:"stage"`
	AwaitingRole    string     `json:"awaitingRole"`
	StageEnteredAt  time.Time  `json:"stageEnteredAt"`
	ReviewDueAt     *time.Time `json:"reviewDueAt"`
	Overdue         bool       `json:"overdue"`
	SubmittedAt     *time.Time `json:"submittedAt"`
	AdmittedAt      *time.Time `json:"admittedAt"`
	ClosedAt        *time.Time `json:"closedAt"`
	// The stay abroad: the next 报平安's due time, the return date as it stands, the office's marks.
	CheckInDue     *time.Time `json:"checkInDue"`
	ExpectedReturn *string    `json:"expectedReturn"`
	Alerts         []string   `json:"alerts"`
}

func summaryOf(a *storage.Application) ApplicationSummary {
	return ApplicationSummary{ID: a.ID, SystemNo: a.SystemNo, StudentID: a.StudentID, NameCN: a.Form.Text("nameCn"),
		StudentNo: a.Form.Text("studentNo"), CollegeCode: a.CollegeCode, CollegeName: a.CollegeName, Major: a.Form.Text("major"),
		DegreeLevel: a.Form.Text("degreeLevel"), Graduate: process.IsGraduate(a.Form.Text("degreeLevel")), Selection: a.Selection, Credits: a.CreditBearing, Grade: a.Form.Text("grade"),
		ProjectID: a.ProjectID, ProjectName: a.ProjectName, ProjectCode: a.ProjectCode, ProjectYear: a.ProjectYear,
		ProjectCategory: a.ProjectCategory, DepartureDate: optional(a.Form.Text("departureDate")),
		ReturnDate: optional(a.Form.Text("returnDate")), Status: a.Status,
		Phase: a.Phase, Stage: a.Stage, AwaitingRole: a.AwaitingRole, StageEnteredAt: a.StageEnteredAt, ReviewDueAt: a.ReviewDueAt,
		Overdue: a.Overdue, SubmittedAt: a.SubmittedAt, AdmittedAt: a.AdmittedAt, ClosedAt: a.ClosedAt,
		CheckInDue: a.CheckInDue, ExpectedReturn: a.ExpectedReturn, Alerts: append([]string{}, a.Alerts...)}
}

// ApplicationRow is a row of a list of applications.
type ApplicationRow struct {
	No          int                `json:"no"`
	Application ApplicationSummary `json:"application"`
	// Actions is the 操作 menu, on a student's own list.
	Actions []process.Action `json:"actions,omitempty"`
	// WithdrawEnds: withdrawing now would end the chance to hand the application in again.
	WithdrawEnds bool `json:"withdrawEnds,omitempty"`
}

// Applications is 行前手续及回国手续申请 for students and the scoped list for staff.
func (s *Service) Applications(ctx context.Context, who Caller, in ListFilter) (*Page[ApplicationRow], error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	f := scoped(who, in)
	var pageNo int
	f.Limit, f.Offset, pageNo = in.bounds()
	list, err := s.Store.Applications(ctx, f)
	if err != nil {
		return nil, err
	}
	rows := make([]ApplicationRow, len(list.Items))
	now := time.Now()
	for i := range list.Items {
		app := &list.Items[i]
		rows[i] = ApplicationRow{No: f.Offset + i + 1, Application: summaryOf(app)}
		if who.Role() == process.RoleStudent {
			// The 操作 menu follows from the read model by the workflow's own rules (process.StudentActions).
			facts := app.StudentFacts()
			rows[i].Actions, rows[i].WithdrawEnds = process.StudentActions(facts, now), facts.WithdrawEnds(now)
		}
	}
	return &Page[ApplicationRow]{Items: rows, Total: list.Total, Page: pageNo, PageSize: f.Limit}, nil
}

// QueueRow is a row of a reviewer's queue.
type QueueRow struct {
	No           int                `json:"no"`
	Application  ApplicationSummary `json:"application"`
	WaitingHours int                `json:"waitingHours"`
	PendingStep  string             `json:"pendingStep"`
	// Blocked says why the caller may not decide this one although it waits for their role.
	Blocked string `json:"blocked,omitempty"`
}

// sameReviewer is why a second review is not offered to its first reviewer.
const sameReviewer = "初审与复审须由不同的人完成：您已完成本申请的初审，请由另一位审核员复审"

// ReviewQueue lists what awaits the caller's role, oldest first, within scope.
func (s *Service) ReviewQueue(ctx context.Context, who Caller, in ListFilter) (*Page[QueueRow], error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	limit, offset, pageNo := in.bounds()
	f := storage.ApplicationFilter{Limit: limit, Offset: offset, AwaitingRole: string(who.Role()), Stage: in.Stage,
		ProjectID: in.ProjectID, Year: in.Year, OverdueOnly: in.OverdueOnly, Query: in.Query}
	switch who.Role().Spec().Scope {
	case process.ScopeCollege:
		f.CollegeCode = who.College()
	case process.ScopeAll:
		f.AwaitingRole = in.Role
		f.OpenOnly = true
		f.College = in.College
	default:
		f.College = in.College
	}
	list, err := s.Store.Applications(ctx, f)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	rows := make([]QueueRow, len(list.Items))
	// Second reviews this reviewer did the first of: listed, but not offered (the workflow would refuse).
	firstStages := map[string][]int64{}
	for i := range list.Items {
		app := &list.Items[i]
		rows[i] = QueueRow{No: offset + i + 1, Application: summaryOf(app), WaitingHours: int(now.Sub(app.StageEnteredAt).Hours()), PendingStep: s.pendingStep(app)}
		if first := s.Process.DistinctFrom(app.Stage); first != "" && who.Role() != process.RoleAdmin {
			firstStages[first] = append(firstStages[first], app.ID)
		}
	}
	for stage, ids := range firstStages {
		approvers, err := s.Store.Approvers(ctx, ids, stage)
		if err != nil {
			return nil, err
		}
		for i := range rows {
			if approvers[rows[i].Application.ID] == who.ID {
				rows[i].Blocked = sameReviewer
			}
		}
	}
	return &Page[QueueRow]{Items: rows, Total: list.Total, Page: pageNo, PageSize: limit}, nil
}

// optional is nil for an empty text, as the list's JSON has it.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
