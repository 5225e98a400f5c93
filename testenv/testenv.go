// Package testenv starts the real services for integration tests: a private
// PostgreSQL cluster, the Temporal dev server, MinIO and Mailpit (through devstack, on
// free ports and a temporary folder), the worker and the API.
package testenv

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"time"

	"go.temporal.io/sdk/worker"

	"outbound/config"
	"outbound/devstack"
	"outbound/server"
	"outbound/storage/demo"
	"outbound/workflows"
)

// Env is a running system.
type Env struct {
	Stack    *devstack.Stack
	Config   *config.Config
	Services *server.Services
	Worker   worker.Worker
	// URL is the API's base URL.
	URL     string
	server  *httptest.Server
	dataDir string
}

// Options adjust the configuration before the processes start.
type Options struct {
	Configure func(*config.Config)
	// NoWorker leaves the worker to the caller (crash tests and the benchmarks run their own).
	NoWorker bool
	// NoServer skips the in-process API (the benchmarks run it as a process of its own).
	NoServer bool
	// Progress receives the stack's start-up lines; nil is quiet unless OUTBOUND_TEST_VERBOSE is set.
	Progress io.Writer
}

// Start brings everything up with the demo data seeded.
func Start(opts Options) (*Env, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "outbound-test-")
	if err != nil {
		return nil, err
	}
	// The PostgreSQL user must be able to enter the folder when the tests run as root.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	// Defaults and OUTBOUND_* only: an outbound.yaml in the working folder must not leak into tests.
	cfg, err := config.Load(config.NoFile, nil, true)
	if err != nil {
		return nil, err
	}
	cfg.DataDir = dir
	// Tests sign in far more often than a person would.
	cfg.Auth.LoginPerMinute = 100000
	// The mailer sends when a test wakes it (SendMailNow), so that what one run gathers is known.
	cfg.Mail.Every = time.Hour
	// Campus systems' events go at once, and a receiver that is down is tried again within a second.
	cfg.Events.Every, cfg.Events.RetryFirst, cfg.Events.RetryMax = 500*time.Millisecond, 200*time.Millisecond, time.Second
	// Every test runs with the workflows' payloads encrypted, as production does; only histories
	// being recorded for the replay tests stay in clear, so that they replay without a key.
	if os.Getenv("OUTBOUND_RECORD_HISTORIES") == "" {
		cfg.Temporal.CodecKeys, cfg.Temporal.CodecKeyID = "test:"+devstack.NewCodecKey(), "test"
	}
	// Identity numbers are sealed at rest in every test, as in production.
	cfg.Database.FieldKeys, cfg.Database.FieldKeyID = "t1:"+devstack.NewCodecKey(), "t1"
	if opts.Configure != nil {
		opts.Configure(cfg)
	}
	progress := opts.Progress
	if progress == nil {
		progress = io.Discard
		if os.Getenv("OUTBOUND_TEST_VERBOSE") != "" {
			progress = os.Stderr
		}
	}
	stack, err := devstack.Start(ctx, devstack.Options{
		DataDir: dir, Progress: progress, AnyPorts: true,
		TemporalNamespace: cfg.Temporal.Namespace, Bucket: cfg.MinIO.Bucket,
		SearchAttributes: workflows.SearchAttributeTypes,
	})
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting the test stack: %w", err)
	}
	env := &Env{Stack: stack, Config: cfg, dataDir: dir}
	ok := false
	defer func() {
		if !ok {
			env.Close()
		}
	}()
	stack.Configure(cfg)
	if env.Services, err = server.Open(ctx, cfg); err != nil {
		return nil, err
	}
	if err := env.Services.Store.Migrate(ctx, "up", io.Discard); err != nil {
		return nil, err
	}
	if err := demo.Seed(ctx, env.Services.Store, env.Services.Files, time.Now()); err != nil {
		return nil, err
	}
	if !opts.NoWorker {
		env.Worker = env.Services.NewWorker()
		if err := env.Worker.Start(); err != nil {
			return nil, err
		}
		if err := env.Services.EnsureSchedules(ctx); err != nil {
			return nil, err
		}
	}
	if !opts.NoServer {
		env.server = httptest.NewServer(env.Services.Handler())
		env.URL = env.server.URL
	}
	ok = true
	return env, nil
}

// Close stops everything and removes the data.
func (e *Env) Close() {
	if e.server != nil {
		e.server.Close()
	}
	if e.Worker != nil {
		e.Worker.Stop()
	}
	if e.Services != nil {
		e.Services.Close()
	}
	if e.Stack != nil {
		e.Stack.Stop()
	}
	if os.Getenv("OUTBOUND_TEST_KEEP") == "" {
		os.RemoveAll(e.dataDir)
	}
}
