//go:build integration

package workflows_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"outbound/process"
	"outbound/workflows"
)

// TestSignalActorsAreLookedUp: the real VerifyActor, against the accounts in the database, refuses
// a Signal whose actor exists but claims a role it does not hold, a college it does not belong to,
// or is disabled; each is recorded as refused and nothing moves. The rightful reviewer then decides.
func TestSignalActorsAreLookedUp(t *testing.T) {
	app, p := submittedApplication(t)

	student := p.student
	student.Role = process.RoleCollegeReviewer // a student claiming to review
	student.College = "ECO"
	otherCollege := p.otherCollege
	otherCollege.College = "ECO" // 文学院's reviewer claiming 经管学院
	disabled := p.college
	_, err := env.Services.Store.DB.Exec(`UPDATE accounts SET disabled = true WHERE id = $1`, disabled.ID)
	require.NoError(t, err)
	seq := 2
	for _, actor := range []workflows.Actor{student, otherCollege, disabled} {
		signal(t, app.ID, process.MsgDecide, approve(actor))
		seq++
		row := waitSeq(t, app.ID, seq)
		require.Equal(t, "college_review", row.Stage, "%+v moved nothing", actor)
	}
	timeline, err := env.Services.Store.Timeline(context.Background(), app.ID)
	require.NoError(t, err)
	for _, ev := range timeline[2:] {
		require.Equal(t, "refused", ev.Kind)
		require.Contains(t, string(ev.Detail), workflows.CodeActorUnverified)
	}
	_, err = env.Services.Store.DB.Exec(`UPDATE accounts SET disabled = false WHERE id = $1`, disabled.ID)
	require.NoError(t, err)
	signal(t, app.ID, process.MsgDecide, approve(p.college))
	require.Equal(t, "academic_review", waitSeq(t, app.ID, seq+1).Stage, "the rightful reviewer's signal is applied")
}
