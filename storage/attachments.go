package storage

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// Attachment is a stored file's metadata; the bytes are in MinIO under ObjectKey.
type Attachment struct {
	ID            int64      `db:"id" json:"id"`
	OwnerID       int64      `db:"owner_id" json:"-"`
	ApplicationID *int64     `db:"application_id" json:"applicationId"`
	RequirementID *int64     `db:"requirement_id" json:"requirementId"`
	Kind          string     `db:"kind" json:"kind"`
	Label         string     `db:"label" json:"label"`
	ObjectKey     string     `db:"object_key" json:"-"`
	FileName      string     `db:"file_name" json:"fileName"`
	SizeBytes     int64      `db:"size_bytes" json:"sizeBytes"`
	ContentType   string     `db:"content_type" json:"contentType"`
	SHA256        string     `db:"sha256" json:"sha256"`
	Version       int        `db:"version" json:"version"`
	UploadedAt    time.Time  `db:"uploaded_at" json:"uploadedAt"`
	DeletedAt     *time.Time `db:"deleted_at" json:"-"`
}

const attachmentColumns = `id, owner_id, application_id, requirement_id, kind, label, object_key, file_name, size_bytes,
	content_type, sha256, version, uploaded_at, deleted_at`

// InsertAttachment records an uploaded object. The version counts earlier files
// of the same requirement or kind, so a new file never replaces what reviewers saw.
// editableStages, when given, is checked in the same statement: the insert
// happens only while the application is in one of them.
func (s *Store) InsertAttachment(ctx context.Context, a *Attachment, editableStages []string) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error { return s.InsertAttachmentTx(ctx, tx, a, editableStages) })
}

// InsertAttachmentTx is InsertAttachment inside a caller's transaction.
func (s *Store) InsertAttachmentTx(ctx context.Context, tx *sqlx.Tx, a *Attachment, editableStages []string) error {
	if a.ApplicationID != nil && len(editableStages) > 0 {
		var ok bool
		// The row lock orders concurrent uploads of one application.
		if err := tx.GetContext(ctx, &ok, `SELECT stage = ANY($2) AND `+notSubmitting+` FROM applications WHERE id = $1 FOR UPDATE`,
			*a.ApplicationID, stringArray(editableStages)); err != nil {
			return notFound(err)
		}
		if !ok {
			return ErrConflict
		}
	}
	return tx.QueryRowxContext(ctx, `
		INSERT INTO attachments (owner_id, application_id, requirement_id, kind, label, object_key, file_name, size_bytes, content_type, sha256, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
			1 + (SELECT count(*) FROM attachments WHERE owner_id = $1 AND application_id IS NOT DISTINCT FROM $2
			     AND kind = $4 AND requirement_id IS NOT DISTINCT FROM $3))
		RETURNING id, version, uploaded_at`,
		a.OwnerID, a.ApplicationID, a.RequirementID, a.Kind, a.Label, a.ObjectKey, a.FileName, a.SizeBytes, a.ContentType, a.SHA256).
		Scan(&a.ID, &a.Version, &a.UploadedAt)
}

// AttachmentByID returns a live attachment.
func (s *Store) AttachmentByID(ctx context.Context, id int64) (*Attachment, error) {
	var a Attachment
	err := s.DB.GetContext(ctx, &a, `SELECT `+attachmentColumns+` FROM attachments WHERE id = $1 AND deleted_at IS NULL`, id)
	return &a, notFound(err)
}

// Attachments lists an application's live files in upload order.
func (s *Store) Attachments(ctx context.Context, applicationID int64) ([]Attachment, error) {
	return attachments(ctx, s.DB, applicationID)
}

func attachments(ctx context.Context, q sqlx.QueryerContext, applicationID int64) ([]Attachment, error) {
	out := []Attachment{}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+attachmentColumns+` FROM attachments
		WHERE application_id = $1 AND deleted_at IS NULL ORDER BY id`, applicationID)
	return out, err
}

// DeleteAttachment marks a file of the kind deleted while its application is
// still in the stage. The object stays in MinIO: a submitted snapshot may refer to it.
func (s *Store) DeleteAttachment(ctx context.Context, id, applicationID int64, kind, stage string) error {
	res, err := s.DB.ExecContext(ctx, `UPDATE attachments SET deleted_at = now()
		WHERE id = $1 AND application_id = $2 AND deleted_at IS NULL AND kind = $3
		  AND EXISTS (SELECT 1 FROM applications WHERE id = $2 AND stage = $4 AND `+notSubmitting+` FOR SHARE)`,
		id, applicationID, kind, stage)
	return rowsOrConflict(res, err)
}

// ForgetAttachment removes the row of a file whose message the workflow refused, so nothing dangles.
func (s *Store) ForgetAttachment(ctx context.Context, id int64) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM attachments WHERE id = $1`, id)
	return err
}

// ObjectKnown reports whether an object key has a row (the sweeper's question).
func (s *Store) ObjectKnown(ctx context.Context, key string) (bool, error) {
	var known bool
	err := s.DB.GetContext(ctx, &known, `SELECT EXISTS (SELECT 1 FROM attachments WHERE object_key = $1)`, key)
	return known, err
}

// UsedBytes is what a person's stored files take, those deleted not counted.
func (s *Store) UsedBytes(ctx context.Context, ownerID int64) (int64, error) {
	var n int64
	err := s.DB.GetContext(ctx, &n, `SELECT coalesce(sum(size_bytes), 0) FROM attachments WHERE owner_id = $1 AND deleted_at IS NULL`, ownerID)
	return n, err
}

// ForgetSupersededFiles deletes the rows of files nobody can need any more, so that the orphan
// sweep removes their objects: files deleted from an application that no submitted snapshot
// lists, and photos older than grace that no profile shows (a newer photo replaced them). It
// answers how many it forgot. A file a submission recorded stays as long as the record.
func (s *Store) ForgetSupersededFiles(ctx context.Context, grace time.Duration) (int64, error) {
	res, err := s.DB.ExecContext(ctx, `
		DELETE FROM attachments a
		 WHERE (a.deleted_at IS NOT NULL AND NOT EXISTS (
		            SELECT 1 FROM submission_snapshots s
		             WHERE s.application_id = a.application_id
		               AND s.content->'attachments' @> jsonb_build_array(jsonb_build_object('id', a.id))))
		    OR (a.kind = 'photo' AND a.uploaded_at < now() - $1 * interval '1 second'
		        AND NOT EXISTS (SELECT 1 FROM student_profiles p WHERE p.photo_attachment_id = a.id))`, grace.Seconds())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
