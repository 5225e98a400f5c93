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
	"sync/atomic"
	"text/tabwriter"
	"time"

	"go.temporal.io/sdk/worker"

	"outbound/apiclient"
	"outbound/config"
	"outbound/devstack"
	"outbound/production"
	"outbound/server"
	"outbound/storage/demo"
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
	// Layout is LayoutDev or LayoutProduction.
	Layout string
	// Outbound is the outbound binary run as the API and the worker.
	Outbound string
	// Runs is how many times the surge runs per layout.
	Runs int
}

// The layouts the benchmarks run on.
const (
	// LayoutDev is `make run`'s: the Temporal dev server (SQLite), one API, one worker.
	LayoutDev = "dev"
	// LayoutProduction is docker-compose.yml's: the Temporal server on PostgreSQL, two workers, two APIs.
	LayoutProduction = "production"
)

// Env is the running system under load.
type Env struct {
	opts     Options
	Services *server.Services
	Stack    *devstack.Stack
	// apis and workers are the Outbound processes; URLs the APIs' base URLs, used in turn.
	apis, workers []*exec.Cmd
	URLs          []string
	// workerURLs answer the workers' /metrics, in the order of workers; apiMetrics the APIs'
	// metrics listeners, by the APIs' URLs.
	workerURLs []string
	apiMetrics map[string]string
	next       atomic.Uint64
	baseline   worker.Worker
	client     *http.Client
	// clients are the generated API clients, by base URL.
	clients   map[string]*apiclient.Client
	clientsMu sync.Mutex
	closers   []func()
	// layout is the production layout, when the run is on it; processEnv what its processes get.
	layout     *production.Layout
	processEnv []string
	// answered and processing count a surge's final answers and its "being processed" ones.
	answered, processing atomic.Int64
	// attempts and attemptNanos time each request of a surge, repeats included.
	attempts, attemptNanos atomic.Int64
}

// Row is one line of the report, with the errors of its run by kind (printed under the table).
type Row struct {
	Scenario, Figures, Baseline, Ratio, Goal string
	Errors                                   map[string]int
	// Notes are printed under the table: where the time went.
	Notes []string
}

// benchEnv are the settings of the Outbound processes under load: sign-ins allowed; the request
// timeout is the one a university runs with.
var benchEnv = []string{"OUTBOUND_LOG_LEVEL=" + logLevel(), "OUTBOUND_AUTH_LOGIN_PER_MINUTE=1000000"}

