package storage

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"outbound/process"

	"github.com/jmoiron/sqlx"
)

// AccountFilter narrows the account list.
type AccountFilter struct {
	Role          string
	Query         string
	Limit, Offset int
}

// Accounts lists accounts for administrators.
func (s *Store) Accounts(ctx context.Context, f AccountFilter) ([]Account, int, error) {
	where := []string{"true"}
	var args []any
	if f.Role != "" {
		args = append(args, f.Role)
		where = append(where, "a.role = $"+strconv.Itoa(len(args)))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		args = append(args, "%"+escapeLike(q)+"%")
		n := "$" + strconv.Itoa(len(args))
		where = append(where, "(a.username ILIKE "+n+" OR a.display_name ILIKE "+n+")")
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.DB.GetContext(ctx, &total, `SELECT count(*) FROM accounts a WHERE `+cond, args...); err != nil {
		return nil, 0, err
	}
	args = append(args, f.Limit, f.Offset)
	out := []Account{}
	err := s.DB.SelectContext(ctx, &out, `SELECT `+accountColumns+` FROM accounts a LEFT JOIN colleges c ON c.code = a.college_code
		WHERE `+cond+` ORDER BY a.id LIMIT $`+strconv.Itoa(len(args)-1)+` OFFSET $`+strconv.Itoa(len(args)), args...)
	return out, total, err
}

// ErrDuplicateUsername: the 学号/工号 is taken.
var ErrDuplicateUsername = errors.New("username taken")

// CreateAccount adds an account; a student gets an empty profile in their college.
func (s *Store) CreateAccount(ctx context.Context, a *Account) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &a.ID, `INSERT INTO accounts (username, display_name, role, college_code, password_hash, email, cas_sign_in, must_change_password)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, a.Username, a.DisplayName, a.Role, a.CollegeCode, a.PasswordHash, a.Email, a.CASSignIn, a.MustChangePassword)
		if constraintViolated(err, "accounts_username_key") {
			return ErrDuplicateUsername
		}
		if err != nil {
			return err
		}
		if process.Role(a.Role) == process.RoleStudent {
			// The number is passed as text of its own: one parameter used as both
			// a number and a text leaves PostgreSQL unable to deduce its type.
			_, err = tx.ExecContext(ctx, `INSERT INTO student_profiles (account_id, system_no, name_cn, college_code)
				VALUES ($1, to_char(now(), 'YYYY') || 'STU' || lpad($4, 6, '0'), $2, $3)`,
				a.ID, a.DisplayName, a.CollegeCode, strconv.FormatInt(a.ID, 10))
		}
		return err
	})
}

// UpdateAccount changes name, role, scope and whether the account may sign in;
// disabling ends its sessions.
func (s *Store) UpdateAccount(ctx context.Context, a *Account) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET display_name = $2, role = $3, college_code = $4, disabled = $5, email = $6, cas_sign_in = $7, updated_at = now() WHERE id = $1`,
			a.ID, a.DisplayName, a.Role, a.CollegeCode, a.Disabled, a.Email, a.CASSignIn)
		if err := rowsOrNotFound(res, err); err != nil {
			return err
		}
		if a.Disabled {
			_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = $1`, a.ID)
		}
		return err
	})
}

// SetPassword replaces a local password set by an administrator, ends the account's sessions
// and asks its owner to choose their own at the next sign-in.
func (s *Store) SetPassword(ctx context.Context, id int64, hash string) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = $2, must_change_password = true, updated_at = now() WHERE id = $1`, id, hash)
		if err := rowsOrNotFound(res, err); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = $1`, id)
		return err
	})
}

// ChangeOwnPassword replaces the account's password and ends its other sessions; the session it
// was changed from stays.
func (s *Store) ChangeOwnPassword(ctx context.Context, id int64, hash string, keepSession []byte) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = $2, must_change_password = false, updated_at = now() WHERE id = $1`, id, hash)
		if err := rowsOrNotFound(res, err); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2`, id, keepSession)
		return err
	})
}

// AuditRow is an audit entry as administrators read it.
type AuditRow struct {
	ID         int64   `db:"id" json:"id"`
	ActorID    *int64  `db:"actor_id" json:"actorId"`
	ActorName  *string `db:"actor_name" json:"actorName"`
	Action     string  `db:"action" json:"action"`
	TargetType string  `db:"target_type" json:"targetType"`
	TargetID   string  `db:"target_id" json:"targetId"`
	// TargetName names the object as people know it (the project's name, the person's, the college's).
	TargetName *string   `db:"target_name" json:"targetName"`
	Before     RawJSON   `db:"before" json:"before"`
	After      RawJSON   `db:"after" json:"after"`
	RemoteAddr string    `db:"remote_addr" json:"remoteAddr"`
	CreatedAt  time.Time `db:"created_at" json:"createdAt"`
}

// AuditFilter narrows the audit log: who (by 工号/学号 or name), what (an action or its family,
// such as "account."), to what (a kind of object, its number), and when (From inclusive, To exclusive).
type AuditFilter struct {
	Actor, Action, TargetType, TargetID string
	From, To                            *time.Time
	Limit, Offset                       int
}

// AuditLog lists the newest entries that match.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]AuditRow, int, error) {
	where := []string{"true"}
	var args []any
	if q := strings.TrimSpace(f.Actor); q != "" {
		byNumber := condition(&args, "a.username = ?", q)
		where = append(where, "("+byNumber+" OR "+condition(&args, "a.display_name ILIKE '%' || ? || '%'", escapeLike(q))+")")
	}
	if f.Action != "" {
		where = append(where, condition(&args, "l.action LIKE ? || '%'", escapeLike(f.Action)))
	}
	if f.TargetType != "" {
		where = append(where, condition(&args, "l.target_type = ?", f.TargetType))
	}
	if f.TargetID != "" {
		where = append(where, condition(&args, "l.target_id = ?", f.TargetID))
	}
	if f.From != nil {
		where = append(where, condition(&args, "l.created_at >= ?", *f.From))
	}
	if f.To != nil {
		where = append(where, condition(&args, "l.created_at < ?", *f.To))
	}
	from := ` FROM audit_log l LEFT JOIN accounts a ON a.id = l.actor_id WHERE ` + strings.Join(where, " AND ")
	var total int
	if err := s.DB.GetContext(ctx, &total, `SELECT count(*)`+from, args...); err != nil {
		return nil, 0, err
	}
	out := []AuditRow{}
	n := len(args)
	err := s.DB.SelectContext(ctx, &out, `SELECT l.id, l.actor_id, a.display_name AS actor_name, l.action, l.target_type, l.target_id,
		CASE WHEN l.target_id ~ '^[0-9]{1,18}$' THEN CASE l.target_type
		    WHEN 'project' THEN (SELECT p.name FROM projects p WHERE p.id = l.target_id::bigint)
		    WHEN 'account' THEN (SELECT t.display_name || '（' || t.username || '）' FROM accounts t WHERE t.id = l.target_id::bigint)
		    WHEN 'profile' THEN (SELECT t.display_name || '（' || t.username || '）' FROM accounts t WHERE t.id = l.target_id::bigint)
		    WHEN 'application' THEN (SELECT s.display_name || ' · ' || p.name FROM applications ap JOIN accounts s ON s.id = ap.student_id
		        JOIN projects p ON p.id = ap.project_id WHERE ap.id = l.target_id::bigint) END
		ELSE CASE l.target_type WHEN 'college' THEN (SELECT c.name FROM colleges c WHERE c.code = l.target_id) END END AS target_name,
		l.before, l.after, l.remote_addr, l.created_at`+from+`
		ORDER BY l.id DESC LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2), append(args, f.Limit, f.Offset)...)
	return out, total, err
}

