package workflows

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"

	"outbound/activities"
	"outbound/process"
)

// roundHarness runs a round alone: the applications are the signals it sends them.
type roundHarness struct {
	t   *testing.T
	env *testsuite.TestWorkflowEnvironment
	mu  sync.Mutex
	// told lists what the round told each application, in order.
	told map[int64][]SelectionNotice
	// snapshots are the round's records, in order.
	snapshots []Round
	calendar  map[string]bool
	start     time.Time
}

// A Thursday in China, 09:00: 2027-04-29 (the 劳动节 holiday follows).
var roundStart = time.Date(2027, 4, 29, 9, 0, 0, 0, process.Zone)

// labourDay2027 is the office's calendar for the test: 5月1日–5日 holidays, Sunday 4月25日 and
// Saturday 5月8日 worked (调休).
var labourDay2027 = map[string]bool{"2027-05-03": false, "2027-05-04": false, "2027-05-05": false, "2027-05-08": true, "2027-04-25": true}

func newRoundHarness(t *testing.T) *roundHarness {
	var suite testsuite.WorkflowTestSuite
	h := &roundHarness{t: t, env: suite.NewTestWorkflowEnvironment(), told: map[int64][]SelectionNotice{}, calendar: labourDay2027, start: roundStart}
	h.env.SetStartTime(h.start)
	a := &activities.Activities{}
	h.env.RegisterActivityWithOptions(a.PublicityEnd, activity.RegisterOptions{Name: activities.NamePublicityEnd})
	h.env.RegisterActivityWithOptions(a.RecordRound, activity.RegisterOptions{Name: activities.NameRecordRound})
	h.env.OnActivity(activities.NamePublicityEnd, mock.Anything, mock.Anything).Return(func(_ context.Context, r activities.PublicityRequest) (time.Time, error) {
		return process.PublicityEnd(r.From, r.Days, h.calendar), nil
	})
	h.env.OnActivity(activities.NameRecordRound, mock.Anything, mock.Anything).Return(func(_ context.Context, s activities.RoundSnapshot) error {
		var r Round
		require.NoError(t, json.Unmarshal(s.State, &r))
		h.mu.Lock()
		h.snapshots = append(h.snapshots, r)
		h.mu.Unlock()
		return nil
	})
	h.env.OnSignalExternalWorkflow(mock.Anything, mock.Anything, mock.Anything, SelectionSignal, mock.Anything).Return(
		func(_, workflowID, _, _ string, arg any) error {
			var id int64
			_, err := fmt.Sscanf(workflowID, "application-%d", &id)
			require.NoError(t, err)
			h.mu.Lock()
			h.told[id] = append(h.told[id], arg.(SelectionNotice))
			h.mu.Unlock()
			return nil
		})
	return h
}

func roundInput(quota int, interview bool) RoundInput {
	s := process.DefaultSelection(interview)
	s.WaitlistSize = 10
	return RoundInput{ProjectID: 7, ProjectCode: "P7", Year: 2027, Quota: quota, Interview: interview, Settings: s}
}

// roundStep is one message at an offset: an Update, or a Signal when signal is set.
type roundStep struct {
	at     time.Duration
	name   string
	req    RoundRequest
	signal any
}

func (h *roundHarness) run(in RoundInput, steps []roundStep) []string {
	results := make([]string, len(steps))
	for i := range results {
		results[i] = notRun
	}
	for i, s := range steps {
		i, s := i, s
		h.env.RegisterDelayedCallback(func() {
			if s.signal != nil {
				h.env.SignalWorkflow(s.name, s.signal)
				results[i] = ""
				return
			}
			h.env.UpdateWorkflow(s.name, "", &testsuite.TestUpdateCallback{
				OnReject:   func(err error) { results[i] = "rejected:" + code(err) },
				OnAccept:   func() {},
				OnComplete: func(_ any, err error) { results[i] = code(err) },
			}, s.req)
		}, s.at)
	}
	h.env.ExecuteWorkflow(SelectionRound, in)
	return results
}

