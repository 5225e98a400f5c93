//go:build integration

package api_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestBrowserListFindsByWhatPeopleSee: 教务处 types a project's 编号 and picks 文学院 by name; the
// list shows the matching application with its 当前环节, and the address keeps the filter.
func TestBrowserListFindsByWhatPeopleSee(t *testing.T) {
	project := newProject(t, projectSpec{})
	submitted(t, "LIT", project)
	code := login(t, "wsc").call("GET", pathf("/projects/%d", project), nil).str("project.code")
	b, done := newBrowser(t)
	defer done()
	b.login("jwc1")
	b.open("#/list")
	// The queue the sign-in opened has a keyword box too: the list's own page first.
	b.until(`document.querySelector('main h1')?.textContent === '申请列表' && !document.body.classList.contains('busy')`, "the list's page")
	b.fill("q", code)
	b.run(chromedp.SetValue(chromedp.CSS(`select[name=college]`), "LIT"))
	b.click("筛选")
	b.until(fmt.Sprintf(`location.hash.includes('q=%s') && location.hash.includes('college=LIT') && !document.body.classList.contains('busy')`, code),
		"the filter goes into the address")
	// The filtered page itself, not the one it replaces: its keyword box was drawn with the words.
	b.until(fmt.Sprintf(`document.querySelector('main [name=q]')?.defaultValue === %q`, code), "the filtered list's page")
	b.text("测试学生") // 姓名 as its form says
	b.until(`[...document.querySelectorAll('main table tbody tr')].length === 1`, "only the matching application")
	require.True(t, b.eval(`document.querySelector('main table tbody td[data-label="当前环节"]').textContent === '学院审核'`), "where it is")
	b.shot("office-12-list-by-code-and-college")
}

// TestBrowserBatchApprovalAsksFirst: 批量通过 names the chosen students and asks for the opinion
// before it acts; nothing moves until the reviewer confirms, and the result names the students.
func TestBrowserBatchApprovalAsksFirst(t *testing.T) {
	project := newProject(t, projectSpec{})
	_, app := submitted(t, "LIT", project)
	code := login(t, "wsc").call("GET", pathf("/projects/%d", project), nil).str("project.code")
	b, done := newBrowser(t)
	defer done()
	b.login("lit-reviewer")
	b.open("#/reviews?q=" + code)
	b.until(fmt.Sprintf(`document.querySelector('main h1')?.textContent === '审核队列' && !document.body.classList.contains('busy')
		&& document.querySelector('main [name=q]')?.defaultValue === %q && document.querySelectorAll('main table tbody tr').length === 1`, code),
		"the filtered queue holds the one application")
	b.run(chromedp.Click(chromedp.CSS(`main table tbody input[type=checkbox]`)))
	b.click("批量通过")
	b.text("将通过以下 1 份申请：")
	b.text("测试学生（")
	stage := func() string {
		return login(t, "lit-reviewer").call("GET", pathf("/applications/%d", app), nil).str("application.stage")
	}
	require.Equal(t, "college_review", stage(), "nothing is approved before the reviewer confirms")
	b.shot("office-13-batch-confirm")
	b.click("确认通过")
	b.text("批量通过结果")
	require.Eventually(t, func() bool { return stage() == "academic_review" }, 30*time.Second, 200*time.Millisecond, "approved once confirmed")
}

// TestBrowserWizardSaysWhatIsMissingFirst: each step of the form opens at its top, and 提交申请 says
// what is missing before it asks for a confirmation that would end in a refusal.
func TestBrowserWizardSaysWhatIsMissingFirst(t *testing.T) {
	s := newStudent(t, "LIT")
	r := s.call("POST", "/applications", acceptBody(newProject(t, projectSpec{})))
	require.Equal(t, 201, r.status, string(r.body))
	id := r.num("id")
	require.Equal(t, 200, s.call("PUT", pathf("/applications/%d/basic-info", id), basicInfo()).status)
	b, done := newBrowser(t)
	defer done()
	b.run(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.login(s.call("GET", "/me", nil).str("username"))
	b.open(fmt.Sprintf("#/applications/%d/edit?step=1", id))
	b.run(chromedp.WaitVisible(chromedp.CSS(`form [name=nameCn]`)))
	b.run(chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.body.scrollHeight)`))
	b.click("保存并下一步")
	b.run(chromedp.WaitVisible(chromedp.CSS(`form [name=departureDate]`)))
	b.until(`window.scrollY === 0`, "step 2 opens at its top, with the step bar in view")
	b.open(fmt.Sprintf("#/applications/%d/edit?step=3", id))
	b.click("提交申请")
	b.text("提交前请先完善以下内容")
	require.False(t, b.eval(`document.querySelector('.overlay') !== null`), "no confirmation before the missing items are said")
	require.Equal(t, "未提交", s.call("GET", pathf("/applications/%d", id), nil).str("application.status"))
}
