package service

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"outbound/process"
	"outbound/storage"
	"outbound/workflows"
)

// The selection round as people see it: the ranking board (外事部门, and each college for its own
// candidates), the 公示 page, and the Updates that move the round.

// ensureRound starts a project's round with its first application; a round already running (or
// ended) is kept. It answers the round's workflow ID.
func (s *Service) ensureRound(ctx context.Context, p *storage.Project) (string, error) {
	id := workflows.RoundID(p.ID, p.Year)
	in := workflows.RoundInput{ProjectID: p.ID, ProjectCode: p.Code, Year: p.Year, Quota: *p.Quota, Interview: p.HasInterview,
		Settings: p.Selection.Selection}
	_, err := s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: id, TaskQueue: s.Config.Temporal.TaskQueue,
		StaticSummary:            workflowSummary("项目选拔", p.Name, p.Code, p.Year),
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, workflows.RoundName, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &started) {
		return "", err
	}
	return id, nil
}

// Board is a round as the ranking board shows it.
type Board struct {
	RoundID       string            `json:"roundId"`
	ProjectID     int64             `json:"projectId"`
	ProjectName   string            `json:"projectName"`
	ProjectCode   string            `json:"projectCode"`
	Year          int               `json:"year"`
	Stage         string            `json:"stage"`
	StageLabel    string            `json:"stageLabel"`
	Quota         int               `json:"quota"`
	Interview     bool              `json:"interview"`
	Settings      process.Selection `json:"settings"`
	Opinion       string            `json:"opinion,omitempty"`
	PublishedAt   time.Time         `json:"publishedAt,omitzero"`
	PublicUntil   time.Time         `json:"publicUntil,omitzero"`
	WaitlistUntil time.Time         `json:"waitlistUntil,omitzero"`
	Candidates    []BoardCandidate  `json:"candidates"`
	Objections    []BoardObjection  `json:"objections"`
	Pending       int               `json:"pendingReviews"`
	Can           map[string]bool   `json:"can"`
	Outcomes      map[string]string `json:"outcomes"`
}

// BoardCandidate is one row of the board.
type BoardCandidate struct {
	storage.Applicant
	workflows.Candidate
	OutcomeLabel string  `json:"outcomeLabel"`
	Composite    float64 `json:"composite"`
}

// BoardObjection is an objection as the office sees it: the objector's identity with it.
type BoardObjection struct {
	workflows.Objection
	Candidate   string `json:"candidate"`
	StatusLabel string `json:"statusLabel"`
}

// roundOf reads a project's round; a project without a round, or whose round has no candidate
// yet, has none.
func (s *Service) roundOf(ctx context.Context, projectID int64) (*storage.ProjectRound, *workflows.Round, error) {
	p, err := s.Store.ProjectRoundByID(ctx, projectID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil, NotFound("项目")
	}
	if err != nil {
		return nil, nil, err
	}
	if !p.HasSelection {
		return nil, nil, conflict("no_selection", "该项目没有选拔环节，由外事部门直接审核录取")
	}
	if p.RoundID == nil {
		return nil, nil, conflict("no_round", "该项目还没有进入选拔的申请")
	}
	var r workflows.Round
	if err := json.Unmarshal(p.State, &r); err != nil {
		return nil, nil, err
	}
	return p, &r, nil
}

// Board answers a project's ranking board: the office sees every candidate and the objections; a
// college reviewer sees their college's candidates, to rank them.
func (s *Service) Board(ctx context.Context, who Caller, projectID int64) (*Board, error) {
	role := who.Role()
	if role != process.RoleForeignAffairs && role != process.RoleCollegeReviewer && role != process.RoleAdmin {
		return nil, Forbidden("只有外事部门、学院审核员和管理员可以查看选拔")
	}
	p, r, err := s.roundOf(ctx, projectID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(r.Candidates))
	for i, c := range r.Candidates {
		ids[i] = c.ApplicationID
	}
	people, err := s.Store.Applicants(ctx, ids)
	if err != nil {
		return nil, err
	}
	pending := 0
	if r.Stage == process.RoundCollecting {
		// Only before the list is proposed does it matter who may still join.
		if pending, err = s.Store.PendingBeforeSelection(ctx, projectID, s.Process.ReviewsBefore(process.StageSelection)); err != nil {
			return nil, err
		}
	}
	office := role == process.RoleForeignAffairs
	b := &Board{RoundID: *p.RoundID, ProjectID: p.ProjectID, ProjectName: p.ProjectName, ProjectCode: p.ProjectCode, Year: r.Input.Year, Stage: r.Stage,
		StageLabel: process.RoundStageLabels[r.Stage], Quota: r.Input.Quota, Interview: r.Input.Interview, Settings: r.Input.Settings,
		Opinion: r.Opinion, PublishedAt: r.PublishedAt, PublicUntil: r.PublicUntil, WaitlistUntil: r.WaitlistUntil,
		Candidates: []BoardCandidate{}, Objections: []BoardObjection{}, Pending: pending, Outcomes: process.OutcomeLabels,
		Can: map[string]bool{
			"rank":      role == process.RoleCollegeReviewer && r.Stage == process.RoundCollecting,
			"interview": office && r.Input.Interview && r.Stage == process.RoundCollecting,
			"propose":   office && r.Stage == process.RoundCollecting,
			"resolve":   office,
		}}
	ranked := map[string]int{}
	for _, c := range r.Candidates {
		if c.CollegeRank > 0 {
			ranked[c.College]++
		}
	}
	for _, c := range r.Candidates {
		if role == process.RoleCollegeReviewer && c.College != who.College() {
			continue
		}
		person := people[c.ApplicationID]
		var score *float64
		if c.Score != nil && !c.Absent {
			score = c.Score
		} else if c.Absent {
			zero := 0.0
			score = &zero
		}
		b.Candidates = append(b.Candidates, BoardCandidate{Applicant: person, Candidate: *c, OutcomeLabel: process.OutcomeStatus(c.Outcome, c.WaitPosition),
			Composite: r.Input.Settings.Composite(person.GPA, score, c.CollegeRank, ranked[c.College])})
	}
	slices.SortStableFunc(b.Candidates, func(x, y BoardCandidate) int {
		switch {
		case x.Composite > y.Composite:
			return -1
		case x.Composite < y.Composite:
			return 1
		}
		return 0
	})
	if office || role == process.RoleAdmin {
		for _, o := range r.Objections {
			b.Objections = append(b.Objections, BoardObjection{Objection: o, Candidate: people[o.ApplicationID].Name,
				StatusLabel: process.ObjectionLabels[o.Status]})
		}
	}
	return b, nil
}

