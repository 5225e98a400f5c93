//go:build integration

package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

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
