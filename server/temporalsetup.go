package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"google.golang.org/protobuf/types/known/durationpb"

	"outbound/config"
	"outbound/workflows"
)

// SetupTemporal prepares a Temporal cluster for Outbound once it is up: the
// namespace (with its retention) and the search attributes administrators
// filter by in the Temporal UI. Safe to run again; it waits up to wait for the
// cluster to answer.
func SetupTemporal(ctx context.Context, cfg config.TemporalConfig, retention, wait time.Duration, progress io.Writer) error {
	deadline := time.Now().Add(wait)
	conn, err := connectionOptions(cfg)
	if err != nil {
		return err
	}
	var c client.Client
	for {
		var err error
		c, err = client.DialContext(ctx, client.Options{HostPort: cfg.Address, Namespace: cfg.Namespace,
			Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler)), ConnectionOptions: conn})
		if err == nil {
			if _, err = c.CheckHealth(ctx, nil); err == nil {
				break
			}
			c.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("temporal at %s did not answer within %s: %w", cfg.Address, wait, err)
		}
		fmt.Fprintf(progress, "waiting for temporal at %s…\n", cfg.Address)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
	defer c.Close()

	_, err = c.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace: cfg.Namespace, WorkflowExecutionRetentionPeriod: durationpb.New(retention),
		Description: "Outbound: one workflow per application",
	})
	var exists *serviceerror.NamespaceAlreadyExists
	switch {
	case errors.As(err, &exists):
		fmt.Fprintf(progress, "namespace %s: exists\n", cfg.Namespace)
	case err != nil:
		return fmt.Errorf("namespace %s: %w", cfg.Namespace, err)
	default:
		fmt.Fprintf(progress, "namespace %s: created (retention %s)\n", cfg.Namespace, retention)
	}

	// A new namespace may take a moment before it accepts search attributes.
	for {
		err = registerSearchAttributes(ctx, c, cfg.Namespace, progress)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(time.Second)
	}
}

// EnsureSearchAttributes registers the search attributes this version of the workflow sets and
// the cluster lacks, so that an upgrade that adds one does not fail its workflows' tasks.
func (s *Services) EnsureSearchAttributes(ctx context.Context) error {
	return registerSearchAttributes(ctx, s.Temporal, s.Config.Temporal.Namespace, io.Discard)
}

func registerSearchAttributes(ctx context.Context, c client.Client, namespace string, progress io.Writer) error {
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("search attributes: %w", err)
	}
	missing := map[string]enumspb.IndexedValueType{}
	for name, kind := range workflows.SearchAttributeTypes {
		if _, ok := have.CustomAttributes[name]; ok {
			continue
		}
		t, ok := enumspb.IndexedValueType_shorthandValue[kind]
		if !ok {
			return fmt.Errorf("search attribute %s: unknown type %s", name, kind)
		}
		missing[name] = enumspb.IndexedValueType(t)
	}
	if len(missing) == 0 {
		fmt.Fprintln(progress, "search attributes: all registered")
		return nil
	}
	if _, err := c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: namespace, SearchAttributes: missing,
	}); err != nil {
		return fmt.Errorf("search attributes: %w", err)
	}
	fmt.Fprintf(progress, "search attributes: registered %d\n", len(missing))
	return nil
}
