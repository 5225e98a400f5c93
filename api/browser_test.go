//go:build integration

package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"outbound/process"
	"outbound/storage/demo"
	"outbound/workflows"
)

// screenshotDir is where the browser test leaves a picture of every page (see README).
const screenshotDir = "../test-artifacts/screenshots"

func browserPath(t *testing.T) string {
	for _, p := range []string{os.Getenv("OUTBOUND_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p != "" {
			if _, err := exec.LookPath(p); err == nil {
				return p
			}
		}
	}
	t.Fatal("no Chromium found: install Debian's chromium (apt-get install chromium) or set OUTBOUND_CHROMIUM")
	return ""
}

type browser struct {
	t   *testing.T
	ctx context.Context
}

func newBrowser(t *testing.T) (*browser, func()) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browserPath(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "zh-CN"), chromedp.WindowSize(1280, 900))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	// The first run starts the browser and must not carry the timeout; the steps do.
	require.NoError(t, chromedp.Do(ctx))
	steps, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	return &browser{t: t, ctx: steps}, func() { cancelTimeout(); cancelCtx(); cancelAlloc() }
}

// stepTimeout bounds one step: an element that never comes fails the test in seconds, not minutes.
const stepTimeout = 45 * time.Second

func (b *browser) run(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	require.NoError(b.t, chromedp.Do(ctx, actions...))
}

// until waits for a condition in the page (an image loaded, a section scrolled into view) instead
// of a guessed time, and fails saying what never happened.
func (b *browser) until(expr, what string) {
	b.t.Helper()
	require.Eventually(b.t, func() bool {
		v, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](expr))
		return err == nil && v
	}, stepTimeout, 50*time.Millisecond, what)
}

// viewport sizes the page as a phone (below 500 px, touch) or a desktop screen.
func (b *browser) viewport(width int64) {
	b.t.Helper()
	if width < 500 {
		b.run(chromedp.EmulateViewport(width, 812, chromedp.EmulateMobile))
		return
	}
	b.run(chromedp.EmulateViewport(width, 900))
}

// fitsScreen: nothing scrolls sideways.
const fitsScreen = `document.documentElement.scrollWidth <= window.innerWidth + 1`

func (b *browser) eval(expr string) bool {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](expr))
	require.NoError(b.t, err)
	return v
}

// text waits until an element with the text is visible.
func (b *browser) text(s string) {
	b.t.Helper()
	b.run(chromedp.WaitVisible(fmt.Sprintf(`//body//*[contains(normalize-space(.), %q) and not(*[contains(normalize-space(.), %q)])]`, s, s)))
}

func (b *browser) click(label string) {
	b.t.Helper()
	sel := fmt.Sprintf(`//*[(self::button or self::a) and normalize-space(.)=%q]`, label)
	// A page that renders again (after a message, on a hash change) may replace the element between
	// finding it and clicking it: the click is tried again on the new one.
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
		err := chromedp.Do(ctx, chromedp.WaitVisible(sel), chromedp.Click(sel))
		cancel()
		if err == nil || attempt == 3 || !strings.Contains(err.Error(), "Could not find node") {
			require.NoError(b.t, err, "click %s", label)
			return
		}
	}
}

func (b *browser) fill(name, value string) {
	b.t.Helper()
	sel := chromedp.CSS(fmt.Sprintf(`[name=%q]`, name))
	b.run(chromedp.WaitVisible(sel), chromedp.SetValue(sel, value))
}

func (b *browser) open(hash string) {
	b.t.Helper()
	b.run(chromedp.Navigate(env.URL + "/" + hash))
}

func (b *browser) shot(name string) {
	b.t.Helper()
	b.run(chromedp.Sleep(300 * time.Millisecond))
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	require.NoError(b.t, err)
	require.NoError(b.t, os.MkdirAll(screenshotDir, 0o755))
	require.NoError(b.t, os.WriteFile(filepath.Join(screenshotDir, name+".png"), buf, 0o644))
	// Whatever a test shows of Outbound is held to WCAG 2.1 AA too: dialogs, errors beside fields,
	// phones (the Temporal UI's pages are its makers' to answer for).
	if evalAs[string](b.t, b, `location.origin`) == env.URL {
		b.accessible(name)
	}
}

func (b *browser) login(username string) {
	b.t.Helper()
	b.open("#/login")
	b.fill("username", username)
	b.fill("password", demo.Password)
	b.click("登录")
	b.run(chromedp.WaitVisible(chromedp.CSS(`nav.menu`)))
}

func (b *browser) logout() {
	b.until(`!document.body.classList.contains('busy')`, "the page has loaded")
	b.click("退出")
	b.run(chromedp.WaitVisible(chromedp.CSS(`form.login-form`)))
}

