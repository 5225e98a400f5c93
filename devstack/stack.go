// Package devstack runs Outbound's services on one machine: a private
// PostgreSQL cluster, the Temporal dev server with its Web UI, MinIO and
// Mailpit (an SMTP server with a web inbox).
// `outbound dev` and the integration tests both use it. A service that is
// already configured is used as it is instead of being started.
package devstack

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"outbound/config"
	"outbound/devstack/tools"
)

// Options say where the stack keeps its data and what already runs elsewhere.
type Options struct {
	DataDir string
	// Progress receives one line per step; nil discards it.
	Progress io.Writer
	// AllowInstall lets a root process apt-get install postgresql when it is missing.
	AllowInstall bool
	// AnyPorts skips the well-known default ports (tests run several stacks at once).
	AnyPorts bool
	// NoTemporal leaves Temporal to the caller (the production layout runs the real server).
	NoTemporal bool
	// NoMail starts no Mailpit (a real SMTP server is configured, or e-mail stays off).
	NoMail bool
	// MailLater lets the stack be ready before Mailpit when Mailpit is not built yet: it is built
	// after the other servers and starts then, at the addresses the stack gives from the start (on
	// two cores its build would otherwise slow the others down).
	MailLater bool

	// Existing services: when set, used instead of started.
	DatabaseURL     string
	TemporalAddress string
	MinIOEndpoint   string
	MinIOAccessKey  string
	MinIOSecretKey  string
	MinIOUseSSL     bool

	Database          string // database to create in the private cluster
	TemporalNamespace string
	Bucket            string
	// SearchAttributes to register: name → type (Keyword, Datetime, Bool, …).
	SearchAttributes map[string]string
	// UICodecEndpoint is where the Temporal UI sends payloads to be decoded; empty for none.
	UICodecEndpoint string
}

// Stack is a running set of services and how to reach them.
type Stack struct {
	DatabaseURL     string
	TemporalAddress string
	TemporalUIURL   string
	MinIOEndpoint   string
	MinIOAccessKey  string
	MinIOSecretKey  string
	MinIOConsoleURL string
	// SMTPHost and SMTPPort reach Mailpit; MailpitURL is its inbox. Empty without Mailpit.
	SMTPHost   string
	SMTPPort   int
	MailpitURL string
	// MailpitLater is whether Mailpit is still being built (Options.MailLater); it starts when built.
	MailpitLater bool

	opts         Options
	progress     io.Writer
	mu           sync.Mutex
	pg           *postgres
	temporal     *service
	minio        *service
	mailpit      *service
	stopped      bool
	temporalArgs []string
	temporalBin  string
	minioEnv     []string
	minioArgs    []string
	minioBin     string
}

// Default ports tried first so that URLs stay the same from one run to the next.
const (
	defaultPostgresPort = 55432
	defaultTemporalPort = 7233
	defaultTemporalUI   = 8233
	defaultMinIOPort    = 9000
	defaultMinIOConsole = 9001
	defaultSMTPPort     = 1025
	defaultMailpitWeb   = 8025
)