// Start brings up the layout, the API and worker processes, and the baseline worker.
func Start(ctx context.Context, opts Options) (_ *Env, err error) {
	e := &Env{opts: opts, client: &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 512}}}
	// What started is stopped when a later step fails (the error returned names the step).
	defer func() {
		if err != nil {
			e.Close()
		}
	}()
	switch opts.Layout {
	case LayoutDev, "":
		err = e.startDev()
	case LayoutProduction:
		err = e.startProduction(ctx)
	default:
		err = fmt.Errorf("unknown layout %q (dev or production)", opts.Layout)
	}
	if err != nil {
		return nil, err
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

// startDev runs the dev stack of the tests, and one API and one worker as processes of their own.
func (e *Env) startDev() error {
	fmt.Fprintln(e.opts.Out, "starting PostgreSQL, Temporal and MinIO…")
	te, err := testenv.Start(testenv.Options{NoWorker: true, NoServer: true, Progress: e.opts.Out})
	if err != nil {
		return err
	}
	e.closers = append(e.closers, te.Close)
	e.Services, e.Stack = te.Services, te.Stack
	cfg := te.Config
	port, err := devstack.FreePort()
	if err != nil {
		return err
	}
	workerPort, err := devstack.FreePort()
	if err != nil {
		return err
	}
	e.workerURLs = []string{"http://127.0.0.1:" + strconv.Itoa(workerPort)}
	apiMetricsPort, err := devstack.FreePort()
	if err != nil {
		return err
	}
	exe, err := filepath.Abs(e.opts.Outbound)
	if err != nil {
		return err
	}
	env := append(append(os.Environ(), benchEnv...), "OUTBOUND_DATABASE_URL="+cfg.Database.URL, "OUTBOUND_TEMPORAL_ADDRESS="+cfg.Temporal.Address,
		"OUTBOUND_MINIO_ENDPOINT="+cfg.MinIO.Endpoint, "OUTBOUND_MINIO_ACCESS_KEY="+cfg.MinIO.AccessKey,
		"OUTBOUND_MINIO_SECRET_KEY="+cfg.MinIO.SecretKey, "OUTBOUND_HTTP_PORT="+strconv.Itoa(port), "OUTBOUND_WORKER_LISTEN=127.0.0.1:"+strconv.Itoa(workerPort), "OUTBOUND_DATABASE_MAX_OPEN_CONNS=40",
		"OUTBOUND_HTTP_METRICS_LISTEN=127.0.0.1:"+strconv.Itoa(apiMetricsPort),
		"OUTBOUND_TEMPORAL_CODEC_KEYS="+cfg.Temporal.CodecKeys, "OUTBOUND_TEMPORAL_CODEC_KEY_ID="+cfg.Temporal.CodecKeyID,
		"OUTBOUND_DATABASE_FIELD_KEYS="+cfg.Database.FieldKeys, "OUTBOUND_DATABASE_FIELD_KEY_ID="+cfg.Database.FieldKeyID)
	logFile, err := os.Create(cfg.DataDir + "/processes.log")
	if err != nil {
		return err
	}
	for _, name := range []string{"api", "worker"} {
		args := []string{name}
		if e.opts.ProfileDir != "" {
			args = append(args, "--cpu-profile", filepath.Join(e.opts.ProfileDir, name+".pprof"))
		}
		cmd := exec.Command(exe, args...)
		cmd.Env, cmd.Stdout, cmd.Stderr = env, logFile, logFile
		if err := cmd.Start(); err != nil {
			return err
		}
		if name == "api" {
			e.apis = append(e.apis, cmd)
		} else {
			e.workers = append(e.workers, cmd)
		}
	}
	e.URLs = []string{"http://127.0.0.1:" + strconv.Itoa(port)}
	e.apiMetrics = map[string]string{e.URLs[0]: "http://127.0.0.1:" + strconv.Itoa(apiMetricsPort) + "/metrics"}
	if err := production.WaitHTTP(e.URLs[0]+"/readyz", time.Minute); err != nil {
		// The folder goes when the run stops: what the processes said is in the error itself.
		said, _ := os.ReadFile(logFile.Name())
		if len(said) > 4000 {
			said = said[len(said)-4000:]
		}
		return fmt.Errorf("%w; the processes said:\n%s", err, said)
	}
	return nil
}

// startProduction runs the production layout (production.Start) with two workers and two APIs,
// the workflows' payloads encrypted as in production, and the demo data the scenarios use.
func (e *Env) startProduction(ctx context.Context) error {
	fmt.Fprintln(e.opts.Out, "starting the production layout: PostgreSQL, the Temporal server on it, MinIO…")
	dir, err := os.MkdirTemp("", "outbound-bench-")
	if err != nil {
		return err
	}
	// PostgreSQL runs as its own user when the benchmarks run as root: it must enter the folder.
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	e.closers = append(e.closers, func() {
		if os.Getenv("OUTBOUND_TEST_KEEP") == "" {
			os.RemoveAll(dir)
		}
	})
	exe, err := filepath.Abs(e.opts.Outbound)
	if err != nil {
		return err
	}
	l, err := production.Start(ctx, production.Options{Dir: dir, Root: ".", Outbound: exe, Progress: e.opts.Out})
	if err != nil {
		return err
	}
	e.closers = append(e.closers, l.Stop)
	e.Stack, e.layout = l.Stack, l
	cfg, err := config.Load(config.NoFile, nil, true)
	if err != nil {
		return err
	}
	cfg.DataDir = dir
	cfg.Database.URL, cfg.Temporal.Address = l.DatabaseURL, l.TemporalAddress
	cfg.MinIO.Endpoint, cfg.MinIO.AccessKey, cfg.MinIO.SecretKey = l.Stack.MinIOEndpoint, l.Stack.MinIOAccessKey, l.Stack.MinIOSecretKey
	cfg.Temporal.CodecKeys, cfg.Temporal.CodecKeyID = "bench:"+devstack.NewCodecKey(), "bench"
	cfg.Database.FieldKeys, cfg.Database.FieldKeyID = l.FieldKeys, production.FieldKeyID
	cfg.Temporal.TLSCert, cfg.Temporal.TLSKey, cfg.Temporal.TLSCA = l.TLS.ClientCert, l.TLS.ClientKey, l.TLS.CA
	cfg.Temporal.TLSServerName = production.TemporalServerName
	if e.Services, err = server.Open(ctx, cfg); err != nil {
		return err
	}
	e.closers = append(e.closers, e.Services.Close)
	if err := demo.Seed(ctx, e.Services.Store, e.Services.Files, time.Now()); err != nil {
		return err
	}
	env := append(append([]string{}, benchEnv...), "OUTBOUND_TEMPORAL_CODEC_KEYS="+cfg.Temporal.CodecKeys, "OUTBOUND_TEMPORAL_CODEC_KEY_ID="+cfg.Temporal.CodecKeyID)
	e.processEnv = env
	e.apiMetrics = map[string]string{}
	for i := 1; i <= 2; i++ {
		w, url, err := l.StartWorker(fmt.Sprintf("worker-%d", i), env...)
		if err != nil {
			return err
		}
		e.workers, e.workerURLs = append(e.workers, w), append(e.workerURLs, url)
		api, url, err := l.StartAPI(fmt.Sprintf("api-%d", i), env...)
		if err != nil {
			return err
		}
		e.apis, e.URLs = append(e.apis, api), append(e.URLs, url)
		e.apiMetrics[url] = l.MetricsOf(url)
	}
	return nil
}

// metricsURL is where the process at base (an API or a worker) answers its metrics.
func (e *Env) metricsURL(base string) string {
	if m, ok := e.apiMetrics[base]; ok {
		return m
	}
	return base + "/metrics"
}

// Close stops everything.
func (e *Env) Close() {
	if e.baseline != nil {
		e.baseline.Stop()
	}
	// SIGTERM first, so that a CPU profile is written out.
	for _, c := range append(append([]*exec.Cmd{}, e.apis...), e.workers...) {
		production.StopProcess(c)
	}
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
}

// url is the base URL of the API that takes the next request: the APIs in turn, as behind a load balancer.
func (e *Env) url() string {
	return e.URLs[int(e.next.Add(1)%uint64(len(e.URLs)))]
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

// api is the client generated from the contract (package apiclient) for the API that takes the
// next request: the APIs in turn, as behind a load balancer.
func (e *Env) api() *apiclient.Client {
	base := e.url()
	e.clientsMu.Lock()
	defer e.clientsMu.Unlock()
	if c, ok := e.clients[base]; ok {
		return c
	}
	c, err := apiclient.NewClient(base+"/api/v1", apiclient.WithHTTPClient(e.client))
	if err != nil {
		panic(err) // only a malformed base URL, which url() never gives
	}
	if e.clients == nil {
		e.clients = map[string]*apiclient.Client{}
	}
	e.clients[base] = c
	return c
}

// as sends a request as the holder of a token, with headers given as name, value pairs.
func as(token string, headers ...string) apiclient.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+token)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		return nil
	}
}

// status reads an answer's status and, when it is not a success, its error; the body is dropped.
func status(resp *http.Response, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		return resp.StatusCode, answerError(resp)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// stats are the latencies of one run, and its errors by kind.
type stats struct {
	lat    []time.Duration
	errors int
	kinds  map[string]int
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
	st := &stats{kinds: map[string]int{}}
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
				st.kinds[errorKind(err)]++
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
	printErrors(w, rows)
}

// logLevel of the API and worker processes: quiet unless OUTBOUND_BENCH_LOG_LEVEL says otherwise.
func logLevel() string {
	if l := os.Getenv("OUTBOUND_BENCH_LOG_LEVEL"); l != "" {
		return l
	}
	return "error"
}