// RoundAction is what the board sends: the fields of the chosen action.
type RoundAction = workflows.RoundRequest

// ActOnRound sends one of the board's actions (rank, schedule-interview, score, propose,
// resolve-objection) to the project's round and answers the board as it is then.
func (s *Service) ActOnRound(ctx context.Context, who Caller, projectID int64, name, key string, in RoundAction) (*Board, error) {
	if !slices.Contains([]string{workflows.RoundRank, workflows.RoundInterview, workflows.RoundScore, workflows.RoundPropose, workflows.RoundResolve}, name) {
		return nil, NotFound("操作")
	}
	p, _, err := s.roundOf(ctx, projectID)
	if err != nil {
		return nil, err
	}
	if name == workflows.RoundPropose {
		pending, err := s.Store.PendingBeforeSelection(ctx, p.ProjectID, s.Process.ReviewsBefore(process.StageSelection))
		if err != nil {
			return nil, err
		}
		if pending > 0 || time.Now().Before(p.ApplyEnd) {
			return nil, conflict("selection_not_ready", "申报尚未截止或仍有申请在学院、教务处（研究生院）审核中，暂不能提出拟录取名单")
		}
	}
	in.Actor = who.Actor()
	if err := s.update(ctx, *p.RoundID, name, key, in, nil); err != nil {
		return nil, err
	}
	s.audit(ctx, who, "selection."+name, "selection_round", *p.RoundID, nil, in)
	return s.Board(ctx, who, projectID)
}

// RoundSummary is one line of the index of rounds.
type RoundSummary struct {
	ProjectID   int64     `json:"projectId"`
	ProjectName string    `json:"projectName"`
	ProjectCode string    `json:"projectCode"`
	Year        int       `json:"year"`
	Stage       string    `json:"stage"`
	StageLabel  string    `json:"stageLabel"`
	Quota       int       `json:"quota"`
	Candidates  int       `json:"candidates"`
	Admitted    int       `json:"admitted"`
	Pending     int       `json:"pendingObjections"`
	PublicUntil time.Time `json:"publicUntil,omitzero"`
}

// RoundList is the index of rounds.
type RoundList struct {
	Items []RoundSummary `json:"items"`
}

// Rounds lists the rounds the caller works on: a college reviewer those with candidates of their college.
func (s *Service) Rounds(ctx context.Context, who Caller) (*RoundList, error) {
	rows, err := s.Store.Rounds(ctx)
	if err != nil {
		return nil, err
	}
	out := &RoundList{Items: []RoundSummary{}}
	for _, row := range rows {
		var r workflows.Round
		if err := json.Unmarshal(row.State, &r); err != nil {
			return nil, err
		}
		item := RoundSummary{ProjectID: row.ProjectID, ProjectName: row.ProjectName, ProjectCode: row.ProjectCode, Year: row.Year,
			Stage: r.Stage, StageLabel: process.RoundStageLabels[r.Stage], Quota: r.Input.Quota, PublicUntil: r.PublicUntil}
		for _, c := range r.Candidates {
			if who.Role() == process.RoleCollegeReviewer && c.College != who.College() {
				continue
			}
			item.Candidates++
			if c.Outcome == process.OutcomeAdmitted {
				item.Admitted++
			}
		}
		for _, o := range r.Objections {
			if o.Status == process.ObjectionPending {
				item.Pending++
			}
		}
		if who.Role() == process.RoleCollegeReviewer && item.Candidates == 0 {
			continue
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
}
