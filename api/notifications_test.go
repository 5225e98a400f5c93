//go:build integration

package api_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestReadAllNotifications: 全部已读 marks the caller's unread notifications read, and no one else's.
func TestReadAllNotifications(t *testing.T) {
	project := newProject(t, projectSpec{})
	submitted(t, "LIT", project)
	submitted(t, "LIT", project)
	reviewer, other := login(t, "lit-reviewer"), login(t, "sci-reviewer")
	submitted(t, "SCI", project)
	require.Eventually(t, func() bool { return reviewer.call("GET", "/notifications/unread", nil).num("unread") >= 2 }, 30*time.Second, 200*time.Millisecond,
		"the reviewer was told of the submissions")
	require.Eventually(t, func() bool { return other.call("GET", "/notifications/unread", nil).num("unread") >= 1 }, 30*time.Second, 200*time.Millisecond)
	before := other.call("GET", "/notifications/unread", nil).num("unread")
	r := reviewer.call("POST", "/notifications/read-all", nil)
	require.Equal(t, 200, r.status, string(r.body))
	require.EqualValues(t, 0, reviewer.call("GET", "/notifications/unread", nil).num("unread"))
	require.EqualValues(t, before, other.call("GET", "/notifications/unread", nil).num("unread"), "another reviewer's stay unread")
}