// StageStats is one row of the office dashboard.
type StageStats struct {
	Stage        string  `db:"stage" json:"stage"`
	Status       string  `db:"status" json:"status"`
	AwaitingRole string  `db:"awaiting_role" json:"awaitingRole"`
	Count        int     `db:"count" json:"count"`
	AvgWaitHours float64 `db:"avg_wait_hours" json:"avgWaitHours"`
	MaxWaitHours float64 `db:"max_wait_hours" json:"maxWaitHours"`
	OverdueCount int     `db:"overdue_count" json:"overdueCount"`
}

// QuotaStats is admitted against quota for a project.
type QuotaStats struct {
	ProjectID int64  `db:"project_id" json:"projectId"`
	Name      string `db:"name" json:"name"`
	Code      string `db:"code" json:"code"`
	Year      int    `db:"year" json:"year"`
	Quota     *int   `db:"quota" json:"quota"`
	Admitted  int    `db:"admitted_count" json:"admitted"`
}

// Dashboard counts open applications per stage with their waiting times, and admissions per project.
func (s *Store) Dashboard(ctx context.Context) ([]StageStats, []QuotaStats, error) {
	stages := []StageStats{}
	if err := s.DB.SelectContext(ctx, &stages, `SELECT stage, min(status) AS status, awaiting_role, count(*) AS count,
			coalesce(avg(extract(epoch FROM now() - stage_entered_at)) / 3600, 0)::float8 AS avg_wait_hours,
			coalesce(max(extract(epoch FROM now() - stage_entered_at)) / 3600, 0)::float8 AS max_wait_hours,
			count(*) FILTER (WHERE overdue) AS overdue_count
		FROM applications WHERE closed_at IS NULL GROUP BY stage, awaiting_role ORDER BY stage`); err != nil {
		return nil, nil, err
	}
	quotas := []QuotaStats{}
	err := s.DB.SelectContext(ctx, &quotas, `SELECT id AS project_id, name, code, year, quota, admitted_count FROM projects
		WHERE published ORDER BY year DESC, id DESC LIMIT 200`)
	return stages, quotas, err
}
