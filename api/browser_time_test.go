//go:build integration

package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/lib/pq"
	"github.com/stretchr/testify/require"
)

// TestBrowserDeadlinesAreBeijingTime: on a machine whose clock is set to UTC, a deadline typed as
// 09:00 is stored as 09:00 Beijing time and shown so again; saving an unpublished project asks
// before publishing it, and says which it did.
func TestBrowserDeadlinesAreBeijingTime(t *testing.T) {
	project := newProject(t, projectSpec{})
	_, err := env.Services.Store.DB.Exec(`UPDATE projects SET published = false WHERE id = $1`, project)
	require.NoError(t, err)
	b, done := newBrowser(t)
	defer done()
	b.run(chromedp.EmulateViewport(1366, 900), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "UTC"})
		return err
	}))
	b.login("wsc")
	require.Equal(t, "UTC", evalAs[string](t, b, `Intl.DateTimeFormat().resolvedOptions().timeZone`), "the browser's clock is UTC")
	b.open(pathf("#/admin/projects/%d", project))
	b.text("申报结束时间（北京时间）")
	b.fill("applyEnd", "2027-03-01T09:00")
	// Descriptive fields are chosen from lists, 申请年级 by ticking boxes.
	b.run(chromedp.SetValue(chromedp.CSS(`select[name=nature]`), "交换学习"), chromedp.Click(chromedp.CSS(`input[name=eligibleGrades][value="大三"]`)),
		chromedp.Click(chromedp.CSS(`input[name=eligibleGrades][value="研一"]`)))
	b.click("保存并发布")
	b.text("确定保存并发布吗？")
	b.shot("time-01-publish-asks")
	b.run(chromedp.Click(`//*[contains(@class, "dialog")]//button[normalize-space(.)="保存并发布"]`))
	b.text("项目已保存并发布")
	var end time.Time
	var published bool
	var nature string
	var grades pq.StringArray
	require.NoError(t, env.Services.Store.DB.QueryRow(`SELECT apply_end, published, nature, eligible_grades FROM projects WHERE id = $1`, project).
		Scan(&end, &published, &nature, &grades))
	require.Equal(t, "交换学习", nature)
	require.Equal(t, []string{"大三", "研一"}, []string(grades))
	beijing := time.FixedZone("CST", 8*3600)
	require.Equal(t, "2027-03-01 09:00", end.In(beijing).Format("2006-01-02 15:04"), "09:00 typed is 09:00 in Beijing")
	require.True(t, published)
	b.open(pathf("#/admin/projects/%d?r=again", project))
	b.text("编辑项目")
	require.Equal(t, "2027-03-01T09:00", evalAs[string](t, b, `document.querySelector('[name=applyEnd]').value`), "and shown as typed")
}

// TestBrowserAuditLogFilters: an administrator narrows the audit log by who, what, to what and
// when, and reads objects by their names; the filters stay in the address.
func TestBrowserAuditLogFilters(t *testing.T) {
	project := newProject(t, projectSpec{})
	var name string
	require.NoError(t, env.Services.Store.DB.Get(&name, `SELECT name FROM projects WHERE id = $1`, project))
	wsc := login(t, "wsc")
	require.Equal(t, 200, wsc.call("POST", pathf("/projects/%d/unpublish", project), nil).status)
	b, done := newBrowser(t)
	defer done()
	b.viewport(1366)
	b.login("admin")
	b.open("#/admin/audit")
	b.text("审计日志")
	b.fill("actor", "wsc")
	b.run(chromedp.SetValue(chromedp.CSS(`select[name=action]`), "project."))
	b.run(chromedp.SetValue(chromedp.CSS(`select[name=targetType]`), "project"))
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	b.run(chromedp.SetValue(chromedp.CSS(`input[name=from]`), today))
	b.click("查询")
	b.until(`location.hash.includes('actor=wsc') && location.hash.includes('action=project.') && !document.body.classList.contains('busy')`, "the filters in the address")
	b.text(name)
	require.True(t, b.eval(`[...document.querySelectorAll('td[data-label="操作"]')].length > 0 &&
		[...document.querySelectorAll('td[data-label="操作"]')].every((td) => /项目/.test(td.textContent))`), "only project actions")
	require.True(t, b.eval(`[...document.querySelectorAll('td[data-label="操作人"]')].every((td) => td.textContent.includes('外事部门'))`), "only wsc's")
	b.shot("audit-01-filtered-1366")
	b.viewport(375)
	b.shot("audit-02-filtered-375")
	require.True(t, b.eval(fitsScreen), "nothing wider than a phone")

	// A wrong date is said beside its field.
	b.open("#/admin/audit?from=2026-13-01")
	b.text("开始日期应为")
}
