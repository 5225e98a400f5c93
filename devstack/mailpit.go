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

	"outbound/devstack/tools"
)

// startMailpit runs a local SMTP server whose web inbox shows every e-mail the system sends.
func (s *Stack) startMailpit(ctx context.Context, bin string) error {
	smtpPort, webPort, err := s.mailpitPorts()
	if err != nil {
		return err
	}
	return s.startMailpitAt(ctx, bin, smtpPort, webPort)
}

func (s *Stack) mailpitPorts() (smtpPort, webPort int, err error) {
	if smtpPort, err = s.port(defaultSMTPPort); err != nil {
		return 0, 0, err
	}
	webPort, err = s.port(defaultMailpitWeb)
	return smtpPort, webPort, err
}

// startMailpitLater gives Mailpit's addresses now, and builds and starts it in the background.
// Until it runs, the mailer finds no SMTP server and gives the notifications back for its next
// run (activities.SendMail): nothing is lost.
func (s *Stack) startMailpitLater(ctx context.Context) error {
	smtpPort, webPort, err := s.mailpitPorts()
	if err != nil {
		return err
	}
	s.SMTPHost, s.SMTPPort, s.MailpitURL = "127.0.0.1", smtpPort, "http://127.0.0.1:"+strconv.Itoa(webPort)
	s.MailpitLater = true
	go func() {
		bin, err := tools.Mailpit.Ensure(ctx, s.progress)
		if err == nil {
			err = s.startMailpitAt(ctx, bin, smtpPort, webPort)
		}
		if err != nil && ctx.Err() == nil {
			fmt.Fprintf(s.progress, "mailpit: %v; e-mail waits for an SMTP server\n", err)
		}
	}()
	return nil
}

func (s *Stack) startMailpitAt(ctx context.Context, bin string, smtpPort, webPort int) error {
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
	s.mu.Lock()
	stopped := s.stopped
	if !stopped {
		s.mailpit = svc
	}
	s.mu.Unlock()
	if stopped { // the stack stopped while Mailpit was being built
		svc.stop(5 * time.Second)
		return nil
	}
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
	if !s.MailpitLater { // otherwise given when the stack started, and read since
		s.SMTPHost, s.SMTPPort, s.MailpitURL = "127.0.0.1", smtpPort, "http://"+web
	}
	fmt.Fprintf(s.progress, "mailpit: ready on port %d (SMTP %d) in %s\n", webPort, smtpPort, time.Since(start).Round(time.Millisecond))
	return nil
}
