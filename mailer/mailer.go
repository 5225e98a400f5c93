// Package mailer e-mails notifications through the configured SMTP server: one message per
// person with the notifications gathered since the last one, in Chinese, each with a link to the
// page it is about.
package mailer

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"outbound/config"
)

// Sender hands messages to one SMTP server.
type Sender struct {
	cfg  config.MailConfig
	from *mail.Address
	// link is the page of an application.
	link func(applicationID int64) string
}

// New returns a sender, or nil when no SMTP server is configured (e-mail is off).
func New(cfg config.MailConfig, link func(applicationID int64) string) (*Sender, error) {
	if !cfg.Enabled() {
		return nil, nil
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail.from: %w", err)
	}
	return &Sender{cfg: cfg, from: from, link: link}, nil
}

// Notice is one notification.
type Notice struct {
	ID            int64
	Title         string
	Body          string
	ProjectName   string
	ApplicationID int64
	// Calendar is an iCalendar event sent as an .ics attachment (an interview).
	Calendar string
}

// Letter is what one person receives in one e-mail: one notice, or several gathered since the
// last run, so that a reviewer at a deadline gets one e-mail instead of hundreds.
type Letter struct {
	To      string
	Name    string
	Notices []Notice
}

// ErrRefused wraps what the mail server or the address refuses for good: sending again cannot help.
var ErrRefused = errors.New("refused for good")

// Send delivers one letter. An error wrapping ErrRefused is final; any other may pass on a retry.
func (s *Sender) Send(ctx context.Context, l Letter) error {
	m, err := s.message(l)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrRefused, err)
	}
	client, err := s.client()
	if err != nil {
		return err
	}
	if err := client.DialAndSendWithContext(ctx, m); err != nil {
		var sendErr *gomail.SendError
		if errors.As(err, &sendErr) && sendErr.ErrorCode() >= 500 {
			return fmt.Errorf("%w: %v", ErrRefused, err)
		}
		return err
	}
	return nil
}

func (s *Sender) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.cfg.SMTPPort), gomail.WithTimeout(20 * time.Second)}
	switch s.cfg.TLS {
	case config.MailImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case config.MailOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case config.MailNoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	return gomail.NewClient(s.cfg.SMTPHost, opts...)
}

func (s *Sender) message(l Letter) (*gomail.Msg, error) {
	if len(l.Notices) == 0 {
		return nil, errors.New("nothing to send")
	}
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	m.FromMailAddress(s.from)
	if err := m.AddToFormat(l.Name, l.To); err != nil {
		return nil, fmt.Errorf("address %q: %w", l.To, err)
	}
	first, last := l.Notices[0], l.Notices[len(l.Notices)-1]
	subject := first.Title
	if len(l.Notices) > 1 {
		subject = fmt.Sprintf("您有%d条新通知", len(l.Notices))
	}
	m.Subject("【外事综合服务系统】" + subject)
	// The same on every attempt, so that a mail client shows a repeat once.
	domain := s.from.Address[strings.LastIndex(s.from.Address, "@")+1:]
	m.SetMessageIDWithValue(fmt.Sprintf("notification-%d-%d@%s", first.ID, last.ID, domain))
	m.SetDate()
	var text, page strings.Builder
	fmt.Fprintf(&text, "%s，您好：\n\n", l.Name)
	fmt.Fprintf(&page, "<p>%s，您好：</p>", html.EscapeString(l.Name))
	for _, n := range l.Notices {
		link := s.link(n.ApplicationID)
		fmt.Fprintf(&text, "· %s\n  项目：%s\n  %s\n  查看：%s\n\n", n.Title, n.ProjectName, n.Body, link)
		fmt.Fprintf(&page, `<p><strong>%s</strong><br>项目：%s<br>%s<br><a href="%s">在系统中查看</a></p>`,
			html.EscapeString(n.Title), html.EscapeString(n.ProjectName), html.EscapeString(n.Body), html.EscapeString(link))
	}
	text.WriteString("此邮件由外事综合服务系统自动发送，请勿直接回复。\n")
	page.WriteString(`<p style="color:#666;font-size:12px">此邮件由外事综合服务系统自动发送，请勿直接回复。</p>`)
	m.SetBodyString(gomail.TypeTextPlain, text.String())
	m.AddAlternativeString(gomail.TypeTextHTML, page.String())
	for i, n := range l.Notices {
		if n.Calendar == "" {
			continue
		}
		// An interview goes with its calendar event, for the candidate's calendar to take.
		name := fmt.Sprintf("interview-%d.ics", i+1)
		if err := m.AttachReader(name, strings.NewReader(n.Calendar), gomail.WithFileContentType(gomail.ContentType("text/calendar; charset=utf-8; method=PUBLISH"))); err != nil {
			return nil, err
		}
	}
	return m, nil
}
