package storage

import (
	"context"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// AbroadFilter narrows 在外学生.
type AbroadFilter struct {
	// CollegeCode is a scope (a college reviewer's); College a filter by code or name.
	CollegeCode string
	College     string
	// Country is where the student last checked in.
	Country string
	Alert   string
	Query   string
}

// AbroadRow is a student abroad now: the application, the project, the return date, the last
// check-in and the alerts.
type AbroadRow struct {
	ApplicationID int64          `db:"id" json:"applicationId"`
	StudentName   string         `db:"name_cn" json:"studentName"`
	StudentNo     string         `db:"student_no" json:"studentNo"`
	CollegeName   string         `db:"college_name" json:"collegeName"`
	ProjectCode   string         `db:"project_code" json:"projectCode"`
	ProjectName   string         `db:"project_name" json:"projectName"`
	ProjectPlace  string         `db:"project_country" json:"projectCountry"`
	ReturnDate    *string        `db:"return_date" json:"returnDate"`
	CheckInDue    *time.Time     `db:"check_in_due" json:"nextCheckInDue"`
	Alerts        pq.StringArray `db:"alerts" json:"alerts"`
	LastAt        *time.Time     `db:"last_at" json:"lastCheckInAt"`
	LastCountry   *string        `db:"last_country" json:"lastCountry"`
	LastCity      *string        `db:"last_city" json:"lastCity"`
	LastStatus    *string        `db:"last_status" json:"lastStatus"`
	LastNote      *string        `db:"last_note" json:"lastNote"`
}

// Abroad lists the students abroad now (the stay's check-ins are open) and those back with an alert, those with alerts first,
// then by the next check-in due.
func (s *Store) Abroad(ctx context.Context, f AbroadFilter) ([]AbroadRow, error) {
	// Abroad, or back with something still owed (an 因公护照 overdue).
	where := []string{"(ap.check_in_due IS NOT NULL OR ap.alerts <> '{}')", "ap.closed_at IS NULL"}
	var args []any
	add := func(cond string, v any) { where = append(where, condition(&args, cond, v)) }
	if f.CollegeCode != "" {
		add("ap.college_code = ?", f.CollegeCode)
	}
	if f.College != "" {
		add("(ap.college_code = ? OR ap.college_code IN (SELECT code FROM colleges WHERE name = ?))", f.College)
	}
	if f.Country != "" {
		add("coalesce(ci.country, pr.country) = ?", f.Country)
	}
	if f.Alert != "" {
		add("? = ANY(ap.alerts)", f.Alert)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		add("(ap.name_cn ILIKE ? OR ap.student_no ILIKE ? OR pr.code ILIKE ? OR pr.name ILIKE ?)", "%"+likeEscaper.Replace(q)+"%")
	}
	out := []AbroadRow{}
	err := s.DB.SelectContext(ctx, &out, `SELECT ap.id, ap.name_cn, ap.student_no, c.name AS college_name,
			pr.code AS project_code, pr.name AS project_name, pr.country AS project_country,
			to_char(coalesce(ap.expected_return, ap.return_date), 'YYYY-MM-DD') AS return_date, ap.check_in_due, ap.alerts,
			ci.checked_in_at AS last_at, ci.country AS last_country, ci.city AS last_city, ci.status AS last_status, ci.note AS last_note
		FROM applications ap JOIN projects pr ON pr.id = ap.project_id JOIN colleges c ON c.code = ap.college_code
		LEFT JOIN LATERAL (SELECT checked_in_at, country, city, status, note FROM check_ins
			WHERE application_id = ap.id ORDER BY checked_in_at DESC, id DESC LIMIT 1) ci ON true
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY cardinality(ap.alerts) DESC, ap.check_in_due, ap.id
		LIMIT 5000`, args...)
	return out, err
}

// CheckIns lists an application's check-ins, newest first.
func (s *Store) CheckIns(ctx context.Context, applicationID int64) ([]CheckInRow, error) {
	out := []CheckInRow{}
	err := s.DB.SelectContext(ctx, &out, `SELECT checked_in_at, country, city, status, note FROM check_ins
		WHERE application_id = $1 ORDER BY checked_in_at DESC, id DESC`, applicationID)
	return out, err
}

// CheckInRow is one 报平安.
type CheckInRow struct {
	At      time.Time `db:"checked_in_at" json:"at"`
	Country string    `db:"country" json:"country"`
	City    string    `db:"city" json:"city"`
	Status  string    `db:"status" json:"status"`
	Note    string    `db:"note" json:"note"`
}

// DutyContact is one address of the foreign affairs office's duty list.
type DutyContact struct {
	Name  string `db:"name" json:"name"`
	Email string `db:"email" json:"email"`
}

// DutyContacts lists the duty list.
func (s *Store) DutyContacts(ctx context.Context) ([]DutyContact, error) {
	out := []DutyContact{}
	err := s.DB.SelectContext(ctx, &out, `SELECT name, email FROM duty_contacts ORDER BY id`)
	return out, err
}

// SetDutyContacts replaces the duty list as a whole.
func (s *Store) SetDutyContacts(ctx context.Context, contacts []DutyContact) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM duty_contacts`); err != nil {
			return err
		}
		for _, c := range contacts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO duty_contacts (name, email) VALUES ($1, $2)`, c.Name, c.Email); err != nil {
				return err
			}
		}
		return nil
	})
}

// Country is where the student is: where they last checked in, else the project's country.
func (r AbroadRow) Country() string {
	if r.LastCountry != nil {
		return *r.LastCountry
	}
	return r.ProjectPlace
}
