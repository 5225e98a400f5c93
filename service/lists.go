package service

// Lists of applications: a student's own, the offices' lists and the review queues, each scoped
// to the caller.

import (
	"context"
	"time"

	"outbound/process"
	"outbound/storage"
)

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
