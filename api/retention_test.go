//go:build integration

package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"outbound/activities"
)

// TestSupersededFilesAreRemoved: a file deleted from a draft and a replaced photo leave the store
// at the next sweep, with their rows; a deleted file a submission recorded, the current photo and
// the files in use stay.
func TestSupersededFilesAreRemoved(t *testing.T) {
	ctx := context.Background()
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	me := s.call("GET", "/me", nil).num("id")
	upload := func() (int64, string) {
		r := s.upload(pathf("/applications/%d/attachments?requirementId=%d", d.id, d.required[0]), "成绩单.pdf", pdfFile())
		require.Equal(t, 201, r.status, string(r.body))
		var key string
		require.NoError(t, env.Services.Store.DB.GetContext(ctx, &key, `SELECT object_key FROM attachments WHERE id = $1`, r.num("id")))
		return r.num("id"), key
	}
	deleted, deletedKey := upload()
	recorded, recordedKey := upload()
	for _, id := range []int64{deleted, recorded} {
		require.Equal(t, 204, s.call("DELETE", pathf("/applications/%d/attachments/%d", d.id, id), nil).status)
	}
	// A submission once listed the second one (as when a student replaces a file after a 退回).
	_, err := env.Services.Store.DB.ExecContext(ctx, `INSERT INTO submission_snapshots (application_id, seq, sha256, content)
		VALUES ($1, 9999, repeat('0', 64), $2)`, d.id, fmt.Sprintf(`{"attachments": [{"id": %d}]}`, recorded))
	require.NoError(t, err)

	require.Equal(t, 200, s.uploadPhoto(pngFile(300, 420)).status)
	var oldPhoto int64
	var oldPhotoKey string
	require.NoError(t, env.Services.Store.DB.QueryRowContext(ctx, `SELECT a.id, a.object_key FROM student_profiles p JOIN attachments a ON a.id = p.photo_attachment_id
		WHERE p.account_id = $1`, me).Scan(&oldPhoto, &oldPhotoKey))
	require.Equal(t, 200, s.uploadPhoto(pngFile(310, 430)).status)

	var keysBefore []string
	require.NoError(t, env.Services.Store.DB.SelectContext(ctx, &keysBefore, `SELECT object_key FROM attachments WHERE owner_id = $1`, me))
	sweeper := &activities.Activities{Store: env.Services.Store, Files: env.Services.Files}
	_, err = sweeper.SweepOrphans(ctx, 0)
	require.NoError(t, err)

	var left []string
	require.NoError(t, env.Services.Store.DB.SelectContext(ctx, &left, `SELECT object_key FROM attachments WHERE owner_id = $1`, me))
	require.NotContains(t, left, deletedKey, "the deleted file's row is gone")
	require.NotContains(t, left, oldPhotoKey, "the replaced photo's row is gone")
	require.Contains(t, left, recordedKey, "a file a submission recorded stays")
	var current string
	require.NoError(t, env.Services.Store.DB.GetContext(ctx, &current, `SELECT a.object_key FROM student_profiles p JOIN attachments a ON a.id = p.photo_attachment_id
		WHERE p.account_id = $1`, me))
	gone := map[string]bool{deletedKey: true}
	for _, key := range keysBefore {
		if strings.HasPrefix(key, "photo/") && key != current {
			gone[key] = true
		}
	}
	require.Len(t, left, len(keysBefore)-len(gone))
	for _, key := range keysBefore {
		rc, _, err := env.Services.Files.Open(ctx, key)
		if err == nil {
			rc.Close()
		}
		if gone[key] {
			require.Error(t, err, "the object %s is removed", key)
		} else {
			require.NoError(t, err, "the object %s stays", key)
		}
	}
	require.Equal(t, 200, s.call("GET", "/profile/photo", nil).status, "the current photo is served")
}

