package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/require"
)

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "outbound.yaml")
	require.NoError(t, os.WriteFile(file, []byte("http:\n  port: \"9001\"\n  host: 0.0.0.0\nlog:\n  level: debug\n"), 0o600))
	c, err := Load(file, nil, true)
	require.NoError(t, err)
	require.Equal(t, "9001", c.HTTP.Port, "the file beats the default")
	require.Equal(t, "outbound", c.Temporal.TaskQueue, "defaults fill the rest")

	t.Setenv("OUTBOUND_HTTP_PORT", "9002")
	c, err = Load(file, nil, true)
	require.NoError(t, err)
	require.Equal(t, "9002", c.HTTP.Port, "the environment beats the file")
	require.Equal(t, "0.0.0.0", c.HTTP.Host)

	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.String("http.port", "8080", "")
	fs.String("log.level", "info", "")
	require.NoError(t, fs.Parse([]string{"--http.port=9003"}))
	c, err = Load(file, fs, true)
	require.NoError(t, err)
	require.Equal(t, "9003", c.HTTP.Port, "a flag beats the environment")
	require.Equal(t, "debug", c.Log.Level, "a flag left unset does not override")
}

func TestInvalidValuesNameTheirKey(t *testing.T) {
	for env, key := range map[string]string{
		"OUTBOUND_HTTP_PORT":                 "http.port",
		"OUTBOUND_DATABASE_URL":              "database.url",
		"OUTBOUND_TEMPORAL_ADDRESS":          "temporal.address",
		"OUTBOUND_PROCESS_REVIEW_DEADLINE":   "process.review_deadline",
		"OUTBOUND_DATABASE_MAX_OPEN_CONNS":   "database.max_open_conns",
		"OUTBOUND_MINIO_USE_SSL":             "minio.use_ssl",
		"OUTBOUND_LOG_LEVEL":                 "log.level",
		"OUTBOUND_CAS_URL":                   "cas.url",
		"OUTBOUND_AUTH_SESSION_TTL":          "auth.session_ttl",
		"OUTBOUND_HTTP_PUBLIC_URL":           "http.public_url",
		"OUTBOUND_UPLOAD_MAX_BYTES":          "upload.max_bytes",
		"OUTBOUND_PROCESS_RETURN_REPORT_DUE": "process.return_report_due",
		"OUTBOUND_MAIL_SMTP_PORT":            "mail.smtp_port",
		"OUTBOUND_MAIL_EVERY":                "mail.every",
		"OUTBOUND_HTTP_REQUEST_TIMEOUT":      "http.request_timeout",
	} {
		t.Run(key, func(t *testing.T) {
			t.Setenv(env, "not valid")
			_, err := Load(NoFile, nil, true)
			require.Error(t, err)
			require.Contains(t, err.Error(), key)
		})
	}
}

func TestOutsideDevTheServicesAreRequired(t *testing.T) {
	_, err := Load(NoFile, nil, false)
	require.Error(t, err)
	for _, key := range []string{"database.url", "temporal.address", "minio.endpoint", "minio.access_key", "minio.secret_key"} {
		require.Contains(t, err.Error(), key)
	}
	setServices(t)
	setKeys(t)
	_, err = Load(NoFile, nil, false)
	require.NoError(t, err)
}

// TestUnsafeSettingsAreRefusedOutsideDev: what works but would expose people's data stops the start.
func TestUnsafeSettingsAreRefusedOutsideDev(t *testing.T) {
	setServices(t)
	t.Setenv("OUTBOUND_HTTP_PUBLIC_URL", "https://outbound.example.edu.cn")
	t.Setenv("OUTBOUND_HTTP_TRUSTED_PROXIES", "172.16.0.0/12, 10.0.0.7")
	t.Setenv("OUTBOUND_MAIL_SMTP_HOST", "smtp.example.edu.cn")
	t.Setenv("OUTBOUND_MAIL_USERNAME", "outbound")
	t.Setenv("OUTBOUND_MAIL_TLS", "none")
	_, err := Load(NoFile, nil, false)
	for _, key := range []string{"auth.cookie_secure", "temporal.codec_keys", "database.field_keys", "mail.tls", `http.trusted_proxies: "172.16.0.0/12"`} {
		require.ErrorContains(t, err, key)
	}
	require.NotContains(t, err.Error(), "10.0.0.7", "one exact proxy is fine")
	_, err = Load(NoFile, nil, true)
	require.NoError(t, err, "dev runs on this machine only")

	t.Setenv("OUTBOUND_AUTH_COOKIE_SECURE", "true")
	t.Setenv("OUTBOUND_HTTP_TRUSTED_PROXIES", "10.0.0.7,172.30.80.0/24")
	t.Setenv("OUTBOUND_MAIL_TLS", "starttls")
	setKeys(t)
	_, err = Load(NoFile, nil, false)
	require.NoError(t, err)
}

