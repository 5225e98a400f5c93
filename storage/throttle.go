package storage

import (
	"context"
	"time"

	"github.com/lib/pq"
)

// The sign-in throttle lives in PostgreSQL so that every API process counts the same attempts.

// CountInWindow counts one attempt under key in a fixed window and says how long to wait when
// it is past limit (zero: go ahead).
func (s *Store) CountInWindow(ctx context.Context, key string, limit int, window time.Duration) (time.Duration, error) {
	var wait float64
	err := s.DB.GetContext(ctx, &wait, `
		INSERT INTO sign_in_throttle AS t (key, attempts, window_start) VALUES ($1, 1, now())
		ON CONFLICT (key) DO UPDATE SET
		    attempts = CASE WHEN t.window_start <= now() - $3 * interval '1 second' THEN 1 ELSE t.attempts + 1 END,
		    window_start = CASE WHEN t.window_start <= now() - $3 * interval '1 second' THEN now() ELSE t.window_start END
		RETURNING CASE WHEN attempts > $2
		    THEN extract(epoch FROM window_start + $3 * interval '1 second' - now()) ELSE 0 END`,
		key, limit, window.Seconds())
	return seconds(wait), err
}

// ClaimTry takes one try under key, counted as a failure until ClearTries says otherwise, so that
// parallel guesses cannot outrun the count. After free failures in a row each further one makes the
// next try wait twice as long as the last, from base up to most. A try asked for before its time
// is not taken, and the wait is answered. Failures a day old are forgotten.
func (s *Store) ClaimTry(ctx context.Context, key string, free int, base, most time.Duration) (time.Duration, error) {
	var taken bool
	err := s.DB.GetContext(ctx, &taken, `
		WITH claimed AS (
		    INSERT INTO sign_in_throttle AS t (key, attempts, window_start, not_before) VALUES ($1, 1, now(), '-infinity')
		    ON CONFLICT (key) DO UPDATE SET
		        attempts = CASE WHEN t.window_start <= now() - interval '1 day' THEN 1 ELSE t.attempts + 1 END,
		        window_start = CASE WHEN t.window_start <= now() - interval '1 day' THEN now() ELSE t.window_start END,
		        -- A free try leaves the time alone: now() is when each statement began, and a try that
		        -- began before another committed must not find a wait that was never set.
		        not_before = CASE
		            WHEN t.window_start <= now() - interval '1 day' OR t.attempts + 1 <= $2 THEN t.not_before
		            ELSE now() + least($4 * interval '1 second', $3 * interval '1 second' * power(2, least(t.attempts + 1 - $2 - 1, 30))) END
		    WHERE t.not_before <= now()
		    RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM claimed)`,
		key, free, base.Seconds(), most.Seconds())
	if err != nil || taken {
		return 0, err
	}
	// Not taken: the wait is read by a statement of its own, which sees the row a parallel try
	// has just written (this statement's snapshot may predate it).
	var wait float64
	if err := s.DB.GetContext(ctx, &wait, `SELECT coalesce(extract(epoch FROM max(not_before) - now()), 0) FROM sign_in_throttle WHERE key = $1`, key); err != nil {
		return 0, err
	}
	return max(seconds(wait), time.Second/10), nil
}

// ClearTries forgets the failures under the keys: the right password was given.
func (s *Store) ClearTries(ctx context.Context, keys ...string) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM sign_in_throttle WHERE key = ANY($1)`, pq.StringArray(keys))
	return err
}

// PurgeSignInThrottle forgets attempts a day old.
func (s *Store) PurgeSignInThrottle(ctx context.Context) (int64, error) {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM sign_in_throttle WHERE window_start < now() - interval '1 day' AND not_before < now()`)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func seconds(s float64) time.Duration {
	if s <= 0 {
		return 0
	}
	return time.Duration(s * float64(time.Second))
}
