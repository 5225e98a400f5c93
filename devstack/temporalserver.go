package devstack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"sync"
)

// TemporalServerVersion is the version of the temporalio/server image in docker-compose.yml.
const TemporalServerVersion = "v1.29.1"

var (
	temporalServer  = tool{name: "temporal-server", pkg: "go.temporal.io/server/cmd/server", version: TemporalServerVersion, binary: "server"}
	temporalSQLTool = tool{name: "temporal-sql-tool", pkg: "go.temporal.io/server/cmd/tools/sql", version: TemporalServerVersion, binary: "sql"}
)

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
	out := &ServerTools{}
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i, job := range []struct {
		t   tool
		bin *string
	}{{temporalServer, &out.Server}, {temporalSQLTool, &out.SQLTool}, {temporalCLI, &out.CLI}} {
		wg.Add(1)
		go func() { defer wg.Done(); *job.bin, errs[i] = job.t.ensure(ctx, progress) }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
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
