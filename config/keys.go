package config

// Key is a configuration key, declared once: its name, its embedded default and what it means.
type Key struct {
	Name        string
	Default     any
	Description string
}

// Keys lists every key; the defaults, the flags' usage and the README's table derive from it.
var Keys = []Key{
	{"data_dir", ".outbound",
		"folder for the dev stack's data and logs"},
	{"http.host", "127.0.0.1",
		"address the API listens on"},
	{"http.port", "8080",
		"port the API listens on"},
	{"http.public_url", "",
		"URL browsers use to reach the API (default http://host:port)"},
	{"http.request_timeout", "15s",
		"upper bound for one request"},
	{"http.trusted_proxies", "",
		"reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma-separated); empty believes none"},
	{"http.metrics_listen", "",
		"address where an API serves /metrics, apart from its public listener (e.g. 0.0.0.0:9464 inside a private network); empty serves none"},
	{"database.url", "",
		"PostgreSQL URL; empty in dev starts a private cluster"},
	{"database.max_open_conns", 20,
		"connection pool size"},
	{"temporal.address", "",
		"Temporal frontend host:port; empty in dev starts the dev server"},
	{"temporal.namespace", "default",
		"Temporal namespace"},
	{"temporal.task_queue", "outbound",
		"task queue of the application workflows"},
	{"temporal.ui_url", "",
		"Temporal Web UI, linked for administrators"},
	{"temporal.codec_keys", "",
		"keys that encrypt workflow payloads in Temporal's history, as id:base64 of 32 bytes, comma-separated (a secret)"},
	{"temporal.codec_key_id", "",
		"the key of temporal.codec_keys that encrypts new payloads; the others still decrypt"},
	{"temporal.tls_cert", "",
		"client certificate (PEM file) presented to Temporal for mutual TLS; empty talks plain gRPC"},
	{"temporal.tls_key", "",
		"private key (PEM file) of temporal.tls_cert"},
	{"temporal.tls_ca", "",
		"CA certificates (PEM file) that sign the Temporal frontend's certificate; empty trusts the system's"},
	{"temporal.tls_server_name", "",
		"name expected in the frontend's certificate (default: the host of temporal.address)"},
	{"minio.endpoint", "",
		"MinIO host:port; empty in dev starts MinIO"},
	{"minio.access_key", "",
		"MinIO access key (required outside dev)"},
	{"minio.secret_key", "",
		"MinIO secret key (required outside dev)"},
	{"minio.bucket", "outbound",
		"bucket for every file"},
	{"minio.use_ssl", false,
		"talk to MinIO over TLS"},
	{"minio.console_url", "",
		"MinIO console URL, printed by dev"},
	{"auth.session_ttl", "12h",
		"how long a sign-in lasts"},
	{"auth.cookie_secure", false,
		"mark the session cookie Secure (behind HTTPS)"},
	{"auth.login_per_minute", 20,
		"sign-in attempts allowed per client address and minute"},
	{"retention.closed_after", "43800h",
		"how long the personal data of a closed application, and of a student who left, is kept before it is erased (audited); 0s keeps it"},
	{"upload.max_bytes", 10 << 20,
		"largest file when a project sets no limit"},
	{"upload.quota_bytes", 200 << 20,
		"what one person's files may take in all; an upload past it is refused and nothing is stored"},
	{"process.review_deadline", "168h",
		"time a review stage may take before it is overdue"},
	{"process.review_reminder", "48h",
		"reminder to reviewers this long after a stage starts"},
	{"process.window_reminder", "24h",
		"reminder to drafts this long before the window closes"},
	{"process.return_report_due", "336h",
		"return report due this long after the return date"},
	{"process.return_report_warning", "72h",
		"reminder this long before the return report is due"},
	{"process.correction_due", "120h",
		"time a student has to resubmit an application a reviewer returned (退回) before it expires"},
	{"process.correction_reminder", "24h",
		"reminder this long before a correction is due"},
	{"process.arrival_check_in", "48h",
		"the stay abroad: the arrival check-in (报平安) is due this long after the departure date"},
	{"process.check_in_every", "336h",
		"the stay abroad: a check-in is due this long after the last one"},
	{"process.check_in_grace", "24h",
		"the stay abroad: a check-in this late alerts the foreign affairs office and its duty list"},
	{"process.passport_return_days", "5",
		"证照交还: working days after the return date within which an 因公护照 goes back to the foreign affairs office"},
	{"process.publicity_working_day", "0s",
		"drills and tests only: a working day of a 公示 lasts this long instead of following the office's calendar; 0s follows the calendar"},
	{"cas.url", "",
		"CAS server base URL, https (plain http only to this machine); empty disables 统一身份认证"},
	{"cas.provision", ProvisionRoster,
		"roster: only accounts in the roster sign in; attributes: sign-in creates or updates the account"},
	{"cas.number_attribute", "",
		"CAS attribute with the 学号/工号; empty tries studentNumber, employeeNumber, uid, then the CAS user"},
	{"cas.name_attribute", "cn",
		"CAS attribute with the person's name"},
	{"cas.college_attribute", "college",
		"CAS attribute with the college, by code or name"},
	{"cas.role_attribute", "userType",
		"CAS attribute saying what kind of person signs in"},
	{"cas.role_values", "student=student,本科生=student,研究生=student,硕士研究生=student,博士研究生=student",
		"role attribute values that are provisioned, as value=role pairs"},
	{"worker.listen", "127.0.0.1:9090",
		"address where a worker serves /metrics and /healthz; empty serves nothing"},
	{"mail.smtp_host", "",
		"SMTP server that e-mails notifications; empty sends no e-mail (make run starts Mailpit)"},
	{"mail.smtp_port", 587,
		"SMTP port (587 for starttls, 465 for tls)"},
	{"mail.username", "",
		"SMTP user; empty sends without signing in"},
	{"mail.password", "",
		"SMTP password (a secret)"},
	{"mail.from", "外事综合服务系统 <noreply@localhost>",
		"sender of the e-mails, an address or 名称 <address>"},
	{"mail.tls", MailSTARTTLS,
		"starttls (required), tls (implicit), opportunistic or none"},
	{"mail.every", "30s",
		"how often notifications are e-mailed (one e-mail per person per run)"},
	{"ui.university_name", "",
		"the university's name in the header and on the sign-in page"},
	{"ui.logo_url", "",
		"the university's logo in the header (a URL the browser can load); empty shows a plain emblem"},
	{"log.level", "info",
		"debug, info, warn or error"},
}

// Defaults are the embedded values a fresh machine runs with.
var Defaults = func() map[string]any {
	out := make(map[string]any, len(Keys))
	for _, k := range Keys {
		out[k.Name] = k.Default
	}
	return out
}()

// Descriptions document each key; the README's table is generated from the same words.
var Descriptions = func() map[string]string {
	out := make(map[string]string, len(Keys))
	for _, k := range Keys {
		out[k.Name] = k.Description
	}
	return out
}()
