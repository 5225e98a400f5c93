package workflows

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// TestReplayRecordedHistories replays the histories recorded in testdata
// against today's workflow code: a change that would break applications in
// flight fails here, and must go behind workflow.GetVersion.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files, "recorded histories are present")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflowWithOptions(Application, workflow.RegisterOptions{Name: WorkflowName})
			r.RegisterWorkflowWithOptions(Mailer, workflow.RegisterOptions{Name: MailerWorkflowName})
			r.RegisterWorkflowWithOptions(Housekeeping, workflow.RegisterOptions{Name: HousekeepingWorkflowName})
			r.RegisterWorkflowWithOptions(SelectionRound, workflow.RegisterOptions{Name: RoundName})
			r.RegisterWorkflowWithOptions(EventDelivery, workflow.RegisterOptions{Name: EventDeliveryWorkflowName})
			require.NoError(t, r.ReplayWorkflowHistoryFromJSONFile(nil, f))
		})
	}
}
