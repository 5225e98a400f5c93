// Command outbound runs Outbound: `dev` (everything on one machine), `api`,
// `worker` and `migrate`.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"outbound/config"
)

func main() {
	if err := root().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "outbound:", err)
		os.Exit(1)
	}
}

func root() *cobra.Command {
	var configFile string
	cmd := &cobra.Command{
		Use:           "outbound",
		Short:         "Outbound — 学生因公出国(境)项目申请",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.PersistentFlags().StringVar(&configFile, "config", "", "configuration file (default ./outbound.yaml when present)")
	addConfigFlags(cmd.PersistentFlags())
	load := func(c *cobra.Command, dev bool) (*config.Config, error) {
		cfg, err := config.Load(configFile, c.Flags(), dev)
		if err != nil {
			return nil, err
		}
		setupLogging(cfg.Log.Level)
		return cfg, nil
	}
	cmd.AddCommand(devCommand(load), apiCommand(load), workerCommand(load), migrateCommand(load),
		temporalSetupCommand(load), accountsCommand(load), collegesCommand(load), rosterCommand(load))
	return cmd
}

// loader reads the configuration for a command.
type loader func(c *cobra.Command, dev bool) (*config.Config, error)

// addConfigFlags offers every configuration key as a flag of the same name.
func addConfigFlags(fs *pflag.FlagSet) {
	for key, def := range config.Defaults {
		usage := config.Descriptions[key]
		switch v := def.(type) {
		case int:
			fs.Int(key, v, usage)
		case bool:
			fs.Bool(key, v, usage)
		default:
			fs.String(key, fmt.Sprint(v), usage)
		}
	}
}

func setupLogging(level string) {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l})))
}

// signalContext ends on Ctrl-C or SIGTERM.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
