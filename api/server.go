// Package api is Outbound's HTTP interface: the JSON API under /api/v1 for
// students, reviewers and administrators, health and metrics, and the web UI.
package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/converter"

	"outbound/config"
	"outbound/process"
	"outbound/service"
	"outbound/web"
	"outbound/workflows"
)

// Deps are what the API talks to.
type Deps struct {
	Config  *config.Config
	Service *service.Service
	// Ready probes each dependency by name, for /readyz.
	Ready map[string]func(context.Context) error
	// Codec decodes workflow payloads for the Temporal UI (administrators only); nil when none.
	Codec converter.PayloadCodec
	// Metrics are the process's (the Go runtime's and the Temporal client's), served with the API's own.
	Metrics prometheus.Gatherer
}

// Server holds the dependencies of the handlers.
type Server struct {
	Deps
	metrics *metrics
}

const ctxRequestID = "request_id"

// New builds the HTTP handler of the API and the web UI, and the handler of its metrics, which is
// served on a listener of its own (http.metrics_listen): the public side has no /metrics.
func New(d Deps) (app, metrics http.Handler) {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{Deps: d, metrics: newMetrics()}
	s.metrics.registerTurns(d.Service)
	r := gin.New()
	// X-Forwarded-For is believed only from the configured proxies (checked in config), so that
	// nobody picks their own address for the sign-in throttle or the audit log.
	if err := r.SetTrustedProxies(d.Config.HTTP.Proxies()); err != nil {
		slog.Error("http.trusted_proxies", "error", err)
	}
	// Only the header the proxies are told to set: X-Real-IP is not theirs to pass on.
	r.RemoteIPHeaders = []string{"X-Forwarded-For"}
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	r.Use(s.requestID, s.recovery, s.logRequests, securityHeaders)
	r.NoRoute(func(c *gin.Context) { fail(c, service.NotFound("页面或接口")) })
	r.NoMethod(func(c *gin.Context) { fail(c, errMethodNotAllowed) })

	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, map[string]string{"status": "ok"}) })
	r.GET("/readyz", s.ready)
	gatherers := prometheus.Gatherers{s.metrics.registry}
	if d.Metrics != nil {
		gatherers = append(gatherers, d.Metrics)
	}
	r.GET("/api/v1/openapi.yaml", func(c *gin.Context) { c.Data(http.StatusOK, "application/yaml; charset=utf-8", OpenAPI) })

	v1 := r.Group("/api/v1")
	// Answers carry personal data: no cache, shared or the browser's own, keeps them.
	v1.Use(func(c *gin.Context) { c.Header("Cache-Control", "no-store"); c.Next() })
	for _, rt := range s.routes() {
		handlers := []gin.HandlerFunc{s.timeout}
		if rt.transfer {
			handlers = []gin.HandlerFunc{s.progressDeadlines}
		}
		if rt.readOnly {
			handlers = append(handlers, func(c *gin.Context) { c.Set(ctxReadOnly, true) })
		}
		switch {
		case rt.visitors:
			handlers = append(handlers, s.maybeAuthenticate)
		case !rt.public:
			handlers = append(handlers, s.authenticate, allow(rt.roles...))
		}
		v1.Handle(rt.method, rt.path, append(handlers, rt.handler)...)
	}
	r.OPTIONS("/api/v1/temporal-codec/:op", s.codecPreflight)
	web.Mount(r)
	return r, promhttp.HandlerFor(gatherers, promhttp.HandlerOpts{})
}

// route is one endpoint and the roles that may call it. Ownership and scope
// are checked in the handler, against the resource it loads.
type route struct {
	method string
	path   string
	public bool
	// visitors: answered without a session too (the service decides what a visitor sees).
	visitors bool
	roles    []process.Role
	handler  gin.HandlerFunc
	// transfer moves a file: bounded by progress, not by http.request_timeout.
	transfer bool
	// readOnly is a POST that changes nothing, called from another origin: no CSRF token.
	readOnly bool
}

