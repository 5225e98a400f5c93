//go:build integration

package api_test

import (
	"context"
	"testing"
	"time"

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

// TestReturnCarriesACorrectionDeadline: a 退回 gives the student until the correction deadline
// (process.correction_due, 5 days by default), shown as the application's due time; resubmitting
// within it puts the application back into review with the review's own due time.
func TestReturnCarriesACorrectionDeadline(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d.id), nil).status)
	before := time.Now()
	decide(t, login(t, "lit-reviewer"), d.id, map[string]any{"decision": "return", "opinion": "请补充成绩单"}, 200)
	app := s.call("GET", pathf("/applications/%d", d.id), nil)
	due, err := time.Parse(time.RFC3339Nano, app.str("application.reviewDueAt"))
	require.NoError(t, err, string(app.body))
	require.WithinDuration(t, before.Add(env.Config.Process.CorrectionDue), due, time.Minute)
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d.id), nil).status)
	app = s.call("GET", pathf("/applications/%d", d.id), nil)
	require.Equal(t, "college_review", app.str("application.stage"))
	require.False(t, app.get("withdrawEnds") == true, "the window is open: a withdrawal may be resubmitted")
}