// TestBrowserJourney: a student completes the profile, applies with an uploaded PDF, submits,
// withdraws and resubmits; the college reviewer approves; the student sees the new step.
func TestBrowserJourney(t *testing.T) {
	b, done := newBrowser(t)
	defer done()
	ctx := context.Background()
	db := env.Services.Store.DB

	// A student with only what the registry knows: the profile is to be completed in the browser.
	username := fmt.Sprintf("b%d", time.Now().UnixNano()%1e9)
	hash, _ := bcrypt.GenerateFromPassword([]byte(demo.Password), bcrypt.MinCost)
	var id int64
	require.NoError(t, db.GetContext(ctx, &id, `INSERT INTO accounts (username, display_name, role, college_code, password_hash) VALUES ($1, '浏览器学生', 'student', 'LIT', $2) RETURNING id`, username, string(hash)))
	_, err := db.ExecContext(ctx, `INSERT INTO student_profiles (account_id, system_no, name_cn, college_code) VALUES ($1, $2, '浏览器学生', 'LIT')`, id, "B"+username)
	require.NoError(t, err)
	project := newProject(t, projectSpec{})
	var projectName string
	require.NoError(t, db.GetContext(ctx, &projectName, `SELECT name FROM projects WHERE id = $1`, project))
	dir := t.TempDir()
	pdf := filepath.Join(dir, "成绩单.pdf")
	require.NoError(t, os.WriteFile(pdf, pdfFile(), 0o644))
	photo := filepath.Join(dir, "photo.png")
	require.NoError(t, os.WriteFile(photo, pngFile(300, 420), 0o644))

	b.open("#/login")
	b.run(chromedp.WaitVisible(chromedp.CSS(`form.login-form`)))
	b.shot("01-login")
	b.login(username)

	// 我的个人资料: a wrong 身份证号 is named next to its field; then the profile is completed.
	b.open("#/profile")
	b.text("个人资料尚未完善")
	b.open("#/projects")
	b.text("请完善左边菜单")
	b.shot("02-projects-incomplete")
	b.open("#/profile")
	for name, value := range map[string]string{
		"namePinyin": "LIU LAN QI", "gender": "男", "birthDate": "2003-01-01", "idCardNo": "120101200301010000",
		"hukouLocation": "天津市 和平区", "politicalStatus": "共青团员", "ethnicity": "汉族", "enrollmentYear": "2021",
		"degreeLevel": "本科生", "major": "汉语言文学", "grade": "大三", "schoolingLength": "4年", "phone": "13123263727",
		"email": "browser@example.edu.cn", "emergencyName": "家长", "emergencyPhone": "13276876546",
	} {
		b.fill(name, value)
	}
	b.click("保存")
	b.text("身份证号校验位不正确")
	b.shot("03-profile-field-error")
	b.fill("idCardNo", demo.IDCard("120101", "20030101", 11))
	b.click("保存")
	b.text("个人资料已保存")
	b.run(chromedp.SetUploadFiles(chromedp.CSS(`#photo-file`), []string{photo}))
	b.text("照片检测结果：合格")
	b.click("+添加学习经历")
	b.fill("startDate", "2018-09-01")
	b.fill("endDate", "2021-06-30")
	b.fill("schoolName", "天津市第一中学")
	b.fill("degree", "高中")
	b.run(chromedp.Click(`//div[@class="dialog"]//button[normalize-space(.)="保存"]`))
	b.text("个人资料已完善")
	b.text("天津市第一中学")
	b.shot("04-profile")

	// 校际交流项目申请 → 项目查看 → 申报须知 (2 seconds) → 本人承诺 → the wizard.
	b.open("#/projects")
	b.fill("q", projectName)
	b.click("查询")
	b.text(projectName)
	b.shot("05-projects")
	b.click(projectName)
	b.text("项目所需附件")
	b.shot("06-project")
	b.click("项目申请")
	b.text("申报须知")
	require.True(t, b.eval(`document.getElementById('start-apply').disabled`), "the start button waits until the notice has been read")
	b.shot("07-notice")
	b.click("开始填报")
	b.text("本人承诺")
	b.click("是")
	b.text("保存并下一步")
	b.fill("passportNo", "E12345678")
	b.fill("supervisorName", "张老师")
	b.fill("supervisorPhone", "13234335445")
	b.fill("cohort", "2021")
	b.shot("08-wizard-basic")
	b.click("保存并下一步")
	b.text("外语水平列表")
	b.fill("gpa", "3.6")
	b.fill("weightedAverage", "88")
	b.click("+点击添加外语水平")
	b.fill("language", "英语")
	b.fill("requirement", "雅思6.5")
	b.fill("score", "7.0")
	b.fill("examDate", "2025-06-01")
	b.run(chromedp.Click(`//div[@class="dialog"]//button[normalize-space(.)="保存"]`))
	b.text("雅思6.5")
	b.shot("09-wizard-info")
	b.click("保存并下一步 →")
	b.text("为必须上传的附件")
	// A PDF and a scan (PNG) go to the required rows; each shows 已上传 after its upload finishes.
	for i, file := range []string{photo, pdf} {
		i++
		b.run(chromedp.SetUploadFiles(chromedp.CSS(fmt.Sprintf(`tbody tr:nth-child(%d) input[type=file]`, i)), []string{file}))
		b.run(chromedp.WaitVisible(fmt.Sprintf(`(//tbody/tr)[%d]//*[contains(., "已上传")]`, i)))
	}
	b.shot("10-wizard-files")
	b.click("提交申请")
	b.click("提交")
	b.text("学院审核(未审核)")
	b.shot("11-detail-submitted")

	// 撤回修改, then submit again.
	b.click("撤回修改")
	b.click("是")
	b.run(chromedp.WaitVisible(`//strong[@class="status" and normalize-space(.)="未提交"]`))
	b.open("#/applications")
	b.text(projectName)
	b.click("操作 ▾")
	b.text("申请修改")
	b.shot("12-my-applications-menu")
	b.click("申请修改")
	b.text("基本信息")
	b.click("3 附件信息")
	b.click("提交申请")
	b.click("提交")
	b.text("学院审核(未审核)")

	// The office keeps its own ready-made opinions; reviewers are offered them.
	b.logout()
	b.login("wsc")
	b.open("#/admin/phrases")
	b.text("通过时的常用意见")
	t.Cleanup(func() {
		login(t, "wsc").call("PUT", "/opinion-phrases", map[string]any{"phrases": process.DefaultOpinionPhrases})
	})
	b.run(chromedp.SetValue(`textarea[name="phrases.approve"]`, "材料齐全，同意推荐\n\n经学院审核，同意推荐\n"+strings.Repeat("长", 101)))
	b.click("保存")
	b.text("第4行：常用意见")
	b.shot("13-opinion-phrases-refused")
	b.run(chromedp.SetValue(`textarea[name="phrases.approve"]`, "材料齐全，同意推荐\n\n经学院审核，同意推荐\n"))
	b.click("保存")
	b.text("已保存常用审核意见")
	b.text("以下为本部门维护的常用意见")

	// The college reviewer approves from the queue.
	b.logout()
	b.login("lit-reviewer")
	b.open("#/reviews")
	b.text(projectName)
	b.shot("13-review-queue")
	b.run(chromedp.Click(fmt.Sprintf(`//tr[.//*[contains(., %q)]]//a[normalize-space(.)="审核"]`, projectName)))
	b.text("提交审核")
	b.text("审核：学院审核")
	require.False(t, b.eval(`document.querySelector('input[name=decision]:checked') !== null`), "no decision is chosen beforehand")
	// The application comes first; the decision bar is in view on the first screen at 1366 px.
	b.viewport(1366)
	require.True(t, b.eval(`window.scrollTo(0, 0); true`))
	require.True(t, b.eval(`(() => { const r = document.getElementById('decide-submit').getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; })()`),
		"the decision bar is visible without scrolling")
	require.True(t, b.eval(`!!(document.getElementById('sec-basic').compareDocumentPosition(document.querySelector('form.decide')) & Node.DOCUMENT_POSITION_FOLLOWING)`),
		"the application is shown before the decision")
	b.shot("14-review-first-screen")
	// The attachments are read in place, over the application: the scan drawn, the PDF framed.
	b.run(chromedp.Click(`(//span[contains(@class,"file-links")][contains(., "photo.png")]//button[normalize-space(.)="预览"])[1]`))
	b.until(`(() => { const i = document.querySelector('.preview-box img.preview'); return i && i.complete && i.naturalWidth === 300; })()`, "the scan previewed")
	b.shot("14-review-preview")
	b.click("关闭")
	b.run(chromedp.Click(`(//span[contains(@class,"file-links")][contains(., "成绩单.pdf")]//button[normalize-space(.)="预览"])[1]`))
	b.until(`!!document.querySelector('.preview-box iframe.preview[src*="inline=1"]')`, "the PDF framed")
	b.click("关闭")
	b.click("提交审核")
	b.text("请选择审核结果")
	b.run(chromedp.Click(chromedp.CSS(`input[name=decision][value=approve]`)))
	// A ready-made opinion, then edited.
	b.text("材料齐全，同意推荐")
	b.click("经学院审核，同意推荐")
	require.Equal(t, "经学院审核，同意推荐", evalAs[string](t, b, `document.querySelector('textarea[name=opinion]').value`))
	b.fill("opinion", "同意推荐")
	b.shot("14-review-decide")
	b.click("提交审核")
	b.text("已通过")

	// The student sees the new step in the timeline, on a desktop and on a phone.
	b.logout()
	b.login(username)
	b.open("#/applications")
	b.click(projectName)
	b.text("学院审核通过")
	b.text("同意推荐")
	b.shot("15-detail-approved")
	b.run(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	for _, page := range []struct{ hash, wait, name string }{
		{"#/projects", "查询结果", "phone-01-projects"},
		{"#/applications", projectName, "phone-02-my-applications"},
		{"#/profile", "我的个人资料", "phone-04-profile"},
	} {
		b.open(page.hash)
		b.text(page.wait)
		b.shot(page.name)
		require.True(t, b.eval(`document.querySelector('main#main').getBoundingClientRect().top < 200`),
			"%s: at 375 px the content starts under the header and the menu bar, not below a blank band", page.hash)
		require.True(t, b.eval(`window.innerWidth > 720 || [...document.querySelectorAll('main button, main .button, nav.menu a')]
			.filter((e) => e.offsetParent !== null).every((e) => e.getBoundingClientRect().height >= 44)`),
			"%s: on a phone every button and menu entry is a 44 px touch target", page.hash)
	}
	b.open("#/applications")
	b.click(projectName)
	b.text("学院审核通过")
	b.shot("phone-03-detail-timeline")
	require.False(t, b.eval(`document.documentElement.scrollWidth > window.innerWidth + 1`), "the page fits 375 px without sideways scrolling")
}

// TestBrowserOfficePages opens the reviewers' and administrators' pages: each renders its data.
func TestBrowserOfficePages(t *testing.T) {
	b, done := newBrowser(t)
	defer done()
	project := newProject(t, projectSpec{})
	submitted(t, "LIT", project)
	b.login("admin")
	pages := []struct{ hash, wait, name string }{
		{"#/dashboard", "录取与推荐名额", "office-01-dashboard"},
		{"#/reviews", "待审核申请", "office-02-admin-queue"},
		{"#/list", "导出Excel", "office-03-list"},
		{"#/admin/projects", "复制到下一年", "office-04-projects"},
		{fmt.Sprintf("#/admin/projects/%d", project), "项目所需附件", "office-05-project-edit"},
		{"#/admin/projects/new", "新建项目", "office-06-project-new"},
		{"#/admin/accounts", "重置密码", "office-07-accounts"},
		{"#/admin/audit", "审计日志", "office-08-audit"},
		{"#/admin/notice", "发布新版本", "office-11-notice"},
	}
	for _, page := range pages {
		b.open(page.hash)
		b.text(page.wait)
		b.shot(page.name)
	}
	// The same pages on a phone: the checks below run at 375 px, where they can fail.
	b.run(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	for _, page := range pages {
		b.open(page.hash)
		b.text(page.wait)
		b.shot("phone-" + page.name)
		require.Equal(t, 375, int(evalAs[float64](t, b, `window.innerWidth`)), "the phone's width")
		require.True(t, b.eval(`document.querySelector('main#main').getBoundingClientRect().top < 200`),
			"%s: at 375 px the content starts under the header and the menu bar, not below a blank band", page.hash)
		require.True(t, b.eval(`[...document.querySelectorAll('main button, main .button, nav.menu a')]
			.filter((e) => e.offsetParent !== null).every((e) => e.getBoundingClientRect().height >= 44)`),
			"%s: on a phone every button and menu entry is a 44 px touch target", page.hash)
		require.True(t, b.eval(`document.documentElement.scrollWidth <= window.innerWidth + 1`), "%s: nothing scrolls sideways at 375 px", page.hash)
	}
	b.run(chromedp.EmulateViewport(1366, 900))
	// The account list's search box: the words and the role go into the address, the list narrows.
	b.open("#/admin/accounts")
	b.run(chromedp.WaitVisible(chromedp.CSS(`form[role=search] [name=q]`)), chromedp.SetValue(chromedp.CSS(`form[role=search] [name=q]`), "sci-rev"),
		chromedp.SetValue(chromedp.CSS(`form[role=search] [name=role]`), "college_reviewer"))
	b.click("查询")
	require.Eventually(t, func() bool {
		return b.eval(`location.hash === '#/admin/accounts?q=sci-rev&role=college_reviewer' && !document.body.classList.contains('busy')
			&& !document.body.innerText.includes('lit-reviewer')`)
	}, 10*time.Second, 200*time.Millisecond, "the address carries the search, and the list holds only what matches")
	b.text("理学院审核员")

	// A field error from the API appears next to its field on the project form.
	b.open("#/admin/projects/new")
	b.text("新建项目")
	b.click("保存草稿")
	b.text("项目编号应为1至32位字母、数字、-或_")
	b.shot("office-09-project-errors")
	b.logout()
	b.login("lit-reviewer")
	b.open("#/list")
	b.text("申请列表")
	b.shot("office-10-college-list")
}

// TestBrowserRosterImport: on a phone, an administrator previews a roster with a wrong row, sees
// the cell's problem and cannot apply it, then imports the corrected file.
func TestBrowserRosterImport(t *testing.T) {
	admin := login(t, "admin")
	college, collegeName := newCollege(t, admin)
	n := time.Now().UnixNano() % 1e8
	dir := t.TempDir()
	wrong, good := filepath.Join(dir, "wrong.csv"), filepath.Join(dir, "good.xlsx")
	header := []string{"学号/工号", "姓名", "角色", "学院", "在读学历"}
	require.NoError(t, os.WriteFile(wrong, csvOf(t, [][]string{header,
		{fmt.Sprintf("B%d", n), "浏览器学生", "学生", collegeName, "本科生"}, {fmt.Sprintf("B%d2", n), "无学院学生", "学生", "不存在的学院", "本科生"}}), 0o644))
	require.NoError(t, os.WriteFile(good, xlsxOf(t, [][]string{header,
		{fmt.Sprintf("B%d", n), "浏览器学生", "学生", collegeName, "本科生"}, {fmt.Sprintf("B%d2", n), "有学院学生", "学生", college, "硕士研究生"}}), 0o644))

	b, done := newBrowser(t)
	defer done()
	b.run(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.login("admin")
	b.open("#/admin/roster")
	b.text("名单导入")
	b.run(chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{wrong}))
	b.click("预览")
	b.text("学院：学院“不存在的学院”不存在")
	require.True(t, b.eval(`[...document.querySelectorAll('button')].find((x) => x.textContent === '确认导入').disabled`), "a roster with a wrong row cannot be applied")
	b.shot("phone-05-roster-preview-errors")
	require.False(t, b.eval(`document.documentElement.scrollWidth > window.innerWidth + 1`), "the preview fits 375 px without sideways scrolling")

	b.run(chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{good}))
	b.click("预览")
	b.text("预览：新建 2")
	b.click("确认导入")
	b.text("已导入：新建 2")
	b.shot("phone-06-roster-applied")
	require.EqualValues(t, 2, admin.call("GET", "/accounts?role=student&q="+fmt.Sprintf("B%d", n), nil).num("total"))

	b.open("#/admin/colleges")
	b.text(collegeName)
	b.shot("phone-07-colleges")
	require.True(t, b.eval(`document.querySelector('main#main').getBoundingClientRect().top < 200`), "the colleges page starts under the menu bar")
}

// TestBrowserMenusAndSections: on a desktop the 操作 menu of a student's only application shows
// every item in full and closes on Esc and on a click elsewhere; a section link brings its section
// into view; an upload keeps the reader where they were.
func TestBrowserMenusAndSections(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	username := s.call("GET", "/me", nil).str("username")
	b, done := newBrowser(t)
	defer done()
	b.run(chromedp.EmulateViewport(1366, 768))
	b.login(username)
	b.open("#/applications")
	b.click("操作 ▾")
	b.run(chromedp.WaitVisible(chromedp.CSS(`.menu-items:not([hidden])`)))
	b.shot("desktop-01-ops-menu-open")
	require.True(t, b.eval(`[...document.querySelectorAll('.menu-items:not([hidden]) > *')].every((el) => {
		const r = el.getBoundingClientRect();
		const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		return r.width > 0 && r.top >= 0 && r.bottom <= window.innerHeight && (hit === el || el.contains(hit));
	})`), "every item of the open menu is visible and clickable")
	b.run(chromedp.KeyEvent("\u001b"))
	require.True(t, b.eval(`document.querySelector('.menu-items').hidden`), "Esc closes the menu")
	b.click("操作 ▾")
	b.run(chromedp.Click(chromedp.CSS(`h1`)))
	require.True(t, b.eval(`document.querySelector('.menu-items').hidden`), "a click elsewhere closes it")

	b.open(fmt.Sprintf("#/applications/%d", d.id))
	b.text("历史记录")
	b.click("历史记录")
	b.run(chromedp.WaitVisible(chromedp.CSS(`#sec-history.focus`)))
	b.until(`(() => { const r = document.getElementById('sec-history').getBoundingClientRect(); return window.scrollY > 0 && r.top >= -2 && r.top < window.innerHeight - 60; })()`,
		"the section link brings 历史记录 into view")
	b.shot("desktop-02-section-history")
}

// TestBrowserAwards: on a phone, a student adds 获奖情况 in step 2 through its dialog and sees it
// in the list and in 申请查看.
func TestBrowserAwards(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	username := s.call("GET", "/me", nil).str("username")
	b, done := newBrowser(t)
	defer done()
	b.run(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.login(username)
	b.open(fmt.Sprintf("#/applications/%d/edit?step=2", d.id))
	b.text("获奖情况列表")
	b.click("+点击添加获奖情况")
	require.True(t, b.eval(`document.querySelector('.overlay').contains(document.activeElement)`), "the dialog takes the focus")
	b.fill("name", "全国大学生英语竞赛特等奖")
	b.run(chromedp.SetValue(chromedp.CSS(`.dialog select[name=level]`), "国家级"))
	b.fill("awardedOn", "2024-05-12")
	b.fill("issuer", "高等学校大学外语教学研究会")
	b.shot("phone-08-award-dialog")
	b.click("保存")
	b.text("全国大学生英语竞赛特等奖")
	b.shot("phone-09-awards-listed")
	// Esc closes a dialog and gives the focus back to the button that opened it.
	b.click("+点击添加获奖情况")
	b.run(chromedp.KeyEvent("\u001b"))
	require.False(t, b.eval(`!!document.querySelector('.overlay')`), "Esc closes the dialog")
	require.True(t, b.eval(`document.activeElement.textContent.trim() === '+点击添加获奖情况'`), "the focus returns to the opener")
	require.False(t, b.eval(`document.documentElement.scrollWidth > window.innerWidth + 1`), "step 2 fits 375 px")
	b.open(fmt.Sprintf("#/applications/%d?section=detail", d.id))
	b.text("高等学校大学外语教学研究会")
}

// TestBrowserReviewerSeesApplicantAndChanges: the reviewer's page of a resubmitted application shows
// the applicant's photo, 学习经历 and what changed, on a desktop and on a phone.
func TestBrowserReviewerSeesApplicantAndChanges(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d.id), nil).status)
	decide(t, login(t, "lit-reviewer"), d.id, map[string]any{"decision": "return", "opinion": "请补充获奖情况"}, 200)
	require.Equal(t, 201, s.call("POST", pathf("/applications/%d/awards", d.id), map[string]any{"name": "国家奖学金", "level": "国家级", "awardedOn": "2024-10-01", "issuer": "教育部"}).status)
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d.id), nil).status)
	b, done := newBrowser(t)
	defer done()
	b.login("lit-reviewer")
	for _, width := range []int64{1366, 375} {
		b.run(chromedp.EmulateViewport(width, 900))
		b.open(fmt.Sprintf("#/applications/%d", d.id))
		b.text("与上次提交相比的变化")
		b.text("国家奖学金（国家级，2024-10-01，教育部）")
		b.until(`document.querySelector('img.photo').naturalWidth > 0`, "the applicant's photo loads")
		b.shot(fmt.Sprintf("review-%d-applicant-and-changes", width))
		require.False(t, b.eval(`document.documentElement.scrollWidth > window.innerWidth + 1`), "fits %d px", width)
	}
}

