package storage

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// CalendarDay is an exception to the working week the office keeps: a holiday on a weekday
// (Working false) or a working weekend day (调休, Working true).
type CalendarDay struct {
	Day     string `db:"day" json:"day"`
	Working bool   `db:"working" json:"working"`
	Note    string `db:"note" json:"note"`
}

// WorkingDayAfter is the n-th working day after a date: Monday to Friday, unless the calendar says otherwise.
func (s *Store) WorkingDayAfter(ctx context.Context, from time.Time, n int) (time.Time, error) {
	var day time.Time
	err := s.DB.GetContext(ctx, &day, `SELECT d::date FROM generate_series($1::date + 1, $1::date + 400, interval '1 day') d
		LEFT JOIN calendar_days c ON c.day = d::date
		WHERE coalesce(c.working, extract(isodow FROM d) < 6)
		ORDER BY d LIMIT 1 OFFSET $2`, from.Format("2006-01-02"), max(n, 1)-1)
	return day, err
}

// CalendarDays lists a year's exceptions.
func (s *Store) CalendarDays(ctx context.Context, year int) ([]CalendarDay, error) {
	out := []CalendarDay{}
	err := s.DB.SelectContext(ctx, &out, `SELECT to_char(day, 'YYYY-MM-DD') AS day, working, note FROM calendar_days
		WHERE extract(year FROM day) = $1 ORDER BY day`, year)
	return out, err
}

// SetCalendarDays replaces a year's exceptions.
func (s *Store) SetCalendarDays(ctx context.Context, year int, days []CalendarDay) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_days WHERE extract(year FROM day) = $1`, year); err != nil {
			return err
		}
		for _, d := range days {
			if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (day, working, note) VALUES ($1, $2, $3)`, d.Day, d.Working, d.Note); err != nil {
				return err
			}
		}
		return nil
	})
}
