package main

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"outbound/config"
	"outbound/devstack"
	"outbound/server"
	"outbound/storage/demo"
	"outbound/workflows"
)

func devCommand(load loader) *cobra.Command {
	return &cobra.Command{
		Use:   "dev",
		Short: "run everything on this machine: PostgreSQL, Temporal, MinIO, the worker and the API, with demo data",
		RunE: func(c *cobra.Command, _ []string) error {
			cfg, err := load(c, true)
			if err != nil {
				return err
			}
			ctx, stop := signalContext()
			defer stop()
			start := time.Now()
			// Workflow payloads are encrypted here too; the Temporal UI decodes them through the API, for administrators.
			if cfg.Temporal.CodecKeys == "" {
				key, err := devstack.DevCodecKey(cfg.DataDir)
				if err != nil {
					return err
				}
				cfg.Temporal.CodecKeys, cfg.Temporal.CodecKeyID = "dev:"+key, "dev"
			}
			// Identity numbers are sealed at rest here too.
			if cfg.Database.FieldKeys == "" {
				key, err := devstack.DevFieldKey(cfg.DataDir)
				if err != nil {
					return err
				}
				cfg.Database.FieldKeys, cfg.Database.FieldKeyID = "dev:"+key, "dev"
			}
			stack, err := devstack.Start(ctx, devstack.Options{
				UICodecEndpoint: cfg.APIURL() + "/api/v1/temporal-codec",
				DataDir:         cfg.DataDir, Progress: os.Stdout, AllowInstall: true,
				DatabaseURL: cfg.Database.URL, TemporalAddress: cfg.Temporal.Address,
				MinIOEndpoint: cfg.MinIO.Endpoint, MinIOAccessKey: cfg.MinIO.AccessKey, MinIOSecretKey: cfg.MinIO.SecretKey, MinIOUseSSL: cfg.MinIO.UseSSL,
				TemporalNamespace: cfg.Temporal.Namespace, Bucket: cfg.MinIO.Bucket, SearchAttributes: workflows.SearchAttributeTypes,
				NoMail: cfg.Mail.Enabled(), MailLater: true,
			})
			if err != nil {
				return err
			}
			defer func() {
				fmt.Println("stopping…")
				stack.Stop()
				fmt.Println("stopped")
			}()
			stack.Configure(cfg)
			if cfg.UI.UniversityName == "" {
				cfg.UI.UniversityName = "示范大学" // the demo's university, until ui.university_name names the real one
			}
			svc, err := server.Open(ctx, cfg)
			if err != nil {
				return err
			}
			defer svc.Close()
			if err := svc.Store.Migrate(ctx, "up", io.Discard); err != nil {
				return fmt.Errorf("migrate: %w", err)
			}
			if err := demo.Seed(ctx, svc.Store, svc.Files, time.Now()); err != nil {
				return fmt.Errorf("demo data: %w", err)
			}
			ready := make(chan string, 1)
			errc := make(chan error, 1)
			go func() { errc <- runProcesses(ctx, svc, ready) }()
			select {
			case <-ready:
				printWelcome(cfg, stack, time.Since(start))
			case err := <-errc:
				return err
			}
			watch := time.NewTicker(2 * time.Second)
			defer watch.Stop()
			for {
				select {
				case err := <-errc:
					return err
				case <-watch.C:
					if err := stack.Failed(); err != nil {
						stop()
						<-errc
						return err
					}
				}
			}
		},
	}
}

func printWelcome(cfg *config.Config, s *devstack.Stack, took time.Duration) {
	fmt.Printf("\nOutbound is ready (%s).\n\n", took.Round(100*time.Millisecond))
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "  Web UI\t%s/\n", cfg.APIURL())
	fmt.Fprintf(w, "  API\t%s/api/v1  (OpenAPI: %s/api/v1/openapi.yaml)\n", cfg.APIURL(), cfg.APIURL())
	fmt.Fprintf(w, "  Health\t%s/readyz\n", cfg.APIURL())
	if cfg.Temporal.UIURL != "" {
		fmt.Fprintf(w, "  Temporal UI\t%s\n", cfg.Temporal.UIURL)
	}
	if cfg.MinIO.ConsoleURL != "" {
		fmt.Fprintf(w, "  MinIO console\t%s  (user %s, password in %s/minio-credentials)\n", cfg.MinIO.ConsoleURL, s.MinIOAccessKey, cfg.DataDir)
	}
	switch {
	case s.MailpitLater:
		fmt.Fprintf(w, "  E-mail inbox\t%s  (Mailpit: every e-mail the system sends; being built once, it opens in a few minutes)\n", s.MailpitURL)
	case s.MailpitURL != "":
		fmt.Fprintf(w, "  E-mail inbox\t%s  (Mailpit: every e-mail the system sends)\n", s.MailpitURL)
	}
	fmt.Fprintf(w, "  Data and logs\t%s\n", cfg.DataDir)
	w.Flush()
	fmt.Printf("\nDemo logins (password %s):\n", demo.Password)
	w = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	for _, l := range demo.Logins {
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", l.Username, l.Role, l.Name, l.College)
	}
	w.Flush()
	fmt.Println("\nPress Ctrl-C to stop.")
}
