//go:build integration

package api_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/lib/pq"
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

// TestSelfFundedProjectsAreMarked: a 自费 project's category is marked in the project list and the
// application lists, as the manual shows it; a project that says nothing is not; a value outside
// the list is refused by its field.
func TestSelfFundedProjectsAreMarked(t *testing.T) {
	project := newProject(t, projectSpec{})
	_, err := env.Services.Store.DB.Exec(`UPDATE projects SET funding_kind = '自费', category = '校际交流学分项目' WHERE id = $1`, project)
	require.NoError(t, err)
	_, app := submitted(t, "LIT", project)
	wsc := login(t, "wsc")
	require.Equal(t, "校际交流学分项目 (自费)", wsc.call("GET", pathf("/projects/%d", project), nil).str("project.categoryLabel"))
	list := wsc.call("GET", fmt.Sprintf("/applications?projectId=%d", project), nil)
	require.Equal(t, fmt.Sprint(app), fmt.Sprint(list.get("items.0.application.id")))
	require.Equal(t, "校际交流学分项目 (自费)", list.str("items.0.application.projectCategory"))
	plain := newProject(t, projectSpec{})
	require.NotContains(t, wsc.call("GET", pathf("/projects/%d", plain), nil).str("project.categoryLabel"), "自费")

	body := projectBody(fmt.Sprintf("F%d", project))
	body["fundingKind"] = "半自费"
	r := wsc.call("POST", "/projects", body)
	require.Equal(t, 422, r.status, string(r.body))
	require.Contains(t, r.errField("fundingKind"), "经费类别应为")
}

// TestProjectListFilters: students narrow the project list by 国家/地区, 项目类型 and 只看正在申报;
// a filter that names nothing known is refused beside it.
func TestProjectListFilters(t *testing.T) {
	open, closed := newProject(t, projectSpec{}), newProject(t, projectSpec{windowFrom: -48 * time.Hour, windowTo: -24 * time.Hour})
	_, err := env.Services.Store.DB.Exec(`UPDATE projects SET country_code = 'SG', country = '新加坡', category = '实习项目' WHERE id = ANY($1)`,
		pq.Int64Array{open, closed})
	require.NoError(t, err)
	s := login(t, "2021216401")
	ids := func(path string) []int64 {
		r := s.call("GET", path, nil)
		require.Equal(t, 200, r.status, string(r.body))
		var out []int64
		for _, it := range r.list("items") {
			out = append(out, int64(it.(map[string]any)["project"].(map[string]any)["id"].(float64)))
		}
		return out
	}
	sg := ids("/projects?country=SG&category=" + url.QueryEscape("实习项目") + "&pageSize=100")
	require.Contains(t, sg, open)
	require.Contains(t, sg, closed)
	require.NotContains(t, ids("/projects?country=SG&category="+url.QueryEscape("校际交流学分项目")+"&pageSize=100"), open)
	now := ids("/projects?country=SG&open=true&pageSize=100")
	require.Contains(t, now, open)
	require.NotContains(t, now, closed, "only the projects taking applications now")
	require.NotEmpty(t, s.call("GET", "/projects?country=XX", nil).errField("country"))
	require.NotEmpty(t, s.call("GET", "/projects?category="+url.QueryEscape("旅游"), nil).errField("category"))
}
