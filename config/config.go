// Package config loads Outbound's configuration: defaults < outbound.yaml <
// OUTBOUND_* environment < command-line flags, into one typed struct.
package config

import (
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

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
	// Retention says how long personal data is kept once it is no longer needed.
	Retention RetentionConfig `mapstructure:"retention"`
	// Events is the delivery of events to campus systems.
	Events EventsConfig `mapstructure:"events"`
	Log    LogConfig    `mapstructure:"log"`
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
	// MetricsListen is where an API serves /metrics, apart from the public listener; empty serves none.
	MetricsListen string `mapstructure:"metrics_listen"`
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
	// FieldKeys ("id:base64key,…", AES-256) seal identity numbers at rest; FieldKeyID names the one
	// that seals new values. Empty keys: they are kept in clear (dev only).
	FieldKeys  string `mapstructure:"field_keys"`
	FieldKeyID string `mapstructure:"field_key_id"`
}

type TemporalConfig struct {
	// Address of an existing Temporal frontend; empty in dev means "start the dev server".
	Address   string `mapstructure:"address"`
	Namespace string `mapstructure:"namespace"`
	TaskQueue string `mapstructure:"task_queue"`
	// MessagesAtOnce is how many messages one API process hands to workflows at once; the others
	// wait their turn in order.
	MessagesAtOnce int `mapstructure:"messages_at_once"`
	// UIURL is linked from the admin pages and printed by dev.
	UIURL string `mapstructure:"ui_url"`
	// CodecKeys ("id:base64key,…", AES-256) encrypt the workflows' payloads in Temporal's history;
	// CodecKeyID names the one that seals new payloads. Empty keys: payloads are kept in clear.
	CodecKeys  string `mapstructure:"codec_keys"`
	CodecKeyID string `mapstructure:"codec_key_id"`
	// TLSCert and TLSKey are the client certificate for mutual TLS with the frontend, TLSCA what
	// signs the frontend's, TLSServerName the name in it. No certificate: plain gRPC.
	TLSCert       string `mapstructure:"tls_cert"`
	TLSKey        string `mapstructure:"tls_key"`
	TLSCA         string `mapstructure:"tls_ca"`
	TLSServerName string `mapstructure:"tls_server_name"`
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

// EventsConfig paces the delivery of events to campus systems.
type EventsConfig struct {
	Every      time.Duration `mapstructure:"every"`
	RetryFirst time.Duration `mapstructure:"retry_first"`
	RetryMax   time.Duration `mapstructure:"retry_max"`
	Timeout    time.Duration `mapstructure:"timeout"`
}

// RetentionConfig: how long a closed application's personal data (and a departed student's
// profile) is kept before the housekeeping run erases it; zero keeps it.
type RetentionConfig struct {
	ClosedAfter time.Duration `mapstructure:"closed_after"`
}

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

// defaultConfigFile is read from the working folder when no file is named.
const defaultConfigFile = "outbound.yaml"

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
		// outbound.yaml by its whole name: viper's search by "outbound" and a type also opens a
		// file named just "outbound" — the binary `go build ./cmd/outbound` leaves here.
		if _, err := os.Stat(defaultConfigFile); err == nil {
			v.SetConfigFile(defaultConfigFile)
			if err := v.ReadInConfig(); err != nil {
				return nil, fmt.Errorf("%s: %w", defaultConfigFile, err)
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
