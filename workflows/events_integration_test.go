//go:build integration

package workflows_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"

	"outbound/process"
	"outbound/storage"
	"outbound/workflows"
)

// TestEventDeliveryOnTheRealStack: an endpoint's delivery workflow posts an application's event to
// a receiver that refuses it once, retries, delivers, and ends when the endpoint is switched off.
// With OUTBOUND_RECORD_HISTORIES set its history is kept for the replay test.
func TestEventDeliveryOnTheRealStack(t *testing.T) {
	ctx := context.Background()
	var tries, taken atomic.Int32
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tries.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		taken.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()
	ep := storage.EventEndpoint{Name: "流程测试", URL: receiver.URL, Secret: "whsec_test", Events: []string{process.EventApplicationSubmitted}, Enabled: true}
	require.NoError(t, env.Services.Store.CreateEventEndpoint(ctx, &ep))
	svc := env.Services.Service()
	require.NoError(t, svc.WakeEventDelivery(ctx, ep.ID, true))

	submittedApplication(t)
	require.Eventually(t, func() bool { return taken.Load() == 1 }, 30*time.Second, 100*time.Millisecond, "delivered after a refusal")
	require.GreaterOrEqual(t, tries.Load(), int32(2))

	ep.Enabled = false
	require.NoError(t, env.Services.Store.UpdateEventEndpoint(ctx, &ep))
	require.NoError(t, svc.WakeEventDelivery(ctx, ep.ID, false))
	id := workflows.EventDeliveryID(ep.ID)
	require.Eventually(t, func() bool {
		d, err := env.Services.Temporal.DescribeWorkflow(ctx, id, "")
		return err == nil && d.RawResponse.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED
	}, 30*time.Second, 200*time.Millisecond, "switched off, the delivery ends")
	record(t, id, "event-delivery")
}
