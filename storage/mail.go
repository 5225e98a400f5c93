package storage

import (
	"context"

	"github.com/lib/pq"
)

// Mail is a notification to one account, with where to send it ("" when the account has no address).
type Mail struct {
	NotificationID int64  `db:"id"`
	ApplicationID  int64  `db:"application_id"`
	AccountID      int64  `db:"account_id"`
	To             string `db:"email"`
	Name           string `db:"display_name"`
	Title          string `db:"title"`
	Body           string `db:"body"`
	ProjectName    string `db:"project_name"`
	Calendar       string `db:"calendar"`
}

// TakeMail marks up to limit notifications as taken by the mailer and returns them, oldest first:
// from here on no other run sends them. Notifications older than a few days are taken without
// being returned, since an e-mail that late helps nobody. The address is the student's profile
// address, else the account's; a duty list's notification carries its own.
func (s *Store) TakeMail(ctx context.Context, limit int) ([]Mail, error) {
	out := []Mail{}
	err := s.DB.SelectContext(ctx, &out, `WITH taken AS (
			UPDATE notifications n SET mail_done_at = now()
			FROM (SELECT id FROM notifications WHERE mail_done_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) t
			WHERE n.id = t.id
			RETURNING n.id, n.account_id, n.address, n.application_id, n.title, n.body, n.created_at, n.calendar)
		SELECT taken.id, coalesce(taken.account_id, 0) AS account_id, coalesce(taken.application_id, 0) AS application_id,
			taken.title, taken.body, coalesce(taken.calendar, '') AS calendar, coalesce(a.display_name, '值班人员') AS display_name, coalesce(p.name, '') AS project_name,
			CASE WHEN taken.address IS NOT NULL THEN taken.address
				WHEN a.disabled THEN '' ELSE coalesce(nullif(sp.email, ''), a.email) END AS email
		FROM taken
		LEFT JOIN accounts a ON a.id = taken.account_id
		LEFT JOIN applications ap ON ap.id = taken.application_id
		LEFT JOIN projects p ON p.id = ap.project_id
		LEFT JOIN student_profiles sp ON sp.account_id = a.id
		WHERE taken.created_at > now() - interval '3 days'
		ORDER BY taken.id`, limit)
	return out, err
}

// ReturnMail gives notifications back to the mailer when the mail server could not take them, so
// that the next run sends them.
func (s *Store) ReturnMail(ctx context.Context, ids []int64) error {
	_, err := s.DB.ExecContext(ctx, `UPDATE notifications SET mail_done_at = NULL WHERE id = ANY($1)`, pq.Int64Array(ids))
	return err
}
