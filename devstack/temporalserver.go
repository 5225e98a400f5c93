package devstack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"

	"outbound/devstack/tools"
)

// TemporalServerVersion is the version of the temporalio/server image in docker-compose.yml.
const TemporalServerVersion = tools.TemporalServerVersion

// ServerTools are the binaries of the production layout, built from the Go
// module proxy at the versions of the compose file's images.
type ServerTools struct {
	Server, SQLTool, CLI string
	// ConfigRoot holds config/docker.yaml, the configuration template the server image runs with.
	ConfigRoot string
	// PostgresBin holds psql, for the scripts that run in the postgres image.
	PostgresBin string
}

// BuildServerTools builds (once, then cached) the Temporal server, temporal-sql-tool and the CLI.
func BuildServerTools(ctx context.Context, progress io.Writer) (*ServerTools, error) {
	bins, err := tools.EnsureAll(ctx, progress, tools.TemporalServer, tools.TemporalSQLTool, tools.TemporalCLI)
	if err != nil {
		return nil, err
	}
	out := &ServerTools{Server: bins[0], SQLTool: bins[1], CLI: bins[2]}
	// The module is in the module cache after go install; download answers where.
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", "go.temporal.io/server@"+TemporalServerVersion)
	raw, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("locating go.temporal.io/server: %w", err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(raw, &mod); err != nil || mod.Dir == "" {
		return nil, fmt.Errorf("locating go.temporal.io/server: %s", raw)
	}
	out.ConfigRoot = mod.Dir
	bin, ok := postgresBinDir()
	if !ok {
		return nil, fmt.Errorf("PostgreSQL binaries not found")
	}
	out.PostgresBin = bin
	if _, err := exec.LookPath(filepath.Join(bin, "psql")); err != nil {
		return nil, fmt.Errorf("psql not found in %s", bin)
	}
	return out, nil
}