var (
	anyone   = process.Roles
	students = []process.Role{process.RoleStudent}
	// deciders review stages; reviewers are they and the administrators, who see every queue.
	deciders  = process.RolesWhere(func(r process.RoleSpec) bool { return r.Decides })
	reviewers = process.RolesWhere(func(r process.RoleSpec) bool { return r.Decides || r.Scope == process.ScopeAll })
	// publishers manage projects (外事部门 publishes them).
	publishers = process.RolesWhere(func(r process.RoleSpec) bool { return r.Publishes })
	admins     = process.RolesWhere(func(r process.RoleSpec) bool { return r.Scope == process.ScopeAll })
	offices    = process.RolesWhere(func(r process.RoleSpec) bool { return r.Dashboard })
	// statisticians read the statistics: the offices of every college, a college's reviewers of theirs.
	statisticians = process.RolesWhere(func(r process.RoleSpec) bool { return r.Dashboard || r.Statistics })
	// dutyKeepers keep the duty list: the office that publishes projects (外事部门), and the administrators.
	dutyKeepers = process.RolesWhere(func(r process.RoleSpec) bool { return r.Publishes || r.Scope == process.ScopeAll })
	// colleges rank their candidates; selectors see a round's board (the office, the colleges, the administrators).
	colleges = process.RolesWhere(func(r process.RoleSpec) bool { return r.Scope == process.ScopeCollege && r.Decides })
	// courseKeepers keep the home course catalogue and the grade conversion tables (教务处, 研究生院, administrators).
	courseKeepers = process.RolesWhere(func(r process.RoleSpec) bool { return r.Courses })
	// roundOffice runs the rounds: the office that publishes projects and decides (外事部门).
	roundOffice = process.RolesWhere(func(r process.RoleSpec) bool { return r.Publishes && r.Decides })
	selectors   = process.RolesWhere(func(r process.RoleSpec) bool {
		return r.Publishes || r.Scope == process.ScopeCollege && r.Decides || r.Scope == process.ScopeAll
	})
)

