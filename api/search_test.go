//go:build integration

package api_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestListsFindByWhatPeopleSee: offices find applications by the words on the screen — a project's
// 编号 or name, a college's name, a student's 姓名 or 学号 — not by internal ids; a % or _ in the
// words is itself, not a wildcard.
func TestListsFindByWhatPeopleSee(t *testing.T) {
	project := newProject(t, projectSpec{})
	student, app := submitted(t, "LIT", project)
	_, other := submitted(t, "SCI", newProject(t, projectSpec{}))
	code := login(t, "wsc").call("GET", pathf("/projects/%d", project), nil).str("project.code")
	username := student.call("GET", "/me", nil).str("username")
	ids := func(c *client, path string) []int64 {
		r := c.call("GET", path, nil)
		require.Equal(t, 200, r.status, string(r.body))
		var out []int64
		for _, it := range r.list("items") {
			out = append(out, int64(it.(map[string]any)["application"].(map[string]any)["id"].(float64)))
		}
		return out
	}
	jwc := login(t, "jwc1")
	for _, q := range []string{code, username, username[2:8]} {
		found := ids(jwc, "/applications?pageSize=100&q="+url.QueryEscape(q))
		require.Contains(t, found, app, "found by %q", q)
		require.NotContains(t, found, other, "only what matches %q", q)
	}
	byName := ids(jwc, fmt.Sprintf("/applications?pageSize=100&projectId=%d&college=%s", project, url.QueryEscape("文学院")))
	require.Equal(t, []int64{app}, byName, "a college by its name")
	require.Equal(t, byName, ids(jwc, fmt.Sprintf("/applications?pageSize=100&projectId=%d&college=LIT", project)), "and by its code")
	require.Contains(t, ids(login(t, "lit-reviewer"), "/reviews?pageSize=100&q="+url.QueryEscape(code)), app, "the queue too")
	require.Empty(t, ids(jwc, "/applications?pageSize=100&q=%25"), "a % is a percent sign, not everything")
}
