// Package storage is Outbound's PostgreSQL read model and form store: the
// schema (goose migrations embedded in the binary) and every query.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store wraps the database pool.
type Store struct {
	DB *sqlx.DB
	// years are the years of published projects, kept a while (ProjectYears).
	years yearsKept
}

// Errors the callers map to answers.
var (
	ErrNotFound = errors.New("not found")
	// ErrOpenApplication: the student already has an open application (每人限报1个项目).
	ErrOpenApplication = errors.New("student already has an open application")
	ErrConflict        = errors.New("conflict")
)

// Open connects and checks the connection.
// keys, when set, seal identity numbers at rest.
func Open(ctx context.Context, url string, maxOpen int, keys FieldKeys) (*Store, error) {
	url, err := withFieldKeys(url, keys)
	if err != nil {
		return nil, err
	}
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(maxOpen)
	db.SetMaxIdleConns(maxOpen)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database: %w", err)
	}
	return &Store{DB: db}, nil
}

func (s *Store) Close() error { return s.DB.Close() }

// Migrate runs a goose command: up, down or status.
func (s *Store) Migrate(ctx context.Context, command string, out io.Writer) error {
	provider, err := goose.NewProvider(goose.DialectPostgres, s.DB.DB, mustSub(migrations, "migrations"))
	if err != nil {
		return err
	}
	switch command {
	case "up":
		results, err := provider.Up(ctx)
		for _, r := range results {
			fmt.Fprintf(out, "migrated up %s (%s)\n", r.Source.Path, r.Duration.Round(time.Millisecond))
		}
		return err
	case "down":
		r, err := provider.Down(ctx)
		if r != nil {
			fmt.Fprintf(out, "migrated down %s\n", r.Source.Path)
		}
		return err
	case "status":
		statuses, err := provider.Status(ctx)
		if err != nil {
			return err
		}
		for _, st := range statuses {
			applied := "pending"
			if st.State == goose.StateApplied {
				applied = "applied " + st.AppliedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(out, "%-30s %s\n", st.Source.Path, applied)
		}
		return nil
	}
	return fmt.Errorf("unknown migrate command %q (up, down or status)", command)
}

// inTx runs fn in a transaction, committing only when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.DB.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			slog.Warn("rollback failed", "error", rbErr)
		}
		return err
	}
	return tx.Commit()
}

// constraintViolated reports whether err is a violation of the named constraint or index.
func constraintViolated(err error, name string) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Constraint == name
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// condition appends v to args and gives cond with each "?" as the placeholder of v.
func condition(args *[]any, cond string, v any) string {
	*args = append(*args, v)
	return strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(*args)))
}
