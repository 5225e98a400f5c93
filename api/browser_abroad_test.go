//go:build integration

package api_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"outbound/storage/demo"
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
			b.viewport(width)
			fits := fitsScreen

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

// TestBrowserTravelInfoAndChangeRequest: at 1366 px a student fills 出行信息 in (a passport expiring
// too early is refused beside its field); at 375 px, abroad, they ask for a 延期 with a proof, and
// the college reviewer decides it on their phone.
func TestBrowserTravelInfoAndChangeRequest(t *testing.T) {
	s, id := submitted(t, "LIT", newProject(t, projectSpec{}))
	for _, c := range []*client{login(t, "lit-reviewer"), login(t, "jwc1"), login(t, "wsc")} {
		decide(t, c, id, ok, 200)
	}
	b, done := newBrowser(t)
	defer done()
	b.run(chromedp.EmulateViewport(1366, 900))
	b.login(s.call("GET", "/me", nil).str("username"))
	b.open(pathf("#/applications/%d?section=travel", id))
	b.until(`!!document.querySelector('form#travel-form')`, "the travel form")
	for name, value := range demo.TravelInfo() {
		if name == "travelDocType" || name == "visaEntries" {
			b.run(chromedp.SetValue(chromedp.CSS(fmt.Sprintf(`form#travel-form [name=%q]`, name)), fmt.Sprint(value)))
			continue
		}
		b.fill(name, fmt.Sprint(value))
	}
	b.fill("travelDocExpiry", "2026-01-01")
	b.click("保存出行信息")
	b.until(`[...document.querySelectorAll('#travel-form .field-error')].some((e) => e.textContent.includes('6个月'))`, "the early expiry is refused beside its field")
	b.fill("travelDocExpiry", "2035-12-31")
	b.click("保存出行信息")
	b.until(`[...document.querySelectorAll('.toast')].some((e) => e.textContent.includes('出行信息已保存'))`, "saved")
	require.True(t, b.eval(`document.documentElement.scrollWidth <= window.innerWidth + 1`))
	b.shot("travel-1366-student-form")

	// Abroad: the 行前材料 and their reviews by API, then the student's phone.
	require.Equal(t, 201, s.upload(pathf("/applications/%d/attachments?kind=predeparture", id), "行前材料.pdf", pdfFile()).status)
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit-predeparture", id), nil).status)
	for _, c := range []*client{login(t, "jwc1"), login(t, "jwc2"), login(t, "wsc")} {
		decide(t, c, id, ok, 200)
	}
	proof := filepath.Join(t.TempDir(), "延期证明.pdf")
	require.NoError(t, os.WriteFile(proof, pdfFile(), 0o644))
	later := time.Now().AddDate(1, 0, 0).Format("2006-01-02")
	b.run(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.open(pathf("#/applications/%d?section=stay&r=1", id))
	b.click("变更申请（延期、提前回国、变更行程）")
	b.run(chromedp.SetValue(chromedp.CSS(`#change-form select[name=kind]`), "extend"))
	b.run(chromedp.SetValue(chromedp.CSS(`#change-form [name=returnDate]`), later))
	b.fill("reason", "课程延长一学期")
	b.run(chromedp.SetUploadFiles(chromedp.CSS(`#change-form input[type=file]`), []string{proof}))
	b.until(`[...document.querySelectorAll('#change-form li')].some((li) => li.textContent.includes('延期证明.pdf'))`, "the proof is uploaded")
	b.shot("change-375-student-request")
	b.click("提交变更申请")
	b.until(`!!document.querySelector('#change-request')`, "the request waits for the college")
	require.True(t, b.eval(`document.querySelector('#change-request').textContent.includes('变更申请学院审核')`))
	b.logout()

	b.login("lit-reviewer")
	b.open(pathf("#/applications/%d?section=stay", id))
	b.until(`!!document.querySelector('#change-decision')`, "the college's decision form")
	require.True(t, b.eval(`[...document.querySelectorAll('#change-request a')].some((a) => a.textContent === '下载')`), "the proof can be read")
	b.run(chromedp.SetValue(chromedp.CSS(`#change-decision select[name=decision]`), "reject"))
	b.click("提交变更审核")
	b.until(`[...document.querySelectorAll('#change-decision .field-error')].some((e) => e.textContent.includes('审核意见'))`, "a refusal says why")
	b.run(chromedp.SetValue(chromedp.CSS(`#change-decision select[name=decision]`), "approve"))
	b.click("提交变更审核")
	b.until(`document.querySelector('#change-request')?.textContent.includes('变更申请外事部门审核')`, "now the office's")
	require.True(t, b.eval(`document.documentElement.scrollWidth <= window.innerWidth + 1`))
	b.shot("change-375-college-decided")
}
