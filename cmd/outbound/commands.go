package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"outbound/server"
)

// serve runs a process of production: the configuration read and checked,
// the services opened, then run until Ctrl-C or SIGTERM.
func serve(load loader, run func(ctx context.Context, svc *server.Services) error) func(*cobra.Command, []string) error {
	return func(c *cobra.Command, _ []string) error {
		cfg, err := load(c, false)
		if err != nil {
			return err
		}
		ctx, stop := signalContext()
		defer stop()
		if path, _ := c.Flags().GetString("cpu-profile"); path != "" {
			// For the benchmarks: a CPU profile of the process until it stops.
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
			defer pprof.StopCPUProfile()
		}
		svc, err := server.Open(ctx, cfg)
		if err != nil {
			return err
		}
		defer svc.Close()
		return run(ctx, svc)
	}
}

func apiCommand(load loader) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "api",
		Short: "serve the HTTP API and web UI",
		RunE: serve(load, func(ctx context.Context, svc *server.Services) error {
			return svc.ServeHTTP(ctx, nil)
		}),
	}
	cmd.Flags().String("cpu-profile", "", "write a CPU profile of the process to this file until it stops")
	return cmd
}

func workerCommand(load loader) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "run the Temporal worker of the application workflows",
		RunE: serve(load, func(ctx context.Context, svc *server.Services) error {
			w := svc.NewWorker()
			if err := w.Start(); err != nil {
				return err
			}
			defer w.Stop()
			if err := svc.EnsureSearchAttributes(ctx); err != nil {
				slog.Error("search attributes", "error", err)
			}
			if err := svc.EnsureSchedules(ctx); err != nil {
				slog.Error("housekeeping schedule", "error", err)
			}
			go svc.RunHousekeeping(ctx)
			if addr := svc.Config.Worker.Listen; addr != "" {
				return svc.ServeWorkerHealth(ctx, addr)
			}
			<-ctx.Done()
			return nil
		}),
	}
	cmd.Flags().String("cpu-profile", "", "write a CPU profile of the process to this file until it stops")
	return cmd
}

func migrateCommand(load loader) *cobra.Command {
	cmd := &cobra.Command{
		Use:       "migrate up|down|status",
		Short:     "apply, revert or list the database migrations",
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		ValidArgs: []string{"up", "down", "status"},
		RunE: func(c *cobra.Command, args []string) error {
			cfg, err := load(c, true)
			if err != nil {
				return err
			}
			store, err := openStore(cfg)
			if err != nil {
				return err
			}
			defer store.Close()
			return store.Migrate(context.Background(), args[0], os.Stdout)
		},
	}
	return cmd
}

// runProcesses runs the API and the worker until ctx ends.
func runProcesses(ctx context.Context, svc *server.Services, apiReady chan<- string) error {
	w := svc.NewWorker()
	if err := w.Start(); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	defer w.Stop()
	if err := svc.EnsureSchedules(ctx); err != nil {
		slog.Error("housekeeping schedule", "error", err)
	}
	go svc.RunHousekeeping(ctx)
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return svc.ServeHTTP(ctx, apiReady) })
	return g.Wait()
}

func temporalSetupCommand(load loader) *cobra.Command {
	var retention, wait time.Duration
	cmd := &cobra.Command{
		Use:   "temporal-setup",
		Short: "create the Temporal namespace and register the search attributes (safe to run again)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			// Only Temporal is needed: the rules for the other services are relaxed.
			cfg, err := load(c, true)
			if err != nil {
				return err
			}
			if cfg.Temporal.Address == "" {
				return errors.New("temporal.address: required (set OUTBOUND_TEMPORAL_ADDRESS)")
			}
			ctx, stop := signalContext()
			defer stop()
			return server.SetupTemporal(ctx, cfg.Temporal, retention, wait, c.OutOrStdout())
		},
	}
	cmd.Flags().DurationVar(&retention, "retention", 30*24*time.Hour, "how long Temporal keeps a closed workflow's history")
	cmd.Flags().DurationVar(&wait, "wait", 3*time.Minute, "how long to wait for the cluster to answer")
	return cmd
}
