package devstack

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// tool is a server binary built from the Go module proxy at a pinned version.
type tool struct {
	name    string
	pkg     string
	version string
	// binary is the name go install gives it, when not name.
	binary string
}

var (
	temporalCLI = tool{name: "temporal", pkg: "github.com/temporalio/cli/cmd/temporal", version: "v1.5.1"}
	minioServer = tool{name: "minio", pkg: "github.com/minio/minio", version: "v0.0.0-20260212201848-7aac2a2c5b7c"}
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

func (t tool) path() string {
	binary := t.binary
	if binary == "" {
		binary = t.name
	}
	return filepath.Join(CacheDir(), "tools", t.name+"-"+t.version, binary)
}

// ensure builds the tool once with `go install`, printing progress while it builds.
func (t tool) ensure(ctx context.Context, progress io.Writer) (string, error) {
	bin := t.path()
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	// Several processes (test packages run in parallel) may ask at once: one builds, the others wait.
	if err := os.MkdirAll(filepath.Dir(filepath.Dir(bin)), 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(filepath.Dir(filepath.Dir(bin)), t.name+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck // released on close anyway
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("%s is not built yet and the go command is not on PATH to build it", t.name)
	}
	dir := filepath.Dir(bin)
	tmp := dir + ".partial"
	_ = os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return "", err
	}
	fmt.Fprintf(progress, "building %s %s once (a few minutes on a fresh machine; cached in %s)\n", t.name, t.version, dir)
	start := time.Now()
	cmd := exec.CommandContext(ctx, goBin, "install", t.pkg+"@"+t.version)
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
				return "", fmt.Errorf("building %s failed: %v\n%s", t.name, err, lastLines(out.String(), 20))
			}
			if err := os.RemoveAll(dir); err != nil {
				return "", err
			}
			if err := os.Rename(tmp, dir); err != nil {
				return "", err
			}
			fmt.Fprintf(progress, "built %s in %s\n", t.name, time.Since(start).Round(time.Second))
			return bin, nil
		case <-ticker.C:
			fmt.Fprintf(progress, "  still building %s (%s)…\n", t.name, time.Since(start).Round(time.Second))
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