// outcome is the last outcome the round told an application ("" for none).
func (h *roundHarness) outcome(id int64) string {
	for i := len(h.told[id]) - 1; i >= 0; i-- {
		if n := h.told[id][i]; n.Outcome != "" {
			return n.Outcome
		}
	}
	return ""
}

func joins(at time.Duration, ids ...int64) []roundStep {
	var out []roundStep
	for _, id := range ids {
		college := "LIT"
		if id%2 == 0 {
			college = "SCI"
		}
		out = append(out, roundStep{at: at, name: RoundJoin, signal: Joined{ApplicationID: id, College: college}})
	}
	return out
}

func TestWorkingDaysFollowTheOfficeCalendar(t *testing.T) {
	// Thursday 4月29日 + 5 working days: 30日 (Fri), [5/1–5/5 weekend and holidays], 6日, 7日, 8日 (调休
	// Saturday), 10日 → the 公示 ends at the start of 5月11日.
	require.Equal(t, time.Date(2027, 5, 11, 0, 0, 0, 0, process.Zone), process.PublicityEnd(roundStart, 5, labourDay2027))
	// Without the calendar: Fri 30日, Mon 3日, Tue 4日, Wed 5日, Thu 6日 → ends at the start of 5月7日.
	require.Equal(t, time.Date(2027, 5, 7, 0, 0, 0, 0, process.Zone), process.PublicityEnd(roundStart, 5, nil))
	// A Friday evening in UTC is already Saturday in China: the count starts from the Chinese day.
	fridayNightUTC := time.Date(2027, 4, 23, 17, 0, 0, 0, time.UTC) // 4月24日 01:00 China, a Saturday
	require.Equal(t, time.Date(2027, 4, 26, 0, 0, 0, 0, process.Zone), process.WorkingDayAfter(fridayNightUTC, 1, nil))
	// The 调休 Sunday counts: Saturday 4月24日 + 1 working day is Sunday 4月25日.
	require.Equal(t, time.Date(2027, 4, 25, 0, 0, 0, 0, process.Zone), process.WorkingDayAfter(fridayNightUTC, 1, labourDay2027))
}

