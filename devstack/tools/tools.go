// Package tools builds the servers the stacks run (the Temporal CLI and server, MinIO, Mailpit)
// from the Go module proxy at pinned versions, once, into a cache every checkout shares. It uses
// the standard library only.
package tools

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Built reports whether the tool is built already.
func (t Tool) Built() bool {
	_, err := os.Stat(t.Path())
	return err == nil
}

// Tool is a server binary built from the Go module proxy at a pinned version.
type Tool struct {
	Name    string
	Pkg     string
	Version string
	// Binary is the name go install gives it, when not Name.
	Binary string
}

// TemporalServerVersion is the version of the temporalio/server image in docker-compose.yml.
const TemporalServerVersion = "v1.29.1"

// The tools of the dev stack (make run and the tests) and of the production layout.
var (
	TemporalCLI     = Tool{Name: "temporal", Pkg: "github.com/temporalio/cli/cmd/temporal", Version: "v1.5.1"}
	MinIO           = Tool{Name: "minio", Pkg: "github.com/minio/minio", Version: "v0.0.0-20260212201848-7aac2a2c5b7c"}
	Mailpit         = Tool{Name: "mailpit", Pkg: "github.com/axllent/mailpit", Version: "v1.33.1"}
	TemporalServer  = Tool{Name: "temporal-server", Pkg: "go.temporal.io/server/cmd/server", Version: TemporalServerVersion, Binary: "server"}
	TemporalSQLTool = Tool{Name: "temporal-sql-tool", Pkg: "go.temporal.io/server/cmd/tools/sql", Version: TemporalServerVersion, Binary: "sql"}

	// DevStack are the servers `make run` and the tests start.
	DevStack = []Tool{TemporalCLI, MinIO, Mailpit}
)

// CacheDir is where built tools live, outside any checkout so every clone shares them.
func CacheDir() string {
	if d := os.Getenv("OUTBOUND_CACHE_DIR"); d != "" {
		return d
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "outbound")
}

// Path is where the tool's binary is once built.
func (t Tool) Path() string {
	binary := t.Binary
	if binary == "" {
		binary = t.Name
	}
	return filepath.Join(CacheDir(), "tools", t.Name+"-"+t.Version, binary)
}

// EnsureAll builds the tools at once (each only if missing) and returns their paths in order.
func EnsureAll(ctx context.Context, progress io.Writer, tools ...Tool) ([]string, error) {
	paths := make([]string, len(tools))
	errs := make([]error, len(tools))
	var wg sync.WaitGroup
	for i, t := range tools {
		wg.Add(1)
		go func() { defer wg.Done(); paths[i], errs[i] = t.Ensure(ctx, progress) }()
	}
	wg.Wait()
	return paths, errors.Join(errs...)
}

// Ensure builds the tool once with `go install`, printing progress while it builds.
func (t Tool) Ensure(ctx context.Context, progress io.Writer) (string, error) {
	bin := t.Path()
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	// Several processes (test packages run in parallel) may ask at once: one builds, the others wait.
	if err := os.MkdirAll(filepath.Dir(filepath.Dir(bin)), 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(filepath.Dir(filepath.Dir(bin)), t.Name+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		fmt.Fprintf(progress, "waiting for %s %s, which another process is building…\n", t.Name, t.Version)
		if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
			return "", err
		}
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck // released on close anyway
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("%s is not built yet and the go command is not on PATH to build it", t.Name)
	}
	dir := filepath.Dir(bin)
	tmp := dir + ".partial"
	_ = os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return "", err
	}
	fmt.Fprintf(progress, "building %s %s once (a few minutes on a fresh machine; cached in %s)\n", t.Name, t.Version, dir)
	start := time.Now()
	cmd := exec.CommandContext(ctx, goBin, "install", t.Pkg+"@"+t.Version)
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
	var out strings.Builder
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		return "", err
	}
	finished := make(chan error, 1)
	go func() { finished <- cmd.Wait() }()
	ticker := time.NewTicker(20 * time.Second)
	defer ticker.Stop()
	for {
		select {
		case err := <-finished:
			if err != nil {
				return "", fmt.Errorf("building %s failed: %v\n%s", t.Name, err, lastLines(out.String(), 20))
			}
			if err := os.RemoveAll(dir); err != nil {
				return "", err
			}
			if err := os.Rename(tmp, dir); err != nil {
				return "", err
			}
			fmt.Fprintf(progress, "built %s in %s\n", t.Name, time.Since(start).Round(time.Second))
			return bin, nil
		case <-ticker.C:
			fmt.Fprintf(progress, "  still building %s (%s)…\n", t.Name, time.Since(start).Round(time.Second))
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
