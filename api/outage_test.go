//go:build integration

package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	tclient "go.temporal.io/sdk/client"

	"outbound/activities"
	"outbound/workflows"
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

// TestHousekeepingScheduleRunsOncePerCluster: the housekeeping is a Temporal Schedule (one run
// for the cluster, visible in the Temporal UI); a run removes expired sessions and orphan objects.
func TestHousekeepingScheduleRunsOncePerCluster(t *testing.T) {
	ctx := context.Background()
	require.NoError(t, env.Services.EnsureSchedules(ctx), "a second worker finds the schedule there")
	handle := env.Services.Temporal.ScheduleClient().GetHandle(ctx, workflows.HousekeepingScheduleID)
	desc, err := handle.Describe(ctx)
	require.NoError(t, err)
	action, ok := desc.Schedule.Action.(*tclient.ScheduleWorkflowAction)
	require.True(t, ok)
	require.Equal(t, workflows.HousekeepingWorkflowName, action.Workflow)
	require.Equal(t, time.Hour, desc.Schedule.Spec.Intervals[0].Every)

	expired := login(t, "2021216403")
	sum := sha256.Sum256([]byte(expired.token))
	_, err = env.Services.Store.DB.Exec(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE token_hash = $1`, sum[:])
	require.NoError(t, err)
	live := login(t, "2021216403")
	require.NoError(t, handle.Trigger(ctx, tclient.ScheduleTriggerOptions{}))
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, env.Services.Store.DB.Get(&n, `SELECT count(*) FROM sessions WHERE token_hash = $1`, sum[:]))
		return n == 0
	}, 30*time.Second, 200*time.Millisecond, "the triggered run purges the expired session")
	require.Equal(t, 200, live.call("GET", "/me", nil).status, "a live session stays")
}

// TestSweeperRemovesOrphans: an object whose row never committed is removed; recorded ones stay.
func TestSweeperRemovesOrphans(t *testing.T) {
	ctx := context.Background()
	key := "required/0/orphan-" + time.Now().Format("150405.000000")
	_, err := env.Services.Files.Put(ctx, key, strings.NewReader("%PDF-1.4 orphan"), -1, "application/pdf")
	require.NoError(t, err)
	known := countObjects(t)
	sweeper := &activities.Activities{Store: env.Services.Store, Files: env.Services.Files}
	removed, err := sweeper.SweepOrphans(ctx, 0)
	require.NoError(t, err)
	require.GreaterOrEqual(t, removed, 1)
	require.Equal(t, known-removed, countObjects(t))
	var rows int
	require.NoError(t, env.Services.Store.DB.Get(&rows, `SELECT count(*) FROM attachments`))
	require.Equal(t, rows, countObjects(t), "every object left has its row")
	// A young orphan is left for its upload to commit.
	_, err = env.Services.Files.Put(ctx, key+"-young", strings.NewReader("%PDF-1.4"), -1, "application/pdf")
	require.NoError(t, err)
	removed, err = sweeper.SweepOrphans(ctx, time.Hour)
	require.NoError(t, err)
	require.Equal(t, 0, removed)
	_, err = sweeper.SweepOrphans(ctx, 0)
	require.NoError(t, err)
}
