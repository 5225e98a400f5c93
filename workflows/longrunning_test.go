//go:build integration

package workflows_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	tclient "go.temporal.io/sdk/client"

	"outbound/workflows"
)

// history fetches a workflow's history (the latest run when runID is empty).
func history(t *testing.T, workflowID, runID string) *historypb.History {
	iter := env.Services.Temporal.GetWorkflowHistory(context.Background(), workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var h historypb.History
	for iter.HasNext() {
		ev, err := iter.Next()
		require.NoError(t, err)
		h.Events = append(h.Events, ev)
	}
	return &h
}

// TestLongRunningWorkflowsRun: the mailer, woken and given a new interval, runs again and waits for
// its next run; a housekeeping run triggered from its schedule completes. With
// OUTBOUND_RECORD_HISTORIES set both histories are kept in testdata, where
// TestReplayRecordedHistories replays them against every later version of the code.
func TestLongRunningWorkflowsRun(t *testing.T) {
	ctx := context.Background()
	before := len(history(t, workflows.MailerWorkflowID, "").Events)
	require.NoError(t, env.Services.Temporal.SignalWorkflow(ctx, workflows.MailerWorkflowID, "", workflows.SignalSendMail, nil))
	require.NoError(t, env.Services.Temporal.SignalWorkflow(ctx, workflows.MailerWorkflowID, "", workflows.SignalMailEvery, 45*time.Second))
	require.Eventually(t, func() bool {
		h := history(t, workflows.MailerWorkflowID, "")
		last := h.Events[len(h.Events)-1].GetEventType()
		return len(h.Events) > before+4 && last == enumspb.EVENT_TYPE_TIMER_STARTED
	}, 30*time.Second, 200*time.Millisecond, "the mailer ran again and waits for its next run")

	handle := env.Services.Temporal.ScheduleClient().GetHandle(ctx, workflows.HousekeepingScheduleID)
	require.NoError(t, handle.Trigger(ctx, tclient.ScheduleTriggerOptions{}))
	var workflowID, runID string
	require.Eventually(t, func() bool {
		desc, err := handle.Describe(ctx)
		require.NoError(t, err)
		for _, a := range desc.Info.RecentActions {
			if res := a.StartWorkflowResult; res != nil {
				d, err := env.Services.Temporal.DescribeWorkflow(ctx, res.WorkflowID, res.FirstExecutionRunID)
				if err == nil && d.RawResponse.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
					workflowID, runID = res.WorkflowID, res.FirstExecutionRunID
					return true
				}
			}
		}
		return false
	}, 60*time.Second, 500*time.Millisecond, "a housekeeping run completed")

	require.NotEmpty(t, history(t, workflowID, runID).Events)
	record(t, workflows.MailerWorkflowID, "mailer")
	recordRun(t, workflowID, runID, "housekeeping")
}
