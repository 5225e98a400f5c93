package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"outbound/process"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Funding is 资助情况.
type Funding struct {
	Source string   `db:"funding_source" json:"source"`
	Amount *float64 `db:"funding_amount" json:"amount"`
	Note   string   `db:"funding_note" json:"note"`
}

// Application is an application as the read model holds it.
type Application struct {
	ID               int64  `db:"id" json:"id"`
	SystemNo         string `db:"system_no" json:"systemNo"`
	StudentID        int64  `db:"student_id" json:"studentId"`
	ProjectID        int64  `db:"project_id" json:"projectId"`
	ProjectName      string `db:"project_name" json:"projectName"`
	ProjectCode      string `db:"project_code" json:"projectCode"`
	ProjectYear      int    `db:"project_year" json:"projectYear"`
	ProjectCategory  string `db:"project_category" json:"projectCategory"`
	ProjectStartDate string `db:"project_start_date" json:"projectStartDate"`
	ProjectEndDate   string `db:"project_end_date" json:"projectEndDate"`
	// ProjectApplyEnd is when the project's application window closes.
	ProjectApplyEnd time.Time `db:"project_apply_end" json:"-"`
	// Selection: the project chooses by a selection round (the application goes through its stage).
	Selection bool `db:"project_selection" json:"selection"`
	// CreditBearing: the project's returned students ask for 学分认定.
	CreditBearing      bool            `db:"project_credit_bearing" json:"creditBearing"`
	CollegeCode        string          `db:"college_code" json:"collegeCode"`
	CollegeName        string          `db:"college_name" json:"collegeName"`
	Requirements       json.RawMessage `db:"requirements" json:"-"`
	NoticeVersion      string          `db:"notice_version" json:"noticeVersion"`
	NoticeAcceptedAt   time.Time       `db:"notice_accepted_at" json:"noticeAcceptedAt"`
	CommitmentAccepted time.Time       `db:"commitment_accepted_at" json:"commitmentAcceptedAt"`
	// Form is the values of the forms' fields, by the names of process.Form.
	Form process.Values `db:"form" json:"form"`
	// Funding is 资助情况; answered as its own section.
	Funding        `json:"-"`
	BasicSavedAt   *time.Time `db:"basic_saved_at" json:"basicSavedAt"`
	InfoSavedAt    *time.Time `db:"info_saved_at" json:"infoSavedAt"`
	Status         string     `db:"status" json:"status"`
	Phase          string     `db:"phase" json:"phase"`
	Stage          string     `db:"stage" json:"stage"`
	AwaitingRole   string     `db:"awaiting_role" json:"awaitingRole"`
	StageEnteredAt time.Time  `db:"stage_entered_at" json:"stageEnteredAt"`
	ReviewDueAt    *time.Time `db:"review_due_at" json:"reviewDueAt"`
	Overdue        bool       `db:"overdue" json:"overdue"`
	SubmittedAt    *time.Time `db:"submitted_at" json:"submittedAt"`
	AdmittedAt     *time.Time `db:"admitted_at" json:"admittedAt"`
	ClosedAt       *time.Time `db:"closed_at" json:"closedAt"`
	LastEventSeq   int        `db:"last_event_seq" json:"-"`
	SnapshotSHA256 string     `db:"snapshot_sha256" json:"snapshotSha256"`
	CreatedAt      time.Time  `db:"created_at" json:"createdAt"`
	// CheckInDue is when the next 报平安 is due, while the student is abroad; Alerts the office's marks.
	CheckInDue *time.Time     `db:"check_in_due" json:"checkInDue"`
	Alerts     pq.StringArray `db:"alerts" json:"alerts"`
	// ExpectedReturn is the return date as the workflow holds it (YYYY-MM-DD): a change request may move it.
	ExpectedReturn *string `db:"expected_return" json:"expectedReturn"`
	// TravelSavedAt is when 出行信息 was last saved; TravelRequired whether the 行前材料 need it.
	TravelSavedAt  *time.Time `db:"travel_saved_at" json:"travelSavedAt"`
	TravelRequired bool       `db:"travel_required" json:"travelRequired"`
}

