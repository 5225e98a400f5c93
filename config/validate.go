package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"outbound/payloadcodec"
)

// Validate checks values that parse but cannot work.
func (c *Config) Validate(dev bool) error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	if p, err := strconv.Atoi(c.HTTP.Port); err != nil || p < 0 || p > 65535 {
		add("http.port: %q is not a port number (0-65535)", c.HTTP.Port)
	}
	if c.HTTP.PublicURL != "" {
		if err := checkURL(c.HTTP.PublicURL, "http", "https"); err != nil {
			add("http.public_url: %v", err)
		}
	}
	for _, p := range c.HTTP.Proxies() {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				add("http.trusted_proxies: %q is neither an address nor a CIDR", p)
			}
		}
	}
	if c.HTTP.MetricsListen != "" {
		if err := checkHostPort(c.HTTP.MetricsListen); err != nil {
			add("http.metrics_listen: %v", err)
		}
	}
	if c.HTTP.RequestTimeout <= 0 {
		add("http.request_timeout: must be positive")
	}
	if c.Database.URL != "" {
		if err := checkURL(redactedURL(c.Database.URL), "postgres", "postgresql"); err != nil {
			add("database.url: %v", err)
		}
	} else if !dev {
		add("database.url: required (for example postgres://outbound:secret@db:5432/outbound?sslmode=disable)")
	}
	if c.Database.FieldKeys != "" {
		if keys, err := payloadcodec.ParseKeys(c.Database.FieldKeys); err != nil {
			add("database.field_keys: %v", err)
		} else if _, ok := keys[c.Database.FieldKeyID]; !ok {
			add("database.field_key_id: %q is not one of database.field_keys", c.Database.FieldKeyID)
		}
	}
	if c.Database.MaxOpenConns < 1 {
		add("database.max_open_conns: must be at least 1")
	}
	if c.Temporal.MessagesAtOnce < 0 {
		add("temporal.messages_at_once: must not be negative (0: no limit)")
	}
	if c.Temporal.Address != "" {
		if err := checkHostPort(c.Temporal.Address); err != nil {
			add("temporal.address: %v", err)
		}
	} else if !dev {
		add("temporal.address: required (host:port of the Temporal frontend)")
	}
	if c.Temporal.Namespace == "" {
		add("temporal.namespace: must not be empty")
	}
	if c.Temporal.TaskQueue == "" {
		add("temporal.task_queue: must not be empty")
	}
	if c.Worker.Listen != "" {
		if err := checkHostPort(c.Worker.Listen); err != nil {
			add("worker.listen: %v", err)
		}
	}
	if c.Temporal.CodecKeys != "" {
		if keys, err := payloadcodec.ParseKeys(c.Temporal.CodecKeys); err != nil {
			add("temporal.codec_keys: %v", err)
		} else if _, ok := keys[c.Temporal.CodecKeyID]; !ok {
			add("temporal.codec_key_id: %q is not one of temporal.codec_keys", c.Temporal.CodecKeyID)
		}
	}
	if (c.Temporal.TLSCert == "") != (c.Temporal.TLSKey == "") {
		add("temporal.tls_cert and temporal.tls_key: give both or neither")
	}
	for key, path := range map[string]string{"temporal.tls_cert": c.Temporal.TLSCert, "temporal.tls_key": c.Temporal.TLSKey, "temporal.tls_ca": c.Temporal.TLSCA} {
		if path != "" {
			if _, err := os.Stat(path); err != nil {
				add("%s: %v", key, err)
			}
		}
	}
	if c.CAS.Provision != ProvisionRoster && c.CAS.Provision != ProvisionAttributes {
		add("cas.provision: %q is neither roster nor attributes", c.CAS.Provision)
	}
	if _, err := c.CAS.Roles(); err != nil {
		add("cas.role_values: %v", err)
	}
	if c.MinIO.Endpoint != "" {
		if err := checkHostPort(c.MinIO.Endpoint); err != nil {
			add("minio.endpoint: %v", err)
		}
	} else if !dev {
		add("minio.endpoint: required (host:port of MinIO)")
	}
	if !dev || c.MinIO.Endpoint != "" {
		if c.MinIO.AccessKey == "" {
			add("minio.access_key: must not be empty")
		}
		if c.MinIO.SecretKey == "" {
			add("minio.secret_key: must not be empty")
		}
	}
	if c.MinIO.Bucket == "" {
		add("minio.bucket: must not be empty")
	}
	if c.Auth.SessionTTL < time.Minute {
		add("auth.session_ttl: must be at least 1m")
	}
	if c.Auth.LoginPerMinute < 1 {
		add("auth.login_per_minute: must be at least 1")
	}
	if c.Process.PublicityWorkingDay < 0 || c.Process.PublicityWorkingDay > 24*time.Hour {
		add("process.publicity_working_day: must be between 0s (the calendar) and 24h")
	}
	if c.Process.PassportReturnDays < 1 || c.Process.PassportReturnDays > 60 {
		add("process.passport_return_days: must be between 1 and 60")
	}
	if c.Retention.ClosedAfter != 0 && c.Retention.ClosedAfter < 30*24*time.Hour {
		add("retention.closed_after: 0s (keep) or at least 720h")
	}
	if c.Upload.MaxBytes < 1 {
		add("upload.max_bytes: must be positive")
	}
	if c.Upload.QuotaBytes < c.Upload.MaxBytes {
		add("upload.quota_bytes: must be at least upload.max_bytes")
	}
	for key, d := range map[string]time.Duration{
		"process.review_deadline":       c.Process.ReviewDeadline,
		"process.review_reminder":       c.Process.ReviewReminder,
		"process.window_reminder":       c.Process.WindowReminder,
		"process.return_report_due":     c.Process.ReturnReportDue,
		"process.return_report_warning": c.Process.ReturnReportWarning,
		"process.correction_due":        c.Process.CorrectionDue,
		"process.correction_reminder":   c.Process.CorrectionReminder,
		"process.arrival_check_in":      c.Process.ArrivalCheckIn,
		"process.check_in_every":        c.Process.CheckInEvery,
		"process.check_in_grace":        c.Process.CheckInGrace,
		"events.every":                  c.Events.Every,
		"events.retry_first":            c.Events.RetryFirst,
		"events.timeout":                c.Events.Timeout,
	} {
		if d <= 0 {
			add("%s: must be positive", key)
		}
	}
	if c.CAS.URL != "" {
		// Tickets are validated over TLS: over plain http anyone on the way could answer for the
		// CAS server. A server on this machine (a test's, a tunnel's end) may use http.
		if err := checkURL(c.CAS.URL, "https"); err != nil && !loopbackHTTP(c.CAS.URL) {
			add("cas.url: %v", err)
		}
	}
	if c.Events.RetryMax < c.Events.RetryFirst {
		add("events.retry_max: must be at least events.retry_first")
	}
	if c.Mail.Every < time.Second {
		add("mail.every: must be at least 1s")
	}
	if c.Mail.Enabled() {
		if c.Mail.SMTPPort < 1 || c.Mail.SMTPPort > 65535 {
			add("mail.smtp_port: %d is not a port number", c.Mail.SMTPPort)
		}
		if _, err := mail.ParseAddress(c.Mail.From); err != nil {
			add("mail.from: %q is not an address such as 外事综合服务系统 <noreply@example.edu>", c.Mail.From)
		}
		if !slices.Contains([]string{MailSTARTTLS, MailImplicitTLS, MailOpportunistic, MailNoTLS}, c.Mail.TLS) {
			add("mail.tls: %q is not one of starttls, tls, opportunistic, none", c.Mail.TLS)
		}
	}
	if c.UI.LogoURL != "" && !strings.HasPrefix(c.UI.LogoURL, "/") {
		if err := checkURL(c.UI.LogoURL, "https", "http"); err != nil {
			add("ui.logo_url: %v", err)
		}
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		add("log.level: %q is not one of debug, info, warn, error", c.Log.Level)
	}
	if !dev {
		problems = append(problems, c.unsafeOutsideDev()...)
	}
	if len(problems) > 0 {
		return fmt.Errorf("invalid configuration:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

func checkURL(raw string, schemes ...string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL", raw)
	}
	for _, s := range schemes {
		if u.Scheme == s {
			if u.Host == "" {
				return fmt.Errorf("%q has no host", raw)
			}
			return nil
		}
	}
	return fmt.Errorf("%q must start with %s://", raw, strings.Join(schemes, ":// or "))
}

func checkHostPort(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return fmt.Errorf("%q is not host:port", addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return fmt.Errorf("%q has no valid port", addr)
	}
	return nil
}

// loopbackHTTP reports whether a URL is plain http to this machine.
func loopbackHTTP(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// unsafeOutsideDev lists settings that work but would expose people's data in production.
func (c *Config) unsafeOutsideDev() []string {
	var problems []string
	if strings.HasPrefix(c.HTTP.PublicURL, "https://") && !c.Auth.CookieSecure {
		problems = append(problems, "auth.cookie_secure: must be true when http.public_url is https (the session cookie would also travel over plain http)")
	}
	if c.Temporal.CodecKeys == "" {
		problems = append(problems, "temporal.codec_keys: required outside dev (workflow payloads hold personal data; generate a key with: openssl rand -base64 32)")
	}
	if c.Database.FieldKeys == "" {
		problems = append(problems, "database.field_keys: required outside dev (身份证号 and 护照号 are sealed at rest; generate a key with: openssl rand -base64 32)")
	}
	if c.Mail.Enabled() && c.Mail.Username != "" && c.Mail.TLS == MailNoTLS {
		problems = append(problems, "mail.tls: none would send mail.password in clear; use starttls or tls")
	}
	for _, p := range c.HTTP.Proxies() {
		if _, n, err := net.ParseCIDR(p); err == nil {
			if ones, bits := n.Mask.Size(); bits-ones > 8 {
				problems = append(problems, fmt.Sprintf("http.trusted_proxies: %q trusts 2^%d addresses; name the reverse proxies themselves", p, bits-ones))
			}
		}
	}
	return problems
}

// redactedURL hides a URL's password, so that an error about the URL never prints it.
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(not shown: it may hold a password)"
	}
	return u.Redacted()
}
