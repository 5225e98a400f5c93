package storage

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"outbound/process"
)

// CalendarDay is an exception to the working week the office keeps: a holiday on a weekday
// (Working false) or a working weekend day (调休, Working true).
type CalendarDay struct {
	Day     string `db:"day" json:"day"`
	Working bool   `db:"working" json:"working"`
	Note    string `db:"note" json:"note"`
}

// WorkingDayAfter is the n-th working day after a date by the office's calendar (process.WorkingDayAfter).
func (s *Store) WorkingDayAfter(ctx context.Context, from time.Time, n int) (time.Time, error) {
	// n working days fit in well under three times as many calendar days, whatever the holidays.
	calendar, err := s.CalendarExceptions(ctx, from, from.AddDate(0, 0, 3*n+30))
	if err != nil {
		return time.Time{}, err
	}
	return process.WorkingDayAfter(from, n, calendar), nil
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