// StudentFacts are what the student's 操作 menu depends on, as the read model holds them: a list
// offers the actions without asking each application's workflow.
func (a *Application) StudentFacts() process.StudentFacts {
	f := process.StudentFacts{
		Closed:        a.ClosedAt != nil,
		InReview:      a.ClosedAt == nil && a.AwaitingRole != string(process.RoleStudent),
		Phase:         a.Phase,
		EverSubmitted: a.SubmittedAt != nil,
		// Applications in flight from before these rules are few; their workflow refuses with a message.
		DeleteAndGiveUp: true,
	}
	f.ReturnDate = a.ReturnDate()
	f.WindowCloses = a.ProjectApplyEnd
	f.Abroad = a.CheckInDue != nil && a.ClosedAt == nil
	f.Changes, f.ChangePending = f.Abroad, slices.Contains(a.Alerts, process.AlertChangePending)
	return f
}

// CapturedRequirements decodes the attachment requirements captured at creation.
func (a *Application) CapturedRequirements() ([]Requirement, error) {
	var out []Requirement
	err := json.Unmarshal(a.Requirements, &out)
	return out, err
}

// applicationSelect reads an application whole; listSelect reads it for a list, without personal data.
var applicationSelect, listSelect = applicationColumns(formSelect), applicationColumns(listFormSelect)

func applicationColumns(form string) string {
	return `SELECT ap.id, ap.system_no, ap.student_id, ap.project_id, pr.name AS project_name, pr.code AS project_code,
	pr.year AS project_year, ` + categoryLabel("pr.") + ` AS project_category, to_char(pr.start_date, 'YYYY-MM-DD') AS project_start_date,
	to_char(pr.end_date, 'YYYY-MM-DD') AS project_end_date, pr.apply_end AS project_apply_end, pr.selection IS NOT NULL AS project_selection, pr.credit_bearing AS project_credit_bearing, ap.college_code, c.name AS college_name, ap.requirements,
	ap.notice_version, ap.notice_accepted_at, ap.commitment_accepted_at, ` + form + ` AS form, ap.basic_saved_at, ap.info_saved_at,
	ap.funding_source, ap.funding_amount::float8 AS funding_amount, ap.funding_note,
	ap.status, ap.phase, ap.stage, ap.awaiting_role, ap.stage_entered_at, ap.review_due_at, ap.overdue,
	ap.submitted_at, ap.admitted_at, ap.closed_at, ap.last_event_seq, ap.snapshot_sha256, ap.created_at,
	ap.check_in_due, ap.alerts, to_char(ap.expected_return, 'YYYY-MM-DD') AS expected_return, ap.travel_saved_at, ap.travel_required
	FROM applications ap JOIN projects pr ON pr.id = ap.project_id JOIN colleges c ON c.code = ap.college_code`
}

// NewDraft is what creating an application records.
type NewDraft struct {
	StudentID     int64
	ProjectID     int64
	NoticeVersion string
	AcceptedAt    time.Time
}

