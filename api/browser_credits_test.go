//go:build integration

package api_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestBrowserCreditRecognition: at 1366 and 375 px a returned student lists two courses (a grade
// left out is named beside its cell), saves and hands the request in; the college reviewer decides
// each line beside 审核 — one refused with its reason — and the student sees the outcome per line.
func TestBrowserCreditRecognition(t *testing.T) {
	for _, width := range []int64{1366, 375} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			s, id := creditsPhase(t, "LIT")
			b, done := newBrowser(t)
			defer done()
			b.viewport(width)
			fits := fitsScreen
			page := fmt.Sprintf("#/applications/%d?section=credits", id)

			b.login(s.call("GET", "/me", nil).str("username"))
			b.open(page)
			b.until(`!!document.querySelector('form#credit-form')`, "the course editor")
			b.fill("lines.0.courseName", "Intercultural Communication")
			b.fill("lines.0.credits", "5")
			b.fill("lines.0.scale", "ECTS")
			b.run(chromedp.SetValue(chromedp.CSS(`[name="lines.0.kind"]`), "elective"))
			b.fill("lines.0.elective", "通识选修")
			b.click("+添加课程")
			b.fill("lines.1.courseName", "Rowing")
			b.fill("lines.1.credits", "1")
			b.fill("lines.1.grade", "A")
			b.fill("lines.1.scale", "ECTS")
			b.run(chromedp.SetValue(chromedp.CSS(`[name="lines.1.kind"]`), "elective"))
			b.fill("lines.1.elective", "体育")
			b.click("保存课程")
			b.until(`[...document.querySelectorAll('.field-error')].some((e) => e.textContent.includes('请填写成绩'))`, "the missing grade is named beside its cell")
			b.fill("lines.0.grade", "B")
			b.click("保存课程")
			b.until(`!document.querySelector('form#credit-form .field-error') && document.querySelectorAll('form#credit-form fieldset.credit-line').length === 2 && document.querySelector('[name="lines.0.grade"]')?.value === 'B'`, "saved")
			require.True(t, b.eval(fits), "the editor fits %d px", width)
			b.shot(fmt.Sprintf("credits-%d-student-lines", width))
			require.Equal(t, 201, s.upload(pathf("/applications/%d/attachments?kind=transcript", id), "transcript.pdf", pdfFile()).status)
			b.open(page + "&r=1")
			b.until(`!!document.querySelector('#sec-credits')?.textContent.includes('transcript.pdf')`, "the transcript is listed")
			b.click("提交学分认定申请")
			b.click("是")
			b.until(`document.body.textContent.includes('学分认定审核中')`, "handed in")
			b.logout()

			b.login("lit-reviewer")
			b.open(fmt.Sprintf("#/applications/%d", id))
			b.until(`document.querySelectorAll('.line-decision').length === 2`, "a decision per line beside 审核")
			require.False(t, b.eval(`[...document.querySelectorAll('input[name=decision]')].some((r) => r.value === 'reject')`), "no rejection of the whole request")
			b.run(chromedp.Click(chromedp.CSS(`input[name=decision][value=approve]`)))
			b.run(chromedp.SetValue(chromedp.CSS(`[name="line.1.decision"]`), "approved"))
			b.run(chromedp.SetValue(chromedp.CSS(`[name="line.2.decision"]`), "refused"))
			b.fill("line.2.opinion", "体育课不予认定")
			require.True(t, b.eval(fits), "the decision fits %d px", width)
			b.shot(fmt.Sprintf("credits-%d-college-decision", width))
			b.click("提交审核")
			b.until(`location.hash.startsWith('#/reviews')`, "decided")
			b.logout()

			b.login(s.call("GET", "/me", nil).str("username"))
			b.open(page)
			b.until(`[...document.querySelectorAll('#sec-credits td')].some((td) => td.textContent.includes('不予认定'))`, "the refused line and its reason")
			require.True(t, b.eval(`document.body.textContent.includes('体育课不予认定')`))
			b.shot(fmt.Sprintf("credits-%d-student-outcome", width))
			// The printed 学分认定表: the lines, the college's block signed by its decision, the QR and the hash.
			b.click("打印学分认定表")
			b.until(`document.querySelector('.sheet h1')?.textContent === '学生境外修读课程学分认定表' && document.querySelector('.sheet .qr img')?.complete`, "the printed form")
			require.True(t, b.eval(`[...document.querySelectorAll('.sign-box')].some((box) => box.textContent.includes('学院意见') && box.textContent.includes('学分认定学院审核通过'))`),
				"the college's block carries its decision")
			require.True(t, b.eval(`document.querySelectorAll('.sheet tbody tr').length === 2 && document.querySelector('.sheet-foot code').textContent.length === 64`))
			b.shot(fmt.Sprintf("credits-%d-printed-form", width))
		})
	}
}
