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

// selectionProject is a project of two places with an interview, chosen by a round whose 公示 lasts
// two working days (six seconds in the tests) and a 候补's one.
func selectionProject(t *testing.T) int64 {
	t.Helper()
	id := newProject(t, projectSpec{quota: ptr(2)})
	_, err := env.Services.Store.DB.ExecContext(context.Background(), `UPDATE projects SET has_interview = true,
		selection = '{"publicityDays":2,"substituteDays":1,"waitlistSize":5,"weightGpa":50,"weightInterview":30,"weightRank":20}'
		WHERE id = $1`, id)
	require.NoError(t, err)
	return id
}

// inSelection takes an application of a college through the college and 教务处 into the selection stage.
func inSelection(t *testing.T, college string, project int64) (*client, int64) {
	t.Helper()
	s, id := submitted(t, college, project)
	reviewer := map[string]string{"LIT": "lit-reviewer", "SCI": "sci-reviewer"}[college]
	decide(t, login(t, reviewer), id, ok, 200)
	decide(t, login(t, "jwc1"), id, ok, 200)
	return s, id
}

func statusOf(t *testing.T, c *client, id int64) string {
	r := c.call("GET", pathf("/applications/%d", id), nil)
	require.Equal(t, 200, r.status, string(r.body))
	return r.str("application.status")
}