// routes is the route table: every endpoint with its roles, in one place.
func (s *Server) routes() []route {
	return []route{
		{method: "POST", path: "/auth/login", public: true, handler: ok(s.login)},
		{method: "GET", path: "/auth/config", public: true, handler: ok(s.authConfig)},
		{method: "GET", path: "/auth/cas/login", public: true, handler: s.casLogin},
		{method: "GET", path: "/auth/cas/callback", public: true, handler: s.casCallback},
		{method: "GET", path: "/auth/cas/logout", public: true, handler: s.casLogout},
		{method: "POST", path: "/auth/logout", roles: anyone, handler: noContent(s.logout)},
		{method: "GET", path: "/me", roles: anyone, handler: ok(s.me)},
		{method: "POST", path: "/me/password", roles: anyone, handler: noContent(s.changePassword)},
		{method: "GET", path: "/process", roles: anyone, handler: ok(s.getRules)},

		{method: "GET", path: "/profile", roles: students, handler: ok(s.getProfile)},
		{method: "PUT", path: "/profile", roles: students, handler: ok(s.putProfile)},
		{method: "POST", path: "/profile/learning-experiences", roles: students, handler: created(s.saveLearning)},
		{method: "PUT", path: "/profile/learning-experiences/:eid", roles: students, handler: ok(s.saveLearning)},
		{method: "DELETE", path: "/profile/learning-experiences/:eid", roles: students, handler: noContent(s.deleteLearning)},
		{method: "PUT", path: "/profile/photo", roles: students, handler: ok(s.putPhoto), transfer: true},
		{method: "GET", path: "/profile/photo", roles: students, handler: s.getPhoto, transfer: true},

		{method: "GET", path: "/projects", roles: anyone, handler: ok(s.listProjects)},
		{method: "GET", path: "/projects/:pid", roles: anyone, handler: ok(s.getProject)},
		{method: "POST", path: "/projects", roles: publishers, handler: created(s.saveProject)},
		{method: "PUT", path: "/projects/:pid", roles: publishers, handler: ok(s.saveProject)},
		{method: "POST", path: "/projects/:pid/publish", roles: publishers, handler: ok(s.publishProject(true))},
		{method: "POST", path: "/projects/:pid/unpublish", roles: publishers, handler: ok(s.publishProject(false))},
		{method: "POST", path: "/projects/:pid/copy", roles: publishers, handler: created(s.copyProject)},
		{method: "GET", path: "/colleges", roles: anyone, handler: ok(s.listColleges)},
		{method: "POST", path: "/colleges", roles: admins, handler: created(s.createCollege)},
		{method: "PUT", path: "/colleges/:code", roles: admins, handler: ok(s.renameCollege)},
		{method: "GET", path: "/colleges/template", roles: admins, handler: collegeTemplate},
		{method: "POST", path: "/colleges/import", roles: admins, handler: ok(s.importColleges), transfer: true},
		{method: "GET", path: "/notice", roles: anyone, handler: ok(s.getNotice)},
		{method: "PUT", path: "/notice", roles: publishers, handler: ok(s.putNotice)},
		{method: "GET", path: "/opinion-phrases", roles: reviewers, handler: ok(s.getOpinionPhrases)},
		{method: "PUT", path: "/opinion-phrases", roles: publishers, handler: ok(s.putOpinionPhrases)},

		{method: "POST", path: "/applications", roles: students, handler: created(s.createApplication)},
		{method: "GET", path: "/applications", roles: anyone, handler: ok(s.listApplications)},
		{method: "GET", path: "/applications/:id", roles: anyone, handler: ok(s.getApplication)},
		{method: "GET", path: "/applications/:id/next", roles: anyone, handler: ok(s.nextStep)},
		{method: "PUT", path: "/applications/:id/basic-info", roles: students, handler: ok(s.putBasicInfo)},
		{method: "PUT", path: "/applications/:id/apply-info", roles: students, handler: ok(s.putApplyInfo)},
		{method: "PUT", path: "/applications/:id/travel-info", roles: students, handler: ok(s.putTravelInfo)},
		{method: "POST", path: "/applications/:id/language-scores", roles: students, handler: created(s.saveLanguageScore)},
		{method: "PUT", path: "/applications/:id/language-scores/:sid", roles: students, handler: ok(s.saveLanguageScore)},
		{method: "DELETE", path: "/applications/:id/language-scores/:sid", roles: students, handler: noContent(s.deleteLanguageScore)},
		{method: "POST", path: "/applications/:id/awards", roles: students, handler: created(s.saveAward)},
		{method: "PUT", path: "/applications/:id/awards/:wid", roles: students, handler: ok(s.saveAward)},
		{method: "DELETE", path: "/applications/:id/awards/:wid", roles: students, handler: noContent(s.deleteAward)},
		{method: "POST", path: "/applications/:id/attachments", roles: students, handler: created(s.uploadAttachment), transfer: true},
		{method: "DELETE", path: "/applications/:id/attachments/:aid", roles: students, handler: noContent(s.deleteAttachment)},
		{method: "GET", path: "/applications/:id/attachments/:aid", roles: anyone, handler: s.downloadAttachment, transfer: true},
		{method: "GET", path: "/applications/:id/photo", roles: anyone, handler: s.applicantPhoto, transfer: true},
		{method: "GET", path: "/applications/:id/qr", roles: anyone, handler: s.applicationQR},
		{method: "POST", path: "/applications/:id/supplements", roles: students, handler: created(s.supplement), transfer: true},
		{method: "POST", path: "/applications/:id/submit", roles: students, handler: ok(s.message(process.MsgSubmit))},
		{method: "POST", path: "/applications/:id/withdraw", roles: students, handler: ok(s.message(process.MsgWithdraw))},
		{method: "POST", path: "/applications/:id/delete", roles: students, handler: ok(s.message(process.MsgDelete))},
		{method: "POST", path: "/applications/:id/submit-predeparture", roles: students, handler: ok(s.message(process.MsgSubmitPredeparture))},
		{method: "POST", path: "/applications/:id/submit-return-report", roles: students, handler: ok(s.message(process.MsgSubmitReturnReport))},
		{method: "POST", path: "/applications/:id/give-up", roles: students, handler: ok(s.giveUp)},
		{method: "POST", path: "/applications/:id/check-in", roles: students, handler: ok(s.checkIn)},
		{method: "POST", path: "/applications/:id/change-requests", roles: students, handler: ok(s.requestChange)},
		{method: "POST", path: "/applications/:id/return", roles: students, handler: ok(s.reportReturn)},
		{method: "POST", path: "/applications/:id/change-requests/decide", roles: deciders, handler: ok(s.decideChange)},
		{method: "POST", path: "/applications/:id/passport-returned", roles: []process.Role{process.PassportKeeper}, handler: ok(s.passportReturned)},
		{method: "POST", path: "/applications/:id/decide", roles: deciders, handler: ok(s.decide)},
		{method: "GET", path: "/applications/:id/credit-lines", roles: anyone, handler: ok(s.creditLines)},
		{method: "PUT", path: "/applications/:id/credit-lines", roles: students, handler: ok(s.saveCreditLines)},
		{method: "POST", path: "/applications/:id/submit-credits", roles: students, handler: ok(s.message(process.MsgSubmitCredits))},
		{method: "GET", path: "/home-courses", roles: anyone, handler: ok(s.homeCourses)},
		{method: "POST", path: "/home-courses/import", roles: courseKeepers, handler: ok(s.importHomeCourses), transfer: true},
		{method: "GET", path: "/grade-conversions", roles: anyone, handler: ok(s.gradeConversions)},
		{method: "POST", path: "/grade-conversions/import", roles: courseKeepers, handler: ok(s.importGradeConversions), transfer: true},
		{method: "GET", path: "/exports/credits.xlsx", roles: reviewers, handler: s.exportCredits, transfer: true},

		{method: "GET", path: "/reviews", roles: reviewers, handler: ok(s.reviewQueue)},
		{method: "POST", path: "/reviews/batch-approve", roles: deciders, handler: ok(s.batchApprove)},
		{method: "GET", path: "/exports/applications.xlsx", roles: reviewers, handler: s.exportApplications, transfer: true},
		{method: "GET", path: "/dashboard", roles: offices, handler: ok(s.dashboard)},
		{method: "GET", path: "/statistics", roles: statisticians, handler: ok(s.statistics)},
		{method: "GET", path: "/statistics/report.xlsx", roles: statisticians, handler: s.statisticsReport, transfer: true},
		{method: "GET", path: "/event-endpoints", roles: admins, handler: ok(s.eventEndpoints)},
		{method: "POST", path: "/event-endpoints", roles: admins, handler: created(s.saveEventEndpoint)},
		{method: "PUT", path: "/event-endpoints/:eid", roles: admins, handler: ok(s.saveEventEndpoint)},
		{method: "POST", path: "/event-endpoints/:eid/rotate-secret", roles: admins, handler: ok(s.rotateEventSecret)},
		{method: "GET", path: "/event-endpoints/:eid/deliveries", roles: admins, handler: ok(s.eventDeliveries)},
		{method: "POST", path: "/event-endpoints/:eid/redeliver", roles: admins, handler: ok(s.redeliverEvents)},
		{method: "GET", path: "/partners", roles: reviewers, handler: ok(s.partners)},
		{method: "POST", path: "/partners", roles: publishers, handler: created(s.savePartner)},
		{method: "PUT", path: "/partners/:pid", roles: publishers, handler: ok(s.savePartner)},
		{method: "GET", path: "/abroad", roles: reviewers, handler: ok(s.abroad)},
		{method: "GET", path: "/exports/abroad.xlsx", roles: reviewers, handler: s.exportAbroad, transfer: true},
		{method: "GET", path: "/duty-contacts", roles: dutyKeepers, handler: ok(s.dutyContacts)},
		{method: "PUT", path: "/duty-contacts", roles: dutyKeepers, handler: ok(s.setDutyContacts)},
		{method: "GET", path: "/calendar-days", roles: dutyKeepers, handler: ok(s.calendarDays)},
		{method: "PUT", path: "/calendar-days/:year", roles: dutyKeepers, handler: ok(s.setCalendarDays)},

		{method: "GET", path: "/selection-rounds", roles: selectors, handler: ok(s.rounds)},
		{method: "GET", path: "/projects/:pid/selection", roles: selectors, handler: ok(s.board)},
		{method: "POST", path: "/projects/:pid/selection/rank", roles: colleges, handler: ok(s.roundAction(workflows.RoundRank))},
		{method: "POST", path: "/projects/:pid/selection/interviews", roles: roundOffice, handler: ok(s.roundAction(workflows.RoundInterview))},
		{method: "POST", path: "/projects/:pid/selection/scores", roles: roundOffice, handler: ok(s.roundAction(workflows.RoundScore))},
		{method: "POST", path: "/projects/:pid/selection/proposal", roles: roundOffice, handler: ok(s.roundAction(workflows.RoundPropose))},
		{method: "POST", path: "/projects/:pid/selection/objections/resolve", roles: roundOffice, handler: ok(s.roundAction(workflows.RoundResolve))},
		{method: "GET", path: "/publicity", visitors: true, handler: ok(s.publicityIndex)},
		{method: "GET", path: "/publicity/:rid", visitors: true, handler: ok(s.publicityPage)},
		{method: "POST", path: "/publicity/:rid/objections", roles: anyone, handler: noContent(s.object)},
		{method: "GET", path: "/publicity/:rid/export.xlsx", roles: anyone, handler: s.exportPublicity, transfer: true},

		{method: "GET", path: "/accounts", roles: admins, handler: ok(s.listAccounts)},
		{method: "POST", path: "/accounts", roles: admins, handler: created(s.createAccount)},
		{method: "PUT", path: "/accounts/:aid", roles: admins, handler: ok(s.updateAccount)},
		{method: "POST", path: "/accounts/:aid/password", roles: admins, handler: noContent(s.resetPassword)},
		{method: "GET", path: "/roster/template", roles: admins, handler: s.rosterTemplate},
		{method: "POST", path: "/roster/import", roles: admins, handler: ok(s.importRoster), transfer: true},
		{method: "POST", path: "/temporal-codec/:op", roles: admins, handler: s.temporalCodec, readOnly: true},
		{method: "GET", path: "/audit", roles: admins, handler: ok(s.auditLog)},
		{method: "GET", path: "/notifications", roles: anyone, handler: ok(s.listNotifications)},
		{method: "GET", path: "/notifications/unread", roles: anyone, handler: ok(s.unreadCount)},
		{method: "POST", path: "/notifications/:nid/read", roles: anyone, handler: noContent(s.readNotification)},
		{method: "POST", path: "/notifications/read-all", roles: anyone, handler: ok(s.readAllNotifications)},
	}
}