// CreateDraft inserts a draft prefilled from the profile, with the project's
// requirements captured. ErrOpenApplication when the student has one open already.
func (s *Store) CreateDraft(ctx context.Context, d NewDraft) (*Application, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var reqs []byte
		if err := tx.GetContext(ctx, &reqs, `SELECT coalesce(json_agg(json_build_object(
				'id', id, 'kind', kind, 'formats', formats, 'maxBytes', max_bytes, 'required', required, 'position', position, 'phase', phase)
				ORDER BY position, id), '[]')
			FROM attachment_requirements WHERE project_id = $1 AND retired_at IS NULL`, d.ProjectID); err != nil {
			return err
		}
		columns, values := formPrefill()
		err := tx.GetContext(ctx, &id, `
			INSERT INTO applications (system_no, student_id, project_id, college_code, requirements,
				notice_version, notice_accepted_at, commitment_accepted_at, `+columns+`)
			SELECT 'TMP-' || gen_random_uuid(), p.account_id, $2, p.college_code, $3, $4, $5, $5, `+values+`
			FROM student_profiles p JOIN accounts a ON a.id = p.account_id
			WHERE p.account_id = $1
			RETURNING id`, d.StudentID, d.ProjectID, reqs, d.NoticeVersion, d.AcceptedAt)
		if err != nil {
			return err
		}
		// 系统编号 like the manual's 1100002164STUEX20230147: the year and the row number.
		_, err = tx.ExecContext(ctx, `UPDATE applications SET system_no = 'STUEX' || to_char(created_at, 'YYYY') || lpad(id::text, 6, '0') WHERE id = $1`, id)
		return err
	})
	if constraintViolated(err, "applications_one_open_per_student") {
		return nil, ErrOpenApplication
	}
	if err != nil {
		return nil, notFound(err)
	}
	return s.ApplicationByID(ctx, id)
}

