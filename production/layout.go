// Package production runs the layout of docker-compose.yml without Docker: the
// same server binaries at the same versions as its images, started with the same
// environment and the same setup scripts, then workers and APIs of Outbound over
// them. Its test proves the layout; the benchmarks load it.
package production

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"outbound/devstack"
)

// Secrets of a layout, as .env would hold them.
const (
	FieldKeyID       = "prod"
	TemporalPassword = "temporal-secret"
	OutboundPassword = "outbound-secret"
)

// Options say where the layout runs and with what.
type Options struct {
	// Dir holds the data, the logs and the links the scripts need; it must exist.
	Dir string
	// Root is the repository's folder, for deploy/*.sh.
	Root string
	// Outbound is the outbound binary; empty builds one as the image does.
	Outbound string
	// Progress receives one line per step.
	Progress io.Writer
}

// Layout is a running production layout.
type Layout struct {
	opts  Options
	Stack *devstack.Stack
	Tools *devstack.ServerTools
	// Outbound is the binary the processes run.
	Outbound string
	// Env is the outbound processes' environment (the compose file's OUTBOUND_* variables).
	Env []string
	// DatabaseURL is the application's own role on its own database.
	DatabaseURL string
	// TemporalAddress is the frontend; MetricsURL the server's Prometheus endpoint.
	TemporalAddress, MetricsURL string
	// TLS are the certificates of the mutual TLS between Outbound and the Temporal server.
	TLS *TLSFiles
	// FieldKeys seal identity numbers at rest (database.field_keys), the current one FieldKeyID.
	FieldKeys string
	// Outputs of the setup steps, by script: what the test checks.
	Outputs map[string]string

	pgPort                   string
	superUser, superPassword string
	mu                       sync.Mutex
	procs                    []*exec.Cmd
	taken                    map[int]bool
	// metricsOf maps an API's base URL to its metrics URL.
	metricsOf map[string]string
}