// TestRoundFromRankingToAdmission: six candidates for two places with an interview — ranked by two
// colleges, interviewed and scored, two proposed and two on the waitlist; the 公示 runs on the
// office's calendar (over the 劳动节 holiday, a 调休 Saturday counted); an objection upheld removes a
// candidate and the first 候补 moves up with their own 公示; when it ends exactly two are admitted;
// one gives up and the next 候补 moves up and is admitted after their 公示.
func TestRoundFromRankingToAdmission(t *testing.T) {
	h := newRoundHarness(t)
	m, d := time.Minute, 24*time.Hour
	score := func(v float64) *float64 { return &v }
	interviewAt := h.start.Add(d)
	steps := joins(m, 1, 2, 3, 4, 5, 6)
	steps = append(steps,
		roundStep{at: 10 * m, name: RoundRank, req: RoundRequest{Actor: college, Order: []RankEntry{{5, "最优"}, {1, ""}, {3, ""}}}},
		roundStep{at: 11 * m, name: RoundRank, req: RoundRequest{Actor: college2, Order: []RankEntry{{2, ""}, {4, ""}}}}, // 6 missing
		roundStep{at: 12 * m, name: RoundRank, req: RoundRequest{Actor: college2, Order: []RankEntry{{2, ""}, {4, ""}, {6, ""}}}},
		roundStep{at: 13 * m, name: RoundInterview, req: RoundRequest{Actor: foreign, ApplicationIDs: []int64{1, 2, 3, 4, 5, 6}, At: interviewAt, Minutes: 20, Place: "行政楼301"}},
		roundStep{at: 14 * m, name: RoundPropose, req: RoundRequest{Actor: foreign, Admit: []int64{1, 2}}}, // not scored yet
		roundStep{at: d + time.Hour, name: RoundScore, req: RoundRequest{Actor: foreign, ApplicationID: 1, Score: score(90)}},
		roundStep{at: d + time.Hour, name: RoundScore, req: RoundRequest{Actor: foreign, ApplicationID: 2, Score: score(88)}},
		roundStep{at: d + time.Hour, name: RoundScore, req: RoundRequest{Actor: foreign, ApplicationID: 3, Score: score(85)}},
		roundStep{at: d + time.Hour, name: RoundScore, req: RoundRequest{Actor: foreign, ApplicationID: 4, Score: score(80)}},
		roundStep{at: d + time.Hour, name: RoundScore, req: RoundRequest{Actor: foreign, ApplicationID: 5, Absent: true}},
		roundStep{at: d + time.Hour, name: RoundScore, req: RoundRequest{Actor: foreign, ApplicationID: 6, Score: score(101)}},
		roundStep{at: d + 2*time.Hour, name: RoundPropose, req: RoundRequest{Actor: foreign, Admit: []int64{1, 2, 3}}}, // over the quota
		roundStep{at: d + 2*time.Hour, name: RoundPropose, req: RoundRequest{Actor: foreign, Admit: []int64{1, 5}}},    // absent
		// Friday 4月30日 11:00: proposed; the 公示 ends at the start of 5月12日 (30 excluded: it starts the day after).
		roundStep{at: d + 2*time.Hour + m, name: RoundPropose, req: RoundRequest{Actor: foreign, Admit: []int64{1, 2}, Waitlist: []int64{3, 4}, WaitlistUntil: "2027-07-01", Opinion: "按综合成绩"}},
		roundStep{at: 2 * d, name: RoundObject, req: RoundRequest{Actor: otherStud, ApplicationID: 2, Reason: "该生GPA有误"}},
		roundStep{at: 2 * d, name: RoundObject, req: RoundRequest{Actor: otherStud, ApplicationID: 3, Reason: "不是拟录取"}},
		roundStep{at: 3 * d, name: RoundResolve, req: RoundRequest{Actor: foreign, ObjectionID: 1, Uphold: true, Reply: "经核实成立"}},
	)
	// After the main 公示 (5月12日) application 1 is admitted; 3 (moved up 5月2日, 3 working days:
	// 6日, 7日, 8日 → ends 9日) was admitted before. Then 1 gives up on 5月20日: 4 moves up.
	steps = append(steps, roundStep{at: 21 * d, name: RoundGiveUp, signal: int64(1)})
	results := h.run(roundInput(2, true), steps)
	want := []string{"", "", "", "", "", "", // joins
		"", "rejected:" + CodeInvalidDecision, "", "", "rejected:" + CodeInvalidDecision,
		"", "", "", "", "", "rejected:" + CodeInvalidDecision,
		"rejected:" + CodeQuotaFull, "rejected:" + CodeInvalidDecision, "",
		"", "rejected:" + CodeWrongStage, "", ""}
	require.Equal(t, want, results)
	require.True(t, h.env.IsWorkflowCompleted())
	require.NoError(t, h.env.GetWorkflowError())

	last := h.snapshots[len(h.snapshots)-1]
	require.Equal(t, process.RoundClosed, last.Stage)
	sameTime(t, time.Date(2027, 5, 12, 0, 0, 0, 0, process.Zone), last.PublicUntil)
	outcomes := map[int64]string{}
	for id := int64(1); id <= 6; id++ {
		outcomes[id] = h.outcome(id)
	}
	require.Equal(t, map[int64]string{1: process.OutcomeAdmitted, 2: process.OutcomeRemoved, 3: process.OutcomeAdmitted,
		4: process.OutcomeAdmitted, 5: process.OutcomeNotSelected, 6: process.OutcomeNotSelected}, outcomes,
		"1 was admitted and gave up (the round does not tell a give-up back); 3 and 4 moved up in turn")
	require.Equal(t, process.OutcomeGivenUp, last.Candidate(1).Outcome)
	// 3 moved up when the objection was upheld (Sunday 5月2日 09:00) with a 公示 of 3 working days.
	sameTime(t, time.Date(2027, 5, 9, 0, 0, 0, 0, process.Zone), publicUntilOf(h.snapshots, 3))
	// Each interview notice carries its calendar event.
	require.Contains(t, h.told[6][0].Calendar, "BEGIN:VEVENT")
	require.Contains(t, h.told[6][0].Calendar, "LOCATION:行政楼301")
	// The quota was never exceeded at any record.
	for _, s := range h.snapshots {
		require.LessOrEqual(t, s.count(process.OutcomeAdmitted)+s.count(process.OutcomeProposed), 2)
	}
}

