//go:build integration

package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A student and the reviewers of their own college receive an e-mail for each thing that waits
// for them, once, in Chinese, with a link to the application; Mailpit is the mail server.
func TestNotificationsAreEmailed(t *testing.T) {
	ctx := context.Background()
	admin := login(t, "admin")
	n := time.Now().UnixNano() % 1e9
	code := fmt.Sprintf("M%d", n)
	r := admin.call("POST", "/colleges", map[string]any{"code": code, "name": "邮件测试学院" + code})
	require.Equal(t, 201, r.status, string(r.body))

	reviewerMail := fmt.Sprintf("reviewer%d@example.edu.cn", n)
	r = admin.call("POST", "/accounts", map[string]any{"username": fmt.Sprintf("mrev%d", n), "displayName": "邮件审核员",
		"role": "college_reviewer", "collegeCode": code, "password": "Staff-2026-secret", "email": "not an address"})
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("email"), "电子邮件")
	for _, bad := range []string{"a\x00b@example.edu.cn", strings.Repeat("a", 250) + "@example.edu.cn"} {
		r = admin.call("POST", "/accounts", map[string]any{"username": fmt.Sprintf("mrev%d", n), "displayName": "邮件审核员",
			"role": "college_reviewer", "collegeCode": code, "password": "Staff-2026-secret", "email": bad})
		require.Equal(t, 422, r.status, "e-mail %q", bad)
		require.NotEmpty(t, r.errField("email"))
	}
	r = admin.call("POST", "/accounts", map[string]any{"username": fmt.Sprintf("mrev%d", n), "displayName": "邮件审核员",
		"role": "college_reviewer", "collegeCode": code, "password": "Staff-2026-secret", "email": reviewerMail})
	require.Equal(t, 201, r.status, string(r.body))
	require.Equal(t, reviewerMail, r.str("email"))
	reviewer := newClient(t)
	lr := reviewer.call("POST", "/auth/login", map[string]string{"username": fmt.Sprintf("mrev%d", n), "password": "Staff-2026-secret"})
	require.Equal(t, 200, lr.status)
	reviewer.token = lr.str("token")
	require.Equal(t, 204, reviewer.call("POST", "/me/password", map[string]any{"currentPassword": "Staff-2026-secret", "newPassword": "Reviewer-own-2026"}).status)

	// The student's address is the one in their profile.
	s := newStudent(t, code)
	studentMail := fmt.Sprintf("student%d@example.edu.cn", n)
	_, err := env.Services.Store.DB.ExecContext(ctx, `UPDATE student_profiles SET email = $1 WHERE account_id = $2`, studentMail, s.call("GET", "/me", nil).num("id"))
	require.NoError(t, err)

	d := newDraft(t, s, newProject(t, projectSpec{}))
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d.id), nil).status)
	for _, c := range []*client{s, reviewer} {
		next := c.call("GET", pathf("/applications/%d/next", d.id), nil)
		require.Equal(t, false, next.get("student"), "under review the student has nothing to do")
		require.Empty(t, next.list("missing"))
	}
	require.NoError(t, env.SendMailNow(ctx))
	got, err := env.WaitForMail(ctx, reviewerMail, 1)
	require.NoError(t, err)
	require.Equal(t, "【外事综合服务系统】有新的申请待审核", got[0].Subject)
	require.Equal(t, "邮件审核员", got[0].To[0].Name)
	text, err := env.MailText(ctx, got[0].ID)
	require.NoError(t, err)
	require.Contains(t, text, "邮件审核员，您好")
	require.Contains(t, text, "学院审核")
	require.Contains(t, text, s.call("GET", "/me", nil).str("displayName"), "the e-mail names the student")
	require.Contains(t, text, "项目编号 ", "and the project")
	require.Contains(t, text, pathf("/#/applications/%d", d.id), "the e-mail links to the application")

	decide(t, reviewer, d.id, map[string]any{"decision": "return", "opinion": "请补充个人陈述"}, 200)
	require.NoError(t, env.SendMailNow(ctx))
	got, err = env.WaitForMail(ctx, studentMail, 1)
	require.NoError(t, err)
	require.Equal(t, "【外事综合服务系统】学院审核退回", got[0].Subject)

	// Once each: later runs send nothing again, and nobody else's e-mail went to them.
	require.NoError(t, env.SendMailNow(ctx), "a run finished after the last e-mails were sent")
	for addr, want := range map[string]int{reviewerMail: 1, studentMail: 1} {
		mails, err := env.MailTo(ctx, addr)
		require.NoError(t, err)
		require.Len(t, mails, want, addr)
	}
	var untaken int
	require.NoError(t, env.Services.Store.DB.Get(&untaken, `SELECT count(*) FROM notifications WHERE application_id = $1 AND mail_done_at IS NULL`, d.id))
	require.Zero(t, untaken, "every notification was taken by the mailer")
	require.True(t, strings.HasPrefix(got[0].MessageID, "notification-"), got[0].MessageID)
}

// What comes for one person between two runs of the mailer goes in one e-mail: at a deadline a
// reviewer gets one e-mail listing the applications, not one each.
func TestNotificationsAreGatheredPerPerson(t *testing.T) {
	ctx := context.Background()
	admin := login(t, "admin")
	n := time.Now().UnixNano() % 1e9
	code := fmt.Sprintf("G%d", n)
	require.Equal(t, 201, admin.call("POST", "/colleges", map[string]any{"code": code, "name": "汇总测试学院" + code}).status)
	reviewerMail := fmt.Sprintf("gather%d@example.edu.cn", n)
	r := admin.call("POST", "/accounts", map[string]any{"username": fmt.Sprintf("grev%d", n), "displayName": "汇总审核员",
		"role": "college_reviewer", "collegeCode": code, "password": "Staff-2026-secret", "email": reviewerMail})
	require.Equal(t, 201, r.status, string(r.body))

	project := newProject(t, projectSpec{})
	var apps []int64
	for range 2 {
		s := newStudent(t, code)
		d := newDraft(t, s, project)
		require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d.id), nil).status)
		apps = append(apps, d.id)
	}
	require.NoError(t, env.SendMailNow(ctx))
	got, err := env.WaitForMail(ctx, reviewerMail, 1)
	require.NoError(t, err)
	require.Len(t, got, 1, "one e-mail for both")
	require.Equal(t, "【外事综合服务系统】您有2条新通知", got[0].Subject)
	text, err := env.MailText(ctx, got[0].ID)
	require.NoError(t, err)
	for _, id := range apps {
		require.Contains(t, text, pathf("/#/applications/%d", id), "each application with its link")
	}
}
