package storage

import (
	"context"
	"encoding/json"
	"time"
)

// Notification is a message to one account.
type Notification struct {
	ID            int64      `db:"id" json:"id"`
	ApplicationID *int64     `db:"application_id" json:"applicationId"`
	Title         string     `db:"title" json:"title"`
	Body          string     `db:"body" json:"body"`
	CreatedAt     time.Time  `db:"created_at" json:"createdAt"`
	ReadAt        *time.Time `db:"read_at" json:"readAt"`
}

// Notifications lists an account's newest notifications.
func (s *Store) Notifications(ctx context.Context, accountID int64, limit int) ([]Notification, error) {
	out := []Notification{}
	err := s.DB.SelectContext(ctx, &out, `SELECT id, application_id, title, body, created_at, read_at FROM notifications
		WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, accountID, limit)
	return out, err
}

// UnreadNotifications counts an account's unread notifications.
func (s *Store) UnreadNotifications(ctx context.Context, accountID int64) (int, error) {
	var n int
	err := s.DB.GetContext(ctx, &n, `SELECT count(*) FROM notifications WHERE account_id = $1 AND read_at IS NULL`, accountID)
	return n, err
}

// MarkNotificationRead marks one of the account's notifications read.
func (s *Store) MarkNotificationRead(ctx context.Context, accountID, id int64) error {
	res, err := s.DB.ExecContext(ctx, `UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND account_id = $2`, id, accountID)
	return rowsOrNotFound(res, err)
}

// MarkAllNotificationsRead marks every unread notification of the account read, and says how many.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, accountID int64) (int64, error) {
	res, err := s.DB.ExecContext(ctx, `UPDATE notifications SET read_at = now() WHERE account_id = $1 AND read_at IS NULL`, accountID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// AuditEntry is one administrative change or decision.
type AuditEntry struct {
	ActorID    int64
	Action     string
	TargetType string
	TargetID   string
	Before     any
	After      any
	RemoteAddr string
}

// Audit records an entry.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	before, err := json.Marshal(e.Before)
	if err != nil {
		return err
	}
	after, err := json.Marshal(e.After)
	if err != nil {
		return err
	}
	var actor *int64
	if e.ActorID != 0 {
		actor = &e.ActorID
	}
	_, err = s.DB.ExecContext(ctx, `INSERT INTO audit_log (actor_id, action, target_type, target_id, before, after, remote_addr)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, actor, e.Action, e.TargetType, e.TargetID, before, after, e.RemoteAddr)
	return err
}