// TestBrowserTemporalUIShowsWhatNeedsAttention: in the Temporal UI, an application whose record
// keeps failing is found by NeedsAttention = true, and its page shows the failing activity.
func TestBrowserTemporalUIShowsWhatNeedsAttention(t *testing.T) {
	db := env.Services.Store.DB
	_, app := submitted(t, "LIT", newProject(t, projectSpec{}))
	_, err := db.Exec(`CREATE OR REPLACE FUNCTION ui_outage_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.opinion = '模拟故障' THEN RAISE EXCEPTION 'simulated outage' USING ERRCODE = '40001'; END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER ui_outage_for_test BEFORE INSERT ON timeline_events FOR EACH ROW EXECUTE FUNCTION ui_outage_for_test();`)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = db.Exec(`DROP TRIGGER IF EXISTS ui_outage_for_test ON timeline_events; DROP FUNCTION IF EXISTS ui_outage_for_test()`)
	})
	id := workflows.WorkflowID(app)
	require.NoError(t, env.Services.Temporal.SignalWorkflow(context.Background(), id, "", process.MsgDecide,
		workflows.Request{Actor: reviewerActor(t, "lit-reviewer"), Decision: process.DecisionApprove, Opinion: "模拟故障"}))
	require.Eventually(t, func() bool {
		d, err := env.Services.Temporal.DescribeWorkflow(context.Background(), id, "")
		return err == nil && len(d.RawResponse.PendingActivities) == 1
	}, time.Minute, 500*time.Millisecond)

	b, done := newBrowser(t)
	defer done()
	b.run(chromedp.EmulateViewport(1366, 900))
	b.run(chromedp.Navigate(env.Stack.TemporalUIURL + "/namespaces/default/workflows?query=" + url.QueryEscape("NeedsAttention = true")))
	b.text(id)
	b.shot("temporal-01-needs-attention-query")
	b.run(chromedp.Navigate(env.Stack.TemporalUIURL + "/namespaces/default/workflows/" + id))
	b.text("RecordEvent")
	b.shot("temporal-02-failing-activity")
}

