package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"outbound/process"
	"outbound/storage"
	"outbound/workflows"
)

// canView reports whether the caller may see an application: its student;
// reviewers once it was submitted, college reviewers only in their college;
// administrators always.
func canView(who Caller, app *storage.Application) bool {
	switch who.Role().Spec().Scope {
	case process.ScopeOwn:
		return app.StudentID == who.ID
	case process.ScopeCollege:
		return app.SubmittedAt != nil && app.CollegeCode == who.College()
	case process.ScopeSubmitted:
		return app.SubmittedAt != nil
	case process.ScopeAll:
		return true
	}
	return false
}

// errNoApplication answers for others' applications as for absent ones, so
// that their existence is not disclosed.
var errNoApplication = NotFound("申请")

// Application loads an application the caller may see.
func (s *Service) Application(ctx context.Context, who Caller, id int64) (*storage.Application, error) {
	app, err := s.Store.ApplicationByID(ctx, id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && !canView(who, app)) {
		return nil, errNoApplication
	}
	return app, err
}

// ownApplication loads an application of the calling student.
func (s *Service) ownApplication(ctx context.Context, who Caller, id int64) (*storage.Application, error) {
	app, err := s.Application(ctx, who, id)
	if err == nil && app.StudentID != who.ID {
		return nil, errNoApplication
	}
	return app, err
}

// NewApplication is what a student sends to open the form of a project.
type NewApplication struct {
	ProjectID          int64  `json:"projectId"`
	NoticeVersion      string `json:"noticeVersion"`
	NoticeAccepted     bool   `json:"noticeAccepted"`
	CommitmentAccepted bool   `json:"commitmentAccepted"`
}

// CreateApplication opens a draft and starts its workflow. The draft is
// written first, so that the database's one-open-application rule decides
// concurrent requests; the workflow is then started with an ID derived from
// the draft. Should the process die between the two, ReconcileDrafts starts
// the missing workflow; should Temporal report a failure after it accepted
// the start, the existing workflow is found and kept.
func (s *Service) CreateApplication(ctx context.Context, who Caller, in NewApplication) (*storage.Application, error) {
	f := fields{}
	if in.ProjectID <= 0 {
		f.add("projectId", "请选择项目")
	}
	if !in.NoticeAccepted {
		f.add("noticeAccepted", "请先阅读并接受申报须知")
	}
	if !in.CommitmentAccepted {
		f.add("commitmentAccepted", "请确认本人承诺")
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	notice, err := s.Store.CurrentNotice(ctx)
	if err != nil {
		return nil, err
	}
	if in.NoticeVersion != notice.Version {
		return nil, conflict("notice_changed", "申报须知已更新，请重新阅读")
	}
	project, err := s.Store.ProjectByID(ctx, in.ProjectID)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && (!project.Published || !project.Active)) {
		return nil, NotFound("项目")
	}
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if !project.WindowOpen(now) {
		return nil, conflict("window_closed", "不在该项目的申报时间内（"+process.FormatTime(project.ApplyStart)+" 至 "+process.FormatTime(project.ApplyEnd)+"）")
	}
	profile, err := s.Profile(ctx, who)
	if err != nil {
		return nil, err
	}
	if missing := profile.Completeness.Missing; len(missing) > 0 {
		return nil, conflict("profile_incomplete", "请先完善个人资料："+strings.Join(missing, "、"))
	}
	app, err := s.Store.CreateDraft(ctx, storage.NewDraft{StudentID: who.ID, ProjectID: project.ID, NoticeVersion: in.NoticeVersion, AcceptedAt: now})
	if err != nil {
		return nil, err
	}
	start := workflows.Input{ApplicationID: app.ID, StudentID: who.ID, StudentName: who.DisplayName, College: app.CollegeCode,
		Graduate: process.IsGraduate(profile.Profile.DegreeLevel), ProjectCode: project.Code, WindowOpens: project.ApplyStart, WindowCloses: project.ApplyEnd,
		Credits: project.CreditBearing}
	if project.CheckInDays != nil {
		start.Timing.CheckInEvery = time.Duration(*project.CheckInDays) * 24 * time.Hour
	}
	if project.Selection != nil {
		if start.Round, err = s.ensureRound(ctx, project); err != nil {
			return nil, s.undoDraft(context.WithoutCancel(ctx), app.ID, err)
		}
	}
	if err := s.startWorkflow(ctx, start, workflowSummary(app.CollegeName, app.ProjectName, app.ProjectCode, app.ProjectYear)); err != nil {
		return nil, s.undoDraft(context.WithoutCancel(ctx), app.ID, err)
	}
	return app, nil
}

// undoDraft answers a failed start: a draft whose workflow does exist (the
// start was accepted after all) is kept; one without is discarded; when
// Temporal cannot tell, the draft stays for ReconcileDrafts.
func (s *Service) undoDraft(ctx context.Context, id int64, startErr error) error {
	_, err := s.Temporal.DescribeWorkflow(ctx, workflows.WorkflowID(id), "")
	var missing *serviceerror.NotFound
	switch {
	case err == nil:
		return nil
	case errors.As(err, &missing):
		if derr := s.Store.DiscardDraft(ctx, id); derr != nil {
			return errors.Join(startErr, derr)
		}
	}
	return startErr
}

