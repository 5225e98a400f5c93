package devstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

func (s *Stack) minioCredentials() (string, string, error) {
	path := filepath.Join(s.opts.DataDir, "minio-credentials")
	if b, err := os.ReadFile(path); err == nil {
		parts := strings.SplitN(strings.TrimSpace(string(b)), ":", 2)
		if len(parts) == 2 {
			return parts[0], parts[1], nil
		}
	}
	// A secret of its own for each data folder, kept so that the data stays readable.
	buf := make([]byte, 18)
	if _, err := rand.Read(buf); err != nil {
		return "", "", err
	}
	user, secret := "outbound", hex.EncodeToString(buf)
	if err := os.WriteFile(path, []byte(user+":"+secret+"\n"), 0o600); err != nil {
		return "", "", err
	}
	return user, secret, nil
}

func (s *Stack) startMinIO(ctx context.Context, bin string) error {
	if s.opts.MinIOEndpoint != "" {
		s.MinIOEndpoint, s.MinIOAccessKey, s.MinIOSecretKey = s.opts.MinIOEndpoint, s.opts.MinIOAccessKey, s.opts.MinIOSecretKey
		fmt.Fprintln(s.progress, "minio: using the configured endpoint")
		return s.ensureBucket(ctx)
	}
	user, secret, err := s.minioCredentials()
	if err != nil {
		return err
	}
	port, err := s.port(defaultMinIOPort)
	if err != nil {
		return err
	}
	consolePort, err := s.port(defaultMinIOConsole)
	if err != nil {
		return err
	}
	dir := filepath.Join(s.opts.DataDir, "minio")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	start := time.Now()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	s.minioBin = bin
	s.minioEnv = []string{"MINIO_ROOT_USER=" + user, "MINIO_ROOT_PASSWORD=" + secret, "MINIO_BROWSER=on", "MINIO_UPDATE=off"}
	s.minioArgs = []string{"server", dir, "--address", addr, "--console-address", "127.0.0.1:" + strconv.Itoa(consolePort), "--quiet"}
	svc, err := startService("minio", s.logDir(), syscall.SIGTERM, nil, s.minioEnv, s.minioBin, s.minioArgs...)
	if err != nil {
		return err
	}
	s.minio = svc
	s.MinIOEndpoint, s.MinIOAccessKey, s.MinIOSecretKey = addr, user, secret
	s.MinIOConsoleURL = "http://127.0.0.1:" + strconv.Itoa(consolePort)
	if err := waitFor(ctx, svc, 60*time.Second, func(ctx context.Context) error {
		return httpOK(ctx, "http://"+addr+"/minio/health/live")
	}); err != nil {
		return err
	}
	if err := s.ensureBucket(ctx); err != nil {
		return err
	}
	fmt.Fprintf(s.progress, "minio: ready on port %d in %s\n", port, time.Since(start).Round(time.Millisecond))
	return nil
}

func (s *Stack) ensureBucket(ctx context.Context) error {
	mc, err := minio.New(s.MinIOEndpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(s.MinIOAccessKey, s.MinIOSecretKey, ""),
		Secure: s.opts.MinIOUseSSL,
	})
	if err != nil {
		return err
	}
	return waitFor(ctx, nil, 30*time.Second, func(ctx context.Context) error {
		exists, err := mc.BucketExists(ctx, s.opts.Bucket)
		if err != nil || exists {
			return err
		}
		return mc.MakeBucket(ctx, s.opts.Bucket, minio.MakeBucketOptions{})
	})
}

// StopMinIO and StartMinIO simulate an outage of the object store.
func (s *Stack) StopMinIO() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.minio != nil {
		s.minio.stop(10 * time.Second)
	}
}

func (s *Stack) StartMinIO(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.minio == nil {
		return errors.New("minio is not managed by this stack")
	}
	svc, err := startService("minio", s.logDir(), syscall.SIGTERM, nil, s.minioEnv, s.minioBin, s.minioArgs...)
	if err != nil {
		return err
	}
	s.minio = svc
	return waitFor(ctx, svc, 60*time.Second, func(ctx context.Context) error {
		return httpOK(ctx, "http://"+s.MinIOEndpoint+"/minio/health/live")
	})
}
