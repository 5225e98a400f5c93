// Package bench measures Outbound on the real stack against baselines
// measured in the same run: it starts PostgreSQL, Temporal and MinIO, runs the
// API and the worker as processes of their own, and loads them from this one.
package bench

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"go.temporal.io/sdk/worker"

	"outbound/devstack"
	"outbound/testenv"
)

// Options choose the size of the runs.
type Options struct {
	Students     int // deadline surge
	RoundTrips   int
	Lifecycles   int
	Applications int // list scenarios
	Projects     int
	Uploads      int
	UploadBytes  int
	RosterRows   int
	Out          io.Writer
	// ProfileDir, when set, receives CPU profiles of the API and the worker (api.pprof, worker.pprof).
	ProfileDir string
}

// Env is the running system under load.
type Env struct {
	opts Options
	*testenv.Env
	api      *exec.Cmd
	worker   *exec.Cmd
	baseline worker.Worker
	URL      string
	client   *http.Client
}

// Row is one line of the report.
type Row struct {
	Scenario, Figures, Baseline, Ratio, Goal string
}

// Start brings up the stack, the API and worker processes, and the baseline worker.
func Start(ctx context.Context, opts Options) (*Env, error) {
	fmt.Fprintln(opts.Out, "starting PostgreSQL, Temporal and MinIO…")
	te, err := testenv.Start(testenv.Options{NoWorker: true, NoServer: true, Progress: opts.Out})
	if err != nil {
		return nil, err
	}
	e := &Env{opts: opts, Env: te, client: &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 512}}}
	cfg := te.Config
	port, err := devstack.FreePort()
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(), "OUTBOUND_DATABASE_URL="+cfg.Database.URL, "OUTBOUND_TEMPORAL_ADDRESS="+cfg.Temporal.Address,
		"OUTBOUND_MINIO_ENDPOINT="+cfg.MinIO.Endpoint, "OUTBOUND_MINIO_ACCESS_KEY="+cfg.MinIO.AccessKey,
		"OUTBOUND_MINIO_SECRET_KEY="+cfg.MinIO.SecretKey, "OUTBOUND_HTTP_PORT="+strconv.Itoa(port), "OUTBOUND_LOG_LEVEL="+logLevel(),
		"OUTBOUND_AUTH_LOGIN_PER_MINUTE=1000000", "OUTBOUND_DATABASE_MAX_OPEN_CONNS=40", "OUTBOUND_HTTP_REQUEST_TIMEOUT=60s",
		"OUTBOUND_TEMPORAL_CODEC_KEYS="+cfg.Temporal.CodecKeys, "OUTBOUND_TEMPORAL_CODEC_KEY_ID="+cfg.Temporal.CodecKeyID)
	logFile, err := os.Create(cfg.DataDir + "/processes.log")
	if err != nil {
		return nil, err
	}
	for _, p := range []**exec.Cmd{&e.api, &e.worker} {
		name := "api"
		if p == &e.worker {
			name = "worker"
		}
		args := []string{name}
		if opts.ProfileDir != "" {
			args = append(args, "--cpu-profile", filepath.Join(opts.ProfileDir, name+".pprof"))
		}
		cmd := exec.Command(exe, args...)
		cmd.Env, cmd.Stdout, cmd.Stderr = env, logFile, logFile
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		*p = cmd
	}
	e.URL = "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(e.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the API did not become ready; see %s/processes.log", cfg.DataDir)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if _, err := e.Services.Store.DB.ExecContext(ctx, recorderTable); err != nil {
		return nil, err
	}
	e.baseline = worker.New(e.Services.Temporal, baselineQueue, worker.Options{})
	registerBaseline(e.baseline, e.Services.Store.DB)
	if err := e.baseline.Start(); err != nil {
		return nil, err
	}
	return e, nil
}

// Close stops everything.
func (e *Env) Close() {
	if e.baseline != nil {
		e.baseline.Stop()
	}
	for _, c := range []*exec.Cmd{e.api, e.worker} {
		if c != nil && c.Process != nil {
			// SIGTERM, so that a CPU profile is written out; then whatever is left is killed.
			_ = c.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { _ = c.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				_ = c.Process.Kill()
				<-done
			}
		}
	}
	e.Env.Close()
}

// session creates a session for an account directly and returns its bearer token.
func (e *Env) session(ctx context.Context, accountID int64) (string, error) {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	_, err := e.Services.Store.DB.ExecContext(ctx, `INSERT INTO sessions (token_hash, account_id, csrf_token, expires_at) VALUES ($1, $2, 'bench', now() + interval '1 day')`, sum[:], accountID)
	return token, err
}

// call sends an API request and returns the status.
func (e *Env) call(ctx context.Context, method, path, token string, body io.Reader, contentType string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, e.URL+"/api/v1"+path, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// stats are the latencies of one run.
type stats struct {
	lat    []time.Duration
	errors int
	wall   time.Duration
}

func (s *stats) q(p float64) time.Duration {
	if len(s.lat) == 0 {
		return 0
	}
	sort.Slice(s.lat, func(i, j int) bool { return s.lat[i] < s.lat[j] })
	i := int(p * float64(len(s.lat)-1))
	return s.lat[i]
}

func (s *stats) rate() float64 { return float64(len(s.lat)) / s.wall.Seconds() }

// parallel runs n jobs with the given concurrency, timing each.
func parallel(n, concurrency int, job func(i int) error) *stats {
	st := &stats{}
	var mu sync.Mutex
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			t := time.Now()
			err := job(i)
			d := time.Since(t)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				st.errors++
				return
			}
			st.lat = append(st.lat, d)
		}(i)
	}
	wg.Wait()
	st.wall = time.Since(start)
	return st
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

// Print writes the report table.
func Print(w io.Writer, rows []Row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tfigures\tbaseline\tratio\tgoal")
	fmt.Fprintln(tw, strings.Repeat("-", 8)+"\t"+strings.Repeat("-", 7)+"\t"+strings.Repeat("-", 8)+"\t-----\t----")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Scenario, r.Figures, r.Baseline, r.Ratio, r.Goal)
	}
	tw.Flush()
}

// logLevel of the API and worker processes: quiet unless OUTBOUND_BENCH_LOG_LEVEL says otherwise.
func logLevel() string {
	if l := os.Getenv("OUTBOUND_BENCH_LOG_LEVEL"); l != "" {
		return l
	}
	return "error"
}