// startWorkflow starts an application's workflow with the process and the
// timing of now (a project's own check-in interval kept); one already started is not an error.
// workflowSummary is the line the Temporal UI's list shows for an application: college, project
// and year, no personal data.
func workflowSummary(college, project, code string, year int) string {
	return fmt.Sprintf("%s · %s（%s）· %d 年度", college, project, code, year)
}

func (s *Service) startWorkflow(ctx context.Context, in workflows.Input, summary string) error {
	every := in.Timing.CheckInEvery
	in.Definition, in.Timing = s.Process, s.timing()
	if every > 0 {
		in.Timing.CheckInEvery = every // the project's own interval between check-ins
	}
	_, err := s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.WorkflowID(in.ApplicationID),
		TaskQueue:                s.Config.Temporal.TaskQueue,
		StaticSummary:            summary,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.AttrStage.ValueSet(s.Process.FormStage()), workflows.AttrAwaitingRole.ValueSet(string(process.RoleStudent)),
			workflows.AttrCollege.ValueSet(in.College), workflows.AttrProjectCode.ValueSet(in.ProjectCode),
			workflows.AttrStageEnteredAt.ValueSet(time.Now()), workflows.AttrReviewOverdue.ValueSet(false)),
	}, workflows.WorkflowName, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil
	}
	return err
}

// timing turns configuration into the workflow's timer durations.
func (s *Service) timing() workflows.Timing {
	p := s.Config.Process
	return workflows.Timing{ReviewDeadline: p.ReviewDeadline, ReviewReminder: p.ReviewReminder, WindowReminder: p.WindowReminder,
		ReturnReportDue: p.ReturnReportDue, ReturnReportWarning: p.ReturnReportWarning,
		CorrectionDue: p.CorrectionDue, CorrectionReminder: p.CorrectionReminder,
		ArrivalCheckIn: p.ArrivalCheckIn, CheckInEvery: p.CheckInEvery, CheckInGrace: p.CheckInGrace,
		PassportReturnDays: p.PassportReturnDays}
}

// ReconcileDrafts starts the workflow of every open draft older than grace
// that has recorded nothing yet: the leftovers of a process that died between
// writing the draft and starting its workflow. It returns how many it started.
func (s *Service) ReconcileDrafts(ctx context.Context, grace time.Duration) (int, error) {
	drafts, err := s.Store.UnstartedDrafts(ctx, time.Now().Add(-grace))
	if err != nil {
		return 0, err
	}
	started := 0
	for _, d := range drafts {
		in := workflows.Input{ApplicationID: d.ID, StudentID: d.StudentID, StudentName: d.StudentName, College: d.CollegeCode,
			Graduate: process.IsGraduate(d.DegreeLevel), ProjectCode: d.ProjectCode, WindowOpens: d.ApplyStart, WindowCloses: d.ApplyEnd}
		if err := s.startWorkflow(ctx, in, workflowSummary(d.CollegeName, d.ProjectName, d.ProjectCode, d.ProjectYear)); err != nil {
			return started, err
		}
		slog.Info("started the workflow of a draft left without one", "application", d.ID)
		started++
	}
	return started, nil
}

// Reply is what the answer to a message carries.
type Reply int

const (
	// WithDetail answers with the application as it is now.
	WithDetail Reply = iota
	// Minimal answers with nothing: the caller reads the application when it needs it (the web UI
	// goes to its page), and the thousands of submissions before a deadline save the reads.
	Minimal
)

// replied is the answer to a message that the workflow took, as the caller asked for it.
func (s *Service) replied(ctx context.Context, who Caller, id int64, v *workflows.View, reply Reply) (*ApplicationDetail, error) {
	if reply == Minimal {
		return nil, nil
	}
	return s.detailOf(ctx, who, id, v)
}

// Message sends a student's message without content (submit, withdraw, delete, …).
func (s *Service) Message(ctx context.Context, who Caller, id int64, name, key string, reply Reply) (*ApplicationDetail, error) {
	app, err := s.ownApplication(ctx, who, id)
	if err != nil {
		return nil, err
	}
	v, err := s.send(ctx, app.ID, name, key, workflows.Request{Actor: who.Actor()})
	if err != nil {
		return nil, err
	}
	return s.replied(ctx, who, app.ID, v, reply)
}

// GiveUp is 放弃录取 and its reason.
type GiveUp struct {
	Reason string `json:"reason"`
}

