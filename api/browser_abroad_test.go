//go:build integration

package api_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestBrowserStayAbroad: at 1366 and 375 px a student abroad asks for help from 申请查看, and the
// office finds them at the top of 在外学生 with the alert, the country's bar leading to its list.
func TestBrowserStayAbroad(t *testing.T) {
	for _, width := range []int64{1366, 375} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			s, id := abroad(t, "LIT")
			// Short enough for the bar's label to show whole, and one per width.
			country := fmt.Sprintf("浏览器国%d", width%1000)
			b, done := newBrowser(t)
			defer done()
			if width < 500 {
				b.run(chromedp.EmulateViewport(width, 812, chromedp.EmulateMobile))
			} else {
				b.run(chromedp.EmulateViewport(width, 900))
			}
			fits := `document.documentElement.scrollWidth <= window.innerWidth + 1`

			b.login(s.call("GET", "/me", nil).str("username"))
			if width < 500 {
				// From the home's 下一步, which says when the next check-in is due.
				b.open("#/applications")
				b.until(`[...document.querySelectorAll('.journey p')].some((p) => p.textContent.includes('前报平安'))`, "the home's 下一步 is 报平安")
				b.shot(fmt.Sprintf("stay-%d-student-home", width))
				b.click("去报平安")
			} else {
				// From the list's 操作 menu, which offers 报平安 while abroad.
				b.open("#/applications")
				b.click("操作 ▾")
				b.click("报平安")
			}
			b.until(`!!document.querySelector('form#check-in')`, "the check-in form")
			b.text("下次报平安期限")
			b.fill("country", country)
			b.fill("city", "东京")
			b.run(chromedp.SetValue(chromedp.CSS(`form#check-in select[name=status]`), "help"))
			b.click("报平安")
			b.until(`[...document.querySelectorAll('.field-error')].some((e) => e.textContent.includes('需要帮助时请说明情况'))`,
				"help without a note is refused beside the note")
			b.fill("note", "护照丢失，需要协助")
			b.click("报平安")
			b.until(`[...document.querySelectorAll('#sec-stay td')].some((td) => td.textContent === '需要帮助')`, "the check-in is listed")
			require.True(t, b.eval(fits), "the stay's section fits %d px", width)
			b.shot(fmt.Sprintf("stay-%d-student-check-in", width))
			b.logout()

			b.login("wsc")
			b.open("#/abroad")
			row := fmt.Sprintf(`[...document.querySelectorAll('main tr')].find((tr) => tr.querySelector('a[href="#/applications/%d?section=stay"]'))`, id)
			b.until(`!!`+row, "the student is listed")
			require.True(t, b.eval(row+`.textContent.includes('需要帮助')`), "with the alert")
			require.True(t, b.eval(`document.querySelectorAll('svg.bars rect.bar').length > 0`), "bars by country")
			require.True(t, b.eval(fits), "在外学生 fits %d px", width)
			b.shot(fmt.Sprintf("stay-%d-office-abroad", width))
			b.run(chromedp.Click(fmt.Sprintf(`//*[local-name()='svg']//*[local-name()='a'][.//*[local-name()='text' and .=%q]]`, country)))
			b.until(`location.hash.includes('country=')`, "the bar opens its country's list")
			b.until(`document.querySelectorAll('main tbody tr').length === 1`, "which lists the one student there")
		})
	}
}
