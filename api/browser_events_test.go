//go:build integration

package api_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestBrowserEventEndpoints: an administrator adds the academic system as an endpoint (a wrong
// address refused beside its field), keeps the secret shown once, sees the deliveries fail while
// the system is down and arrive once it is back; at 1366 and 375 px.
func TestBrowserEventEndpoints(t *testing.T) {
	cs := &campusSystem{t: t}
	cs.down.Store(true)
	srv := httptest.NewServer(cs)
	defer srv.Close()
	b, done := newBrowser(t)
	defer done()
	b.viewport(1366)
	b.login("admin")
	b.open("#/admin/events")
	b.text("添加推送地址")
	b.fill("name", "教务系统-浏览器")
	b.fill("url", "ftp://jw.example.edu.cn")
	require.True(t, b.eval(`[...document.querySelectorAll('input[name=events]')].forEach((c) => { c.checked = false; }) || true`))
	b.click("添加")
	b.text("推送地址应为")
	// Both mistakes are said beside their fields.
	require.True(t, b.eval(`document.querySelector('fieldset[name=events] .field-error')?.textContent.includes('请至少选择一种事件') === true`))
	require.True(t, b.eval(`[...document.querySelectorAll('input[name=events]')].forEach((c) => { c.checked = true; }) || true`))
	b.fill("url", srv.URL+"/hook")
	b.click("添加")
	b.text("关闭后不再显示")
	secret := evalAs[string](t, b, `document.querySelector('code.secret').textContent`)
	require.True(t, strings.HasPrefix(secret, "whsec_"))
	cs.secret.Store(secret)
	b.shot("admin-events-secret")
	b.click("已保存密钥")
	b.text("教务系统-浏览器")
	// Switched off afterwards, so that its delivery does not go on trying a receiver that is gone.
	t.Cleanup(func() {
		admin := login(t, "admin")
		for _, e := range admin.call("GET", "/event-endpoints", nil).list("items") {
			if e := e.(map[string]any); e["name"] == "教务系统-浏览器" {
				admin.call("PUT", pathf("/event-endpoints/%d", int64(e["id"].(float64))), map[string]any{"name": e["name"], "url": e["url"], "events": e["events"], "enabled": false})
			}
		}
	})

	// A student submits while the academic system is down: the page says why the event waits.
	submitted(t, "LIT", newProject(t, projectSpec{}))
	// The page as an administrator opens it again, and whether this endpoint's card says something.
	says := func(words string) func() bool {
		return func() bool {
			b.open(fmt.Sprintf("#/admin/events?r=%d", time.Now().UnixNano()))
			b.text("添加推送地址")
			return b.eval(fmt.Sprintf(`[...document.querySelectorAll('section.endpoint')].some((s) => s.textContent.includes('教务系统-浏览器') && s.textContent.includes(%q))`, words))
		}
	}
	require.Eventually(t, says("最近失败：HTTP 503"), 30*time.Second, 500*time.Millisecond, "the failure is shown")
	b.shot("admin-events-failing")
	cs.down.Store(false)
	require.Eventually(t, says("已送达 1 条 · 待推送 0 条"), 30*time.Second, 500*time.Millisecond, "delivered once back")
	b.text("从此处重新推送")
	b.shot("admin-events-delivered")
	b.viewport(375)
	b.open("#/admin/events")
	b.text("教务系统-浏览器")
	b.run(chromedp.WaitVisible(`//button[normalize-space(.)="更换密钥"]`))
	b.shot("phone-admin-events")
}
