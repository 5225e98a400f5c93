//go:build integration

package api_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMinIOOutage: uploads answer 503 with a clear message and leave no row; after the restart they work.
func TestMinIOOutage(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	rows := func() int {
		var n int
		require.NoError(t, env.Services.Store.DB.Get(&n, `SELECT count(*) FROM attachments`))
		return n
	}
	before := rows()
	env.Stack.StopMinIO()
	restarted := false
	defer func() {
		if !restarted {
			_ = env.Stack.StartMinIO(context.Background())
		}
	}()
	r := s.upload(pathf("/applications/%d/attachments?requirementId=%d", d.id, d.required[0]), "a.pdf", pdfFile())
	require.Equal(t, 503, r.status, string(r.body))
	require.Equal(t, "files_unavailable", r.str("error.code"))
	require.Contains(t, r.str("error.message"), "文件服务暂时不可用")
	require.Equal(t, before, rows(), "no row without its object")
	resp, err := http.Get(env.URL + "/readyz")
	require.NoError(t, err)
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	resp.Body.Close()
	require.Equal(t, 503, resp.StatusCode)
	require.Contains(t, body.String(), `"minio":{"status":"down"`)

	require.NoError(t, env.Stack.StartMinIO(context.Background()))
	restarted = true
	require.Eventually(t, func() bool {
		return s.upload(pathf("/applications/%d/attachments?requirementId=%d", d.id, d.required[0]), "a.pdf", pdfFile()).status == 201
	}, 30*time.Second, 500*time.Millisecond)
}

// TestSweeperRemovesOrphans: an object whose row never committed is removed; recorded ones stay.
func TestSweeperRemovesOrphans(t *testing.T) {
	ctx := context.Background()
	key := "required/0/orphan-" + time.Now().Format("150405.000000")
	_, err := env.Services.Files.Put(ctx, key, strings.NewReader("%PDF-1.4 orphan"), -1, "application/pdf")
	require.NoError(t, err)
	known := countObjects(t)
	removed, err := env.Services.SweepOrphans(ctx, 0)
	require.NoError(t, err)
	require.GreaterOrEqual(t, removed, 1)
	require.Equal(t, known-removed, countObjects(t))
	var rows int
	require.NoError(t, env.Services.Store.DB.Get(&rows, `SELECT count(*) FROM attachments`))
	require.Equal(t, rows, countObjects(t), "every object left has its row")
	// A young orphan is left for its upload to commit.
	_, err = env.Services.Files.Put(ctx, key+"-young", strings.NewReader("%PDF-1.4"), -1, "application/pdf")
	require.NoError(t, err)
	removed, err = env.Services.SweepOrphans(ctx, time.Hour)
	require.NoError(t, err)
	require.Equal(t, 0, removed)
	_, err = env.Services.SweepOrphans(ctx, 0)
	require.NoError(t, err)
}