func (s *Server) requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if id == "" || len(id) > 64 {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Set(ctxRequestID, id)
	c.Header("X-Request-ID", id)
	c.Next()
}

// recovery turns a panic into the one error shape; the stack goes to the log, never to the client.
func (s *Server) recovery(c *gin.Context) {
	defer func() {
		if p := recover(); p != nil {
			slog.Error("panic", "panic", p, "path", c.Request.URL.Path, "request_id", c.GetString(ctxRequestID))
			fail(c, service.ErrInternal)
		}
	}()
	c.Next()
}

func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	status := c.Writer.Status()
	s.metrics.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(status)).Inc()
	s.metrics.latency.WithLabelValues(c.Request.Method, route).Observe(time.Since(start).Seconds())
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelWarn
	}
	slog.Log(c.Request.Context(), level, "http", "method", c.Request.Method, "path", c.Request.URL.Path, "status", status,
		"duration_ms", time.Since(start).Milliseconds(), "request_id", c.GetString(ctxRequestID), "client", c.ClientIP())
}

func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
	c.Next()
}

// timeout bounds a request so that a stuck dependency answers 503 rather than hanging.
func (s *Server) timeout(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.Config.HTTP.RequestTimeout)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "outbound_http_requests_total", Help: "HTTP requests by route and status."}, []string{"method", "route", "status"}),
		latency:  prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "outbound_http_request_seconds", Help: "HTTP request latency.", Buckets: prometheus.DefBuckets}, []string{"method", "route"}),
	}
	m.registry.MustRegister(m.requests, m.latency)
	return m
}

// registerTurns serves what the service says of its messages' turns: how many wait now, and the
// turns given and their waits, whose ratio is the mean wait.
func (m *metrics) registerTurns(svc *service.Service) {
	m.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "outbound_messages_waiting", Help: "Messages to workflows waiting for their turn (temporal.messages_at_once)."},
			func() float64 { return float64(svc.Turns().Waiting) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "outbound_message_turns_total", Help: "Messages to workflows given their turn."},
			func() float64 { return float64(svc.Turns().Taken) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "outbound_message_turn_wait_seconds_total", Help: "Time messages waited for their turn, in all."},
			func() float64 { return svc.Turns().Waited.Seconds() }),
	)
}

// RouteRule is an endpoint and who may call it, for the authorization tests.
type RouteRule struct {
	Method, Path string
	Public       bool
	Roles        []process.Role
}

// RouteRules lists the route table without handlers.
func RouteRules() []RouteRule {
	var s Server
	var out []RouteRule
	for _, r := range s.routes() {
		out = append(out, RouteRule{Method: r.method, Path: r.path, Public: r.public || r.visitors, Roles: r.roles})
	}
	return out
}
