package storage

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"outbound/process"
)

// Project is 项目信息: every field of the project page.
type Project struct {
	ID                int64  `db:"id" json:"id"`
	SystemNo          string `db:"system_no" json:"systemNo"`
	Code              string `db:"code" json:"code"`
	Name              string `db:"name" json:"name"`
	Year              int    `db:"year" json:"year"`
	Terms             string `db:"terms" json:"terms"`
	StartDate         string `db:"start_date" json:"startDate"`
	EndDate           string `db:"end_date" json:"endDate"`
	DurationText      string `db:"duration_text" json:"durationText"`
	Nature            string `db:"nature" json:"nature"`
	InstitutionName   string `db:"institution_name" json:"institutionName"`
	InstitutionNameEN string `db:"institution_name_en" json:"institutionNameEn"`
	Country           string `db:"country" json:"country"`
	// CountryCode is the place of process.Places ("" when not said); PartnerID the host
	// institution of the office's list: the statistics count by them.
	CountryCode string `db:"country_code" json:"countryCode"`
	PartnerID   *int64 `db:"partner_id" json:"partnerId"`
	Category    string `db:"category" json:"category"`
	// FundingKind is one of process.FundingKinds (or not said); CategoryLabel is the category as
	// lists show it, marked when the project is process.SelfFunded.
	FundingKind          string         `db:"funding_kind" json:"fundingKind"`
	CategoryLabel        string         `db:"category_label" json:"categoryLabel"`
	FeeMode              string         `db:"fee_mode" json:"feeMode"`
	Fee                  float64        `db:"fee" json:"fee"`
	TermLength           string         `db:"term_length" json:"termLength"`
	Active               bool           `db:"active" json:"active"`
	TeachingMode         string         `db:"teaching_mode" json:"teachingMode"`
	Notes                string         `db:"notes" json:"notes"`
	HostUnit             string         `db:"host_unit" json:"hostUnit"`
	ApplyStart           time.Time      `db:"apply_start" json:"applyStart"`
	ApplyEnd             time.Time      `db:"apply_end" json:"applyEnd"`
	EligibleDegreeLevels pq.StringArray `db:"eligible_degree_levels" json:"eligibleDegreeLevels"`
	EligibleGrades       pq.StringArray `db:"eligible_grades" json:"eligibleGrades"`
	EligibleMajors       pq.StringArray `db:"eligible_majors" json:"eligibleMajors"`
	MinGPA               *float64       `db:"min_gpa" json:"minGpa"`
	Quota                *int           `db:"quota" json:"quota"`
	// CheckInDays is the interval between check-ins abroad; nil follows the configuration.
	CheckInDays *int `db:"check_in_days" json:"checkInDays"`
	// CreditBearing: returned students ask for 学分认定 of their courses abroad.
	CreditBearing bool `db:"credit_bearing" json:"creditBearing"`
	// Selection is the project's selection round (选拔); nil admits directly.
	Selection         *RoundSettings `db:"selection" json:"selection"`
	AdmittedCount     int            `db:"admitted_count" json:"admittedCount"`
	HasInterview      bool           `db:"has_interview" json:"hasInterview"`
	AllowDatesOutside bool           `db:"allow_dates_outside" json:"allowDatesOutside"`
	Published         bool           `db:"published" json:"published"`
	CreatedAt         time.Time      `db:"created_at" json:"createdAt"`
	Requirements      []Requirement  `db:"-" json:"requirements"`
}

// Requirement is one row of 项目所需附件.
type Requirement struct {
	ID        int64          `db:"id" json:"id"`
	ProjectID int64          `db:"project_id" json:"-"`
	Kind      string         `db:"kind" json:"kind"`
	Formats   pq.StringArray `db:"formats" json:"formats"`
	MaxBytes  int64          `db:"max_bytes" json:"maxBytes"`
	Required  bool           `db:"required" json:"required"`
	Position  int            `db:"position" json:"position"`
	// Phase is application (申请材料) or predeparture (行前材料); "" in requirements captured before
	// there were pre-departure ones means application.
	Phase string `db:"phase" json:"phase"`
}

// ForPredeparture says whether the requirement belongs to the pre-departure checklist.
func (r Requirement) ForPredeparture() bool { return r.Phase == RequirementPredeparture }

