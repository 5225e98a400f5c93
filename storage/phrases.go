package storage

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// OpinionPhrases are the office's ready-made opinions by decision, in its order; kept is false
// while the office has never saved a list of its own.
func (s *Store) OpinionPhrases(ctx context.Context) (phrases map[string][]string, kept bool, err error) {
	var rows []struct {
		Decision string `db:"decision"`
		Phrase   string `db:"phrase"`
	}
	if err := s.DB.GetContext(ctx, &kept, `SELECT EXISTS (SELECT 1 FROM opinion_phrases_kept)`); err != nil {
		return nil, false, err
	}
	if err := s.DB.SelectContext(ctx, &rows, `SELECT decision, phrase FROM opinion_phrases ORDER BY decision, position`); err != nil {
		return nil, false, err
	}
	phrases = map[string][]string{}
	for _, r := range rows {
		phrases[r.Decision] = append(phrases[r.Decision], r.Phrase)
	}
	return phrases, kept, nil
}

// SetOpinionPhrases replaces the office's list.
func (s *Store) SetOpinionPhrases(ctx context.Context, phrases map[string][]string) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM opinion_phrases`); err != nil {
			return err
		}
		for decision, list := range phrases {
			for i, p := range list {
				if _, err := tx.ExecContext(ctx, `INSERT INTO opinion_phrases (decision, position, phrase) VALUES ($1, $2, $3)`, decision, i, p); err != nil {
					return err
				}
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO opinion_phrases_kept (updated_at) VALUES (now())
			ON CONFLICT (singleton) DO UPDATE SET updated_at = now()`)
		return err
	})
}
