package storage

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"time"

	"github.com/lib/pq"

	"outbound/process"
)

// RoundSettings is a project's selection settings as stored (JSONB).
type RoundSettings struct{ process.Selection }

// Scan reads the settings from their column.
func (r *RoundSettings) Scan(src any) error {
	b, ok := src.([]byte)
	if !ok {
		return errors.New("selection settings: not JSON")
	}
	return json.Unmarshal(b, &r.Selection)
}

// Value writes the settings to their column.
func (r *RoundSettings) Value() (driver.Value, error) {
	if r == nil {
		return nil, nil
	}
	return json.Marshal(r.Selection)
}

// ProjectHasApplications reports whether anyone has applied to a project (its round's settings are then frozen).
func (s *Store) ProjectHasApplications(ctx context.Context, projectID int64) (bool, error) {
	var any bool
	err := s.DB.GetContext(ctx, &any, `SELECT EXISTS (SELECT 1 FROM applications WHERE project_id = $1)`, projectID)
	return any, err
}

// RoundRow is a selection round as its workflow last recorded it.
type RoundRow struct {
	ID          string          `db:"id"`
	ProjectID   int64           `db:"project_id"`
	Year        int             `db:"year"`
	Stage       string          `db:"stage"`
	Seq         int             `db:"seq"`
	State       json.RawMessage `db:"state"`
	PublicUntil *time.Time      `db:"public_until"`
	UpdatedAt   time.Time       `db:"updated_at"`
}

// SaveRound writes a round's state unless a newer one is already there (activities may repeat).
func (s *Store) SaveRound(ctx context.Context, r RoundRow) error {
	_, err := s.DB.ExecContext(ctx, `INSERT INTO selection_rounds (id, project_id, year, stage, seq, state, public_until)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET stage = excluded.stage, seq = excluded.seq, state = excluded.state,
			public_until = excluded.public_until, updated_at = now()
		WHERE selection_rounds.seq <= excluded.seq`, r.ID, r.ProjectID, r.Year, r.Stage, r.Seq, []byte(r.State), r.PublicUntil)
	return err
}

// RoundByID is one round.
func (s *Store) RoundByID(ctx context.Context, id string) (*RoundRow, error) {
	var r RoundRow
	err := s.DB.GetContext(ctx, &r, `SELECT id, project_id, year, stage, seq, state, public_until, updated_at
		FROM selection_rounds WHERE id = $1`, id)
	return &r, notFound(err)
}

// PublicRounds lists the rounds whose 公示 is on now (a 候补 moved up has one of their own).
func (s *Store) PublicRounds(ctx context.Context, now time.Time) ([]RoundRow, error) {
	out := []RoundRow{}
	err := s.DB.SelectContext(ctx, &out, `SELECT id, project_id, year, stage, seq, state, public_until, updated_at
		FROM selection_rounds WHERE stage <> 'closed' AND public_until > $1 ORDER BY public_until`, now)
	return out, err
}

// Applicant is what the round's pages show of a candidate, from the read model.
type Applicant struct {
	ApplicationID int64    `db:"id" json:"-"`
	Name          string   `db:"name_cn" json:"name"`
	StudentNo     string   `db:"student_no" json:"studentNo"`
	CollegeCode   string   `db:"college_code" json:"collegeCode"`
	CollegeName   string   `db:"college_name" json:"collegeName"`
	Major         string   `db:"major" json:"major"`
	GPA           *float64 `db:"gpa" json:"gpa"`
}

// Applicants reads the candidates of a round by application.
func (s *Store) Applicants(ctx context.Context, ids []int64) (map[int64]Applicant, error) {
	var rows []Applicant
	err := s.DB.SelectContext(ctx, &rows, `SELECT a.id, a.name_cn, a.student_no, a.college_code,
			coalesce(c.name, a.college_code) AS college_name, a.major, a.gpa
		FROM applications a LEFT JOIN colleges c ON c.code = a.college_code
		WHERE a.id = ANY($1)`, pq.Int64Array(ids))
	out := make(map[int64]Applicant, len(rows))
	for _, r := range rows {
		out[r.ApplicationID] = r
	}
	return out, err
}

// CalendarExceptions lists the office's calendar between two days: a day listed is a holiday
// (false) or a 调休 working weekend (true).
func (s *Store) CalendarExceptions(ctx context.Context, from, to time.Time) (map[string]bool, error) {
	var rows []CalendarDay
	err := s.DB.SelectContext(ctx, &rows, `SELECT to_char(day, 'YYYY-MM-DD') AS day, working, note FROM calendar_days
		WHERE day BETWEEN $1::date AND $2::date`, from.Format("2006-01-02"), to.Format("2006-01-02"))
	out := make(map[string]bool, len(rows))
	for _, r := range rows {
		out[r.Day] = r.Working
	}
	return out, err
}

// PendingBeforeSelection counts a project's applications still in the reviews before its selection
// stage: the round's list is not proposed while they may yet join.
func (s *Store) PendingBeforeSelection(ctx context.Context, projectID int64, stages []string) (int, error) {
	var n int
	err := s.DB.GetContext(ctx, &n, `SELECT count(*) FROM applications WHERE project_id = $1 AND closed_at IS NULL AND stage = ANY($2)`,
		projectID, pq.StringArray(stages))
	return n, err
}

// RoundListRow is a round as the index of rounds lists it.
type RoundListRow struct {
	RoundRow
	ProjectName string `db:"project_name"`
	ProjectCode string `db:"project_code"`
}

// Rounds lists every round, the running ones first, the newest first.
func (s *Store) Rounds(ctx context.Context) ([]RoundListRow, error) {
	out := []RoundListRow{}
	err := s.DB.SelectContext(ctx, &out, `SELECT r.id, r.project_id, r.year, r.stage, r.seq, r.state, r.public_until, r.updated_at,
			p.name AS project_name, p.code AS project_code
		FROM selection_rounds r JOIN projects p ON p.id = r.project_id
		ORDER BY r.stage = 'closed', r.updated_at DESC LIMIT 200`)
	return out, err
}

// ProjectRound is a project with its newest round, read at once for the round's pages.
type ProjectRound struct {
	ProjectID    int64     `db:"project_id"`
	ProjectName  string    `db:"project_name"`
	ProjectCode  string    `db:"project_code"`
	ApplyEnd     time.Time `db:"apply_end"`
	HasSelection bool      `db:"has_selection"`
	RoundID      *string   `db:"round_id"`
	State        []byte    `db:"state"` // NULL before the round has its first candidate
}

// ProjectRoundByID reads a project and its newest round (RoundID nil when it has none yet).
func (s *Store) ProjectRoundByID(ctx context.Context, projectID int64) (*ProjectRound, error) {
	var out ProjectRound
	err := s.DB.GetContext(ctx, &out, `SELECT p.id AS project_id, p.name AS project_name, p.code AS project_code, p.apply_end,
			p.selection IS NOT NULL AS has_selection, r.id AS round_id, r.state
		FROM projects p LEFT JOIN LATERAL (SELECT id, state FROM selection_rounds WHERE project_id = p.id ORDER BY year DESC LIMIT 1) r ON true
		WHERE p.id = $1`, projectID)
	return &out, notFound(err)
}

// ProjectTitle is a project's name and code, for pages that show nothing else of it.
func (s *Store) ProjectTitle(ctx context.Context, projectID int64) (name, code string, err error) {
	err = s.DB.QueryRowContext(ctx, `SELECT name, code FROM projects WHERE id = $1`, projectID).Scan(&name, &code)
	return name, code, notFound(err)
}