// Phases of a requirement.
const (
	RequirementApplication  = "application"
	RequirementPredeparture = "predeparture"
)

// Eligibility is who may apply.
func (p *Project) Eligibility() process.Eligibility {
	return process.Eligibility{DegreeLevels: p.EligibleDegreeLevels, Grades: p.EligibleGrades, Majors: p.EligibleMajors, MinGPA: p.MinGPA}
}

// WindowOpen reports whether applications are accepted at t.
func (p *Project) WindowOpen(t time.Time) bool {
	return !t.Before(p.ApplyStart) && t.Before(p.ApplyEnd)
}

var projectColumns = `id, system_no, code, name, year, terms, to_char(start_date, 'YYYY-MM-DD') AS start_date,
	to_char(end_date, 'YYYY-MM-DD') AS end_date, duration_text, nature, institution_name, institution_name_en, country,
	category, funding_kind, ` + categoryLabel("") + ` AS category_label, fee_mode, fee, term_length, active, teaching_mode, notes, host_unit, apply_start, apply_end,
	eligible_degree_levels, eligible_grades, eligible_majors, min_gpa, quota, admitted_count, has_interview,
	allow_dates_outside, published, created_at, check_in_days, selection, credit_bearing, country_code, partner_id`

// ProjectFilter narrows the project list.
type ProjectFilter struct {
	Query         string // 智能搜索: name, number, institution, country
	Year          int    // 项目年度; 0 for all
	CountryCode   string // 国家/地区 (GB/T 2659); "" for all
	Category      string // 项目类型; "" for all
	OpenNow       bool   // only projects taking applications now
	PublishedOnly bool
	Limit, Offset int
}

// ProjectList is one page of projects.
type ProjectList struct {
	Items []Project `json:"items"`
	Total int       `json:"total"`
}

// escapeLike makes a user's text match literally inside ILIKE.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// searchText is what 智能搜索 looks in: name, number, institution and country.
const searchText = "(name || ' ' || code || ' ' || institution_name || ' ' || institution_name_en || ' ' || country)"

