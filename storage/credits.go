package storage

import (
	"context"
	"errors"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"outbound/process"
)

// CreditLineRow is a line of a 学分认定 request with its decision, as the pages show it.
type CreditLineRow struct {
	Line         int      `db:"line" json:"line"`
	CourseName   string   `db:"course_name" json:"courseName"`
	HostCode     string   `db:"host_code" json:"hostCode"`
	Credits      float64  `db:"credits" json:"credits"`
	Hours        int      `db:"hours" json:"hours"`
	Grade        string   `db:"grade" json:"grade"`
	Scale        string   `db:"scale" json:"scale"`
	Kind         string   `db:"kind" json:"kind"`
	HomeCode     string   `db:"home_code" json:"homeCode"`
	HomeName     *string  `db:"home_name" json:"homeName"`
	HomeCredits  *float64 `db:"home_credits" json:"homeCredits"`
	Elective     string   `db:"elective" json:"elective"`
	Proposed     *float64 `db:"proposed" json:"proposedScore"` // the conversion table's score
	Decision     *string  `db:"decision" json:"decision"`
	Score        *float64 `db:"score" json:"score"`
	FinalCredits *float64 `db:"final_credits" json:"finalCredits"`
	Opinion      string   `db:"opinion" json:"opinion"`
	DecidedStage string   `db:"decided_stage" json:"decidedStage"`
}

// CreditLines lists a request's lines with the home course they name and the score the
// conversion table proposes for their grade.
func (s *Store) CreditLines(ctx context.Context, applicationID int64) ([]CreditLineRow, error) {
	out := []CreditLineRow{}
	err := s.DB.SelectContext(ctx, &out, `SELECT l.line, l.course_name, l.host_code, l.credits::float8 AS credits, l.hours, l.grade, l.scale,
			l.kind, l.home_code, h.name AS home_name, h.credits::float8 AS home_credits, l.elective, g.score::float8 AS proposed,
			l.decision, l.score::float8 AS score, l.final_credits::float8 AS final_credits, l.opinion, l.decided_stage
		FROM credit_lines l
		LEFT JOIN home_courses h ON h.code = l.home_code AND l.kind = 'course'
		LEFT JOIN grade_conversions g ON g.scale = l.scale AND g.grade = l.grade
		WHERE l.application_id = $1 ORDER BY l.line`, applicationID)
	return out, err
}

// SaveCreditLines replaces a request's lines, while the student works on it.
func (s *Store) SaveCreditLines(ctx context.Context, applicationID int64, lines []process.CreditLine) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM credit_lines WHERE application_id = $1`, applicationID); err != nil {
			return err
		}
		for i, l := range lines {
			if _, err := tx.ExecContext(ctx, `INSERT INTO credit_lines (application_id, line, course_name, host_code, credits, hours, grade,
					scale, kind, home_code, elective) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
				applicationID, i+1, l.CourseName, l.HostCode, l.Credits, l.Hours, l.Grade, l.Scale, l.Kind, l.HomeCode, l.Elective); err != nil {
				return err
			}
		}
		return nil
	})
}

// ErrNoSuchLine is a decision on a line the request does not have.
var ErrNoSuchLine = errors.New("no such credit line")

// decideCreditLines writes a review's decisions on the lines, with the event that records the review.
func decideCreditLines(ctx context.Context, tx *sqlx.Tx, applicationID int64, stage string, decisions []process.LineDecision) error {
	for _, d := range decisions {
		res, err := tx.ExecContext(ctx, `UPDATE credit_lines SET decision = $3, score = $4, final_credits = $5, opinion = $6, decided_stage = $7
			WHERE application_id = $1 AND line = $2`, applicationID, d.Line, d.Decision, d.Score, d.Credits, d.Opinion, stage)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNoSuchLine
		}
	}
	return nil
}

// HomeCourse is a course of the home catalogue.
type HomeCourse struct {
	Code        string  `db:"code" json:"code"`
	Name        string  `db:"name" json:"name"`
	Credits     float64 `db:"credits" json:"credits"`
	CollegeCode string  `db:"college_code" json:"collegeCode"`
	CourseType  string  `db:"course_type" json:"courseType"`
}

// HomeCourses searches the catalogue by code or name.
func (s *Store) HomeCourses(ctx context.Context, query string, limit int) ([]HomeCourse, error) {
	out := []HomeCourse{}
	err := s.DB.SelectContext(ctx, &out, `SELECT code, name, credits::float8 AS credits, college_code, course_type FROM home_courses
		WHERE $1 = '' OR code ILIKE '%' || $1 || '%' OR name ILIKE '%' || $1 || '%' ORDER BY code LIMIT $2`, query, limit)
	return out, err
}

