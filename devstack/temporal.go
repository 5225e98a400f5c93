package devstack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

func describeNamespace(ns string) *workflowservice.DescribeNamespaceRequest {
	return &workflowservice.DescribeNamespaceRequest{Namespace: ns}
}

// quietLogger keeps the SDK's connection retries out of the progress output.
type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}

func (s *Stack) startTemporal(ctx context.Context, bin string) error {
	if s.opts.TemporalAddress != "" {
		s.TemporalAddress = s.opts.TemporalAddress
		fmt.Fprintln(s.progress, "temporal: using the configured server")
		return nil
	}
	// The ports are free when picked, not when the server binds them: another process may take one
	// in between (seen once in a long test run), so a server that exits at start-up is tried again.
	start := time.Now()
	for attempt := 1; ; attempt++ {
		err := s.startTemporalOnce(ctx, bin)
		if err == nil {
			break
		}
		if attempt == 3 || s.temporal == nil || !s.temporal.exited() {
			return err
		}
		fmt.Fprintf(s.progress, "temporal: %v; trying again on other ports\n", err)
	}
	fmt.Fprintf(s.progress, "temporal: ready on %s in %s\n", s.TemporalAddress, time.Since(start).Round(time.Millisecond))
	return nil
}

// startTemporalOnce picks the server's ports and starts it.
func (s *Stack) startTemporalOnce(ctx context.Context, bin string) error {
	port, err := s.port(defaultTemporalPort)
	if err != nil {
		return err
	}
	uiPort, err := s.port(defaultTemporalUI)
	if err != nil {
		return err
	}
	httpPort, err := pickPort(0)
	if err != nil {
		return err
	}
	metricsPort, err := pickPort(0)
	if err != nil {
		return err
	}
	dir := filepath.Join(s.opts.DataDir, "temporal")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	args := []string{"server", "start-dev",
		"--ip", "127.0.0.1",
		"--port", strconv.Itoa(port),
		"--ui-port", strconv.Itoa(uiPort),
		"--http-port", strconv.Itoa(httpPort),
		"--metrics-port", strconv.Itoa(metricsPort),
		"--db-filename", filepath.Join(dir, "temporal.db"),
		"--namespace", s.opts.TemporalNamespace,
		"--log-level", "warn",
	}
	if s.opts.UICodecEndpoint != "" {
		args = append(args, "--ui-codec-endpoint", s.opts.UICodecEndpoint)
	}
	names := make([]string, 0, len(s.opts.SearchAttributes))
	for name := range s.opts.SearchAttributes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		args = append(args, "--search-attribute", name+"="+s.opts.SearchAttributes[name])
	}
	s.temporalBin, s.temporalArgs = bin, args
	s.TemporalAddress = "127.0.0.1:" + strconv.Itoa(port)
	s.TemporalUIURL = "http://127.0.0.1:" + strconv.Itoa(uiPort)
	return s.runTemporal(ctx)
}

func (s *Stack) runTemporal(ctx context.Context) error {
	svc, err := startService("temporal", s.logDir(), syscall.SIGTERM, nil, nil, s.temporalBin, s.temporalArgs...)
	if err != nil {
		return err
	}
	s.temporal = svc
	return waitFor(ctx, svc, 90*time.Second, func(ctx context.Context) error {
		c, err := client.Dial(client.Options{HostPort: s.TemporalAddress, Namespace: s.opts.TemporalNamespace, Logger: quietLogger{}})
		if err != nil {
			return err
		}
		defer c.Close()
		if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
			return err
		}
		// The namespace is usable only once it answers a describe.
		_, err = c.WorkflowService().DescribeNamespace(ctx, describeNamespace(s.opts.TemporalNamespace))
		return err
	})
}

// KillTemporal ends the Temporal server abruptly; RestartTemporal starts it again on the same SQLite file.
func (s *Stack) KillTemporal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.temporal != nil {
		s.temporal.kill()
	}
}

func (s *Stack) RestartTemporal(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.temporalBin == "" {
		return errors.New("temporal is not managed by this stack")
	}
	return s.runTemporal(ctx)
}