// TestSelectionRoundOnTheRealStack: six applicants for two places with an interview — two colleges
// rank their own, interviews are scheduled (the e-mails carry an .ics, seen in Mailpit) and scored,
// two 拟录取 and two 候补 are proposed, the 公示 runs, one objection is upheld and the first 候补
// moves up, the 公示 ends and exactly two are 已录取; then one gives up and the next 候补 is admitted
// after their own 公示.
func TestSelectionRoundOnTheRealStack(t *testing.T) {
	ctx := context.Background()
	project := selectionProject(t)
	students, ids := make([]*client, 6), make([]int64, 6)
	for i := range ids {
		students[i], ids[i] = inSelection(t, []string{"LIT", "SCI"}[i%2], project)
		require.Equal(t, "选拔中", statusOf(t, students[i], ids[i]))
	}
	wsc, lit, sci := login(t, "wsc"), login(t, "lit-reviewer"), login(t, "sci-reviewer")
	r := wsc.call("POST", pathf("/applications/%d/decide", ids[0]), ok)
	require.Equal(t, 409, r.status, "the round decides, not the office's review: %s", r.body)

	// The board: the office sees all six; each college its own three.
	board := func(c *client) *response {
		r := c.call("GET", pathf("/projects/%d/selection", project), nil)
		require.Equal(t, 200, r.status, string(r.body))
		return r
	}
	require.Eventually(t, func() bool { return len(board(wsc).list("candidates")) == 6 }, 20*time.Second, 100*time.Millisecond)
	require.Len(t, board(lit).list("candidates"), 3)
	require.Equal(t, 403, login(t, "jwc1").call("GET", pathf("/projects/%d/selection", project), nil).status)
	require.Equal(t, 403, students[0].call("GET", pathf("/projects/%d/selection", project), nil).status)

	// 推荐排序: each college orders its own, best first; another college's candidate is refused.
	rank := func(c *client, order ...int64) *response {
		var entries []map[string]any
		for _, id := range order {
			entries = append(entries, map[string]any{"applicationId": id, "reason": "综合表现"})
		}
		return c.call("POST", pathf("/projects/%d/selection/rank", project), map[string]any{"order": entries})
	}
	require.Equal(t, 422, rank(lit, ids[0], ids[2], ids[1]).status, "another college's candidate")
	require.Equal(t, 403, rank(wsc, ids[0], ids[2], ids[4]).status, "the office does not rank for a college")
	require.Equal(t, 200, rank(lit, ids[0], ids[2], ids[4]).status)
	require.Equal(t, 200, rank(sci, ids[1], ids[3], ids[5]).status)

	// Interviews for all six; each candidate is told in the system and by e-mail with an .ics.
	mail := fmt.Sprintf("cand%d@example.edu.cn", time.Now().UnixNano()%1e9)
	_, err := env.Services.Store.DB.ExecContext(ctx, `UPDATE student_profiles SET email = $1 WHERE account_id = $2`, mail, students[5].call("GET", "/me", nil).num("id"))
	require.NoError(t, err)
	at := time.Now().Add(2 * time.Hour).Truncate(time.Minute)
	r = wsc.call("POST", pathf("/projects/%d/selection/interviews", project), map[string]any{"applicationIds": ids, "at": at, "minutes": 20, "place": ""})
	require.Equal(t, 422, r.status, "a place is required")
	r = wsc.call("POST", pathf("/projects/%d/selection/interviews", project), map[string]any{"applicationIds": ids, "at": at, "minutes": 20, "place": "行政楼301会议室"})
	require.Equal(t, 200, r.status, string(r.body))
	require.NoError(t, env.SendMailNow(ctx))
	got, err := env.WaitForMail(ctx, mail, 1)
	require.NoError(t, err)
	whole, err := env.MailMessage(ctx, got[0].ID)
	require.NoError(t, err)
	require.Len(t, whole.Attachments, 1)
	require.True(t, strings.HasPrefix(whole.Attachments[0].ContentType, "text/calendar"), whole.Attachments[0].ContentType)
	require.Contains(t, whole.Text, "面试安排")
	require.Contains(t, whole.Text, "行政楼301会议室")

	for i, score := range []float64{95, 90, 85, 80, 70, 60} {
		r = wsc.call("POST", pathf("/projects/%d/selection/scores", project), map[string]any{"applicationId": ids[i], "score": score})
		require.Equal(t, 200, r.status, string(r.body))
	}
	r = wsc.call("POST", pathf("/projects/%d/selection/scores", project), map[string]any{"applicationId": ids[0], "score": 101})
	require.Equal(t, 422, r.status, "a score past 100")

	// The list is proposed once the window has closed; never more than the quota.
	proposal := map[string]any{"admit": []int64{ids[0], ids[1]}, "waitlist": []int64{ids[2], ids[3]},
		"waitlistUntil": time.Now().AddDate(0, 1, 0).Format("2006-01-02"), "opinion": "按综合成绩排序"}
	require.Equal(t, 409, wsc.call("POST", pathf("/projects/%d/selection/proposal", project), proposal).status, "the window is open")
	_, err = env.Services.Store.DB.ExecContext(ctx, `UPDATE projects SET apply_end = now() - interval '1 second' WHERE id = $1`, project)
	require.NoError(t, err)
	over := map[string]any{"admit": []int64{ids[0], ids[1], ids[2]}}
	r = wsc.call("POST", pathf("/projects/%d/selection/proposal", project), over)
	require.Equal(t, 409, r.status, string(r.body))
	require.Contains(t, r.str("error.message"), "超过推荐名额")
	r = wsc.call("POST", pathf("/projects/%d/selection/proposal", project), proposal)
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, "publicity", r.str("stage"))
	require.Equal(t, "拟录取（公示中）", statusOf(t, students[0], ids[0]))
	require.Equal(t, "候补（第1位）", statusOf(t, students[2], ids[2]))

	// The 公示: any signed-in person sees the names with a masked 学号; a visitor does not.
	roundID := r.str("roundId")
	page := students[5].call("GET", "/publicity/"+roundID, nil)
	require.Equal(t, 200, page.status, string(page.body))
	require.Len(t, page.list("names"), 2)
	require.Contains(t, page.str("names.0.studentNo"), "*")
	require.Equal(t, 401, newClient(t).call("GET", "/publicity/"+roundID, nil).status)
	sheet := wsc.call("GET", "/publicity/"+roundID+"/export.xlsx", nil)
	require.Equal(t, 200, sheet.status)
	require.Contains(t, sheet.header.Get("Content-Type"), "spreadsheetml")
	index := students[5].call("GET", "/publicity", nil)
	require.Equal(t, 200, index.status)
	require.Contains(t, string(index.body), roundID)

	// An objection, 实名, against the second name; the office upholds it and the first 候补 moves up.
	objector := students[5]
	require.Equal(t, 422, objector.call("POST", "/publicity/"+roundID+"/objections", map[string]any{"applicationId": ids[1], "reason": " "}).status)
	require.Equal(t, 409, objector.call("POST", "/publicity/"+roundID+"/objections", map[string]any{"applicationId": ids[4], "reason": "不在名单"}).status)
	r = objector.call("POST", "/publicity/"+roundID+"/objections", map[string]any{"applicationId": ids[1], "reason": "该生成绩有误", "contact": "13800000000"})
	require.Equal(t, 204, r.status, string(r.body))
	b := board(wsc)
	require.Len(t, b.list("objections"), 1)
	require.Equal(t, objector.call("GET", "/me", nil).str("displayName"), b.str("objections.0.objector.name"), "the office sees who objected")
	require.Empty(t, board(sci).list("objections"), "a college does not")
	r = wsc.call("POST", pathf("/projects/%d/selection/objections/resolve", project), map[string]any{"objectionId": 1, "uphold": true, "reply": "经核实，异议成立"})
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, "未入选", statusOf(t, students[1], ids[1]))
	require.Equal(t, "拟录取（公示中）", statusOf(t, students[2], ids[2]))

	// The 公示 ends: exactly two are admitted; the 候补 keeps their place; the others are not selected.
	admitted := func() int {
		var n int
		require.NoError(t, env.Services.Store.DB.GetContext(ctx, &n, `SELECT count(*) FROM admissions WHERE project_id = $1`, project))
		return n
	}
	require.Eventually(t, func() bool {
		return statusOf(t, students[0], ids[0]) == "已录取" && statusOf(t, students[2], ids[2]) == "已录取"
	},
		40*time.Second, 250*time.Millisecond)
	require.Equal(t, 2, admitted())
	require.Equal(t, "候补（第1位）", statusOf(t, students[3], ids[3]))
	require.Eventually(t, func() bool { return statusOf(t, students[4], ids[4]) == "未入选" }, 20*time.Second, 250*time.Millisecond)
	require.Equal(t, "未入选", statusOf(t, students[5], ids[5]))

	// One gives up: the next 候补 moves up and, after their own 公示, is admitted.
	r = students[0].call("POST", pathf("/applications/%d/give-up", ids[0]), map[string]any{"reason": "个人原因"})
	require.Equal(t, 200, r.status, string(r.body))
	require.Eventually(t, func() bool { return statusOf(t, students[3], ids[3]) == "拟录取（公示中）" }, 20*time.Second, 250*time.Millisecond)
	require.Eventually(t, func() bool { return statusOf(t, students[3], ids[3]) == "已录取" }, 40*time.Second, 250*time.Millisecond)
	require.Equal(t, 2, admitted())
	// Every step is in each application's timeline.
	timeline := students[3].call("GET", pathf("/applications/%d", ids[3]), nil).list("timeline")
	var steps []string
	for _, e := range timeline {
		steps = append(steps, e.(map[string]any)["step"].(string))
	}
	require.Subset(t, steps, []string{"面试安排", "列入候补名单（第2位）", "候补顺位变为第1位", "候补递补为拟录取（公示中）", "公示期满，正式录取"})
}

