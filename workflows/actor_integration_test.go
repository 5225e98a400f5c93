//go:build integration

package workflows_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"outbound/process"
	"outbound/workflows"
)

// TestForgedUpdateActorsAreRefused: an Update sent straight to Temporal may name anyone. One that
// claims the college reviewer's role with a student's account, one that names an account that does
// not exist, and one that borrows the 复审 reviewer's role with the 初审 reviewer's colleague's id
// are each refused, recorded as refused, and leave the application where it was; the real reviewer's
// Update then goes through.
func TestForgedUpdateActorsAreRefused(t *testing.T) {
	app, p := submittedApplication(t)
	forgeries := []workflows.Actor{
		{ID: p.student.ID, Name: "冒名的学院审核员", Role: process.RoleCollegeReviewer, College: "ECO"},
		{ID: 987654321, Name: "不存在的人", Role: process.RoleCollegeReviewer, College: "ECO"},
		{ID: p.foreign.ID, Name: "外事处冒充学院", Role: process.RoleCollegeReviewer, College: "ECO"},
	}
	for i, actor := range forgeries {
		_, err := update(app.ID, process.MsgDecide, approve(actor))
		var appErr *temporal.ApplicationError
		require.True(t, errors.As(err, &appErr), "forgery %d: %v", i, err)
		require.Equal(t, workflows.CodeActorUnverified, appErr.Type(), "forgery %d", i)
		row := waitSeq(t, app.ID, 2+i+1)
		require.Equal(t, "college_review", row.Stage, "forgery %d leaves the application where it was", i)
	}
	timeline, err := env.Services.Store.Timeline(context.Background(), app.ID)
	require.NoError(t, err)
	refused := 0
	for _, e := range timeline {
		if e.Kind == workflows.EventRefused && strings.Contains(e.Opinion, "无法核实操作人") {
			refused++
		}
	}
	require.Equal(t, len(forgeries), refused, "each forgery is in the timeline as refused")

	_, err = update(app.ID, process.MsgDecide, approve(p.college))
	require.NoError(t, err)
	require.Equal(t, "academic_review", waitSeq(t, app.ID, 2+len(forgeries)+1).Stage)
}
