//go:build integration

package api_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"outbound/server"
)

// TestSubmitWhoseAnswerIsLateIsPendingThenKnown: a submission whose outcome cannot come within the
// request's time — here its application's row is held by another transaction, as writes queued
// at a deadline hold it — answers 202 "being processed" with its key instead of an error the
// student cannot interpret; repeated with the same key it answers the real outcome, and the
// application is submitted exactly once, however often it is repeated.
func TestSubmitWhoseAnswerIsLateIsPendingThenKnown(t *testing.T) {
	cfg := *env.Services.Config
	cfg.HTTP.RequestTimeout = 3 * time.Second
	services := &server.Services{Config: &cfg, Store: env.Services.Store, Files: env.Services.Files, Temporal: env.Services.Temporal,
		Metrics: env.Services.Metrics, Codec: env.Services.Codec, Mail: env.Services.Mail}
	slow := httptest.NewServer(services.Handler())
	defer slow.Close()

	for _, clientKey := range []bool{true, false} {
		s := newStudent(t, "LIT")
		d := newDraft(t, s, newProject(t, projectSpec{}))
		s.base = slow.URL
		tx, err := env.Services.Store.DB.Beginx()
		require.NoError(t, err)
		_, err = tx.Exec(`SELECT 1 FROM applications WHERE id = $1 FOR UPDATE`, d.id)
		require.NoError(t, err)

		// A client without a key of its own is given one to repeat the request with.
		key := ""
		if clientKey {
			key = uuid.NewString()
		}
		submit := func() *response {
			headers := []string{"Prefer", "return=minimal"}
			if key != "" {
				headers = append(headers, "Idempotency-Key", key)
			}
			return s.call("POST", pathf("/applications/%d/submit", d.id), nil, headers...)
		}
		started := time.Now()
		r := submit()
		require.Equal(t, 202, r.status, "a late answer is not an error: %s", r.body)
		require.Less(t, time.Since(started), cfg.HTTP.RequestTimeout, "answered within the request's time")
		require.Equal(t, "processing", r.str("status"))
		require.Contains(t, r.str("message"), "正在处理")
		require.NotEmpty(t, r.str("idempotencyKey"))
		require.Equal(t, r.str("idempotencyKey"), r.header.Get("Idempotency-Key"))
		if clientKey {
			require.Equal(t, key, r.str("idempotencyKey"))
		}
		key = r.str("idempotencyKey")

		require.NoError(t, tx.Rollback())
		require.Eventually(t, func() bool { return submit().status == 204 }, 30*time.Second, 500*time.Millisecond)
		require.Equal(t, 204, submit().status, "the same key again: the same outcome")
		var submissions int
		require.NoError(t, env.Services.Store.DB.Get(&submissions, `SELECT count(*) FROM timeline_events WHERE application_id = $1 AND kind = 'submitted'`, d.id))
		require.Equal(t, 1, submissions, "submitted once")
		require.Equal(t, "申请中", statusOf(t, s, d.id))
	}
}

// TestMessagesWaitTheirTurnAndAreCarriedThrough: an API process hands only so many messages to
// workflows at once (temporal.messages_at_once, here one); the next waits its turn, in order. A
// submission whose request's time runs out while it waits is answered "being processed" and is
// still carried through when its turn comes — nobody has to repeat it — once.
func TestMessagesWaitTheirTurnAndAreCarriedThrough(t *testing.T) {
	cfg := *env.Services.Config
	cfg.HTTP.RequestTimeout = 3 * time.Second
	cfg.Temporal.MessagesAtOnce = 1
	services := &server.Services{Config: &cfg, Store: env.Services.Store, Files: env.Services.Files, Temporal: env.Services.Temporal,
		Metrics: env.Services.Metrics, Codec: env.Services.Codec, Mail: env.Services.Mail}
	oneAtOnce := httptest.NewServer(services.Handler())
	defer oneAtOnce.Close()

	project := newProject(t, projectSpec{})
	first, second := newStudent(t, "LIT"), newStudent(t, "ECO")
	firstDraft, secondDraft := newDraft(t, first, project), newDraft(t, second, project)
	first.base, second.base = oneAtOnce.URL, oneAtOnce.URL
	stage := func(id int64) (s string) {
		require.NoError(t, env.Services.Store.DB.Get(&s, `SELECT stage FROM applications WHERE id = $1`, id))
		return s
	}
	// The first submission holds the only turn: its application's row is held by another transaction.
	tx, err := env.Services.Store.DB.Beginx()
	require.NoError(t, err)
	defer func() { _ = tx.Rollback() }()
	_, err = tx.Exec(`SELECT 1 FROM applications WHERE id = $1 FOR UPDATE`, firstDraft.id)
	require.NoError(t, err)
	submit := func(c *client, id int64, key string) *response {
		return c.call("POST", pathf("/applications/%d/submit", id), nil, "Prefer", "return=minimal", "Idempotency-Key", key)
	}
	firstKey, secondKey := uuid.NewString(), uuid.NewString()
	require.Equal(t, 202, submit(first, firstDraft.id, firstKey).status)

	r := submit(second, secondDraft.id, secondKey)
	require.Equal(t, 202, r.status, "waiting for a turn is not an error: %s", r.body)
	require.Equal(t, "processing", r.str("status"))
	require.Equal(t, "draft", stage(secondDraft.id), "not handed over before its turn")

	require.NoError(t, tx.Rollback())
	require.Eventually(t, func() bool { return stage(firstDraft.id) != "draft" && stage(secondDraft.id) != "draft" },
		30*time.Second, 200*time.Millisecond, "both carried through without being repeated")
	require.Equal(t, 204, submit(second, secondDraft.id, secondKey).status, "repeated with its key: the outcome")
	require.Equal(t, 204, submit(first, firstDraft.id, firstKey).status)
	for _, id := range []int64{firstDraft.id, secondDraft.id} {
		var submissions int
		require.NoError(t, env.Services.Store.DB.Get(&submissions, `SELECT count(*) FROM timeline_events WHERE application_id = $1 AND kind = 'submitted'`, id))
		require.Equal(t, 1, submissions, "submitted once")
	}
}
