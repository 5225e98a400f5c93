//go:build integration

package api_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNoticeIsVersioned: the foreign affairs office publishes a new 申报须知; students accept the
// version they read, an application started on the page of an earlier version is asked to read
// again, and each application keeps the version its student accepted.
func TestNoticeIsVersioned(t *testing.T) {
	wsc := login(t, "wsc")
	before := wsc.call("GET", "/notice", nil)
	require.Equal(t, 200, before.status)

	bad := wsc.call("PUT", "/notice", map[string]any{"notice": "", "commitment": strings.Repeat("诺", 2001), "readSeconds": 61})
	require.Equal(t, 422, bad.status)
	require.Contains(t, bad.errField("notice"), "申报须知")
	require.Contains(t, bad.errField("commitment"), "本人承诺")
	require.Contains(t, bad.errField("readSeconds"), "阅读时间")
	require.Equal(t, 403, newStudent(t, "LIT").call("PUT", "/notice", map[string]any{"notice": "x", "commitment": "y", "readSeconds": 1}).status)

	r := wsc.call("PUT", "/notice", map[string]any{"notice": "新版申报须知：请如实填写。", "commitment": "本人承诺所填信息真实。", "readSeconds": 3})
	require.Equal(t, 200, r.status, string(r.body))
	version := r.str("version")
	require.NotEqual(t, before.str("version"), version)
	s := newStudent(t, "LIT")
	now := s.call("GET", "/notice", nil)
	require.Equal(t, version, now.str("version"))
	require.Equal(t, "新版申报须知：请如实填写。", now.str("notice"))

	project := newProject(t, projectSpec{})
	old := acceptBody(project)
	old["noticeVersion"] = before.str("version")
	stale := s.call("POST", "/applications", old)
	require.Equal(t, 409, stale.status, "read an earlier version: read again")
	fresh := acceptBody(project)
	fresh["noticeVersion"] = version
	created := s.call("POST", "/applications", fresh)
	require.Equal(t, 201, created.status, string(created.body))
	require.Equal(t, version, created.str("noticeVersion"), "the application keeps the version accepted")
}