// reviewerActor is a demo reviewer as the workflow knows them.
func reviewerActor(t *testing.T, username string) workflows.Actor {
	acc, err := env.Services.Store.AccountByUsername(context.Background(), username)
	require.NoError(t, err)
	return workflows.Actor{ID: acc.ID, Name: acc.DisplayName, Role: process.Role(acc.Role), College: acc.College()}
}

// TestBrowserPrintsTheApplicationForm: the student's submitted application, with its 外语水平,
// 获奖情况 and the college's opinion, printed to PDF on A4; the first page is kept as a picture.
func TestBrowserPrintsTheApplicationForm(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	require.Equal(t, 201, s.call("POST", pathf("/applications/%d/language-scores", d.id),
		map[string]string{"language": "英语", "requirement": "雅思6.5", "score": "7.0", "examDate": "2025-06-01"}).status)
	require.Equal(t, 201, s.call("POST", pathf("/applications/%d/awards", d.id),
		map[string]any{"name": "国家奖学金", "level": "国家级", "awardedOn": "2024-10-01", "issuer": "教育部"}).status)
	r := s.call("POST", pathf("/applications/%d/submit", d.id), nil)
	require.Equal(t, 200, r.status)
	sha := r.str("application.snapshotSha256")
	decide(t, login(t, "lit-reviewer"), d.id, map[string]any{"decision": "approve", "opinion": "同意推荐"}, 200)

	// The QR code is the application's page, and only for those who may see the application.
	require.Equal(t, 200, s.call("GET", pathf("/applications/%d/qr", d.id), nil).status)
	require.Equal(t, 404, newStudent(t, "LIT").call("GET", pathf("/applications/%d/qr", d.id), nil).status)

	b, done := newBrowser(t)
	defer done()
	b.login(s.call("GET", "/me", nil).str("username"))
	b.open(fmt.Sprintf("#/applications/%d", d.id))
	b.click("打印申请表")
	b.text("学生因公出国（境）项目申请表")
	b.text("国家奖学金")
	b.text("雅思6.5")
	b.text("同意推荐")
	b.text(sha)
	b.until(`document.querySelector('.sheet .qr img').naturalWidth > 0`, "the QR code loads")
	b.until(`document.querySelector('.sheet img.photo').naturalWidth > 0`, "the photo loads")
	require.Equal(t, 3, int(evalAs[float64](t, b, `document.querySelectorAll('.sign-box').length`)), "学院, 教务处 and 外事部门 sign")
	// The 申请表 prints the application's sections (出行信息 comes later, with the 行前材料).
	for _, f := range append(process.FieldsOf(process.SectionBasic), process.FieldsOf(process.SectionApply)...) {
		require.True(t, b.eval(fmt.Sprintf("[...document.querySelectorAll('.sheet th')].some((e) => e.textContent === %q)", f.Label)),
			"the printed form has %s", f.Label)
	}

	pdf, err := chromedp.Run(b.ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPrintBackground()))
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")), "a PDF")
	require.NoError(t, os.MkdirAll(screenshotDir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(screenshotDir, "print-application-form.pdf"), pdf, 0o644))

	// The first page as the printer lays it out: print media on an A4 page (210 mm at 96 px per inch).
	b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}), chromedp.EmulateViewport(794, 1123))
	require.False(t, b.eval(`[...document.querySelectorAll('header.top, nav.menu, .no-print')].some((e) => e.offsetParent !== null)`),
		"on paper only the form")
	b.run(chromedp.Sleep(300 * time.Millisecond))
	page, err := chromedp.Run(b.ctx, chromedp.Screenshot(chromedp.CSS(`article.sheet`)))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(screenshotDir, "print-application-form-page1.png"), page, 0o644))

	// On a phone the same view fits the screen.
	b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return err
	}), chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.shot("phone-10-print-view")
	require.False(t, b.eval(`document.documentElement.scrollWidth > window.innerWidth + 1`), "the print view fits 375 px")
}

