// Package config loads Outbound's configuration: defaults < outbound.yaml <
// OUTBOUND_* environment < command-line flags, into one typed struct.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"outbound/payloadcodec"
	"outbound/process"
)

// Config is everything a process of Outbound can be told.
type Config struct {
	// DataDir holds the dev stack's databases, objects and logs.
	DataDir  string         `mapstructure:"data_dir"`
	HTTP     HTTPConfig     `mapstructure:"http"`
	Database DatabaseConfig `mapstructure:"database"`
	Temporal TemporalConfig `mapstructure:"temporal"`
	MinIO    MinIOConfig    `mapstructure:"minio"`
	Auth     AuthConfig     `mapstructure:"auth"`
	Upload   UploadConfig   `mapstructure:"upload"`
	Process  ProcessConfig  `mapstructure:"process"`
	CAS      CASConfig      `mapstructure:"cas"`
	Worker   WorkerConfig   `mapstructure:"worker"`
	Mail     MailConfig     `mapstructure:"mail"`
	UI       UIConfig       `mapstructure:"ui"`
	Log      LogConfig      `mapstructure:"log"`
}

type HTTPConfig struct {
	Host string `mapstructure:"host"`
	Port string `mapstructure:"port"`
	// PublicURL is how browsers reach the API (links in notifications, CAS service URL).
	PublicURL string `mapstructure:"public_url"`
	// RequestTimeout bounds every request, so a stuck dependency answers 503, not a hang.
	RequestTimeout time.Duration `mapstructure:"request_timeout"`
	// TrustedProxies lists the reverse proxies (addresses or CIDRs, comma-separated) whose
	// X-Forwarded-For is believed; from anyone else the client is the connection's address.
	TrustedProxies string `mapstructure:"trusted_proxies"`
}