// Start brings up whatever is not configured already and waits until each is ready.
func Start(ctx context.Context, opts Options) (*Stack, error) {
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	if opts.Database == "" {
		opts.Database = "outbound"
	}
	if opts.TemporalNamespace == "" {
		opts.TemporalNamespace = "default"
	}
	if opts.Bucket == "" {
		opts.Bucket = "outbound"
	}
	if err := os.MkdirAll(opts.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("data folder %s: %w", opts.DataDir, err)
	}
	s := &Stack{opts: opts, progress: opts.Progress}
	ok := false
	defer func() {
		if !ok {
			s.Stop()
		}
	}()

	// Build the servers in parallel while PostgreSQL starts.
	var temporalBin, minioBin, mailpitBin string
	var temporalErr, minioErr, mailpitErr error
	var builds sync.WaitGroup
	if opts.TemporalAddress == "" && !opts.NoTemporal {
		builds.Add(1)
		go func() { defer builds.Done(); temporalBin, temporalErr = tools.TemporalCLI.Ensure(ctx, opts.Progress) }()
	}
	if opts.MinIOEndpoint == "" {
		builds.Add(1)
		go func() { defer builds.Done(); minioBin, minioErr = tools.MinIO.Ensure(ctx, opts.Progress) }()
	}
	mailLater := !opts.NoMail && opts.MailLater && !tools.Mailpit.Built()
	if !opts.NoMail && !mailLater {
		builds.Add(1)
		go func() { defer builds.Done(); mailpitBin, mailpitErr = tools.Mailpit.Ensure(ctx, opts.Progress) }()
	}

	if err := s.startPostgres(ctx); err != nil {
		builds.Wait()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	builds.Wait()
	if err := errors.Join(temporalErr, minioErr, mailpitErr); err != nil {
		return nil, err
	}
	if err := s.startMinIO(ctx, minioBin); err != nil {
		return nil, fmt.Errorf("minio: %w", err)
	}
	switch {
	case mailLater:
		if err := s.startMailpitLater(ctx); err != nil {
			return nil, fmt.Errorf("mailpit: %w", err)
		}
	case !opts.NoMail:
		if err := s.startMailpit(ctx, mailpitBin); err != nil {
			return nil, fmt.Errorf("mailpit: %w", err)
		}
	}
	if !opts.NoTemporal {
		if err := s.startTemporal(ctx, temporalBin); err != nil {
			return nil, fmt.Errorf("temporal: %w", err)
		}
	}
	ok = true
	return s, nil
}

func (s *Stack) port(preferred int) (int, error) {
	if s.opts.AnyPorts {
		preferred = 0
	}
	return pickPort(preferred)
}

func (s *Stack) logDir() string { return filepath.Join(s.opts.DataDir, "logs") }

func (s *Stack) startPostgres(ctx context.Context) error {
	if s.opts.DatabaseURL != "" {
		s.DatabaseURL = s.opts.DatabaseURL
		fmt.Fprintln(s.progress, "postgres: using the configured database")
		return nil
	}
	binDir, err := ensurePostgresBinaries(ctx, s.opts.AllowInstall, s.progress)
	if err != nil {
		return err
	}
	cred, err := postgresOwner()
	if err != nil {
		return err
	}
	dir, err := clusterDir(s.opts.DataDir, cred)
	if err != nil {
		return err
	}
	port, err := s.port(defaultPostgresPort)
	if err != nil {
		return err
	}
	s.pg = &postgres{binDir: binDir, dir: dir, cred: cred, port: port, logDir: s.logDir()}
	if err := s.pg.init(); err != nil {
		return err
	}
	start := time.Now()
	if err := s.pg.start(ctx); err != nil {
		return err
	}
	if err := s.pg.ensureDatabase(ctx, s.opts.Database); err != nil {
		return err
	}
	s.DatabaseURL = s.pg.url(s.opts.Database)
	fmt.Fprintf(s.progress, "postgres: ready on port %d in %s\n", port, time.Since(start).Round(time.Millisecond))
	return nil
}

// StopPostgres stops the private cluster, as an outage would; StartPostgres brings it back on the same port.
func (s *Stack) StopPostgres() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pg != nil && s.pg.svc != nil {
		s.pg.svc.stop(20 * time.Second)
		s.pg.svc = nil
	}
}

func (s *Stack) StartPostgres(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pg == nil {
		return errors.New("postgres is not managed by this stack")
	}
	return s.pg.start(ctx)
}

// Stop ends every service this stack started, in reverse order.
func (s *Stack) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = true
	if s.temporal != nil {
		s.temporal.stop(15 * time.Second)
	}
	if s.mailpit != nil {
		s.mailpit.stop(5 * time.Second)
	}
	if s.minio != nil {
		s.minio.stop(10 * time.Second)
	}
	if s.pg != nil && s.pg.svc != nil {
		s.pg.svc.stop(20 * time.Second)
	}
}

// Failed reports a managed service that has exited on its own.
func (s *Stack) Failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, svc := range []*service{s.temporal, s.minio, s.mailpit} {
		if svc != nil && svc.exited() {
			return fmt.Errorf("%s stopped; see %s", svc.name, svc.logFile.Name())
		}
	}
	return nil
}

func httpOK(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %d", url, resp.StatusCode)
	}
	return nil
}

// Configure points a configuration at the stack's services; links the user set stay.
func (s *Stack) Configure(cfg *config.Config) {
	cfg.Database.URL = s.DatabaseURL
	cfg.Temporal.Address = s.TemporalAddress
	cfg.MinIO.Endpoint, cfg.MinIO.AccessKey, cfg.MinIO.SecretKey = s.MinIOEndpoint, s.MinIOAccessKey, s.MinIOSecretKey
	if cfg.Temporal.UIURL == "" {
		cfg.Temporal.UIURL = s.TemporalUIURL
	}
	if cfg.MinIO.ConsoleURL == "" {
		cfg.MinIO.ConsoleURL = s.MinIOConsoleURL
	}
	if s.SMTPHost != "" {
		cfg.Mail.SMTPHost, cfg.Mail.SMTPPort, cfg.Mail.TLS = s.SMTPHost, s.SMTPPort, config.MailNoTLS
		cfg.Mail.Username, cfg.Mail.Password = "", ""
	}
}

// NewCodecKey is a fresh AES-256 key, in base64, for temporal.codec_keys.
func NewCodecKey() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's randomness is gone; nothing safe can follow
	}
	return base64.StdEncoding.EncodeToString(b)
}

// DevCodecKey is the dev stack's key for temporal.codec_keys, made once and kept in the data folder.
func DevCodecKey(dataDir string) (string, error) { return devKey(dataDir, "temporal-codec-key") }

// DevFieldKey is the dev stack's key for database.field_keys, made once and kept in the data folder.
func DevFieldKey(dataDir string) (string, error) { return devKey(dataDir, "database-field-key") }

func devKey(dataDir, name string) (string, error) {
	path := filepath.Join(dataDir, name)
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	key := NewCodecKey()
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return "", err
	}
	return key, os.WriteFile(path, []byte(key+"\n"), 0o600)
}

// FreePort is a port nobody listens on now.
func FreePort() (int, error) { return pickPort(0) }