// TestPersonalDataIsErasedAfterRetention: an application closed longer ago than the retention keeps
// its row, stage and numbers but loses its personal fields (also in its submitted snapshot) and its
// files, audited; one closed since is untouched; a student who left that long ago loses the
// personal part of their profile and their photo.
func TestPersonalDataIsErasedAfterRetention(t *testing.T) {
	ctx := context.Background()
	db := env.Services.Store.DB
	reject := func() (*client, int64) {
		s, id := submitted(t, "LIT", newProject(t, projectSpec{}))
		r := decide(t, login(t, "lit-reviewer"), id, map[string]any{"decision": "reject", "opinion": "材料不符合要求"}, 200)
		require.Equal(t, "未通过", r.str("application.status"))
		return s, id
	}
	old, oldID := reject()
	_, recentID := reject()
	_, err := db.ExecContext(ctx, `UPDATE applications SET closed_at = now() - interval '6 years' WHERE id = $1`, oldID)
	require.NoError(t, err)
	var files int
	require.NoError(t, db.GetContext(ctx, &files, `SELECT count(*) FROM attachments WHERE application_id = $1`, oldID))
	require.NotZero(t, files)

	// A student who left six years ago, with nothing open.
	left := newStudent(t, "LIT")
	leftID := left.call("GET", "/me", nil).num("id")
	require.Equal(t, 200, left.uploadPhoto(pngFile(300, 420)).status)
	_, err = db.ExecContext(ctx, `UPDATE student_profiles SET id_card_no = '120101200301011234', phone = '13123263727' WHERE account_id = $1`, leftID)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `UPDATE accounts SET disabled = true, updated_at = now() - interval '6 years' WHERE id = $1`, leftID)
	require.NoError(t, err)

	eraser := &activities.Activities{Store: env.Services.Store, KeepClosedFor: 5 * 365 * 24 * time.Hour}
	erased, err := eraser.EraseExpiredPersonalData(ctx)
	require.NoError(t, err)
	require.GreaterOrEqual(t, erased.Applications, 1)
	require.GreaterOrEqual(t, erased.Files, files)
	require.GreaterOrEqual(t, erased.Profiles, 1)

	var app struct {
		IDCard   string `db:"id_card_no"`
		Phone    string `db:"phone"`
		Stage    string `db:"stage"`
		Snapshot string `db:"snapshot"`
		Files    int    `db:"files"`
		Audited  int    `db:"audited"`
	}
	read := func(id int64) {
		require.NoError(t, db.GetContext(ctx, &app, `SELECT ap.id_card_no, ap.phone, ap.stage,
			(SELECT coalesce(string_agg(content::text, ''), '') FROM submission_snapshots WHERE application_id = ap.id) AS snapshot,
			(SELECT count(*) FROM attachments WHERE application_id = ap.id) AS files,
			(SELECT count(*) FROM audit_log WHERE action = 'retention.erase' AND target_type = 'application' AND target_id = ap.id::text) AS audited
			FROM applications ap WHERE ap.id = $1`, id))
	}
	read(oldID)
	require.Empty(t, app.IDCard)
	require.Empty(t, app.Phone)
	require.Equal(t, "rejected", app.Stage, "the record of what happened stays")
	require.NotContains(t, app.Snapshot, "idCardNo", "the snapshot forgets the personal fields")
	require.Contains(t, app.Snapshot, "basicInfo")
	require.Zero(t, app.Files)
	require.Equal(t, 1, app.Audited)
	require.Equal(t, 200, old.call("GET", pathf("/applications/%d", oldID), nil).status, "the student still sees what happened")

	read(recentID)
	require.NotEmpty(t, app.IDCard, "an application closed since keeps its data")
	require.NotZero(t, app.Files)
	require.Zero(t, app.Audited)

	var profile struct {
		IDCard string `db:"id_card_no"`
		Phone  string `db:"phone"`
		Photo  *int64 `db:"photo_attachment_id"`
	}
	require.NoError(t, db.GetContext(ctx, &profile, `SELECT id_card_no, phone, photo_attachment_id FROM student_profiles WHERE account_id = $1`, leftID))
	require.Empty(t, profile.IDCard)
	require.Empty(t, profile.Phone)
	require.Nil(t, profile.Photo)

	// A second run finds nothing more to do.
	again, err := eraser.EraseExpiredPersonalData(ctx)
	require.NoError(t, err)
	require.Zero(t, again.Applications)
}

// TestDataAccessIsOnRecordOrRefused: an export, a student's file and payloads decoded for the
// Temporal UI are audited before they go out; when the audit entry cannot be written, nothing goes.
func TestDataAccessIsOnRecordOrRefused(t *testing.T) {
	ctx := context.Background()
	db := env.Services.Store.DB
	admin := login(t, "admin")
	count := func(action string) (n int) {
		require.NoError(t, db.GetContext(ctx, &n, `SELECT count(*) FROM audit_log WHERE action = $1`, action))
		return n
	}
	before := count("temporal.decode")
	r := admin.call("POST", "/temporal-codec/decode", map[string]any{"payloads": []any{}})
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, before+1, count("temporal.decode"), "a decode is on record")

	_, err := db.ExecContext(ctx, `CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'audit refused for the test'; END $$;
		CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW
		WHEN (NEW.action IN ('application.export', 'attachment.read', 'temporal.decode')) EXECUTE FUNCTION refuse_audit()`)
	require.NoError(t, err)
	defer func() {
		_, err := db.ExecContext(ctx, `DROP TRIGGER refuse_audit ON audit_log; DROP FUNCTION refuse_audit()`)
		require.NoError(t, err)
	}()
	r = admin.call("GET", "/exports/applications.xlsx", nil)
	require.Equal(t, 503, r.status)
	require.Contains(t, r.str("error.message"), "无法记录")
	require.Equal(t, 503, admin.call("POST", "/temporal-codec/decode", map[string]any{"payloads": []any{}}).status)
	_, app := submitted(t, "LIT", newProject(t, projectSpec{}))
	detail := login(t, "lit-reviewer").call("GET", pathf("/applications/%d", app), nil)
	file := int64(detail.list("requirements")[0].(map[string]any)["files"].([]any)[0].(map[string]any)["id"].(float64))
	require.Equal(t, 503, login(t, "lit-reviewer").call("GET", pathf("/applications/%d/attachments/%d", app, file), nil).status,
		"a student's file is not shown to staff off the record")
}
