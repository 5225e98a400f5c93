package devstack

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// service is one child process of the stack, its output appended to a log file.
type service struct {
	name    string
	cmd     *exec.Cmd
	logFile *os.File
	done    chan struct{}
	// stopSignal asks the service to shut down cleanly (postgres wants SIGINT for a fast shutdown).
	stopSignal syscall.Signal
}

// startService starts a child in its own process group; the kernel kills it if
// this process dies, so a crash of `outbound dev` leaves no orphan behind.
func startService(name, logDir string, stopSignal syscall.Signal, cred *syscall.Credential, env []string, bin string, args ...string) (*service, error) {
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, err
	}
	logPath := filepath.Join(logDir, name+".log")
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(f, "\n=== %s starting %s %v\n", time.Now().Format(time.RFC3339), bin, args)
	cmd := exec.Command(bin, args...)
	cmd.Stdout = f
	cmd.Stderr = f
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: cred}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &service{name: name, cmd: cmd, logFile: f, done: make(chan struct{}), stopSignal: stopSignal}
	go func() {
		_ = cmd.Wait()
		close(s.done)
	}()
	return s, nil
}

// exited reports whether the process has ended.
func (s *service) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// stop asks the process group to end, then kills it after the grace period.
func (s *service) stop(grace time.Duration) {
	if s == nil || s.cmd.Process == nil {
		return
	}
	pgid := -s.cmd.Process.Pid
	_ = syscall.Kill(pgid, s.stopSignal)
	select {
	case <-s.done:
	case <-time.After(grace):
		_ = syscall.Kill(pgid, syscall.SIGKILL)
		<-s.done
	}
	// Children that outlived the leader of the group go too.
	_ = syscall.Kill(pgid, syscall.SIGKILL)
	s.logFile.Close()
}

// kill ends the process group at once, as a crash would.
func (s *service) kill() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.done
	s.logFile.Close()
}

// pickPort returns preferred when it is free, otherwise any free port.
func pickPort(preferred int) (int, error) {
	if preferred > 0 {
		if l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(preferred)); err == nil {
			l.Close()
			return preferred, nil
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitFor polls check until it succeeds, the service dies or the deadline passes.
func waitFor(ctx context.Context, s *service, timeout time.Duration, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last error
	for {
		if s != nil && s.exited() {
			return fmt.Errorf("%s exited during start-up; see %s", s.name, s.logFile.Name())
		}
		if last = check(ctx); last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready after %s: %v", timeout, last)
		case <-time.After(150 * time.Millisecond):
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
