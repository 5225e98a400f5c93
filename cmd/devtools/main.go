// Command devtools builds the servers of the dev stack (devstack/tools), each once. `make run` and
// `make test` start it beside their own compilation, so that on a fresh machine the servers
// compile while Outbound does; whatever it has not finished, the stack waits for.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"outbound/devstack/tools"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if _, err := tools.EnsureAll(ctx, os.Stdout, tools.DevStack...); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