// TestBrowserStudentHome: a student's home shows where each open application is on the whole
// journey, in words, and 下一步 with what is missing; the project list says who may apply.
func TestBrowserStudentHome(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	newProject(t, projectSpec{degrees: []string{"博士研究生"}})
	b, done := newBrowser(t)
	defer done()
	b.run(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
	b.login(s.call("GET", "/me", nil).str("username"))
	b.open("#/applications")
	b.text("下一步：")
	b.text("内容已齐全，可以提交")
	require.Equal(t, "提交申请", evalAs[string](t, b, `document.querySelector('ol.tracker li.current .step').textContent`))
	require.Equal(t, "行前手续及回国手续申请 - 外事综合服务系统", evalAs[string](t, b, `document.title`))
	b.shot("phone-11-home-draft")

	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d.id), nil).status)
	b.open("#/applications?r=1")
	b.text("无需操作")
	require.Equal(t, "学院审核", evalAs[string](t, b, `document.querySelector('ol.tracker li.current .step').textContent`))
	require.True(t, b.eval(`document.querySelectorAll('ol.tracker li.done').length === 1`))
	require.False(t, b.eval(`document.documentElement.scrollWidth > window.innerWidth + 1`), "the home fits 375 px")
	require.True(t, b.eval(`[...document.querySelectorAll('ol.tracker .step')].every((e) => e.getClientRects().length === 1)`),
		"no step's name is broken across lines")
	b.shot("phone-12-home-in-review")

	b.open("#/projects")
	b.text("申请对象为博士研究生")
	b.text("每人限报1个项目")
	b.shot("phone-13-projects-eligibility")
}

