package storage

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"outbound/process"
)

// FieldKeys are the keys that seal identity numbers at rest (database.field_keys, "id:base64,…")
// and the id of the one that seals new values; the others still open what they sealed.
type FieldKeys struct{ Keys, Current string }

// withFieldKeys gives every connection of the pool the keys, as settings of its session that the
// SQL functions outbound_seal and outbound_open read. They travel in the connection's start-up
// message, like the password; nothing is written to the database.
func withFieldKeys(dsn string, k FieldKeys) (string, error) {
	if k.Keys == "" {
		return dsn, nil
	}
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return "", fmt.Errorf("database.url must be a postgres:// URL to carry database.field_keys")
	}
	q := u.Query()
	opts := strings.TrimSpace(q.Get("options") + " -c outbound.field_keys=" + strings.ReplaceAll(k.Keys, " ", "") + " -c outbound.field_key_id=" + k.Current)
	q.Set("options", opts)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// ResealFields seals under the current key, for at most limit rows of each table, the identity
// numbers still in clear (written before sealing began) or sealed under an older key (after a
// rotation), and says how many rows it changed. Without a current key it does nothing.
func (s *Store) ResealFields(ctx context.Context, limit int) (int, error) {
	names := pq.StringArray(process.SealedNames())
	var columns []string
	for _, f := range process.Form {
		if f.Sealed {
			columns = append(columns, f.Column)
		}
	}
	stale := func(col string) string {
		return "(" + col + " <> '' AND " + col + " NOT LIKE 'enc:' || current_setting('outbound.field_key_id', true) || ':%')"
	}
	var staleApp, sets []string
	for _, c := range columns {
		staleApp, sets = append(staleApp, stale(c)), append(sets, c+" = outbound_seal(outbound_open("+c+"))")
	}
	total := 0
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var current string
		if err := tx.GetContext(ctx, &current, `SELECT coalesce(current_setting('outbound.field_key_id', true), '')`); err != nil || current == "" {
			return err
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE applications SET ` + strings.Join(sets, ", ") + ` WHERE id IN (
				SELECT id FROM applications WHERE ` + strings.Join(staleApp, " OR ") + ` LIMIT $1 FOR UPDATE SKIP LOCKED)`, []any{limit}},
			{`UPDATE student_profiles SET id_card_no = outbound_seal(outbound_open(id_card_no)) WHERE account_id IN (
				SELECT account_id FROM student_profiles WHERE ` + stale("id_card_no") + ` LIMIT $1 FOR UPDATE SKIP LOCKED)`, []any{limit}},
			{`UPDATE submission_snapshots s SET content = outbound_seal_fields(outbound_open_fields(content, $2), $2)
				WHERE (application_id, seq) IN (SELECT application_id, seq FROM submission_snapshots t WHERE EXISTS (
				    SELECT 1 FROM jsonb_each(t.content) AS e(k, v), jsonb_each(CASE WHEN jsonb_typeof(v) = 'object' THEN v ELSE '{}'::jsonb END) AS f(fk, fv)
				     WHERE fk = ANY($2) AND jsonb_typeof(fv) = 'string' AND fv #>> '{}' <> ''
				       AND fv #>> '{}' NOT LIKE 'enc:' || current_setting('outbound.field_key_id', true) || ':%')
				LIMIT $1 FOR UPDATE SKIP LOCKED)`, []any{limit, names}},
		} {
			res, err := tx.ExecContext(ctx, q.sql, q.args...)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			total += int(n)
		}
		return nil
	})
	return total, err
}