// SaveHomeCourses adds or updates catalogue courses, in one transaction.
func (s *Store) SaveHomeCourses(ctx context.Context, courses []HomeCourse) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, c := range courses {
			if _, err := tx.ExecContext(ctx, `INSERT INTO home_courses (code, name, credits, college_code, course_type) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, credits = excluded.credits, college_code = excluded.college_code,
					course_type = excluded.course_type, updated_at = now()`, c.Code, c.Name, c.Credits, c.CollegeCode, c.CourseType); err != nil {
				return err
			}
		}
		return nil
	})
}

// GradeConversion is a grade of a scale as a 百分制 score.
type GradeConversion struct {
	Scale string  `db:"scale" json:"scale"`
	Grade string  `db:"grade" json:"grade"`
	Score float64 `db:"score" json:"score"`
}

// GradeConversions lists the conversion tables.
func (s *Store) GradeConversions(ctx context.Context) ([]GradeConversion, error) {
	out := []GradeConversion{}
	err := s.DB.SelectContext(ctx, &out, `SELECT scale, grade, score::float8 AS score FROM grade_conversions ORDER BY scale, score DESC, grade`)
	return out, err
}

// SaveGradeConversions replaces the tables of the scales given.
func (s *Store) SaveGradeConversions(ctx context.Context, rows []GradeConversion) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		scales := map[string]bool{}
		for _, r := range rows {
			scales[r.Scale] = true
		}
		var names []string
		for n := range scales {
			names = append(names, n)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM grade_conversions WHERE scale = ANY($1)`, pq.StringArray(names)); err != nil {
			return err
		}
		for _, r := range rows {
			if _, err := tx.ExecContext(ctx, `INSERT INTO grade_conversions (scale, grade, score) VALUES ($1, $2, $3)`, r.Scale, r.Grade, r.Score); err != nil {
				return err
			}
		}
		return nil
	})
}

// RecognisedRow is an approved line as the academic system imports it.
type RecognisedRow struct {
	StudentNo   string   `db:"student_no"`
	Name        string   `db:"name_cn"`
	CollegeName string   `db:"college_name"`
	ProjectName string   `db:"project_name"`
	Line        int      `db:"line"`
	CourseName  string   `db:"course_name"`
	HostCode    string   `db:"host_code"`
	Grade       string   `db:"grade"`
	Scale       string   `db:"scale"`
	Kind        string   `db:"kind"`
	HomeCode    string   `db:"home_code"`
	HomeName    *string  `db:"home_name"`
	Elective    string   `db:"elective"`
	Credits     float64  `db:"credits"`
	Score       *float64 `db:"score"`
}

// Recognised lists the recognised lines of completed requests: of one application, or of a
// college (or all) whose request completed in a year.
func (s *Store) Recognised(ctx context.Context, applicationID int64, college string, year int) ([]RecognisedRow, error) {
	out := []RecognisedRow{}
	err := s.DB.SelectContext(ctx, &out, `SELECT a.student_no, a.name_cn, coalesce(c.name, a.college_code) AS college_name, p.name AS project_name,
			l.line, l.course_name, l.host_code, l.grade, l.scale, l.kind, l.home_code, h.name AS home_name, l.elective,
			coalesce(l.final_credits, h.credits, l.credits)::float8 AS credits, coalesce(l.score, g.score)::float8 AS score
		FROM credit_lines l
		JOIN applications a ON a.id = l.application_id
		JOIN projects p ON p.id = a.project_id
		LEFT JOIN colleges c ON c.code = a.college_code
		LEFT JOIN home_courses h ON h.code = l.home_code AND l.kind = 'course'
		LEFT JOIN grade_conversions g ON g.scale = l.scale AND g.grade = l.grade
		WHERE l.decision IN ('approved', 'changed') AND l.kind <> 'none' AND a.phase = 'credits' AND a.stage = 'completed'
			AND ($1 = 0 OR a.id = $1) AND ($2 = '' OR a.college_code = $2) AND ($3 = 0 OR extract(year FROM a.closed_at AT TIME ZONE 'Asia/Shanghai') = $3)
		ORDER BY a.college_code, a.student_no, l.line`, applicationID, college, year)
	return out, err
}
