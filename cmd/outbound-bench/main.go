// Command outbound-bench measures the real stack against baselines measured in the same run
// (docs/benchmarks.md). It is kept out of the product binary: it starts the outbound binary it is
// given as the API and worker processes under load.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"outbound/bench"
)

func main() {
	if err := benchCommand().Execute(); err != nil {
		os.Exit(1)
	}
}

// signalContext ends on Ctrl-C or SIGTERM.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func benchCommand() *cobra.Command {
	opts := bench.Options{Out: os.Stdout}
	cmd := &cobra.Command{
		Use:       "outbound-bench [roundtrip|surge|worker-loss|lifecycle|lists|uploads|roster|selection|insight ...]",
		Short:     "measure the real stack against baselines measured in the same run",
		Args:      cobra.OnlyValidArgs,
		ValidArgs: []string{"roundtrip", "surge", "worker-loss", "lifecycle", "lists", "uploads", "roster", "selection", "insight"},
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"roundtrip", "surge", "lifecycle", "lists", "uploads", "roster", "selection", "insight"}
			}
			ctx, stop := signalContext()
			defer stop()
			slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
			env, err := bench.Start(ctx, opts)
			if err != nil {
				return err
			}
			defer env.Close()
			fmt.Printf("\nmachine: %d CPUs, %s/%s, %s\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, time.Now().Format(time.RFC3339))
			var rows []bench.Row
			for _, a := range args {
				fmt.Printf("running %s…\n", a)
				var row bench.Row
				var more []bench.Row
				switch a {
				case "roundtrip":
					row, err = env.RoundTrip(ctx)
				case "surge":
					more, err = env.Surge(ctx)
				case "worker-loss":
					more, err = env.WorkerLoss(ctx)
				case "lifecycle":
					row, err = env.Lifecycle(ctx)
				case "lists":
					more, err = env.Lists(ctx)
				case "uploads":
					row, err = env.Uploads(ctx)
				case "roster":
					more, err = env.Roster(ctx)
				case "selection":
					more, err = env.Selection(ctx)
				case "insight":
					more, err = env.Insight(ctx)
				}
				if err != nil {
					// What was measured before the failure is printed all the same.
					fmt.Println()
					bench.Print(os.Stdout, append(rows, more...))
					return fmt.Errorf("%s: %w", a, err)
				}
				if row.Scenario != "" {
					rows = append(rows, row)
				}
				rows = append(rows, more...)
			}
			fmt.Println()
			bench.Print(os.Stdout, rows)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.Students, "students", 1000, "students in the deadline surge")
	f.IntVar(&opts.Runs, "runs", 3, "runs of the deadline surge per layout (their spread is printed)")
	f.IntVar(&opts.RoundTrips, "round-trips", 200, "submits timed one at a time")
	f.IntVar(&opts.Lifecycles, "lifecycles", 20, "applications taken through all three phases")
	f.IntVar(&opts.Applications, "applications", 100000, "applications in the database for the lists")
	f.IntVar(&opts.Projects, "projects", 2000, "projects in the database for the lists")
	f.IntVar(&opts.Uploads, "uploads", 20, "concurrent uploads")
	f.IntVar(&opts.UploadBytes, "upload-bytes", 10<<20, "size of each upload")
	f.IntVar(&opts.RosterRows, "roster-rows", 10000, "students in the imported roster")
	f.StringVar(&opts.Layout, "layout", bench.LayoutDev, "dev (the Temporal dev server, one API, one worker) or production (docker-compose.yml's layout: the Temporal server on PostgreSQL, two workers, two APIs)")
	f.StringVar(&opts.Outbound, "outbound", "bin/outbound", "the outbound binary whose API and worker are measured (make build)")
	f.StringVar(&opts.ProfileDir, "cpu-profiles", "", "folder for CPU profiles of the API and the worker (read with go tool pprof -top)")
	return cmd
}
