package storage

import (
	"context"
	"errors"
	"strconv"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// RosterEntry is one person of an imported roster (名单), keyed by 学号/工号.
// The student fields are kept only for students; "" and 0 leave a profile's value as it is.
type RosterEntry struct {
	Username    string  `db:"username"`
	DisplayName string  `db:"display_name"`
	Role        string  `db:"role"`
	CollegeCode *string `db:"college_code"`
	Disabled    bool    `db:"disabled"`
	// Email: "" leaves the account's address as it is.
	Email string `db:"email"`

	DegreeLevel    string `db:"degree_level"`
	Major          string `db:"major"`
	Grade          string `db:"grade"`
	EnrollmentYear int    `db:"enrollment_year"`
}

// RosterAccount is an existing account as a roster import compares it.
type RosterAccount struct {
	ID int64 `db:"id"`
	RosterEntry
}

// RosterAccounts finds the accounts of the given 学号/工号, with their students' roster fields.
func (s *Store) RosterAccounts(ctx context.Context, usernames []string) (map[string]RosterAccount, error) {
	var rows []RosterAccount
	err := s.DB.SelectContext(ctx, &rows, `SELECT a.id, a.username, a.display_name, a.role, a.college_code, a.disabled, a.email,
			coalesce(p.degree_level, '') AS degree_level, coalesce(p.major, '') AS major,
			coalesce(p.grade, '') AS grade, coalesce(p.enrollment_year, 0) AS enrollment_year
		FROM accounts a LEFT JOIN student_profiles p ON p.account_id = a.id
		WHERE a.username = ANY($1)`, pq.StringArray(usernames))
	out := make(map[string]RosterAccount, len(rows))
	for _, r := range rows {
		out[r.Username] = r
	}
	return out, err
}

// RosterScope is a role, and for roles of one college that college ("" for the others).
type RosterScope struct{ Role, College string }

// RosterAbsent lists the enabled accounts in the given scopes whose 学号/工号 is
// not among present: the people who left, when a whole roster is imported.
func (s *Store) RosterAbsent(ctx context.Context, scopes []RosterScope, present []string) ([]RosterAccount, error) {
	roles, colleges := make([]string, len(scopes)), make([]string, len(scopes))
	for i, sc := range scopes {
		roles[i], colleges[i] = sc.Role, sc.College
	}
	out := []RosterAccount{}
	err := s.DB.SelectContext(ctx, &out, `SELECT a.id, a.username, a.display_name, a.role, a.college_code, a.disabled
		FROM accounts a
		WHERE NOT a.disabled
		  AND (a.role, coalesce(a.college_code, '')) IN (SELECT * FROM unnest($1::text[], $2::text[]))
		  AND NOT EXISTS (SELECT 1 FROM unnest($3::text[]) AS p(username) WHERE p.username = a.username)
		ORDER BY a.username`, pq.StringArray(roles), pq.StringArray(colleges), pq.StringArray(present))
	return out, err
}

// ApplyRoster creates or updates the entries' accounts (and their students'
// profiles) and disables the accounts of disable, all in one transaction.
func (s *Store) ApplyRoster(ctx context.Context, entries []RosterEntry, disable []int64) error {
	n := len(entries)
	usernames, names, roles, colleges, emails := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	disabled := make([]bool, n)
	var students []RosterEntry
	for i, e := range entries {
		usernames[i], names[i], roles[i], disabled[i], emails[i] = e.Username, e.DisplayName, e.Role, e.Disabled, e.Email
		if e.CollegeCode != nil {
			colleges[i] = *e.CollegeCode
		}
		if e.Role == "student" {
			students = append(students, e)
		}
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO accounts (username, display_name, role, college_code, disabled, email, cas_sign_in)
			SELECT r.username, r.name, r.role, NULLIF(r.college, ''), r.disabled, r.email, r.role <> 'admin'
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[], $6::text[]) AS r(username, name, role, college, disabled, email)
			ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name, role = EXCLUDED.role,
				college_code = EXCLUDED.college_code, disabled = EXCLUDED.disabled,
				email = CASE WHEN EXCLUDED.email <> '' THEN EXCLUDED.email ELSE accounts.email END, updated_at = now()
			WHERE (accounts.display_name, accounts.role, accounts.college_code, accounts.disabled)
				IS DISTINCT FROM (EXCLUDED.display_name, EXCLUDED.role, EXCLUDED.college_code, EXCLUDED.disabled)
				OR (EXCLUDED.email <> '' AND EXCLUDED.email <> accounts.email)`,
			pq.StringArray(usernames), pq.StringArray(names), pq.StringArray(roles), pq.StringArray(colleges), pq.BoolArray(disabled),
			pq.StringArray(emails))
		if err != nil {
			return err
		}
		if err := upsertStudentProfiles(ctx, tx, students); err != nil {
			return err
		}
		// A disabled account signs out everywhere.
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions s USING accounts a
			WHERE s.account_id = a.id AND a.disabled AND a.username = ANY($1)`, pq.StringArray(usernames))
		if err != nil || len(disable) == 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET disabled = true, updated_at = now() WHERE id = ANY($1)`, pq.Int64Array(disable)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = ANY($1)`, pq.Int64Array(disable))
		return err
	})
}

