//go:build integration

package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"outbound/process"
	"outbound/webhook"
)

// campusSystem is a receiver of events, as a campus system would run one: it checks every
// delivery's signature with the documented check and can be down.
type campusSystem struct {
	t       *testing.T
	secret  atomic.Value
	down    atomic.Bool
	mu      sync.Mutex
	got     []received
	refused int
}

type received struct {
	ID     int64           `json:"id"`
	Type   string          `json:"type"`
	Data   json.RawMessage `json:"data"`
	header http.Header
	body   []byte
}

func (c *campusSystem) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down.Load() {
		c.refused++
		http.Error(w, "维护中", http.StatusServiceUnavailable)
		return
	}
	secret, _ := c.secret.Load().(string)
	if err := webhook.Verify(secret, r.Header, body, time.Now()); err != nil {
		c.t.Errorf("a delivery does not verify: %v", err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var ev received
	require.NoError(c.t, json.Unmarshal(body, &ev))
	require.Equal(c.t, r.Header.Get(webhook.HeaderType), ev.Type)
	ev.header, ev.body = r.Header.Clone(), body
	c.got = append(c.got, ev)
	w.WriteHeader(http.StatusNoContent)
}

// kindsOf are the event types an application's deliveries carried, in the order received, and
// their ids.
func (c *campusSystem) kindsOf(app int64) (kinds []string, ids []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ev := range c.got {
		var d struct {
			Application struct {
				ID int64 `json:"id"`
			} `json:"application"`
		}
		require.NoError(c.t, json.Unmarshal(ev.Data, &d))
		if d.Application.ID == app {
			kinds, ids = append(kinds, ev.Type), append(ids, ev.ID)
		}
	}
	return kinds, ids
}

// TestEventsReachCampusSystems: an administrator registers a campus system for some events; what
// happens to applications reaches it signed, in order per application; while it is down nothing is
// lost, the failures are visible, and once it is back it receives everything in order; a forged or
// replayed delivery fails the documented check; a redelivery sends an event and the later ones
// again; switched off, the endpoint receives nothing more.
func TestEventsReachCampusSystems(t *testing.T) {
	cs := &campusSystem{t: t}
	cs.down.Store(true)
	srv := httptest.NewServer(cs)
	defer srv.Close()
	admin := login(t, "admin")
	wanted := []string{process.EventApplicationSubmitted, process.EventApplicationDecided, process.EventApplicationAdmitted}

	registered := len(admin.call("GET", "/event-endpoints", nil).list("items"))
	require.Equal(t, 403, login(t, "wsc").call("POST", "/event-endpoints", map[string]any{"name": "x", "url": srv.URL, "events": wanted}).status)
	bad := admin.call("POST", "/event-endpoints", map[string]any{"name": strings.Repeat("名", 51), "url": "ftp://oa.example.edu.cn/hook", "events": []string{"application.teleported"}})
	require.Equal(t, 422, bad.status, string(bad.body))
	require.Contains(t, bad.errField("name"), "名称")
	require.Contains(t, bad.errField("url"), "推送地址")
	require.Contains(t, bad.errField("events"), "application.teleported")
	require.Equal(t, 422, admin.call("POST", "/event-endpoints", map[string]any{"name": "教务系统", "url": srv.URL, "events": []string{}}).status)
	// Control characters, an address past its length, a repeated event: each refused by its field.
	bad = admin.call("POST", "/event-endpoints", map[string]any{"name": "教务\x07系统", "url": srv.URL + "/" + strings.Repeat("a", 500),
		"events": []string{process.EventApplicationSubmitted, process.EventApplicationSubmitted}})
	require.Equal(t, 422, bad.status, string(bad.body))
	require.Contains(t, bad.errField("name"), "名称")
	require.Contains(t, bad.errField("url"), "500")
	require.Contains(t, bad.errField("events"), "重复")
	bad = admin.call("POST", "/event-endpoints", map[string]any{"name": "教务系统", "url": "http://jw.example.edu.cn/\x00hook", "events": wanted})
	require.Equal(t, 422, bad.status, string(bad.body))
	require.Contains(t, bad.errField("url"), "推送地址")
	require.Len(t, admin.call("GET", "/event-endpoints", nil).list("items"), registered, "nothing refused was kept")

	created := admin.call("POST", "/event-endpoints", map[string]any{"name": "教务系统", "url": srv.URL + "/outbound", "events": wanted})
	require.Equal(t, 201, created.status, string(created.body))
	endpoint := created.num("id")
	require.True(t, strings.HasPrefix(created.str("secret"), "whsec_"), "the secret is shown once")
	cs.secret.Store(created.str("secret"))
	listed := admin.call("GET", "/event-endpoints", nil)
	require.NotContains(t, string(listed.body), created.str("secret"), "and never again")

	// Two applications go on while the campus system is down.
	project := newProject(t, projectSpec{quota: ptr(3)})
	_, first := submitted(t, "LIT", project)
	decide(t, login(t, "lit-reviewer"), first, ok, 200)
	_, second := submitted(t, "LIT", project)
	decide(t, login(t, "jwc1"), first, ok, 200)
	decide(t, login(t, "wsc"), first, map[string]any{"decision": "approve", "opinion": "录取"}, 200)

	// This endpoint as the administrators' list shows it (other tests may have added others).
	endpointNow := func() map[string]any {
		for _, e := range admin.call("GET", "/event-endpoints", nil).list("items") {
			if e := e.(map[string]any); int64(e["id"].(float64)) == endpoint {
				return e
			}
		}
		t.Fatalf("endpoint %d is not listed", endpoint)
		return nil
	}
	require.Eventually(t, func() bool {
		ep := endpointNow()
		return strings.Contains(ep["lastError"].(string), "HTTP 503") && ep["waiting"].(float64) >= 6
	}, 30*time.Second, 200*time.Millisecond, "the failure is visible while events wait")
	failed := admin.call("GET", pathf("/event-endpoints/%d/deliveries?failed=true", endpoint), nil)
	require.Equal(t, 200, failed.status)
	require.GreaterOrEqual(t, failed.num("items.0.attempts"), int64(1))
	require.EqualValues(t, 503, failed.num("items.0.lastStatus"))

	cs.down.Store(false)
	firstKinds := []string{process.EventApplicationSubmitted, process.EventApplicationDecided, process.EventApplicationDecided,
		process.EventApplicationDecided, process.EventApplicationAdmitted}
	require.Eventually(t, func() bool {
		kinds, _ := cs.kindsOf(first)
		others, _ := cs.kindsOf(second)
		return len(kinds) >= len(firstKinds) && len(others) >= 1
	}, 30*time.Second, 200*time.Millisecond, "everything arrives once the campus system is back")
	kinds, ids := cs.kindsOf(first)
	require.Equal(t, firstKinds, kinds, "in the order it happened, each once")
	require.IsIncreasing(t, ids)
	others, _ := cs.kindsOf(second)
	require.Equal(t, []string{process.EventApplicationSubmitted}, others)
	require.Eventually(t, func() bool { return endpointNow()["waiting"].(float64) == 0 }, 10*time.Second, 200*time.Millisecond)
	ep := endpointNow()
	require.EqualValues(t, 6, ep["delivered"])
	require.Empty(t, ep["lastError"])

	// The documented check: a changed body or an old delivery played again does not verify.
	cs.mu.Lock()
	sample := cs.got[len(cs.got)-1]
	cs.mu.Unlock()
	require.NoError(t, webhook.Verify(created.str("secret"), sample.header, sample.body, time.Now()))
	require.ErrorIs(t, webhook.Verify(created.str("secret"), sample.header, []byte(strings.Replace(string(sample.body), "LIT", "SCI", 1)), time.Now()), webhook.ErrForged)
	require.ErrorIs(t, webhook.Verify(created.str("secret"), sample.header, sample.body, time.Now().Add(10*time.Minute)), webhook.ErrStale)
	var data struct {
		Application map[string]any `json:"application"`
	}
	require.NoError(t, json.Unmarshal(sample.Data, &data))
	require.Equal(t, "LIT", data.Application["college"])
	require.NotContains(t, string(sample.body), "idCardNo", "no identity numbers leave")

	// A redelivery from the first application's admission sends it and what followed again.
	r := admin.call("POST", pathf("/event-endpoints/%d/redeliver", endpoint), map[string]any{"eventId": ids[3]})
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, 422, admin.call("POST", pathf("/event-endpoints/%d/redeliver", endpoint), map[string]any{"eventId": 0}).status)
	huge := admin.call("POST", pathf("/event-endpoints/%d/redeliver", endpoint), map[string]any{"eventId": 1e20})
	require.Equal(t, 422, huge.status, "a number past the column")
	require.NotEmpty(t, huge.errField("eventId"), string(huge.body))
	require.Equal(t, 404, admin.call("POST", "/event-endpoints/999999/redeliver", map[string]any{"eventId": ids[3]}).status)
	require.Eventually(t, func() bool { kinds, _ := cs.kindsOf(first); return len(kinds) >= len(firstKinds)+2 },
		30*time.Second, 200*time.Millisecond, "redelivered")
	again, againIDs := cs.kindsOf(first)
	require.Equal(t, ids[3:], againIDs[len(firstKinds):], "the same events, with their ids, in order")
	require.Equal(t, firstKinds[3:], again[len(firstKinds):])

	// Switched off, it receives nothing more; rotating the secret answers a new one.
	r = admin.call("PUT", pathf("/event-endpoints/%d", endpoint), map[string]any{"name": "教务系统", "url": srv.URL + "/outbound", "events": wanted, "enabled": false})
	require.Equal(t, 200, r.status, string(r.body))
	rotated := admin.call("POST", pathf("/event-endpoints/%d/rotate-secret", endpoint), nil)
	require.Equal(t, 200, rotated.status)
	require.NotEqual(t, created.str("secret"), rotated.str("secret"))
	cs.mu.Lock()
	before := len(cs.got)
	cs.mu.Unlock()
	submitted(t, "LIT", project)
	time.Sleep(2 * time.Second) // several of the delivery's intervals
	cs.mu.Lock()
	require.Equal(t, before, len(cs.got), "a switched-off endpoint receives nothing")
	cs.mu.Unlock()
}
