package devstack

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// startMailpit runs a local SMTP server whose web inbox shows every e-mail the system sends.
func (s *Stack) startMailpit(ctx context.Context, bin string) error {
	smtpPort, err := s.port(defaultSMTPPort)
	if err != nil {
		return err
	}
	webPort, err := s.port(defaultMailpitWeb)
	if err != nil {
		return err
	}
	dir := filepath.Join(s.opts.DataDir, "mailpit")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	start := time.Now()
	web := "127.0.0.1:" + strconv.Itoa(webPort)
	svc, err := startService("mailpit", s.logDir(), syscall.SIGTERM, nil, nil, bin,
		"--smtp", "127.0.0.1:"+strconv.Itoa(smtpPort), "--listen", web,
		"--database", filepath.Join(dir, "mailpit.db"), "--disable-version-check", "--quiet")
	if err != nil {
		return err
	}
	s.mailpit = svc
	if err := waitFor(ctx, svc, 30*time.Second, func(ctx context.Context) error {
		if err := httpOK(ctx, "http://"+web+"/livez"); err != nil {
			return err
		}
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", "127.0.0.1:"+strconv.Itoa(smtpPort))
		if err != nil {
			return err
		}
		return c.Close()
	}); err != nil {
		return err
	}
	s.SMTPHost, s.SMTPPort, s.MailpitURL = "127.0.0.1", smtpPort, "http://"+web
	fmt.Fprintf(s.progress, "mailpit: ready on port %d (SMTP %d) in %s\n", webPort, smtpPort, time.Since(start).Round(time.Millisecond))
	return nil
}