// DiscardDraft removes a draft whose workflow could not be started, so no half-made application remains.
func (s *Store) DiscardDraft(ctx context.Context, id int64) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM applications WHERE id = $1 AND last_event_seq = 0`, id)
	return err
}

// UnstartedDraft is an open draft that has recorded no event yet, with what
// starting its workflow needs.
type UnstartedDraft struct {
	ID          int64     `db:"id"`
	StudentID   int64     `db:"student_id"`
	StudentName string    `db:"student_name"`
	CollegeCode string    `db:"college_code"`
	CollegeName string    `db:"college_name"`
	DegreeLevel string    `db:"degree_level"`
	ProjectCode string    `db:"project_code"`
	ProjectName string    `db:"project_name"`
	ProjectYear int       `db:"project_year"`
	ApplyStart  time.Time `db:"apply_start"`
	ApplyEnd    time.Time `db:"apply_end"`
}

// UnstartedDrafts lists open drafts created before the given time that have
// recorded no event yet: their workflow may never have started.
func (s *Store) UnstartedDrafts(ctx context.Context, before time.Time) ([]UnstartedDraft, error) {
	var out []UnstartedDraft
	err := s.DB.SelectContext(ctx, &out, `SELECT ap.id, ap.student_id, a.display_name AS student_name, ap.college_code,
			c.name AS college_name, ap.degree_level, pr.code AS project_code, pr.name AS project_name, pr.year AS project_year, pr.apply_start, pr.apply_end
		FROM applications ap JOIN projects pr ON pr.id = ap.project_id JOIN accounts a ON a.id = ap.student_id
		JOIN colleges c ON c.code = ap.college_code
		WHERE ap.last_event_seq = 0 AND ap.closed_at IS NULL AND ap.created_at < $1 ORDER BY ap.id LIMIT 1000`, before)
	return out, err
}

// ApplicationByID returns one application.
func (s *Store) ApplicationByID(ctx context.Context, id int64) (*Application, error) {
	return applicationByID(ctx, s.DB, id)
}

func applicationByID(ctx context.Context, q sqlx.QueryerContext, id int64) (*Application, error) {
	var a Application
	err := sqlx.GetContext(ctx, q, &a, applicationSelect+` WHERE ap.id = $1`, id)
	return &a, notFound(err)
}

// SaveForm writes a section of the forms while the application is editable by its student: the
// section's fields that are not derived, from the values given (absent ones become empty).
func (s *Store) SaveForm(ctx context.Context, id int64, section string, values process.Values) error {
	set, args := formUpdate(section, values)
	stage := pq.QuoteLiteral(process.DefaultDefinition().SectionStage(section))
	res, err := s.DB.ExecContext(ctx, `UPDATE applications SET `+set+`, updated_at = now()
		WHERE id = $1 AND stage = `+stage+` AND `+notSubmitting, append([]any{id}, args...)...)
	return rowsOrConflict(res, err)
}

// rowsOrConflict turns "no row changed" into ErrConflict: the row exists but is not editable now.
func rowsOrConflict(res interface{ RowsAffected() (int64, error) }, err error) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrConflict
	}
	return nil
}

// MarkSubmitting marks an application as being submitted, after the edits in flight have committed.
func (s *Store) MarkSubmitting(ctx context.Context, id int64) error {
	_, err := s.DB.ExecContext(ctx, `UPDATE applications SET submitting_since = now() WHERE id = $1`, id)
	return err
}

// ClearSubmitting lets edits in again after a submission that was refused.
func (s *Store) ClearSubmitting(ctx context.Context, id int64) error {
	_, err := s.DB.ExecContext(ctx, `UPDATE applications SET submitting_since = NULL WHERE id = $1 AND submitting_since IS NOT NULL`, id)
	return err
}

func rowsOrNotFound(res interface{ RowsAffected() (int64, error) }, err error) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ApplicationFilter narrows lists of applications; scope fields come from the signed-in account.
type ApplicationFilter struct {
	StudentID    int64  // a student's own
	CollegeCode  string // a college reviewer's scope
	AwaitingRole string // a review queue
	ProjectID    int64
	Year         int
	Stage        string
	OverdueOnly  bool
	OpenOnly     bool
	// SubmittedOnly hides drafts that were never handed in (staff lists).
	SubmittedOnly bool
	// College is a college by code or by name (an office's filter); CollegeCode is a scope.
	College string
	// Query finds the student's 姓名 or 学号, or the project's 编号 or name, by a part of it.
	Query string
	// Country and PartnerID narrow to the projects in a place or with a host institution.
	Country   string
	PartnerID int64
	Limit     int
	Offset    int
}

// ApplicationList is one page.
type ApplicationList struct {
	Items []Application `json:"items"`
	Total int           `json:"total"`
}

// Applications lists applications; review queues sort by waiting time, a student's own newest first.
func (s *Store) Applications(ctx context.Context, f ApplicationFilter) (*ApplicationList, error) {
	where := []string{"true"}
	var args []any
	add := func(cond string, v any) { where = append(where, condition(&args, cond, v)) }
	if f.StudentID != 0 {
		add("ap.student_id = ?", f.StudentID)
	}
	if f.CollegeCode != "" {
		add("ap.college_code = ?", f.CollegeCode)
	}
	if f.College != "" {
		add("(ap.college_code = ? OR ap.college_code IN (SELECT code FROM colleges WHERE name = ?))", f.College)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		add("(ap.name_cn ILIKE ? OR ap.student_no ILIKE ? OR pr.code ILIKE ? OR pr.name ILIKE ?)", "%"+likeEscaper.Replace(q)+"%")
	}
	if f.AwaitingRole != "" {
		add("ap.awaiting_role = ?", f.AwaitingRole)
	}
	if f.ProjectID != 0 {
		add("ap.project_id = ?", f.ProjectID)
	}
	if f.Year != 0 {
		add("pr.year = ?", f.Year)
	}
	if f.Country != "" {
		add("pr.country_code = ?", f.Country)
	}
	if f.PartnerID != 0 {
		add("pr.partner_id = ?", f.PartnerID)
	}
	if f.Stage != "" {
		add("ap.stage = ?", f.Stage)
	}
	if f.OverdueOnly {
		where = append(where, "ap.overdue")
	}
	if f.SubmittedOnly {
		where = append(where, "ap.submitted_at IS NOT NULL")
	}
	if f.OpenOnly || f.AwaitingRole != "" {
		where = append(where, "ap.closed_at IS NULL")
	}
	cond := strings.Join(where, " AND ")
	order := "ap.id DESC"
	if f.AwaitingRole != "" {
		order = "ap.stage_entered_at, ap.id"
	}
	if f.Limit <= 0 {
		f.Limit = 20
	}
	out := &ApplicationList{Items: []Application{}}
	// Counted apart: a count over the window would make every page of a long queue read the whole queue.
	if err := s.DB.GetContext(ctx, &out.Total, `SELECT count(*) FROM applications ap JOIN projects pr ON pr.id = ap.project_id WHERE `+cond, args...); err != nil {
		return nil, err
	}
	args = append(args, f.Limit, f.Offset)
	err := s.DB.SelectContext(ctx, &out.Items, listSelect+` WHERE `+cond+` ORDER BY `+order+
		` LIMIT $`+strconv.Itoa(len(args)-1)+` OFFSET $`+strconv.Itoa(len(args)), args...)
	return out, err
}

// TimelineEvent is a row of 进度信息 / 历史记录.
type TimelineEvent struct {
	Seq        int             `db:"seq" json:"seq"`
	Kind       string          `db:"kind" json:"kind"`
	Step       string          `db:"step" json:"step"`
	ActorName  string          `db:"actor_name" json:"actorName"`
	ActorRole  string          `db:"actor_role" json:"actorRole"`
	Opinion    string          `db:"opinion" json:"opinion"`
	Detail     json.RawMessage `db:"detail" json:"detail"`
	OccurredAt time.Time       `db:"occurred_at" json:"occurredAt"`
}

// Timeline lists an application's events in order.
func (s *Store) Timeline(ctx context.Context, applicationID int64) ([]TimelineEvent, error) {
	out := []TimelineEvent{}
	err := s.DB.SelectContext(ctx, &out, `SELECT seq, kind, step, actor_name, actor_role, opinion, detail, occurred_at
		FROM timeline_events WHERE application_id = $1 ORDER BY seq`, applicationID)
	return out, err
}

// OpenApplication is a student's application that has not ended, if any: each student has at most one.
func (s *Store) OpenApplication(ctx context.Context, studentID int64) (*ApplicationSummaryRef, error) {
	var out ApplicationSummaryRef
	err := s.DB.GetContext(ctx, &out, `SELECT ap.id, ap.project_id, pr.name AS project_name FROM applications ap
		JOIN projects pr ON pr.id = ap.project_id WHERE ap.student_id = $1 AND ap.closed_at IS NULL AND ap.phase <> 'credits' LIMIT 1`, studentID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &out, err
}

// ApplicationSummaryRef names an application and its project.
type ApplicationSummaryRef struct {
	ID          int64  `db:"id" json:"id"`
	ProjectID   int64  `db:"project_id" json:"projectId"`
	ProjectName string `db:"project_name" json:"projectName"`
}

// Approvers finds, for each application, who approved its latest decision at a stage: the
// first reviewer that a second review must not be.
func (s *Store) Approvers(ctx context.Context, applicationIDs []int64, stage string) (map[int64]int64, error) {
	var rows []struct {
		ApplicationID int64 `db:"application_id"`
		ActorID       int64 `db:"actor_id"`
	}
	err := s.DB.SelectContext(ctx, &rows, `SELECT DISTINCT ON (application_id) application_id, coalesce(actor_id, 0) AS actor_id
		FROM timeline_events WHERE application_id = ANY($1) AND kind = 'decided' AND detail->>'stage' = $2 AND detail->>'decision' = 'approve'
		ORDER BY application_id, seq DESC`, pq.Int64Array(applicationIDs), stage)
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.ApplicationID] = r.ActorID
	}
	return out, err
}

// likeEscaper makes a search word match itself in ILIKE: % and _ are not wildcards there.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// ReturnDate is the return date as it stands: the workflow's (a change request may have moved it),
// else the form's.
func (a *Application) ReturnDate() time.Time {
	if a.ExpectedReturn != nil {
		if t, ok := process.ParseDate(*a.ExpectedReturn); ok {
			return t
		}
	}
	t, _ := a.Form.Date("returnDate")
	return t
}

// TravelProblems are what 出行信息 gets wrong against the stay, by field.
func (a *Application) TravelProblems() map[string]string {
	return process.TravelProblems(a.Form, process.StayDeparture(a.Form), a.ReturnDate())
}
