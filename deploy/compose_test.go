// Package deploy holds the scripts docker-compose.yml runs; its test reads the
// compose file for the rules a production layout must keep.
package deploy

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

type composeFile struct {
	Services map[string]struct {
		Image       string         `yaml:"image"`
		Build       any            `yaml:"build"`
		Ports       []string       `yaml:"ports"`
		Restart     string         `yaml:"restart"`
		Healthcheck map[string]any `yaml:"healthcheck"`
		Volumes     []string       `yaml:"volumes"`
		Environment map[string]any `yaml:"environment"`
		ReadOnly    bool           `yaml:"read_only"`
		CapDrop     []string       `yaml:"cap_drop"`
		SecurityOpt []string       `yaml:"security_opt"`
	} `yaml:"services"`
}

// publishedImages are the images and tags the layout uses, each checked to be published.
var publishedImages = map[string]bool{
	"postgres:16":                                      true,
	"temporalio/admin-tools:1.29":                      true,
	"temporalio/server:1.29.1":                         true,
	"temporalio/ui:2.42.1":                             true,
	"outbound:latest":                                  true, // built from the Dockerfile
	"quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z": true,
	"quay.io/minio/mc:RELEASE.2025-04-16T18-13-26Z":    true,
}

func TestComposeLayout(t *testing.T) {
	raw, err := os.ReadFile("../docker-compose.yml")
	require.NoError(t, err)
	var c composeFile
	require.NoError(t, yaml.Unmarshal(raw, &c))
	require.NotEmpty(t, c.Services)
	for name, s := range c.Services {
		require.True(t, publishedImages[s.Image], "%s: image %q is not one of the published tags", name, s.Image)
		for _, p := range s.Ports {
			require.True(t, strings.HasPrefix(p, "127.0.0.1:"), "%s publishes %s beyond the host", name, p)
		}
		if s.Restart == "no" {
			continue // a job that runs once
		}
		require.Equal(t, "unless-stopped", s.Restart, "%s: a long-running service restarts", name)
		require.NotEmpty(t, s.Healthcheck, "%s: a long-running service has a health check", name)
		for _, v := range s.Volumes {
			if host, _, ok := strings.Cut(v, ":"); ok && strings.HasPrefix(host, "./") {
				_, err := os.Stat("../" + host)
				require.NoError(t, err, "%s mounts %s", name, host)
			}
		}
	}
	for _, name := range []string{"temporal", "temporal-ui", "minio", "worker", "api", "postgres"} {
		require.Contains(t, c.Services, name)
	}
	require.Empty(t, c.Services["temporal"].Ports, "Temporal's frontend is reached only inside the compose network")
	require.Equal(t, "true", c.Services["temporal-ui"].Environment["TEMPORAL_DISABLE_WRITE_ACTIONS"])
	require.NotContains(t, c.Services["temporal"].Environment, "TEMPORAL_BROADCAST_ADDRESS", "the image derives it from BIND_ON_IP")
	for name, s := range c.Services {
		require.Contains(t, s.SecurityOpt, "no-new-privileges:true", "%s may not gain privileges", name)
		if s.Image == "outbound:latest" {
			require.True(t, s.ReadOnly, "%s runs on a read-only root", name)
			require.Equal(t, []string{"ALL"}, s.CapDrop, "%s has no capabilities", name)
		}
	}
	require.NotEmpty(t, c.Services["api"].Environment["OUTBOUND_HTTP_METRICS_LISTEN"], "the API's metrics have a listener of their own")
	require.Equal(t, []string{"127.0.0.1:8080:8080"}, c.Services["api"].Ports, "only the public side is published")

	// Secrets have no fallback value: a missing one stops `docker compose up` with its name. Only
	// the secret of a feature that is off without it (the SMTP password) may be left empty.
	secret := regexp.MustCompile(`\$\{(\w*(PASSWORD|SECRET)\w*)(:?[-?])([^}]*)\}`)
	optional := map[string]bool{"OUTBOUND_MAIL_PASSWORD": true}
	for _, m := range secret.FindAllStringSubmatch(string(raw), -1) {
		if optional[m[1]] {
			require.Equal(t, ":-", m[3]+m[4], "%s is empty unless set", m[1])
			continue
		}
		require.Equal(t, ":?", m[3], "%s must be required, not defaulted", m[1])
	}
}