// TestSecretsAreNotEchoed: an error about a setting that holds a secret does not print the secret.
func TestSecretsAreNotEchoed(t *testing.T) {
	for _, url := range []string{"mysql://outbound:Sekr3t-pw@db/outbound", "postgres://outbound:Sekr3t-pw@/outbound", "postgres://outbound:Sekr3t-pw@db:5432/x\x7f"} {
		t.Setenv("OUTBOUND_DATABASE_URL", url)
		_, err := Load(NoFile, nil, true)
		require.ErrorContains(t, err, "database.url", url)
		require.NotContains(t, err.Error(), "Sekr3t-pw", url)
	}
	t.Setenv("OUTBOUND_DATABASE_URL", "")
	t.Setenv("OUTBOUND_TEMPORAL_CODEC_KEYS", "k1:Sekr3tKeyMaterial")
	t.Setenv("OUTBOUND_TEMPORAL_CODEC_KEY_ID", "k1")
	_, err := Load(NoFile, nil, true)
	require.ErrorContains(t, err, "temporal.codec_keys")
	require.NotContains(t, err.Error(), "Sekr3tKeyMaterial")
}

func TestEveryKeyIsDocumented(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	for key := range Defaults {
		require.NotEmpty(t, Descriptions[key], key)
		env := "OUTBOUND_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
		require.Contains(t, string(readme), "| `"+key+"` | `"+env+"` |", "README's configuration table lists %s", key)
	}
	require.Len(t, Descriptions, len(Defaults))
}

func TestMailIsCheckedOnlyWhenOn(t *testing.T) {
	t.Setenv("OUTBOUND_MAIL_FROM", "not an address")
	t.Setenv("OUTBOUND_MAIL_TLS", "ssl")
	_, err := Load(NoFile, nil, true)
	require.NoError(t, err, "no SMTP host: e-mail is off and its other keys are not read")

	t.Setenv("OUTBOUND_MAIL_SMTP_HOST", "smtp.example.edu")
	_, err = Load(NoFile, nil, true)
	require.Error(t, err)
	require.Contains(t, err.Error(), "mail.from")
	require.Contains(t, err.Error(), "mail.tls")

	t.Setenv("OUTBOUND_MAIL_FROM", "外事综合服务系统 <noreply@example.edu>")
	t.Setenv("OUTBOUND_MAIL_TLS", "tls")
	c, err := Load(NoFile, nil, true)
	require.NoError(t, err)
	require.True(t, c.Mail.Enabled())
}

// TestCASIsValidatedOverTLS: tickets are validated over https; plain http only to this machine.
func TestCASIsValidatedOverTLS(t *testing.T) {
	for url, ok := range map[string]bool{
		"https://cas.example.edu.cn/cas": true, "http://127.0.0.1:8443/cas": true, "http://localhost/cas": true,
		"http://cas.example.edu.cn/cas": false, "http://10.0.0.5/cas": false, "ftp://cas.example.edu.cn": false,
	} {
		t.Setenv("OUTBOUND_CAS_URL", url)
		_, err := Load(NoFile, nil, true)
		if ok {
			require.NoError(t, err, url)
		} else {
			require.ErrorContains(t, err, "cas.url", url)
		}
	}
}

// setServices names the services a production process needs.
func setServices(t *testing.T) {
	t.Setenv("OUTBOUND_DATABASE_URL", "postgres://u:p@db:5432/outbound")
	t.Setenv("OUTBOUND_TEMPORAL_ADDRESS", "temporal:7233")
	t.Setenv("OUTBOUND_MINIO_ENDPOINT", "minio:9000")
	t.Setenv("OUTBOUND_MINIO_ACCESS_KEY", "k")
	t.Setenv("OUTBOUND_MINIO_SECRET_KEY", "s")
}

// setKeys gives the payload and field keys a production process needs.
func setKeys(t *testing.T) {
	t.Setenv("OUTBOUND_TEMPORAL_CODEC_KEYS", "k1:"+strings.Repeat("A", 43)+"=")
	t.Setenv("OUTBOUND_TEMPORAL_CODEC_KEY_ID", "k1")
	t.Setenv("OUTBOUND_DATABASE_FIELD_KEYS", "f1:"+strings.Repeat("B", 43)+"=")
	t.Setenv("OUTBOUND_DATABASE_FIELD_KEY_ID", "f1")
}

// TestTheWorkingFolderGivesOutboundYamlOnly: outbound.yaml in the working folder is read; the binary
// `go build ./cmd/outbound` leaves there, named just "outbound", is not taken for a configuration.
func TestTheWorkingFolderGivesOutboundYamlOnly(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	require.NoError(t, os.WriteFile("outbound", []byte("\x7fELF\x02\x01\x01\x00binary"), 0o755))
	c, err := Load("", nil, true)
	require.NoError(t, err, "a binary named outbound is no configuration")
	require.Equal(t, "8080", c.HTTP.Port)
	require.NoError(t, os.WriteFile("outbound.yaml", []byte("http:\n  port: \"9004\"\n"), 0o600))
	c, err = Load("", nil, true)
	require.NoError(t, err)
	require.Equal(t, "9004", c.HTTP.Port)
	require.NoError(t, os.WriteFile("outbound.yaml", []byte("http: [\n"), 0o600))
	_, err = Load("", nil, true)
	require.ErrorContains(t, err, "outbound.yaml")
}
