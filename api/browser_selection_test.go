//go:build integration

package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestBrowserSelection: at 1366 and 375 px a college reviewer orders their candidates, the office
// proposes 拟录取 and 候补 on the ranking board (the quota line drawn), a student objects on the
// 公示 page, and the office answers the objection — each page fitting the screen.
func TestBrowserSelection(t *testing.T) {
	for _, width := range []int64{1366, 375} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			project := newProject(t, projectSpec{quota: ptr(1)})
			_, err := env.Services.Store.DB.ExecContext(context.Background(), `UPDATE projects SET
				selection = '{"publicityDays":5,"substituteDays":3,"waitlistSize":5,"weightGpa":70,"weightInterview":0,"weightRank":30}' WHERE id = $1`, project)
			require.NoError(t, err)
			var ids []int64
			for _, college := range []string{"LIT", "LIT", "SCI"} {
				_, id := inSelection(t, college, project)
				ids = append(ids, id)
			}
			wsc := login(t, "wsc")
			require.Eventually(t, func() bool {
				r := wsc.call("GET", pathf("/projects/%d/selection", project), nil)
				return r.status == 200 && len(r.list("candidates")) == 3
			}, stepTimeout, 100*time.Millisecond)
			_, err = env.Services.Store.DB.ExecContext(context.Background(), `UPDATE projects SET apply_end = now() - interval '1 second' WHERE id = $1`, project)
			require.NoError(t, err)

			b, done := newBrowser(t)
			defer done()
			b.viewport(width)
			fits := fitsScreen
			board := fmt.Sprintf("#/selection/%d", project)

			// The college orders its two: the second moves up.
			b.login("lit-reviewer")
			b.open("#/selection")
			b.until(fmt.Sprintf(`!!document.querySelector('a[href="%s"]')`, board), "the round is listed for the college")
			b.open(board)
			b.until(`document.querySelectorAll('#rank-form li').length === 2`, "the college's two candidates to order")
			second := fmt.Sprintf(`document.querySelector('#rank-form li[data-id="%d"]')`, ids[1])
			b.run(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#rank-form li[data-id="%d"] button[aria-label^="上移"]`, ids[1]))))
			require.True(t, b.eval(second+` === document.querySelector('#rank-form li')`), "moved to the top")
			b.click("保存推荐排序")
			b.until(`[...document.querySelectorAll('main td')].some((td) => td.textContent === '第1位')`, "the board shows the order")
			require.True(t, b.eval(fits), "the college's board fits %d px", width)
			b.shot(fmt.Sprintf("selection-%d-college-rank", width))
			b.logout()

			// The office proposes the first as 拟录取 and the next as 候补; the quota line is drawn.
			b.login("wsc")
			b.open(board)
			b.until(`!!document.querySelector('tr.quota-line')`, "the quota line")
			choose := func(row int, value string) {
				require.True(t, b.eval(fmt.Sprintf(`(() => { const s = document.querySelectorAll('main tbody tr:not(.quota-line) select')[%d];
					s.value = %q; s.dispatchEvent(new Event('change')); return true; })()`, row, value)))
			}
			choose(0, "admit")
			choose(1, "waitlist")
			b.fill("opinion", "按综合成绩排序")
			require.True(t, b.eval(fits), "the office's board fits %d px", width)
			b.shot(fmt.Sprintf("selection-%d-office-board", width))
			b.click("提出拟录取名单并公示")
			b.click("确定公示")
			b.until(`document.body.textContent.includes('阶段：公示中')`, "the 公示 has started")
			b.logout()

			// A student reads the 公示 and objects to the name on it.
			objector := newStudent(t, "ECO")
			b.login(objector.call("GET", "/me", nil).str("username"))
			b.open("#/publicity")
			b.until(`document.querySelectorAll('main a[href^="#/publicity/"]').length > 0`, "the 公示 is listed")
			r := wsc.call("GET", pathf("/projects/%d/selection", project), nil)
			b.open("#/publicity/" + r.str("roundId"))
			b.until(`document.body.textContent.includes('如对公示名单有异议') && document.querySelectorAll('main tbody tr').length === 1`, "one name on the 公示")
			require.True(t, b.eval(`[...document.querySelectorAll('main td')].some((td) => td.textContent.includes('*'))`), "a masked 学号")
			require.True(t, b.eval(fits), "the 公示 fits %d px", width)
			b.shot(fmt.Sprintf("selection-%d-publicity", width))
			b.click("提出异议")
			b.click("提交异议")
			b.until(`[...document.querySelectorAll('.form-error, .field-error')].some((e) => e.textContent.includes('异议理由'))`, "a reason is asked for")
			b.fill("reason", "该生未参加面试")
			b.click("提交异议")
			b.until(`!document.querySelector('.overlay')`, "filed")
			b.logout()

			// The office answers it from the board.
			b.login("wsc")
			b.open(board)
			b.until(`[...document.querySelectorAll('main td')].some((td) => td.textContent.includes('该生未参加面试'))`, "the objection is on the board")
			b.click("不成立")
			b.fill("reply", "经核实该项目无面试环节")
			b.click("确定")
			b.until(`[...document.querySelectorAll('main td')].some((td) => td.textContent.includes('异议不成立'))`, "answered")
			require.True(t, b.eval(fits), "the board with its objections fits %d px", width)
			b.shot(fmt.Sprintf("selection-%d-office-objection", width))
		})
	}
}