// TestSelectionSettingsAreCheckedAndFrozen: a round's settings are refused field by field (a 公示
// too long, weights that do not add up, an interview weight without an interview, no quota), and
// once a student has applied they can no longer change; other fields still can.
func TestSelectionSettingsAreCheckedAndFrozen(t *testing.T) {
	wsc := login(t, "wsc")
	body := projectBody(fmt.Sprintf("S%d", time.Now().UnixNano()%1e9))
	good := map[string]any{"publicityDays": 5, "substituteDays": 3, "waitlistSize": 5, "weightGpa": 50, "weightInterview": 30, "weightRank": 20}
	for field, bad := range map[string]map[string]any{
		"selection.publicityDays":   {"publicityDays": 31},
		"selection.waitlistSize":    {"waitlistSize": 1 << 40},
		"selection.weightGpa":       {"weightGpa": 60},
		"selection.weightRank":      {"weightRank": -20, "weightGpa": 90},
		"selection.substituteDays":  {"substituteDays": 0},
		"selection.weightInterview": {"hasInterview": false}, // an interview weight without an interview
	} {
		s := map[string]any{}
		for k, v := range good {
			s[k] = v
		}
		b := map[string]any{}
		for k, v := range body {
			b[k] = v
		}
		for k, v := range bad {
			if k == "hasInterview" {
				b[k] = v
				continue
			}
			s[k] = v
		}
		b["selection"] = s
		r := wsc.call("POST", "/projects", b)
		require.Equal(t, 422, r.status, "%s: %s", field, r.body)
		require.NotEmpty(t, r.errField(field), "%s: %s", field, r.body)
	}
	noQuota := map[string]any{}
	for k, v := range body {
		noQuota[k] = v
	}
	noQuota["quota"], noQuota["selection"] = nil, good
	r := wsc.call("POST", "/projects", noQuota)
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("quota"), "推荐名额")

	body["selection"] = good
	r = wsc.call("POST", "/projects", body)
	require.Equal(t, 201, r.status, string(r.body))
	id := r.num("id")
	require.Equal(t, float64(5), r.get("selection.publicityDays"))
	body["requirements"] = r.list("requirements") // kept as they are, by their IDs
	require.Equal(t, 200, wsc.call("POST", pathf("/projects/%d/publish", id), nil).status)
	s := newStudent(t, "LIT")
	newDraft(t, s, id)
	changed := map[string]any{}
	for k, v := range good {
		changed[k] = v
	}
	changed["publicityDays"] = 7
	body["selection"] = changed
	r = wsc.call("PUT", pathf("/projects/%d", id), body)
	require.Equal(t, 409, r.status, string(r.body))
	require.Contains(t, r.str("error.message"), "选拔设置")
	body["selection"], body["notes"] = good, "其他说明可以修改"
	r = wsc.call("PUT", pathf("/projects/%d", id), body)
	require.Equal(t, 200, r.status, string(r.body))
}