// evalAs evaluates an expression in the page and reads its value as T.
func evalAs[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err)
	return v
}

// axeSource is axe-core (package.json), the accessibility checker the pages are held to.
var axeSource = sync.OnceValues(func() ([]byte, error) { return os.ReadFile("../node_modules/axe-core/axe.min.js") })

// accessible checks the page as it stands against WCAG 2.1 A and AA with axe-core: no violation.
func (b *browser) accessible(what string) {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		b.t.Skip("axe-core is not installed (npm ci installs it): ", err)
	}
	if !b.eval(`typeof window.axe === 'object'`) {
		_, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](string(src)+";true"))
		require.NoError(b.t, err)
	}
	found, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
		.then((r) => r.violations.map((v) => v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 4).map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\n').slice(1, 2).join('')).join(' | ')))`,
		chromedp.EvalAwaitPromise))
	require.NoError(b.t, err)
	require.Empty(b.t, found, "%s: WCAG 2.1 AA violations", what)
}

// TestBrowserEveryPage opens every page of every role at 1366 and 375 px and keeps a screenshot of
// each under test-artifacts/screenshots/pages/: the page renders with no script error, a title of
// its own, its content within the first screen and nothing wider than the screen.
func TestBrowserEveryPage(t *testing.T) {
	project := newProject(t, projectSpec{})
	s := newStudent(t, "LIT")
	d := newDraft(t, s, project)
	require.Equal(t, 201, s.call("POST", pathf("/applications/%d/awards", d.id), map[string]any{"name": "国家奖学金", "level": "国家级", "awardedOn": "2024-10-01", "issuer": "教育部"}).status)
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d.id), nil).status)
	other := newProject(t, projectSpec{})
	app := fmt.Sprint(d.id)
	pages := []struct{ user, hash string }{
		{s.call("GET", "/me", nil).str("username"), "#/applications"},
		{"", "#/applications/" + app},
		{"", "#/applications/" + app + "/edit"},
		{"", "#/applications/" + app + "/print"},
		{"", "#/projects"},
		{"", fmt.Sprintf("#/projects/%d", other)},
		{"", "#/profile"},
		{"", "#/notifications"},
		{"", "#/publicity"},
		{"lit-reviewer", "#/reviews"},
		{"", "#/list"},
		{"", "#/abroad"},
		{"", "#/applications/" + app},
		{"", "#/notifications"},
		{"jwc1", "#/dashboard"},
		{"admin", "#/dashboard"},
		{"", "#/reviews"},
		{"", "#/list"},
		{"", "#/admin/projects"},
		{"", fmt.Sprintf("#/admin/projects/%d", project)},
		{"", "#/admin/projects/new"},
		{"", "#/admin/notice"},
		{"", "#/admin/accounts"},
		{"", "#/admin/roster"},
		{"", "#/admin/colleges"},
		{"", "#/admin/audit"},
		{"", "#/abroad"},
		{"", "#/dashboard/report"},
		{"", "#/selection"},
		{"", "#/publicity"},
		{"", "#/admin/courses"},
		{"", "#/admin/partners"},
		{"", "#/admin/phrases"},
		{"", "#/admin/events"},
	}
	dir := filepath.Join(screenshotDir, "pages")
	// Only this run's pages: ids differ from run to run, and an earlier run's would stay beside them.
	require.NoError(t, os.RemoveAll(dir))
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for _, width := range []int64{1366, 375} {
		b, done := newBrowser(t)
		// Script errors and console errors of every page are collected for the checks below.
		b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
				window.__errors = [];
				window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
				window.addEventListener('unhandledrejection', (e) => window.__errors.push(String(e.reason && e.reason.message || e.reason)));
				const logError = console.error; console.error = (...a) => { window.__errors.push(a.join(' ')); logError(...a); };`})
			return err
		}))
		if width < 500 {
			b.run(chromedp.EmulateViewport(width, 812, chromedp.EmulateMobile))
		} else {
			b.run(chromedp.EmulateViewport(width, 900))
		}
		// The sign-in page first, at this width too.
		b.open("#/login")
		b.run(chromedp.WaitVisible(chromedp.CSS(`form.login-form`)))
		require.False(t, b.eval(`document.documentElement.scrollWidth > window.innerWidth + 1`), "sign-in at %d px: nothing wider than the screen", width)
		require.True(t, b.eval(`[...document.querySelectorAll('form.login-form button, form.login-form input')].every((e) => e.getBoundingClientRect().height >= 32)`),
			"sign-in at %d px: fields and the button are large enough to touch", width)
		require.Equal(t, int(width), int(evalAs[float64](t, b, `window.innerWidth`)), "the page is laid out at %d px", width)
		b.accessible(fmt.Sprintf("sign-in at %d px", width))
		user := ""
		for i, p := range pages {
			if p.user != "" {
				if user != "" {
					b.logout()
				}
				user = p.user
				b.login(user)
			}
			b.open(p.hash)
			b.run(chromedp.Sleep(300*time.Millisecond), chromedp.WaitNotPresent(chromedp.CSS(`body.busy`)), chromedp.WaitVisible(chromedp.CSS(`main h1`)),
				chromedp.Sleep(300*time.Millisecond))
			who := map[string]string{"lit-reviewer": "college", "jwc1": "academic", "admin": "admin"}[user]
			if who == "" {
				who = "student"
			}
			name := fmt.Sprintf("%d-%02d-%s-%s", width, i+1, who, strings.NewReplacer("#/", "", "/", "-").Replace(p.hash))
			buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644))
			require.Equal(t, "[]", evalAs[string](t, b, `JSON.stringify(window.__errors)`), "%s at %d px: no script error", p.hash, width)
			require.True(t, b.eval(`document.querySelector('main .error-page, main p.error') === null`), "%s at %d px: the page, not an error", p.hash, width)
			require.NotEqual(t, "外事综合服务系统", evalAs[string](t, b, `document.title`), "%s: a title of its own", p.hash)
			require.True(t, b.eval(`document.querySelector('main h1').getBoundingClientRect().top < window.innerHeight / 2`),
				"%s at %d px: the content starts within the first screen", p.hash, width)
			require.False(t, b.eval(`document.documentElement.scrollWidth > window.innerWidth + 1`), "%s at %d px: nothing wider than the screen", p.hash, width)
			b.accessible(fmt.Sprintf("%s at %d px", p.hash, width))
			require.True(t, b.eval(`(() => { const n = document.querySelector('nav.menu'), a = n && n.querySelector('a.active');
				if (!a) return true; const r = a.getBoundingClientRect(), m = n.getBoundingClientRect(); return r.left >= m.left - 1 && r.right <= m.right + 1; })()`),
				"%s at %d px: the current page's tab is in view", p.hash, width)
			require.Equal(t, "[]", evalAs[string](t, b, `JSON.stringify(window.innerWidth > 720 ? [] : [...document.querySelectorAll('main button, main .button, main table a')]
				.filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height < 44).map((e) => e.textContent.trim()))`),
				"%s at %d px: every button and every link in a list is a 44 px touch target", p.hash, width)
		}
		done()
	}
}

// TestBrowserTemporalUIDecodesForAdmins: in the Temporal UI, a workflow's input (the student's name
// among it) is shown decoded to an administrator signed in to Outbound, whose browser sends the
// codec endpoint its session; to anyone else it stays encrypted.
func TestBrowserTemporalUIDecodesForAdmins(t *testing.T) {
	s, app := submitted(t, "LIT", newProject(t, projectSpec{}))
	name := s.call("GET", "/me", nil).str("displayName")
	id := workflows.WorkflowID(app)
	b, done := newBrowser(t)
	defer done()
	b.run(chromedp.EmulateViewport(1366, 900))

	// The administrator's one-time setting in the UI's Data Encoder dialog: this endpoint, with
	// cross-origin credentials, so that the browser sends the Outbound session along.
	b.run(chromedp.Navigate(env.Stack.TemporalUIURL + "/namespaces/default/workflows"))
	require.True(t, b.eval(fmt.Sprintf(`localStorage.setItem('endpoint', JSON.stringify(%q));
		localStorage.setItem('includeCredentials', 'true'); localStorage.setItem('overrideRemoteCodecConfiguration', 'true'); true`,
		env.URL+"/api/v1/temporal-codec")))
	page := env.Stack.TemporalUIURL + "/namespaces/default/workflows/" + id

	// Not signed in to Outbound: the codec endpoint refuses, the input stays encrypted.
	b.run(chromedp.Navigate(page))
	require.Eventually(t, func() bool { return b.eval(`document.body.innerText.includes('encryption-key-id')`) }, time.Minute, 300*time.Millisecond,
		"the input is shown as it is stored: encrypted")
	require.False(t, b.eval(fmt.Sprintf(`document.body.innerText.includes(%q)`, name)), "no name without an administrator's session")
	b.shot("temporal-04-encrypted-for-others")

	b.login("admin")
	b.run(chromedp.Navigate(page))
	b.text(name)
	b.shot("temporal-03-decoded-for-admin")
}

// TestBrowserFormsFromTheCatalogue: the wizard's steps have an input for every field of the
// catalogue, under its label, read-only where the system sets it.
func TestBrowserFormsFromTheCatalogue(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	b, done := newBrowser(t)
	defer done()
	b.login(s.call("GET", "/me", nil).str("username"))
	for step, section := range []string{process.SectionBasic, process.SectionApply} {
		b.open(fmt.Sprintf("#/applications/%d/edit?step=%d", d.id, step+1))
		// The step's heading, not the step list above it, which names every step on every page.
		b.run(chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("form [name=%q]", process.FieldsOf(section)[0].Name))))
		for _, f := range process.FieldsOf(section) {
			input := fmt.Sprintf("document.querySelector('form [name=%q]')", f.Name)
			require.True(t, b.eval(input+" !== null"), "step %d has an input for %s", step+1, f.Name)
			require.True(t, b.eval(fmt.Sprintf("%s.closest('label').querySelector('.label').textContent.startsWith(%q)", input, f.Label)), "%s is labelled %s", f.Name, f.Label)
			require.Equal(t, f.Derived, b.eval(input+".readOnly === true"), "%s is read-only exactly when derived", f.Name)
		}
	}
}
