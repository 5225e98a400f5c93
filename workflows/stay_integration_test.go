//go:build integration

package workflows_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"outbound/process"
	"outbound/storage/demo"
	"outbound/workflows"
)

// TestStayBySignals drives the stay abroad with signals on the real stack, as an administrator
// could from the Temporal UI: a call for help, a change request through its chain, a later 平安 and
// the return report; the read model follows each step, and the history is kept for replay.
func TestStayBySignals(t *testing.T) {
	username := newStudent(t)
	p := actors(t, username)
	timing := longTiming()
	timing.ArrivalCheckIn, timing.CheckInEvery, timing.CheckInGrace = 48*time.Hour, 14*24*time.Hour, 24*time.Hour
	app, _ := newApplication(t, username, timing, nil)
	seq := 1
	send := func(msg string, req workflows.Request, file string) {
		t.Helper()
		if file != "" {
			addFile(t, app, file, nil)
		}
		if file == process.KindPredeparture {
			_, err := env.Services.Store.DB.ExecContext(context.Background(), `UPDATE applications SET travel_required = true WHERE id = $1`, app.ID)
			require.NoError(t, err)
			require.NoError(t, env.Services.Store.SaveForm(context.Background(), app.ID, process.SectionTravel, process.Values(demo.TravelInfo())))
		}
		signal(t, app.ID, msg, req)
		seq++
		waitSeq(t, app.ID, seq)
	}
	for _, s := range []struct {
		msg  string
		req  workflows.Request
		file string
	}{
		{process.MsgSubmit, workflows.Request{Actor: p.student}, ""},
		{process.MsgDecide, approve(p.college), ""},
		{process.MsgDecide, approve(p.academic1), ""},
		{process.MsgDecide, approve(p.foreign), ""},
		{process.MsgSubmitPredeparture, workflows.Request{Actor: p.student}, "predeparture"},
		{process.MsgDecide, approve(p.academic1), ""},
		{process.MsgDecide, approve(p.academic2), ""},
		{process.MsgDecide, approve(p.foreign), ""},
	} {
		send(s.msg, s.req, s.file)
	}
	row := waitSeq(t, app.ID, seq)
	require.NotNil(t, row.CheckInDue, "the stay began with the 行前 approval")
	require.Contains(t, process.StudentActions(row.StudentFacts(), time.Now()), process.ActionCheckIn)

	help := process.CheckIn{Country: "德国", City: "柏林", Status: process.CheckInHelp, Note: "钱包被盗"}
	send(process.MsgCheckIn, workflows.Request{Actor: p.student, CheckIn: &help}, "")
	require.Equal(t, []string{process.AlertNeedsHelp}, []string(waitSeq(t, app.ID, seq).Alerts))
	trip := process.ChangeRequest{Kind: process.ChangeItinerary, Reason: "学术会议", Country: "法国", City: "巴黎"}
	send(process.MsgRequestChange, workflows.Request{Actor: p.student, Change: &trip}, "")
	require.ElementsMatch(t, []string{process.AlertNeedsHelp, process.AlertChangePending}, []string(waitSeq(t, app.ID, seq).Alerts))
	send(process.MsgDecideChange, approve(p.college), "")
	send(process.MsgDecideChange, approve(p.foreign), "")
	require.Equal(t, []string{process.AlertNeedsHelp}, []string(waitSeq(t, app.ID, seq).Alerts))
	safe := process.CheckIn{Country: "法国", City: "巴黎", Status: process.CheckInSafe}
	send(process.MsgCheckIn, workflows.Request{Actor: p.student, CheckIn: &safe}, "")
	require.Empty(t, waitSeq(t, app.ID, seq).Alerts)
	checkIns, err := env.Services.Store.CheckIns(context.Background(), app.ID)
	require.NoError(t, err)
	require.Len(t, checkIns, 2)
	require.Equal(t, "巴黎", checkIns[0].City)

	send(process.MsgSubmitReturnReport, workflows.Request{Actor: p.student}, "return_report")
	require.Nil(t, waitSeq(t, app.ID, seq).CheckInDue, "the stay ends with the return report")
	send(process.MsgDecide, approve(p.foreign), "")
	var result string
	require.NoError(t, env.Services.Temporal.GetWorkflow(context.Background(), workflows.WorkflowID(app.ID), "").Get(context.Background(), &result))
	require.Equal(t, "返校总结上报阶段国际处审核通过", result)
	record(t, workflows.WorkflowID(app.ID), "stay-by-signals")
}
