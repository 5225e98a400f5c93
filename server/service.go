// Package server wires Outbound's parts into running processes: the API
// server and the Temporal worker, over PostgreSQL, MinIO and Temporal.
package server

import (
	"context"
	"errors"
	"fmt"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"outbound/activities"
	"outbound/api"
	"outbound/config"
	"outbound/mailer"
	"outbound/payloadcodec"
	"outbound/service"
	"outbound/storage"
	"outbound/storage/blob"
	"outbound/webhook"
	"outbound/workflows"
)

// Services are the open connections of a process.
type Services struct {
	Config   *config.Config
	Store    *storage.Store
	Files    *blob.Store
	Temporal client.Client
	// Metrics holds the process's metrics, the Temporal SDK's among them.
	Metrics *prometheus.Registry
	// Codec encrypts the workflows' payloads; nil when no key is configured.
	Codec *payloadcodec.Codec
	// Mail e-mails notifications; nil when no SMTP server is configured.
	Mail *mailer.Sender

	handlers struct {
		once         sync.Once
		app, metrics http.Handler
	}
}

// Open connects to PostgreSQL, MinIO and Temporal.
func Open(ctx context.Context, cfg *config.Config) (*Services, error) {
	store, err := storage.Open(ctx, cfg.Database.URL, cfg.Database.MaxOpenConns, storage.FieldKeys{Keys: cfg.Database.FieldKeys, Current: cfg.Database.FieldKeyID})
	if err != nil {
		return nil, err
	}
	files, err := blob.New(cfg.MinIO.Endpoint, cfg.MinIO.AccessKey, cfg.MinIO.SecretKey, cfg.MinIO.Bucket, cfg.MinIO.UseSSL)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("minio: %w", err)
	}
	registry, metrics, err := newMetrics()
	if err != nil {
		store.Close()
		return nil, err
	}
	// The pool's waits say when requests queue for a connection rather than for PostgreSQL.
	registry.MustRegister(collectors.NewDBStatsCollector(store.DB.DB, "outbound"))
	codec, err := newCodec(cfg.Temporal)
	if err != nil {
		store.Close()
		return nil, err
	}
	mail, err := mailer.New(cfg.Mail, cfg.ApplicationURL)
	if err != nil {
		store.Close()
		return nil, err
	}
	conn, err := connectionOptions(cfg.Temporal)
	if err != nil {
		store.Close()
		return nil, err
	}
	options := client.Options{
		HostPort:          cfg.Temporal.Address,
		Namespace:         cfg.Temporal.Namespace,
		Logger:            tlog.NewStructuredLogger(slog.Default().With("component", "temporal")),
		MetricsHandler:    metrics,
		ConnectionOptions: conn,
	}
	if codec != nil {
		options.DataConverter = converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), codec)
		// Failure messages name people and addresses too: they are sealed like the payloads.
		options.FailureConverter = temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
			DataConverter: options.DataConverter, EncodeCommonAttributes: true})
	}
	tc, err := client.DialContext(ctx, options)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("temporal: %w", err)
	}
	return &Services{Config: cfg, Store: store, Files: files, Temporal: tc, Metrics: registry, Codec: codec, Mail: mail}, nil
}

// newCodec is the codec of the configured keys, or nil when payloads stay in clear.
func newCodec(cfg config.TemporalConfig) (*payloadcodec.Codec, error) {
	if cfg.CodecKeys == "" {
		return nil, nil
	}
	keys, err := payloadcodec.ParseKeys(cfg.CodecKeys)
	if err != nil {
		return nil, fmt.Errorf("temporal.codec_keys: %w", err)
	}
	return payloadcodec.New(cfg.CodecKeyID, keys)
}

// Close releases the connections.
func (s *Services) Close() {
	s.Temporal.Close()
	s.Store.Close()
}

