//go:build integration && chaos

package workflows_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"outbound/process"
	"outbound/workflows"
)

// workerProcess runs `outbound worker` as its own process, so it can be killed for real.
type workerProcess struct {
	t   *testing.T
	bin string
	cmd *exec.Cmd
}

func buildOutbound(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "outbound")
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/outbound")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

func (w *workerProcess) start() {
	c := env.Config
	cmd := exec.Command(w.bin, "worker")
	cmd.Env = append(os.Environ(),
		"OUTBOUND_DATABASE_URL="+c.Database.URL, "OUTBOUND_TEMPORAL_ADDRESS="+c.Temporal.Address,
		"OUTBOUND_MINIO_ENDPOINT="+c.MinIO.Endpoint, "OUTBOUND_MINIO_ACCESS_KEY="+c.MinIO.AccessKey,
		"OUTBOUND_MINIO_SECRET_KEY="+c.MinIO.SecretKey, "OUTBOUND_LOG_LEVEL=warn",
		"OUTBOUND_TEMPORAL_CODEC_KEYS="+c.Temporal.CodecKeys, "OUTBOUND_TEMPORAL_CODEC_KEY_ID="+c.Temporal.CodecKeyID,
		"OUTBOUND_DATABASE_FIELD_KEYS="+c.Database.FieldKeys, "OUTBOUND_DATABASE_FIELD_KEY_ID="+c.Database.FieldKeyID)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	require.NoError(w.t, cmd.Start())
	w.cmd = cmd
}

func (w *workerProcess) kill() {
	require.NoError(w.t, w.cmd.Process.Signal(syscall.SIGKILL))
	_ = w.cmd.Wait()
}

func timelineSeqs(t *testing.T, id int64) []int {
	var seqs []int
	require.NoError(t, env.Services.Store.DB.Select(&seqs, `SELECT seq FROM timeline_events WHERE application_id = $1 ORDER BY seq`, id))
	return seqs
}

// TestChaosWorkerKilled kills the worker with SIGKILL while an application waits
// for a review, and again while an activity is running; after a restart every
// application goes on, with no timeline entry lost or doubled.
func TestChaosWorkerKilled(t *testing.T) {
	env.Worker.Stop() // this test runs its own worker processes
	defer func() {
		env.Worker = env.Services.NewWorker()
		require.NoError(t, env.Worker.Start())
	}()
	w := &workerProcess{t: t, bin: buildOutbound(t)}
	w.start()

	username := newStudent(t)
	p := actors(t, username)
	app, _ := newApplication(t, username, longTiming(), nil)
	_, err := update(app.ID, process.MsgSubmit, workflows.Request{Actor: p.student})
	require.NoError(t, err)
	waitSeq(t, app.ID, 2)

	// 1. Killed in the middle of a review: the decision arrives while no worker runs.
	w.kill()
	signal(t, app.ID, process.MsgDecide, approve(p.college))
	w.start()
	waitSeq(t, app.ID, 3)

	// 2. Killed in the middle of an activity: a lock holds RecordEvent inside its transaction.
	tx, err := env.Services.Store.DB.Beginx()
	require.NoError(t, err)
	_, err = tx.Exec(`SELECT 1 FROM applications WHERE id = $1 FOR UPDATE`, app.ID)
	require.NoError(t, err)
	signal(t, app.ID, process.MsgDecide, approve(p.academic1))
	require.Eventually(t, func() bool {
		// The activity's transaction waits for the lock: it is running.
		var waiting int
		require.NoError(t, env.Services.Store.DB.Get(&waiting, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'`))
		return waiting > 0
	}, 30*time.Second, 100*time.Millisecond, "the activity is running")
	w.kill()
	require.NoError(t, tx.Rollback())
	w.start()
	defer w.kill()
	// The lost attempt is retried by the new worker once its task times out.
	require.Eventually(t, func() bool {
		row, err := env.Services.Store.ApplicationByID(context.Background(), app.ID)
		require.NoError(t, err)
		return row.LastEventSeq >= 4
	}, 90*time.Second, 500*time.Millisecond)
	row := waitSeq(t, app.ID, 4)
	require.Equal(t, "foreign_review", row.Stage)
	require.Equal(t, []int{1, 2, 3, 4}, timelineSeqs(t, app.ID), "no entry lost or doubled")
}
