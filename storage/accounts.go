package storage

import (
	"context"
	"time"
)

// Account is a person who signs in.
type Account struct {
	ID           int64   `db:"id"`
	Username     string  `db:"username"`
	DisplayName  string  `db:"display_name"`
	Role         string  `db:"role"`
	CollegeCode  *string `db:"college_code"`
	CollegeName  *string `db:"college_name"`
	Email        string  `db:"email"`
	PasswordHash *string `db:"password_hash"`
	Disabled     bool    `db:"disabled"`
	// CASSignIn: the university's CAS may sign in to this account (never an administrator's).
	CASSignIn bool `db:"cas_sign_in"`
	// MustChangePassword: an administrator set the password; its owner chooses their own first.
	MustChangePassword bool `db:"must_change_password"`
}

// College returns the college code, or "".
func (a *Account) College() string {
	if a.CollegeCode == nil {
		return ""
	}
	return *a.CollegeCode
}

const accountColumns = `a.id, a.username, a.display_name, a.role, a.college_code, c.name AS college_name, a.email,
	a.password_hash, a.disabled, a.cas_sign_in, a.must_change_password`

// AccountByUsername finds an account by 学号/工号.
func (s *Store) AccountByUsername(ctx context.Context, username string) (*Account, error) {
	var a Account
	err := s.DB.GetContext(ctx, &a, `SELECT `+accountColumns+` FROM accounts a LEFT JOIN colleges c ON c.code = a.college_code WHERE a.username = $1`, username)
	return &a, notFound(err)
}

// AccountByID finds an account.
func (s *Store) AccountByID(ctx context.Context, id int64) (*Account, error) {
	var a Account
	err := s.DB.GetContext(ctx, &a, `SELECT `+accountColumns+` FROM accounts a LEFT JOIN colleges c ON c.code = a.college_code WHERE a.id = $1`, id)
	return &a, notFound(err)
}

// PurgeExpiredSessions deletes the sessions past their expiry and says how many.
func (s *Store) PurgeExpiredSessions(ctx context.Context) (int64, error) {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < now()`)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// CreateSession stores a session under the hash of its token.
func (s *Store) CreateSession(ctx context.Context, tokenHash []byte, accountID int64, csrf string, expires time.Time) error {
	_, err := s.DB.ExecContext(ctx, `INSERT INTO sessions (token_hash, account_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)`,
		tokenHash, accountID, csrf, expires)
	return err
}

// SessionAccount returns a live session's account and CSRF token in one query: it runs on every request.
func (s *Store) SessionAccount(ctx context.Context, tokenHash []byte) (*Account, string, error) {
	var row struct {
		Account
		CSRFToken string `db:"csrf_token"`
	}
	err := s.DB.GetContext(ctx, &row, `SELECT `+accountColumns+`, s.csrf_token FROM sessions s
		JOIN accounts a ON a.id = s.account_id LEFT JOIN colleges c ON c.code = a.college_code
		WHERE s.token_hash = $1 AND s.expires_at > now()`, tokenHash)
	if err != nil {
		return nil, "", notFound(err)
	}
	return &row.Account, row.CSRFToken, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	return err
}

// College is a 学院.
type College struct {
	Code string `db:"code" json:"code"`
	Name string `db:"name" json:"name"`
}

// Colleges lists every college.
func (s *Store) Colleges(ctx context.Context) ([]College, error) {
	var out []College
	err := s.DB.SelectContext(ctx, &out, `SELECT code, name FROM colleges ORDER BY code`)
	return out, err
}
