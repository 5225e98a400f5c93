package storage

import (
	"context"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"outbound/process"
)

// Retention: what a person gave for an application is kept while it is needed, then erased. The
// rows stay, without their personal data, so that statistics and the audit log still add up.

// profilePersonal are the columns of a profile that say who a person is beyond their name and
// number, which the university's own records keep.
var profilePersonal = []string{"birth_date", "id_card_no", "hukou_location", "political_status", "health_status", "birthplace",
	"native_place", "family_address", "ethnicity", "phone", "email", "qq", "wechat", "fax", "home_address", "home_phone",
	"emergency_name", "emergency_phone"}

// applicationPersonal are the application's columns of the catalogue's personal fields.
func applicationPersonal() (columns, names []string) {
	for _, f := range process.Form {
		if f.Personal && f.Column != "" && f.Expr == "" {
			columns, names = append(columns, f.Column), append(names, f.Name)
		}
	}
	return columns, names
}

// Erased counts what one pass of the retention job erased.
type Erased struct {
	Applications int `json:"applications"`
	Files        int `json:"files"`
	Profiles     int `json:"profiles"`
}

// EraseClosedApplications erases, for at most limit applications closed before cutoff, their
// personal fields, the same fields in their submitted snapshots (whose digests stay as the record
// that something was submitted), the notes of their check-ins and their files (the rows now; the
// objects at the next sweep), with an audit entry each, all in one transaction.
func (s *Store) EraseClosedApplications(ctx context.Context, cutoff time.Time, limit int) (Erased, error) {
	var out Erased
	columns, names := applicationPersonal()
	sets := make([]string, len(columns))
	for i, c := range columns {
		sets[i] = c + " = DEFAULT"
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, `UPDATE applications SET `+strings.Join(sets, ", ")+`, erased_at = now()
			WHERE id IN (SELECT id FROM applications WHERE closed_at < $1 AND erased_at IS NULL ORDER BY closed_at LIMIT $2 FOR UPDATE SKIP LOCKED)
			RETURNING id`, cutoff, limit); err != nil || len(ids) == 0 {
			return err
		}
		out.Applications = len(ids)
		if _, err := tx.ExecContext(ctx, `UPDATE submission_snapshots SET content = (
				SELECT jsonb_object_agg(k, CASE WHEN jsonb_typeof(v) = 'object' THEN v - $2::text[] ELSE v END) FROM jsonb_each(content) AS e(k, v))
			WHERE application_id = ANY($1)`, pq.Int64Array(ids), pq.StringArray(names)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE check_ins SET note = '' WHERE application_id = ANY($1) AND note <> ''`, pq.Int64Array(ids)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM attachments WHERE application_id = ANY($1)`, pq.Int64Array(ids))
		if err != nil {
			return err
		}
		files, _ := res.RowsAffected()
		out.Files = int(files)
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (action, target_type, target_id, after)
			SELECT 'retention.erase', 'application', id::text, jsonb_build_object('fields', $2::text[], 'closedBefore', $3::timestamptz)
			FROM unnest($1::bigint[]) AS id`, pq.Int64Array(ids), pq.StringArray(names), cutoff)
		return err
	})
	return out, err
}

// EraseLeftProfiles erases, for at most limit students whose accounts were disabled before cutoff
// and who have no application still open or closed since, the personal columns of their profile
// and their photo (its file leaves at the next sweep), with an audit entry each.
func (s *Store) EraseLeftProfiles(ctx context.Context, cutoff time.Time, limit int) (int, error) {
	sets := make([]string, len(profilePersonal))
	for i, c := range profilePersonal {
		sets[i] = c + " = DEFAULT"
	}
	var n int
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, `UPDATE student_profiles SET `+strings.Join(sets, ", ")+`, photo_attachment_id = NULL, erased_at = now()
			WHERE account_id IN (
			    SELECT a.id FROM accounts a JOIN student_profiles p ON p.account_id = a.id
			     WHERE a.disabled AND a.updated_at < $1 AND p.erased_at IS NULL
			       AND NOT EXISTS (SELECT 1 FROM applications ap WHERE ap.student_id = a.id AND (ap.closed_at IS NULL OR ap.closed_at >= $1))
			     ORDER BY a.id LIMIT $2 FOR UPDATE OF p SKIP LOCKED)
			RETURNING account_id`, cutoff, limit); err != nil || len(ids) == 0 {
			return err
		}
		n = len(ids)
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (action, target_type, target_id, after)
			SELECT 'retention.erase', 'profile', id::text, jsonb_build_object('fields', $2::text[], 'leftBefore', $3::timestamptz)
			FROM unnest($1::bigint[]) AS id`, pq.Int64Array(ids), pq.StringArray(profilePersonal), cutoff)
		return err
	})
	return n, err
}
