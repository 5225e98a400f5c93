//go:build integration

package api_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGraduatesPassTheGraduateSchool: an applicant whose 在读学历 (from the profile, when the
// application is created) is a graduate degree passes 研究生院 instead of 教务处 in the application
// phase; each office's queue holds only its own, and only its role may decide there.
func TestGraduatesPassTheGraduateSchool(t *testing.T) {
	s := newStudent(t, "LIT")
	_, err := env.Services.Store.DB.ExecContext(context.Background(),
		`UPDATE student_profiles SET degree_level = '硕士研究生' FROM accounts a WHERE a.id = account_id AND a.username = $1`, s.call("GET", "/me", nil).str("username"))
	require.NoError(t, err)
	project := newProject(t, projectSpec{degrees: []string{"本科生", "硕士研究生"}})
	d := newDraft(t, s, project)
	info := basicInfo()
	info["degreeLevel"] = "硕士研究生"
	require.Equal(t, 200, s.call("PUT", pathf("/applications/%d/basic-info", d.id), info).status)
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d.id), nil).status)
	decide(t, login(t, "lit-reviewer"), d.id, map[string]any{"decision": "approve"}, 200)

	detail := s.call("GET", pathf("/applications/%d", d.id), nil)
	require.Equal(t, "graduate_review", detail.str("application.stage"))
	require.Equal(t, "graduate_school", detail.str("application.awaitingRole"))
	inQueue := func(c *client) bool {
		for _, it := range c.call("GET", "/reviews?pageSize=100", nil).list("items") {
			if int64(it.(map[string]any)["application"].(map[string]any)["id"].(float64)) == d.id {
				return true
			}
		}
		return false
	}
	jwc, yjsy := login(t, "jwc1"), login(t, "yjsy")
	require.True(t, inQueue(yjsy), "研究生院's queue holds it")
	require.False(t, inQueue(jwc), "教务处's queue does not")
	decide(t, jwc, d.id, map[string]any{"decision": "approve"}, 403)
	decide(t, yjsy, d.id, map[string]any{"decision": "approve", "opinion": "同意"}, 200)
	require.Equal(t, "foreign_review", s.call("GET", pathf("/applications/%d", d.id), nil).str("application.stage"))

	// An undergraduate's application is not routed there.
	u := newStudent(t, "LIT")
	ud := newDraft(t, u, project)
	require.Equal(t, 200, u.call("POST", pathf("/applications/%d/submit", ud.id), nil).status)
	decide(t, login(t, "lit-reviewer"), ud.id, map[string]any{"decision": "approve"}, 200)
	require.Equal(t, "academic_review", u.call("GET", pathf("/applications/%d", ud.id), nil).str("application.stage"))
}