// GiveUpAdmission gives the student's place back before departure; the application ends and the
// project's quota place is free again.
func (s *Service) GiveUpAdmission(ctx context.Context, who Caller, id int64, in GiveUp, key string, reply Reply) (*ApplicationDetail, error) {
	app, err := s.ownApplication(ctx, who, id)
	if err != nil {
		return nil, err
	}
	f := fields{}
	f.requiredText("reason", "放弃原因", in.Reason, process.MaxOpinionRunes)
	if err := f.err(); err != nil {
		return nil, err
	}
	v, err := s.send(ctx, app.ID, process.MsgGiveUp, key, workflows.Request{Actor: who.Actor(), Opinion: in.Reason})
	if err != nil {
		return nil, err
	}
	return s.replied(ctx, who, app.ID, v, reply)
}

// Decision is a reviewer's 审核.
type Decision struct {
	Decision string             `json:"decision"`
	Opinion  string             `json:"opinion"`
	Funding  *workflows.Funding `json:"funding"`
	// Lines are a 学分认定 review's decisions, line by line.
	Lines []process.LineDecision `json:"lines"`
}

func (d *Decision) validate() error {
	f := fields{}
	switch d.Decision {
	case process.DecisionApprove:
	case process.DecisionReturn, process.DecisionReject:
		f.required("opinion", "审核意见", d.Opinion)
	case "":
		f.add("decision", "请选择审核结果")
	default:
		f.add("decision", "审核结果应为 approve（通过）、return（退回）或 reject（不通过）")
	}
	f.text("opinion", "审核意见", d.Opinion, process.MaxOpinionRunes)
	if d.Funding != nil {
		f.requiredText("funding.source", "资助来源", d.Funding.Source, process.MaxFundingRunes)
		f.text("funding.note", "资助说明", d.Funding.Note, process.MaxFundingRunes)
		f.amount("funding.amount", "资助金额", d.Funding.Amount)
	}
	d.Opinion = strings.TrimSpace(d.Opinion)
	return f.err()
}

// Decide sends a reviewer's decision.
func (s *Service) Decide(ctx context.Context, who Caller, id int64, in Decision, key string, reply Reply) (*ApplicationDetail, error) {
	app, err := s.Application(ctx, who, id)
	if err != nil {
		return nil, err
	}
	// The content is checked after the application is found, so that another's application stays a 404.
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := s.checkCreditDecisions(ctx, app, in.Decision, in.Lines); err != nil {
		return nil, err
	}
	req := workflows.Request{Actor: who.Actor(), Decision: in.Decision, Opinion: in.Opinion, Funding: in.Funding, Lines: in.Lines}
	v, err := s.send(ctx, app.ID, process.MsgDecide, key, req)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, who, "application.decide", "application", app.ID, map[string]any{"stage": app.Stage, "status": app.Status},
		map[string]any{"decision": in.Decision, "opinion": in.Opinion, "funding": in.Funding})
	return s.replied(ctx, who, app.ID, v, reply)
}

// BatchResult is the outcome of one application of a batch approval.
type BatchResult struct {
	ApplicationID int64  `json:"applicationId"`
	OK            bool   `json:"ok"`
	Code          string `json:"code,omitempty"`
	Message       string `json:"message,omitempty"`
}

// BatchOutcome answers a batch approval per application.
type BatchOutcome struct {
	Results  []BatchResult `json:"results"`
	Approved int           `json:"approved"`
	Failed   int           `json:"failed"`
}

// BatchApproval approves several applications with one opinion.
type BatchApproval struct {
	ApplicationIDs []int64 `json:"applicationIds"`
	Opinion        string  `json:"opinion"`
}

// BatchApprove approves each application it can and says why not for the others.
func (s *Service) BatchApprove(ctx context.Context, who Caller, in BatchApproval) (*BatchOutcome, error) {
	f := fields{}
	if len(in.ApplicationIDs) == 0 || len(in.ApplicationIDs) > 100 {
		f.add("applicationIds", "请选择1至100个申请")
	}
	f.text("opinion", "审核意见", in.Opinion, process.MaxOpinionRunes)
	if err := f.err(); err != nil {
		return nil, err
	}
	out := &BatchOutcome{Results: make([]BatchResult, 0, len(in.ApplicationIDs))}
	for _, id := range in.ApplicationIDs {
		res := BatchResult{ApplicationID: id}
		app, err := s.Application(ctx, who, id)
		if err == nil {
			_, err = s.send(ctx, id, process.MsgDecide, "", workflows.Request{Actor: who.Actor(), Decision: process.DecisionApprove, Opinion: strings.TrimSpace(in.Opinion)})
		}
		if err != nil {
			e := AsError(err)
			if e == nil {
				slog.Error("batch approval failed", "application", id, "error", err)
				e = ErrInternal
			}
			res.Code, res.Message = e.Code, e.Message
			out.Failed++
		} else {
			res.OK = true
			out.Approved++
			s.audit(ctx, who, "application.decide", "application", id, map[string]any{"stage": app.Stage, "status": app.Status},
				map[string]any{"decision": process.DecisionApprove, "opinion": in.Opinion})
		}
		out.Results = append(out.Results, res)
	}
	return out, nil
}