// Start builds the tools once, then brings up PostgreSQL and MinIO, runs the database's and
// Temporal's setup scripts, starts the Temporal server on PostgreSQL, registers the namespace and
// search attributes, and migrates Outbound's database. Workers and APIs come with StartWorker and
// StartAPI.
func Start(ctx context.Context, opts Options) (l *Layout, err error) {
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	if _, err := os.Stat(filepath.Join(opts.Root, "deploy", "postgres-init.sh")); err != nil {
		return nil, fmt.Errorf("deploy/postgres-init.sh not found under %q: run from the repository", opts.Root)
	}
	l = &Layout{opts: opts, Outputs: map[string]string{}, taken: map[int]bool{}, metricsOf: map[string]string{}}
	defer func() {
		if err != nil {
			l.Stop()
			err = fmt.Errorf("%w\n%s", err, l.LogTails(30))
			l = nil
		}
	}()
	step := func(format string, args ...any) { fmt.Fprintf(opts.Progress, format+"\n", args...) }

	// The binaries of the compose file's images, built from the module proxy.
	if l.Tools, err = devstack.BuildServerTools(ctx, opts.Progress); err != nil {
		return nil, err
	}
	step("Temporal server %s, temporal-sql-tool and CLI ready", devstack.TemporalServerVersion)

	// PostgreSQL and MinIO (the images' services); Temporal comes next, the real server.
	if l.Stack, err = devstack.Start(ctx, devstack.Options{DataDir: filepath.Join(opts.Dir, "stack"), AnyPorts: true,
		NoTemporal: true, NoMail: true, Database: "postgres", Progress: opts.Progress}); err != nil {
		return nil, err
	}
	u, err := url.Parse(l.Stack.DatabaseURL)
	if err != nil {
		return nil, err
	}
	l.pgPort = u.Port()
	// The postgres image's superuser runs its init script, which makes the other two roles.
	l.superUser = u.User.Username()
	l.superPassword, _ = u.User.Password()
	if err := l.Script(l.PostgresEnv(), "postgres-init.sh"); err != nil {
		return nil, err
	}
	step("postgres: Temporal's role (CREATEDB, not a superuser), the application's role and database created by deploy/postgres-init.sh")

	// Temporal's schema job.
	binDir := filepath.Join(opts.Dir, "bin")
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return nil, err
	}
	if err := os.Symlink(l.Tools.SQLTool, filepath.Join(binDir, "temporal-sql-tool")); err != nil {
		return nil, err
	}
	if err := l.Script(l.SQLToolEnv(), "temporal-schema.sh"); err != nil {
		return nil, err
	}
	step("temporal: databases temporal and temporal_visibility created and migrated by deploy/temporal-schema.sh")

	// The Temporal server, configured by the image's own template (config/docker.yaml) from the
	// compose file's environment; only the ports differ, so that nothing clashes on this machine.
	var ports []string
	for range 7 {
		p, err := devstack.FreePort()
		if err != nil {
			return nil, err
		}
		ports = append(ports, strconv.Itoa(p))
	}
	var members []string
	for range 4 {
		p, err := l.membershipPort()
		if err != nil {
			return nil, err
		}
		members = append(members, p)
	}
	l.TemporalAddress, l.MetricsURL = "127.0.0.1:"+ports[0], "http://127.0.0.1:"+ports[1]+"/metrics"
	serverEnv := []string{"DB=postgres12", "DB_PORT=" + l.pgPort, "POSTGRES_PORT=" + l.pgPort, "POSTGRES_SEEDS=127.0.0.1", "POSTGRES_USER=temporal",
		"POSTGRES_PWD=" + TemporalPassword, "DBNAME=temporal", "VISIBILITY_DBNAME=temporal_visibility",
		"BIND_ON_IP=127.0.0.1", "TEMPORAL_BROADCAST_ADDRESS=127.0.0.1", "NUM_HISTORY_SHARDS=128",
		"PROMETHEUS_ENDPOINT=127.0.0.1:" + ports[1], "LOG_LEVEL=warn",
		"DYNAMIC_CONFIG_FILE_PATH=" + filepath.Join(l.Tools.ConfigRoot, "config/dynamicconfig/docker.yaml"),
		"FRONTEND_GRPC_PORT=" + ports[0], "FRONTEND_HTTP_PORT=" + ports[2], "FRONTEND_MEMBERSHIP_PORT=" + members[0],
		"HISTORY_GRPC_PORT=" + ports[3], "HISTORY_MEMBERSHIP_PORT=" + members[1],
		"MATCHING_GRPC_PORT=" + ports[4], "MATCHING_MEMBERSHIP_PORT=" + members[2],
		"WORKER_GRPC_PORT=" + ports[5], "WORKER_MEMBERSHIP_PORT=" + members[3]}
	// Outbound and Temporal know each other by certificates: the frontend accepts only clients the
	// CA signed, and its services talk to each other over TLS too.
	if l.TLS, err = makeCertificates(filepath.Join(opts.Dir, "tls")); err != nil {
		return nil, err
	}
	serverEnv = append(serverEnv, l.TLS.serverTLSEnv()...)
	if _, err := l.StartProcess("temporal-server", serverEnv, l.Tools.Server, "--root", l.Tools.ConfigRoot, "--config", "config", "--env", "docker", "start"); err != nil {
		return nil, err
	}

	// Outbound, built as the image builds it unless given.
	l.Outbound = opts.Outbound
	if l.Outbound == "" {
		l.Outbound = filepath.Join(opts.Dir, "outbound")
		if _, err := l.Run([]string{"CGO_ENABLED=0"}, "go", "build", "-o", l.Outbound, filepath.Join(opts.Root, "cmd", "outbound")); err != nil {
			return nil, err
		}
	}
	l.FieldKeys = FieldKeyID + ":" + devstack.NewCodecKey()
	l.DatabaseURL = "postgres://outbound:" + OutboundPassword + "@127.0.0.1:" + l.pgPort + "/outbound?sslmode=disable"
	l.Env = []string{
		"OUTBOUND_DATABASE_URL=" + l.DatabaseURL,
		"OUTBOUND_TEMPORAL_ADDRESS=" + l.TemporalAddress, "OUTBOUND_TEMPORAL_NAMESPACE=default",
		"OUTBOUND_MINIO_ENDPOINT=" + l.Stack.MinIOEndpoint, "OUTBOUND_MINIO_ACCESS_KEY=" + l.Stack.MinIOAccessKey,
		"OUTBOUND_MINIO_SECRET_KEY=" + l.Stack.MinIOSecretKey, "OUTBOUND_LOG_LEVEL=warn",
		"OUTBOUND_TEMPORAL_CODEC_KEYS=prod:" + devstack.NewCodecKey(), "OUTBOUND_TEMPORAL_CODEC_KEY_ID=prod",
		"OUTBOUND_DATABASE_FIELD_KEYS=" + l.FieldKeys, "OUTBOUND_DATABASE_FIELD_KEY_ID=" + FieldKeyID,
	}
	l.Env = append(l.Env, l.TLS.outboundTLSEnv()...)
	if l.Outputs["temporal-setup"], err = l.Run(l.Env, l.Outbound, "temporal-setup", "--wait", "2m"); err != nil {
		return nil, err
	}
	step("temporal: server up on PostgreSQL with SQL visibility and mutual TLS; namespace and search attributes by `outbound temporal-setup`")
	if _, err := l.Run(l.Env, l.Outbound, "migrate", "up"); err != nil {
		return nil, err
	}
	step("outbound: migrations applied as the application's own role")
	return l, nil
}

// PostgresEnv is the environment of deploy/postgres-init.sh, as the postgres image runs it.
func (l *Layout) PostgresEnv() []string {
	return []string{"PATH=" + l.Tools.PostgresBin + ":" + os.Getenv("PATH"), "PGHOST=127.0.0.1", "PGPORT=" + l.pgPort,
		"PGPASSWORD=" + l.superPassword, "POSTGRES_USER=" + l.superUser, "TEMPORAL_DB_PASSWORD=" + TemporalPassword,
		"OUTBOUND_DB_PASSWORD=" + OutboundPassword}
}

