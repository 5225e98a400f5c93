package storage

import (
	"context"
)

// Mail is a notification of one event to one account, with where to send it.
type Mail struct {
	NotificationID int64  `db:"id"`
	ApplicationID  int64  `db:"application_id"`
	To             string `db:"email"`
	Name           string `db:"display_name"`
	Title          string `db:"title"`
	Body           string `db:"body"`
	ProjectName    string `db:"project_name"`
}

// UnsentMail lists the notifications of an event not yet handed to the mail server, for the
// accounts that have an address: a student's profile address first, then the account's.
func (s *Store) UnsentMail(ctx context.Context, applicationID int64, seq int) ([]Mail, error) {
	out := []Mail{}
	err := s.DB.SelectContext(ctx, &out, `SELECT n.id, n.application_id, a.display_name, n.title, n.body, p.name AS project_name,
			coalesce(nullif(sp.email, ''), a.email) AS email
		FROM notifications n
		JOIN accounts a ON a.id = n.account_id
		JOIN applications ap ON ap.id = n.application_id
		JOIN projects p ON p.id = ap.project_id
		LEFT JOIN student_profiles sp ON sp.account_id = a.id
		WHERE n.application_id = $1 AND n.event_seq = $2 AND n.emailed_at IS NULL AND NOT a.disabled
			AND coalesce(nullif(sp.email, ''), a.email) <> ''
		ORDER BY n.id`, applicationID, seq)
	return out, err
}

// ClaimMail marks a notification as handed to the mail server; false when it already was.
func (s *Store) ClaimMail(ctx context.Context, notificationID int64) (bool, error) {
	res, err := s.DB.ExecContext(ctx, `UPDATE notifications SET emailed_at = now() WHERE id = $1 AND emailed_at IS NULL`, notificationID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// UnclaimMail gives a notification back when the mail server refused it, so that a retry sends it.
func (s *Store) UnclaimMail(ctx context.Context, notificationID int64) error {
	_, err := s.DB.ExecContext(ctx, `UPDATE notifications SET emailed_at = NULL WHERE id = $1`, notificationID)
	return err
}
