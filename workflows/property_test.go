//go:build integration

package workflows_test

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"outbound/process"
	"outbound/workflows"
)

// TestRandomMessagesNeverWedge sends random messages — any name, any actor (real, unknown, claiming
// another role or college), any words (control characters, invalid UTF-8, very long), any decision
// and any sum — through Update and through Signal to real workflows, then shows every workflow
// idle, with nothing pending or retrying, and its query agreeing with the read model.
func TestRandomMessagesNeverWedge(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("OUTBOUND_PROPERTY_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("seed %d (set OUTBOUND_PROPERTY_SEED to replay)", seed)
	rng := rand.New(rand.NewPCG(seed, 42))
	pick := func(n int) int { return rng.IntN(n) }

	texts := []string{"", "同意", "请补充材料", "x\x00y", "tab\tand\nnewline", strings.Repeat("长", 3000), "\xff\xfe\xfd",
		"\u202eRTL", "'; DROP TABLE applications; --", "🙂👍", " ", "\u0007bell"}
	names := append(append([]string{}, process.Messages...), "nonsense", "")
	decisions := []string{process.DecisionApprove, process.DecisionApprove, process.DecisionReturn, process.DecisionReject, "maybe", ""}
	amounts := []float64{0, 1.5, 20000, -1, 1e11, 1e300}

	const apps, messages = 4, 40
	var ids []int64
	for range apps {
		username := newStudent(t)
		p := actors(t, username)
		app, _ := newApplication(t, username, longTiming(), nil)
		addFile(t, app, "predeparture", nil)
		addFile(t, app, "return_report", nil)
		ids = append(ids, app.ID)
		people := []workflows.Actor{p.student, p.college, p.otherCollege, p.academic1, p.academic2, p.foreign}
		// next is the message that moves the application on, as its process expects, so that the
		// random ones meet every stage and not only the draft.
		reviewers := map[process.Role][]workflows.Actor{process.RoleCollegeReviewer: {p.college},
			process.RoleAcademicAffairs: {p.academic1, p.academic2}, process.RoleForeignAffairs: {p.foreign}}
		submits := map[string]string{"draft": process.MsgSubmit, "predeparture_materials": process.MsgSubmitPredeparture, "return_report": process.MsgSubmitReturnReport}
		next := func() (string, workflows.Actor) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			res, err := env.Services.Temporal.QueryWorkflow(ctx, workflows.WorkflowID(app.ID), "", workflows.QueryState)
			if err != nil {
				return "", p.student
			}
			var v workflows.View
			require.NoError(t, res.Get(&v))
			if msg, ok := submits[v.Stage]; ok {
				return msg, p.student
			}
			if r := reviewers[v.AwaitingRole]; len(r) > 0 {
				return process.MsgDecide, r[pick(len(r))]
			}
			return "", p.student
		}
		for range messages {
			actor := people[pick(len(people))]
			name := names[pick(len(names))]
			plausible := pick(2) == 0
			if plausible {
				name, actor = next()
			}
			switch pick(map[bool]int{true: 12, false: 6}[plausible]) {
			case 0:
				actor.ID = rng.Int64N(1 << 40)
			case 1:
				actor.Role = process.Role(texts[pick(len(texts))])
			case 2:
				actor.College = []string{"LIT", "SCI", "", "NOPE"}[pick(4)]
			case 3:
				actor.Name = texts[pick(len(texts))]
			}
			req := workflows.Request{Actor: actor, Decision: decisions[pick(len(decisions))], Opinion: texts[pick(len(texts))]}
			if plausible && pick(3) > 0 {
				req.Decision, req.Opinion = process.DecisionApprove, "同意"
			}
			if pick(4) == 0 {
				req.Funding = &workflows.Funding{Source: texts[pick(len(texts))], Amount: amounts[pick(len(amounts))], Note: texts[pick(len(texts))]}
			}
			if pick(5) == 0 {
				req.AttachmentIDs = []int64{rng.Int64N(1000) - 10}
			}
			if pick(2) == 0 {
				_, _ = update(app.ID, name, req) // refusals are expected; a wedge is not
			} else if name != "" {
				// A closed application takes no signal; that answer is expected too.
				_ = env.Services.Temporal.SignalWorkflow(context.Background(), workflows.WorkflowID(app.ID), "", name, req)
			}
		}
	}

	reached := map[string]bool{}
	for _, id := range ids {
		var stage, status string
		require.Eventually(t, func() bool {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			res, err := env.Services.Temporal.QueryWorkflow(ctx, workflows.WorkflowID(id), "", workflows.QueryState)
			if err != nil {
				return false
			}
			var v workflows.View
			require.NoError(t, res.Get(&v))
			row, err := env.Services.Store.ApplicationByID(ctx, id)
			require.NoError(t, err)
			stage, status = v.Stage, v.Status
			return row.LastEventSeq == len(v.Timeline) && row.Stage == v.Stage && row.Status == v.Status
		}, time.Minute, 200*time.Millisecond, "application %d: the workflow and the read model agree", id)
		historyLength(t, workflows.WorkflowID(id)) // nothing pending, nothing retrying
		t.Logf("application %d ends at %s (%s)", id, stage, status)
		reached[stage] = true
	}
	require.False(t, len(reached) == 1 && reached["draft"], "the messages moved no application past its draft: the test would prove little")
}