// Proxies is TrustedProxies as a list.
func (h HTTPConfig) Proxies() []string {
	var out []string
	for _, p := range strings.Split(h.TrustedProxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

type DatabaseConfig struct {
	// URL of an existing PostgreSQL; empty in dev means "start a private cluster".
	URL          string `mapstructure:"url"`
	MaxOpenConns int    `mapstructure:"max_open_conns"`
}

type TemporalConfig struct {
	// Address of an existing Temporal frontend; empty in dev means "start the dev server".
	Address   string `mapstructure:"address"`
	Namespace string `mapstructure:"namespace"`
	TaskQueue string `mapstructure:"task_queue"`
	// UIURL is linked from the admin pages and printed by dev.
	UIURL string `mapstructure:"ui_url"`
	// CodecKeys ("id:base64key,…", AES-256) encrypt the workflows' payloads in Temporal's history;
	// CodecKeyID names the one that seals new payloads. Empty keys: payloads are kept in clear.
	CodecKeys  string `mapstructure:"codec_keys"`
	CodecKeyID string `mapstructure:"codec_key_id"`
}

type MinIOConfig struct {
	// Endpoint host:port of an existing MinIO; empty in dev means "start one".
	Endpoint   string `mapstructure:"endpoint"`
	AccessKey  string `mapstructure:"access_key"`
	SecretKey  string `mapstructure:"secret_key"`
	Bucket     string `mapstructure:"bucket"`
	UseSSL     bool   `mapstructure:"use_ssl"`
	ConsoleURL string `mapstructure:"console_url"`
}

type AuthConfig struct {
	SessionTTL time.Duration `mapstructure:"session_ttl"`
	// CookieSecure marks the session cookie Secure; on behind HTTPS.
	CookieSecure bool `mapstructure:"cookie_secure"`
	// LoginPerMinute is how many sign-in attempts one client address may make a minute.
	LoginPerMinute int `mapstructure:"login_per_minute"`
}

type UploadConfig struct {
	// MaxBytes is the default limit for a file when a project names none.
	MaxBytes int64 `mapstructure:"max_bytes"`
	// QuotaBytes bounds what one person's files may take in all (replaced and deleted ones not counted).
	QuotaBytes int64 `mapstructure:"quota_bytes"`
}

// ProcessConfig holds the durations of the application workflow's timers.
type ProcessConfig struct {
	ReviewDeadline      time.Duration `mapstructure:"review_deadline"`
	ReviewReminder      time.Duration `mapstructure:"review_reminder"`
	WindowReminder      time.Duration `mapstructure:"window_reminder"`
	ReturnReportDue     time.Duration `mapstructure:"return_report_due"`
	ReturnReportWarning time.Duration `mapstructure:"return_report_warning"`
	CorrectionDue       time.Duration `mapstructure:"correction_due"`
	CorrectionReminder  time.Duration `mapstructure:"correction_reminder"`
	ArrivalCheckIn      time.Duration `mapstructure:"arrival_check_in"`
	CheckInEvery        time.Duration `mapstructure:"check_in_every"`
	CheckInGrace        time.Duration `mapstructure:"check_in_grace"`
	// PassportReturnDays is how many working days after the return an 因公护照 is due back.
	PassportReturnDays int `mapstructure:"passport_return_days"`
	// PublicityWorkingDay, when set, is how long a working day of a 公示 lasts (drills and tests);
	// zero counts working days by the office's calendar.
	PublicityWorkingDay time.Duration `mapstructure:"publicity_working_day"`
}

type CASConfig struct {
	// URL of the CAS server (e.g. https://sso.example.edu/cas); empty disables CAS.
	URL string `mapstructure:"url"`
	// Provision is "roster" (only accounts already in the roster sign in) or
	// "attributes" (sign-in creates or updates the account from the CAS attributes).
	Provision string `mapstructure:"provision"`
	// The attributes that carry the 学号/工号 ("" tries the usual names, then the CAS user),
	// the name, the college (its code or its name) and the kind of person.
	NumberAttribute  string `mapstructure:"number_attribute"`
	NameAttribute    string `mapstructure:"name_attribute"`
	CollegeAttribute string `mapstructure:"college_attribute"`
	RoleAttribute    string `mapstructure:"role_attribute"`
	// RoleValues maps values of the role attribute to roles: "本科生=student,教师=college_reviewer".
	// A value not listed is not provisioned; no value can give the administrator role.
	RoleValues string `mapstructure:"role_values"`
}

// Provisioning modes of CAS sign-in.
const (
	ProvisionRoster     = "roster"
	ProvisionAttributes = "attributes"
)

// Roles reads RoleValues: attribute value → role.
func (c CASConfig) Roles() (map[string]process.Role, error) {
	out := map[string]process.Role{}
	for _, pair := range strings.Split(c.RoleValues, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		value, role, ok := strings.Cut(pair, "=")
		value, r := strings.TrimSpace(value), process.Role(strings.TrimSpace(role))
		if !ok || value == "" || !slices.Contains(process.Roles, r) {
			return nil, fmt.Errorf("%q is not value=role with a role such as student or college_reviewer", pair)
		}
		if r == process.RoleAdmin {
			return nil, fmt.Errorf("%q: CAS never gives the administrator role", pair)
		}
		out[value] = r
	}
	return out, nil
}

type WorkerConfig struct {
	// Listen is where a worker serves /metrics and /healthz; empty serves nothing.
	Listen string `mapstructure:"listen"`
}

// MailConfig is the SMTP server that e-mails notifications; no host, no e-mail.
type MailConfig struct {
	SMTPHost string `mapstructure:"smtp_host"`
	SMTPPort int    `mapstructure:"smtp_port"`
	Username string `mapstructure:"username"`
	Password string `mapstructure:"password"`
	// From is the sender, an address or "名称 <address>".
	From string `mapstructure:"from"`
	// TLS is starttls (required), tls (implicit, usually port 465), opportunistic or none.
	TLS string `mapstructure:"tls"`
	// Every is how often the mailer sends the notifications made since its last run.
	Every time.Duration `mapstructure:"every"`
}

// Enabled says whether notifications are e-mailed.
func (m MailConfig) Enabled() bool { return m.SMTPHost != "" }

// TLS modes of the SMTP connection.
const (
	MailSTARTTLS      = "starttls"
	MailImplicitTLS   = "tls"
	MailOpportunistic = "opportunistic"
	MailNoTLS         = "none"
)

// UIConfig brands the web UI for the university that runs it.
type UIConfig struct {
	UniversityName string `mapstructure:"university_name"`
	LogoURL        string `mapstructure:"logo_url"`
}

type LogConfig struct {
	Level string `mapstructure:"level"`
}

// NoFile as the file name skips configuration files (defaults and environment only).
const NoFile = "-"

// Load reads the configuration. flags may be nil; only flags the user set override.
// dev relaxes the rules for services the dev stack will start itself.
func Load(configFile string, flags *pflag.FlagSet, dev bool) (*Config, error) {
	v := viper.New()
	for k, val := range Defaults {
		v.SetDefault(k, val)
	}
	v.SetEnvPrefix("OUTBOUND")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	switch configFile {
	case NoFile:
	case "":
		v.SetConfigName("outbound")
		v.SetConfigType("yaml")
		v.AddConfigPath(".")
		if err := v.ReadInConfig(); err != nil {
			var notFound viper.ConfigFileNotFoundError
			if !errors.As(err, &notFound) {
				return nil, fmt.Errorf("outbound.yaml: %w", err)
			}
		}
	default:
		v.SetConfigFile(configFile)
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config file %s: %w", configFile, err)
		}
	}
	if flags != nil {
		var bindErr error
		flags.VisitAll(func(f *pflag.Flag) {
			if _, known := Defaults[f.Name]; known && f.Changed {
				if err := v.BindPFlag(f.Name, f); err != nil {
					bindErr = err
				}
			}
		})
		if bindErr != nil {
			return nil, bindErr
		}
	}
	var c Config
	for key := range Defaults {
		if err := decodeKey(v, key); err != nil {
			return nil, err
		}
	}
	if err := v.Unmarshal(&c); err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	if err := c.Validate(dev); err != nil {
		return nil, err
	}
	return &c, nil
}

// decodeKey checks one raw value so the error names its key, not a struct field.
func decodeKey(v *viper.Viper, key string) error {
	raw := v.Get(key)
	s, isString := raw.(string)
	if !isString {
		return nil
	}
	switch Defaults[key].(type) {
	case int:
		if _, err := strconv.Atoi(strings.TrimSpace(s)); err != nil {
			return fmt.Errorf("%s: %q is not a whole number", key, s)
		}
	case bool:
		if _, err := strconv.ParseBool(strings.TrimSpace(s)); err != nil {
			return fmt.Errorf("%s: %q is not true or false", key, s)
		}
	case string:
		// A key whose default is a duration holds a duration.
		if _, isDuration := time.ParseDuration(Defaults[key].(string)); isDuration == nil {
			if _, err := time.ParseDuration(s); err != nil {
				return fmt.Errorf("%s: %q is not a duration such as 72h or 30s", key, s)
			}
		}
	}
	return nil
}

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
	if c.HTTP.RequestTimeout <= 0 {
		add("http.request_timeout: must be positive")
	}
	if c.Database.URL != "" {
		if err := checkURL(c.Database.URL, "postgres", "postgresql"); err != nil {
			add("database.url: %v", err)
		}
	} else if !dev {
		add("database.url: required (for example postgres://outbound:secret@db:5432/outbound?sslmode=disable)")
	}
	if c.Database.MaxOpenConns < 1 {
		add("database.max_open_conns: must be at least 1")
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

// ListenAddr is host:port for the HTTP server.
func (c *Config) ListenAddr() string { return net.JoinHostPort(c.HTTP.Host, c.HTTP.Port) }

// ApplicationURL is the web page of one application, for links in e-mails and on printed forms.
func (c *Config) ApplicationURL(id int64) string {
	return c.APIURL() + "/#/applications/" + strconv.FormatInt(id, 10)
}

// APIURL is the URL browsers use.
func (c *Config) APIURL() string {
	if c.HTTP.PublicURL != "" {
		return strings.TrimRight(c.HTTP.PublicURL, "/")
	}
	return "http://" + c.ListenAddr()
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
