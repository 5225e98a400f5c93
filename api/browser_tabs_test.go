//go:build integration

package api_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestBrowserTabsFollowWhoIsSignedIn: the tabs of a browser share one sign-in; when another tab
// signs in as someone else, or signs out, a tab already open follows at once instead of showing the
// previous person's name and menus until it is reloaded.
func TestBrowserTabsFollowWhoIsSignedIn(t *testing.T) {
	first, done := newBrowser(t)
	defer done()
	first.run(chromedp.EmulateViewport(1366, 900))
	first.login("2021216401")
	first.open("#/applications")
	first.until(`document.querySelector('header .who')?.textContent.includes('学生')`, "the student's name in the header")

	// A second tab of the same browser (cookies and storage shared), opened without a step's timeout,
	// which would close it after its first step.
	tab, cancel := chromedp.NewContext(first.ctx)
	defer cancel()
	require.NoError(t, chromedp.Do(tab))
	second := &browser{t: t, ctx: tab}
	second.run(chromedp.EmulateViewport(1366, 900))
	second.login("lit-reviewer")
	first.until(`document.querySelector('header .who')?.textContent.includes('学院审核') && [...document.querySelectorAll('nav.menu a')].some((a) => a.textContent === '审核队列')`,
		"the first tab shows the reviewer who signed in in the second, with the reviewer's menus")
	first.shot("tabs-01-follows-the-new-sign-in")

	second.logout()
	first.until(`document.querySelector('form.login-form') !== null`, "the first tab is signed out with the second")
}
