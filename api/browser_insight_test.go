//go:build integration

package api_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestBrowserStatisticsDashboard: at 1366 and 375 px the office opens 统计看板 for the seeded year,
// sees the charts with their numbers a click away, narrows them by country, and a college's bar
// opens that college's list; a college's reviewer sees their own college only.
func TestBrowserStatisticsDashboard(t *testing.T) {
	seedStatistics(t, login(t, "wsc"))
	for _, width := range []int64{1366, 375} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b, done := newBrowser(t)
			defer done()
			b.viewport(width)
			b.login("wsc")
			b.open(fmt.Sprintf("#/dashboard?year=%d", statsYear))
			b.until(`document.querySelectorAll('section.stat-chart svg.stat-bars rect').length > 0 && !!document.querySelector('#chart-byCountry')`, "the charts")
			require.True(t, b.eval(`document.querySelector('#chart-byTravel').textContent.includes('赴港澳台')`), "出国 and 赴港澳台 apart")
			require.True(t, b.eval(fitsScreen), "the dashboard fits %d px", width)
			b.shot(fmt.Sprintf("insight-%d-dashboard", width))
			// 查看数据: the chart's table.
			b.run(chromedp.Click(chromedp.CSS(`#chart-byCollege .chart-head button`)))
			b.until(`!document.querySelector('#chart-byCollege .chart-table').hidden && document.querySelector('#chart-byCollege .chart-table').textContent.includes('文学院')`, "the numbers of the chart")
			require.True(t, b.eval(`document.querySelector('#chart-byCollege .chart-head button').getAttribute('aria-expanded') === 'true'`))
			// A filter narrows every chart.
			b.run(chromedp.SetValue(chromedp.CSS(`select[name=country]`), "HK"))
			b.eval(`document.querySelector('select[name=country]').dispatchEvent(new Event('change', {bubbles: true}))`)
			b.until(`location.hash.includes('country=HK') && !document.querySelector('#chart-byCountry').textContent.includes('日本')`, "filtered by country")
			b.shot(fmt.Sprintf("insight-%d-filtered", width))
			// A college's bar opens that college's list.
			b.run(chromedp.Click(chromedp.CSS(`#chart-byCollege .bar-label a`)))
			b.until(`location.hash.startsWith('#/list?') && location.hash.includes('college=')`, "the matching list")
			b.logout()

			b.login("lit-reviewer")
			b.open(fmt.Sprintf("#/dashboard?year=%d", statsYear))
			b.until(`document.querySelectorAll('section.stat-chart').length > 0`, "the college's dashboard")
			require.True(t, b.eval(`document.querySelector('h1').textContent.includes('本学院') && !document.querySelector('select[name=college]')`), "no college filter: their own")
			require.True(t, b.eval(fitsScreen), "fits %d px", width)
			b.shot(fmt.Sprintf("insight-%d-college", width))
		})
	}
}