// publicUntilOf is the 公示 end of a candidate when first proposed.
func publicUntilOf(snapshots []Round, id int64) time.Time {
	for _, s := range snapshots {
		if c := s.Candidate(id); c != nil && c.Outcome == process.OutcomeProposed {
			return c.PublicUntil
		}
	}
	return time.Time{}
}

// TestRoundRacesNeverExceedTheQuota: on a quota of 2 with ten 候补, twenty give-ups (repeated)
// arrive at one moment, then ten objections against those who moved up, then ten upheld at one
// moment: never more than two admitted or proposed at any record, and the 候补 move up strictly in
// their order, one per freed place.
func TestRoundRacesNeverExceedTheQuota(t *testing.T) {
	h := newRoundHarness(t)
	m, d := time.Minute, 24*time.Hour
	ids := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	steps := joins(m, ids...)
	steps = append(steps, roundStep{at: 10 * m, name: RoundPropose, req: RoundRequest{Actor: foreign, Admit: []int64{1, 2},
		Waitlist: ids[2:], WaitlistUntil: "2027-06-30"}})
	// 1 and 2 are admitted on 5月11日 (see TestWorkingDaysFollowTheOfficeCalendar); on 5月13日 both give
	// up, ten times each, at the same moment.
	giveUps := 14 * d
	for i := 0; i < 10; i++ {
		steps = append(steps, roundStep{at: giveUps, name: RoundGiveUp, signal: int64(1 + i%2)})
	}
	// 3 and 4 moved up: ten objections against them, then all upheld at one moment.
	for i := 0; i < 10; i++ {
		steps = append(steps, roundStep{at: giveUps + m, name: RoundObject, req: RoundRequest{Actor: otherStud, ApplicationID: int64(3 + i%2), Reason: "异议"}})
	}
	for i := 0; i < 10; i++ {
		steps = append(steps, roundStep{at: giveUps + 2*m, name: RoundResolve, req: RoundRequest{Actor: foreign, ObjectionID: i + 1, Uphold: true, Reply: "成立"}})
	}
	results := h.run(roundInput(2, false), steps)
	for i, r := range results {
		require.Empty(t, r, "step %d (%s)", i, steps[i].name)
	}
	require.True(t, h.env.IsWorkflowCompleted())
	require.NoError(t, h.env.GetWorkflowError())
	for _, s := range h.snapshots {
		require.LessOrEqual(t, s.count(process.OutcomeAdmitted)+s.count(process.OutcomeProposed), 2, "seq %d", s.Seq)
	}
	// The order in which candidates were first proposed: 1, 2, then the 候补 in their order.
	var proposed []int64
	seen := map[int64]bool{}
	for _, s := range h.snapshots {
		for _, c := range s.Candidates {
			if c.Outcome == process.OutcomeProposed && !seen[c.ApplicationID] {
				seen[c.ApplicationID] = true
				proposed = append(proposed, c.ApplicationID)
			}
		}
	}
	require.Equal(t, []int64{1, 2, 3, 4, 5, 6}, proposed)
	last := h.snapshots[len(h.snapshots)-1]
	want := map[int64]string{1: process.OutcomeGivenUp, 2: process.OutcomeGivenUp, 3: process.OutcomeRemoved, 4: process.OutcomeRemoved,
		5: process.OutcomeAdmitted, 6: process.OutcomeAdmitted}
	for _, id := range ids[6:] {
		want[id] = process.OutcomeNotSelected // the 候补 expired on 7月1日
	}
	for id, outcome := range want {
		require.Equal(t, outcome, last.Candidate(id).Outcome, "application %d", id)
	}
	require.Equal(t, process.RoundClosed, last.Stage)
}

func sameTime(t *testing.T, want, got time.Time) {
	t.Helper()
	require.True(t, want.Equal(got), "want %s, got %s", want, got)
}