// Projects lists projects, newest year first.
func (s *Store) Projects(ctx context.Context, f ProjectFilter) (*ProjectList, error) {
	where := []string{"true"}
	args := []any{}
	if f.PublishedOnly {
		where = append(where, "published AND active")
	}
	if f.Year != 0 {
		args = append(args, f.Year)
		where = append(where, "year = $"+strconv.Itoa(len(args)))
	}
	if f.CountryCode != "" {
		where = append(where, condition(&args, "country_code = ?", f.CountryCode))
	}
	if f.Category != "" {
		where = append(where, condition(&args, "category = ?", f.Category))
	}
	if f.OpenNow {
		where = append(where, "apply_start <= now() AND apply_end > now()")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		args = append(args, "%"+escapeLike(q)+"%")
		n := "$" + strconv.Itoa(len(args))
		// One expression, the one the trigram index covers (migration 00003).
		where = append(where, searchText+" ILIKE "+n)
	}
	cond := strings.Join(where, " AND ")
	args = append(args, f.Limit, f.Offset)
	var rows []struct {
		Project
		Total int `db:"total_count"`
	}
	err := s.DB.SelectContext(ctx, &rows, `SELECT count(*) OVER () AS total_count, `+projectColumns+` FROM projects WHERE `+cond+
		` ORDER BY year DESC, id DESC LIMIT $`+strconv.Itoa(len(args)-1)+` OFFSET $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, err
	}
	out := &ProjectList{Items: make([]Project, len(rows))}
	for i := range rows {
		out.Items[i], out.Total = rows[i].Project, rows[i].Total
	}
	if len(rows) == 0 && f.Offset > 0 {
		err = s.DB.GetContext(ctx, &out.Total, `SELECT count(*) FROM projects WHERE `+cond, args[:len(args)-2]...)
	}
	return out, err
}

// ProjectByID returns a project with its attachment requirements.
func (s *Store) ProjectByID(ctx context.Context, id int64) (*Project, error) {
	return projectByID(ctx, s.DB, id)
}

func projectByID(ctx context.Context, q sqlx.QueryerContext, id int64) (*Project, error) {
	var p Project
	if err := sqlx.GetContext(ctx, q, &p, `SELECT `+projectColumns+` FROM projects WHERE id = $1`, id); err != nil {
		return nil, notFound(err)
	}
	p.Requirements = []Requirement{}
	err := sqlx.SelectContext(ctx, q, &p.Requirements, `SELECT id, project_id, kind, formats, max_bytes, required, position, phase
		FROM attachment_requirements WHERE project_id = $1 AND retired_at IS NULL ORDER BY position, id`, id)
	return &p, err
}

// ProjectYears lists the years that have published projects, for the 项目年度 filter.
// Every project search answers them too; they are kept for yearsFor, so that the searches of a
// deadline's last hours do not read them each time (a year published elsewhere shows that much later).
func (s *Store) ProjectYears(ctx context.Context) ([]int, error) {
	s.years.Lock()
	defer s.years.Unlock()
	if !s.years.at.IsZero() && time.Since(s.years.at) < yearsFor {
		return slices.Clone(s.years.list), nil
	}
	out := []int{}
	if err := s.DB.SelectContext(ctx, &out, `SELECT DISTINCT year FROM projects WHERE published AND active ORDER BY year DESC`); err != nil {
		return nil, err
	}
	s.years.list, s.years.at = out, time.Now()
	return slices.Clone(out), nil
}

// yearsFor is how long the years of published projects are kept.
const yearsFor = 30 * time.Second

// yearsKept are the years of published projects as last read, and when.
type yearsKept struct {
	sync.Mutex
	list []int
	at   time.Time
}

// forgetYears makes the next search read the years again (a project saved or published here).
func (s *Store) forgetYears() {
	s.years.Lock()
	s.years.at = time.Time{}
	s.years.Unlock()
}

// SaveProject creates (ID 0) or changes a project and its requirements in one
// transaction. Requirements keep their IDs when kept, are added when new and
// retired when dropped, so that applications in flight are not touched.
func (s *Store) SaveProject(ctx context.Context, p *Project) error {
	defer s.forgetYears()
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if p.ID == 0 {
			if err := tx.QueryRowxContext(ctx, `INSERT INTO projects (system_no, code, name, year, start_date, end_date, term_length, apply_start, apply_end)
				VALUES ('STPR' || replace(gen_random_uuid()::text, '-', ''), $1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, system_no, created_at`,
				p.Code, p.Name, p.Year, p.StartDate, p.EndDate, p.TermLength, p.ApplyStart, p.ApplyEnd).Scan(&p.ID, &p.SystemNo, &p.CreatedAt); err != nil {
				return projectConflict(err)
			}
		}
		res, err := tx.NamedExecContext(ctx, `UPDATE projects SET code = :code, name = :name, year = :year, terms = :terms,
			start_date = :start_date, end_date = :end_date, duration_text = :duration_text, nature = :nature,
			institution_name = :institution_name, institution_name_en = :institution_name_en, country = :country,
			category = :category, funding_kind = :funding_kind, fee_mode = :fee_mode, fee = :fee, term_length = :term_length, active = :active,
			teaching_mode = :teaching_mode, notes = :notes, host_unit = :host_unit, apply_start = :apply_start,
			apply_end = :apply_end, eligible_degree_levels = :eligible_degree_levels, eligible_grades = :eligible_grades,
			eligible_majors = :eligible_majors, min_gpa = :min_gpa, quota = :quota, has_interview = :has_interview,
			allow_dates_outside = :allow_dates_outside, check_in_days = :check_in_days, selection = :selection, credit_bearing = :credit_bearing,
			country_code = :country_code, partner_id = :partner_id, updated_at = now()
			WHERE id = :id`, p)
		if err != nil {
			return projectConflict(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		keep := []int64{}
		for i := range p.Requirements {
			r := &p.Requirements[i]
			r.Position = i
			if r.ID != 0 {
				res, err := tx.ExecContext(ctx, `UPDATE attachment_requirements SET kind = $3, formats = $4, max_bytes = $5, required = $6, position = $7, phase = $8
					WHERE id = $1 AND project_id = $2 AND retired_at IS NULL`, r.ID, p.ID, r.Kind, r.Formats, r.MaxBytes, r.Required, r.Position, r.Phase)
				if err != nil {
					return projectConflict(err)
				}
				if n, _ := res.RowsAffected(); n == 0 {
					return ErrNotFound
				}
			} else if err := tx.GetContext(ctx, &r.ID, `INSERT INTO attachment_requirements (project_id, kind, formats, max_bytes, required, position, phase)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, p.ID, r.Kind, r.Formats, r.MaxBytes, r.Required, r.Position, r.Phase); err != nil {
				return projectConflict(err)
			}
			keep = append(keep, r.ID)
		}
		_, err = tx.ExecContext(ctx, `UPDATE attachment_requirements SET retired_at = now() WHERE project_id = $1 AND retired_at IS NULL AND NOT (id = ANY($2))`,
			p.ID, pq.Array(keep))
		return err
	})
}