// SQLToolEnv is the environment of deploy/temporal-schema.sh, as the compose file's schema job has it.
func (l *Layout) SQLToolEnv() []string {
	return []string{"PATH=" + filepath.Join(l.opts.Dir, "bin") + ":" + os.Getenv("PATH"), "SQL_PLUGIN=postgres12", "SQL_HOST=127.0.0.1",
		"SQL_PORT=" + l.pgPort, "SQL_USER=temporal", "SQL_PASSWORD=" + TemporalPassword}
}

// Script runs deploy/NAME with the environment and keeps its output in Outputs.
func (l *Layout) Script(env []string, name string) error {
	out, err := l.Run(env, "sh", filepath.Join(l.opts.Root, "deploy", name))
	l.Outputs[name] = out
	return err
}

// Run runs a command to completion and returns its output.
func (l *Layout) Run(env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %v: %w\n%s", name, args, err, out)
	}
	return string(out), nil
}

// StartProcess starts a long-running process, its output in a log file of its own.
func (l *Layout) StartProcess(logName string, env []string, name string, args ...string) (*exec.Cmd, error) {
	logFile, err := os.Create(filepath.Join(l.opts.Dir, logName+".log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.procs = append(l.procs, cmd)
	l.mu.Unlock()
	return cmd, nil
}

// StartWorker starts `outbound worker` and waits for its health endpoint; extra is added to Env.
// It answers /healthz and /metrics at the URL returned.
func (l *Layout) StartWorker(name string, extra ...string) (*exec.Cmd, string, error) {
	port, err := devstack.FreePort()
	if err != nil {
		return nil, "", err
	}
	listen := "127.0.0.1:" + strconv.Itoa(port)
	cmd, err := l.StartProcess(name, append(append(append([]string{}, l.Env...), "OUTBOUND_WORKER_LISTEN="+listen), extra...), l.Outbound, "worker")
	if err != nil {
		return nil, "", err
	}
	return cmd, "http://" + listen, WaitHTTP("http://"+listen+"/healthz", time.Minute)
}

// StartAPI starts `outbound api` and waits until it is ready; it answers at the URL returned, its
// metrics at MetricsOf that URL.
func (l *Layout) StartAPI(name string, extra ...string) (*exec.Cmd, string, error) {
	port, err := devstack.FreePort()
	if err != nil {
		return nil, "", err
	}
	metricsPort, err := devstack.FreePort()
	if err != nil {
		return nil, "", err
	}
	cmd, err := l.StartProcess(name, append(append(append([]string{}, l.Env...), "OUTBOUND_HTTP_PORT="+strconv.Itoa(port),
		"OUTBOUND_HTTP_METRICS_LISTEN=127.0.0.1:"+strconv.Itoa(metricsPort)), extra...), l.Outbound, "api")
	if err != nil {
		return nil, "", err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	l.mu.Lock()
	l.metricsOf[base] = "http://127.0.0.1:" + strconv.Itoa(metricsPort) + "/metrics"
	l.mu.Unlock()
	return cmd, base, WaitHTTP(base+"/readyz", time.Minute)
}

// MetricsOf is the /metrics URL of the API at base (its own listener, not the public one).
func (l *Layout) MetricsOf(base string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.metricsOf[base]
}

// Stop ends every process, newest first (SIGTERM, then SIGKILL after 15 s), then the stack.
func (l *Layout) Stop() {
	l.mu.Lock()
	procs := l.procs
	l.mu.Unlock()
	for i := len(procs) - 1; i >= 0; i-- {
		StopProcess(procs[i])
	}
	if l.Stack != nil {
		l.Stack.Stop()
	}
}

// StopProcess ends one process gracefully, or kills it after 15 s.
func StopProcess(p *exec.Cmd) {
	if p.Process == nil || p.ProcessState != nil {
		return
	}
	_ = p.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = p.Process.Kill()
		<-done
	}
}

// LogTails are the last lines of every process's log, for a failure's report.
func (l *Layout) LogTails(lines int) string {
	logs, _ := filepath.Glob(filepath.Join(l.opts.Dir, "*.log"))
	var out strings.Builder
	for _, name := range logs {
		b, _ := os.ReadFile(name)
		all := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(all) > lines {
			all = all[len(all)-lines:]
		}
		fmt.Fprintf(&out, "--- %s:\n%s\n", filepath.Base(name), strings.Join(all, "\n"))
	}
	return out.String()
}

// membershipPort is a free port below 32768: Temporal records membership ports as a smallint.
func (l *Layout) membershipPort() (string, error) {
	for p := 21000 + os.Getpid()%5000; p < 32000; p++ {
		if ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p)); err == nil {
			ln.Close()
			if !l.taken[p] {
				l.taken[p] = true
				return strconv.Itoa(p), nil
			}
		}
	}
	return "", fmt.Errorf("no free port below 32000")
}

// WaitHTTP waits until url answers 200.
func WaitHTTP(url string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer 200 within %s", url, within)
		}
		time.Sleep(300 * time.Millisecond)
	}
}