// NewWorker builds the worker of the application workflows and their activities.
func (s *Services) NewWorker() worker.Worker {
	// Stopped, the worker finishes what it holds before it exits, so that a rolling restart at a
	// deadline leaves no workflow task to time out and be retried elsewhere.
	// Workflow task pollers scale with the backlog the server reports: two fixed pollers left a
	// deadline's tasks waiting a second or more for a worker. Without a bound on what is handed to
	// the engine, more pollers took more tasks than the database pool serves; the APIs' turns
	// (temporal.messages_at_once) now bound it (docs/benchmarks.md).
	w := worker.New(s.Temporal, s.Config.Temporal.TaskQueue, worker.Options{WorkerStopTimeout: 10 * time.Second,
		WorkflowTaskPollerBehavior: worker.NewPollerBehaviorAutoscaling(worker.PollerBehaviorAutoscalingOptions{})})
	w.RegisterWorkflowWithOptions(workflows.Application, workflow.RegisterOptions{Name: workflows.WorkflowName})
	w.RegisterWorkflowWithOptions(workflows.Housekeeping, workflow.RegisterOptions{Name: workflows.HousekeepingWorkflowName})
	w.RegisterWorkflowWithOptions(workflows.Mailer, workflow.RegisterOptions{Name: workflows.MailerWorkflowName})
	w.RegisterWorkflowWithOptions(workflows.SelectionRound, workflow.RegisterOptions{Name: workflows.RoundName})
	w.RegisterWorkflowWithOptions(workflows.EventDelivery, workflow.RegisterOptions{Name: workflows.EventDeliveryWorkflowName})
	(&activities.Activities{Store: s.Store, Files: s.Files, Mail: s.Mail, PublicityWorkingDay: s.Config.Process.PublicityWorkingDay,
		KeepClosedFor: s.Config.Retention.ClosedAfter, Events: webhook.NewSender(s.Config.Events.Timeout)}).Register(w)
	return w
}

// Service is the application service over the connections.
func (s *Services) Service() *service.Service {
	return service.New(s.Config, s.Store, s.Files, s.Temporal)
}

// Handler is the HTTP API.
func (s *Services) Handler() http.Handler {
	s.buildHandlers()
	return s.handlers.app
}

// MetricsHandler answers the API's metrics (its requests, the Temporal client's calls, the
// database pool, the runtime); ServeHTTP serves it on http.metrics_listen.
func (s *Services) MetricsHandler() http.Handler {
	s.buildHandlers()
	return s.handlers.metrics
}

func (s *Services) buildHandlers() {
	s.handlers.once.Do(func() {
		var codec converter.PayloadCodec
		if s.Codec != nil {
			codec = s.Codec
		}
		s.handlers.app, s.handlers.metrics = api.New(api.Deps{Config: s.Config, Service: s.Service(), Codec: codec, Ready: s.probes(), Metrics: s.Metrics})
	})
}

// probes check each dependency by name: the API's /readyz and the worker's /healthz.
func (s *Services) probes() map[string]func(context.Context) error {
	return map[string]func(context.Context) error{
		"postgres": s.Store.DB.PingContext,
		"temporal": func(ctx context.Context) error {
			_, err := s.Temporal.CheckHealth(ctx, nil)
			return err
		},
		"minio": s.Files.Ping,
	}
}

// ServeHTTP runs the API on the configured address until ctx ends, then drains it.
func (s *Services) ServeHTTP(ctx context.Context, ready chan<- string) error {
	l, err := net.Listen("tcp", s.Config.ListenAddr())
	if err != nil {
		return fmt.Errorf("http.port: %w", err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 2)
	if addr := s.Config.HTTP.MetricsListen; addr != "" {
		ml, err := net.Listen("tcp", addr)
		if err != nil {
			l.Close()
			return fmt.Errorf("http.metrics_listen: %w", err)
		}
		metrics := &http.Server{Handler: s.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second}
		go func() { errc <- metrics.Serve(ml) }()
		defer metrics.Close()
	}
	if ready != nil {
		ready <- l.Addr().String()
	}
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