// ErrDuplicateProject: another project has the same number in the same year.
var ErrDuplicateProject = errors.New("duplicate project code and year")

func projectConflict(err error) error {
	switch {
	case constraintViolated(err, "projects_code_year_key"):
		return ErrDuplicateProject
	case constraintViolated(err, "attachment_requirements_live_kind"):
		return ErrDuplicateRequirement
	case constraintViolated(err, "projects_check2"), constraintViolated(err, "projects_quota_check"):
		return ErrQuotaBelowAdmitted
	}
	return err
}

// Errors of a project edit.
var (
	ErrDuplicateRequirement = errors.New("two requirements of the same kind")
	ErrQuotaBelowAdmitted   = errors.New("quota below the number admitted")
)

// SetPublished publishes or withdraws a project.
func (s *Store) SetPublished(ctx context.Context, id int64, published bool) error {
	defer s.forgetYears()
	res, err := s.DB.ExecContext(ctx, `UPDATE projects SET published = $2, updated_at = now() WHERE id = $1`, id, published)
	return rowsOrNotFound(res, err)
}

// CopyProject copies a project and its live requirements into another year, unpublished,
// its dates moved by the same number of years.
func (s *Store) CopyProject(ctx context.Context, id int64, year int) (int64, error) {
	defer s.forgetYears()
	var newID int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &newID, `INSERT INTO projects (system_no, code, name, year, terms, start_date, end_date, duration_text,
				nature, institution_name, institution_name_en, country, category, funding_kind, fee_mode, fee, term_length, active, teaching_mode,
				notes, host_unit, apply_start, apply_end, eligible_degree_levels, eligible_grades, eligible_majors, min_gpa, quota,
				has_interview, allow_dates_outside, published, check_in_days, selection, credit_bearing, country_code, partner_id)
			SELECT 'STPR' || replace(gen_random_uuid()::text, '-', ''), code, name, $2, terms,
				start_date + make_interval(years => $2 - year), end_date + make_interval(years => $2 - year), duration_text,
				nature, institution_name, institution_name_en, country, category, funding_kind, fee_mode, fee, term_length, active, teaching_mode,
				notes, host_unit, apply_start + make_interval(years => $2 - year), apply_end + make_interval(years => $2 - year),
				eligible_degree_levels, eligible_grades, eligible_majors, min_gpa, quota, has_interview, allow_dates_outside, false, check_in_days, selection, credit_bearing,
				country_code, partner_id
			FROM projects WHERE id = $1 RETURNING id`, id, year)
		if err != nil {
			return notFound(projectConflict(err))
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO attachment_requirements (project_id, kind, formats, max_bytes, required, position, phase)
			SELECT $2, kind, formats, max_bytes, required, position, phase FROM attachment_requirements WHERE project_id = $1 AND retired_at IS NULL`, id, newID)
		return err
	})
	return newID, err
}

// categoryLabel is the SQL of a project's category as lists show it (校际交流学分项目 (自费)), over the
// projects table under the given alias ("pr." or "").
func categoryLabel(alias string) string {
	return alias + "category || CASE WHEN " + alias + "funding_kind = " + pq.QuoteLiteral(process.SelfFunded) +
		" THEN " + pq.QuoteLiteral(" ("+process.SelfFunded+")") + " ELSE '' END"
}
