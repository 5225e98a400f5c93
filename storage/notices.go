package storage

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// NoticeText is a version of 申报须知 and 本人承诺.
type NoticeText struct {
	Version     string    `db:"version" json:"version"`
	Notice      string    `db:"notice" json:"notice"`
	Commitment  string    `db:"commitment" json:"commitment"`
	ReadSeconds int       `db:"read_seconds" json:"readSeconds"`
	CreatedAt   time.Time `db:"created_at" json:"createdAt"`
}

// CurrentNotice is the newest version, the one students accept now.
func (s *Store) CurrentNotice(ctx context.Context) (*NoticeText, error) {
	var n NoticeText
	err := s.DB.GetContext(ctx, &n, `SELECT version, notice, commitment, read_seconds, created_at FROM notices ORDER BY created_at DESC, version DESC LIMIT 1`)
	return &n, notFound(err)
}

// AddNotice records a new version, named by the year and its number in the year (2026-3).
func (s *Store) AddNotice(ctx context.Context, n *NoticeText, by int64) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		// One writer at a time, so that two offices saving at once get two numbers.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE notices IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		return tx.GetContext(ctx, n, `INSERT INTO notices (version, notice, commitment, read_seconds, created_by, created_at)
			SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY') || '-' || (count(*) + 1), $1, $2, $3, $4, clock_timestamp()
			FROM notices WHERE version LIKE to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY') || '-%'
			RETURNING version, notice, commitment, read_seconds, created_at`, n.Notice, n.Commitment, n.ReadSeconds, by)
	})
}