// upsertStudentProfiles gives new students a profile and brings the roster's
// fields of existing ones up to date; the student's own 姓名 is theirs to keep.
func upsertStudentProfiles(ctx context.Context, tx *sqlx.Tx, students []RosterEntry) error {
	if len(students) == 0 {
		return nil
	}
	n := len(students)
	usernames, names, colleges, degrees, majors, grades, years := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, e := range students {
		usernames[i], names[i], colleges[i], degrees[i], majors[i], grades[i] = e.Username, e.DisplayName, *e.CollegeCode, e.DegreeLevel, e.Major, e.Grade
		if e.EnrollmentYear != 0 {
			years[i] = strconv.Itoa(e.EnrollmentYear)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO student_profiles (account_id, system_no, name_cn, college_code, degree_level, major, grade, enrollment_year)
		SELECT a.id, to_char(now(), 'YYYY') || 'STU' || lpad(a.id::text, 6, '0'), r.name, r.college, r.degree, r.major, r.grade, NULLIF(r.year, '')::int
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
			AS r(username, name, college, degree, major, grade, year)
		JOIN accounts a ON a.username = r.username
		ON CONFLICT (account_id) DO UPDATE SET
			college_code = EXCLUDED.college_code,
			degree_level = CASE WHEN EXCLUDED.degree_level <> '' THEN EXCLUDED.degree_level ELSE student_profiles.degree_level END,
			major = CASE WHEN EXCLUDED.major <> '' THEN EXCLUDED.major ELSE student_profiles.major END,
			grade = CASE WHEN EXCLUDED.grade <> '' THEN EXCLUDED.grade ELSE student_profiles.grade END,
			enrollment_year = coalesce(EXCLUDED.enrollment_year, student_profiles.enrollment_year)`,
		pq.StringArray(usernames), pq.StringArray(names), pq.StringArray(colleges), pq.StringArray(degrees),
		pq.StringArray(majors), pq.StringArray(grades), pq.StringArray(years))
	return err
}

// ErrDuplicateCollege: the code or the name of a college is taken.
var ErrDuplicateCollege = errors.New("college taken")

// SaveColleges creates colleges and renames existing ones (by code), in one transaction.
func (s *Store) SaveColleges(ctx context.Context, colleges []College) error {
	codes, names := make([]string, len(colleges)), make([]string, len(colleges))
	for i, c := range colleges {
		codes[i], names[i] = c.Code, c.Name
	}
	_, err := s.DB.ExecContext(ctx, `INSERT INTO colleges (code, name)
		SELECT * FROM unnest($1::text[], $2::text[])
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name`, pq.StringArray(codes), pq.StringArray(names))
	if constraintViolated(err, "colleges_name_key") {
		return ErrDuplicateCollege
	}
	return err
}
