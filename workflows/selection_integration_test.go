//go:build integration

package workflows_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"outbound/process"
	"outbound/workflows"
)

// TestSelectionBySignals runs a round on the real stack for one place: two applications join it
// through their reviews, one is proposed and the other put on the waitlist, the first is admitted
// when the 公示 ends and gives the place up by signal, and the second moves up and is admitted after
// their own 公示; the round then ends. Both histories are kept for replay.
func TestSelectionBySignals(t *testing.T) {
	ctx := context.Background()
	tc := env.Services.Temporal
	first, second := newStudent(t), newStudent(t)
	p := actors(t, first)
	settings := process.Selection{PublicityDays: 1, SubstituteDays: 1, WaitlistSize: 1, WeightGPA: 70, WeightRank: 30}
	var projectID int64
	require.NoError(t, env.Services.Store.DB.GetContext(ctx, &projectID, `INSERT INTO projects (system_no, code, name, year, start_date, end_date,
			term_length, apply_start, apply_end) VALUES ($1, $1, '选拔项目', 2026, current_date, current_date + 30, '短期', now() - interval '1 hour', now())
		RETURNING id`, fmt.Sprintf("SEL%d", time.Now().UnixNano())))
	roundID := workflows.RoundID(projectID, 2026)
	in := workflows.RoundInput{ProjectID: projectID, ProjectCode: "SEL", Year: 2026, Quota: 1, Settings: settings}
	_, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: roundID, TaskQueue: workflows.TaskQueue}, workflows.RoundName, in)
	require.NoError(t, err)
	app1, _ := newApplicationIn(t, first, longTiming(), nil, roundID)
	app2, _ := newApplicationIn(t, second, longTiming(), nil, roundID)
	for _, app := range []int64{app1.ID, app2.ID} {
		student := p.student
		if app == app2.ID {
			student = actors(t, second).student
		}
		for i, req := range []workflows.Request{{Actor: student}, approve(p.college), approve(p.academic1)} {
			signal(t, app, []string{process.MsgSubmit, process.MsgDecide, process.MsgDecide}[i], req)
			waitSeq(t, app, i+2)
		}
		require.Equal(t, "选拔中", waitSeq(t, app, 4).Status)
	}
	var round workflows.Round
	require.Eventually(t, func() bool {
		v, err := tc.QueryWorkflow(ctx, roundID, "", workflows.RoundQuery)
		require.NoError(t, err)
		require.NoError(t, v.Get(&round))
		return len(round.Candidates) == 2
	}, 20*time.Second, 100*time.Millisecond, "both joined the round")

	h, err := tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: roundID, UpdateName: workflows.RoundPropose,
		Args: []any{workflows.RoundRequest{Actor: p.foreign, Admit: []int64{app1.ID}, Waitlist: []int64{app2.ID},
			WaitlistUntil: time.Now().AddDate(0, 1, 0).Format("2006-01-02")}}, WaitForStage: client.WorkflowUpdateStageCompleted})
	require.NoError(t, err)
	require.NoError(t, h.Get(ctx, nil))
	require.Equal(t, "拟录取（公示中）", waitSeq(t, app1.ID, 5).Status)
	require.Equal(t, "候补（第1位）", waitSeq(t, app2.ID, 5).Status)
	require.Equal(t, "已录取", waitSeq(t, app1.ID, 6).Status, "admitted when the 公示 ended")

	signal(t, app1.ID, process.MsgGiveUp, workflows.Request{Actor: p.student, Opinion: "个人原因"})
	require.Equal(t, process.StatusGivenUp, waitSeq(t, app1.ID, 7).Status)
	require.Equal(t, "拟录取（公示中）", waitSeq(t, app2.ID, 6).Status, "the 候补 moved up")
	require.Equal(t, "已录取", waitSeq(t, app2.ID, 7).Status, "and was admitted after their own 公示")
	var result string
	require.NoError(t, tc.GetWorkflow(ctx, roundID, "").Get(ctx, &result))
	require.Equal(t, process.RoundClosed, result)
	row, err := env.Services.Store.RoundByID(ctx, roundID)
	require.NoError(t, err)
	require.Equal(t, process.RoundClosed, row.Stage)
	record(t, roundID, "selection-round")
	record(t, workflows.WorkflowID(app2.ID), "selection-application")
}
