package api

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

type check struct {
	Status    string `json:"status"`
	LatencyMS int64  `json:"latencyMs"`
	Error     string `json:"error,omitempty"`
}

type readiness struct {
	Status string           `json:"status"`
	Checks map[string]check `json:"checks"`
}

// ready reports each dependency with its latency; 503 when any is down.
func (s *Server) ready(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	results := map[string]check{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, probe := range s.Ready {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			err := probe(ctx)
			r := check{Status: "ok", LatencyMS: time.Since(start).Milliseconds()}
			if err != nil {
				r.Status, r.Error = "down", "unreachable"
			}
			mu.Lock()
			results[name] = r
			mu.Unlock()
		}()
	}
	wg.Wait()
	status := http.StatusOK
	for _, r := range results {
		if r.Status != "ok" {
			status = http.StatusServiceUnavailable
		}
	}
	c.JSON(status, readiness{Status: http.StatusText(status), Checks: results})
}
