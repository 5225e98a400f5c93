package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"outbound/storage"
	"outbound/workflows"
)

// NoticeVersion names the text of 申报须知 and 本人承诺 a student accepts; a new text gets a new version.
const NoticeVersion = "2024-1"

// NoticeText is 申报须知.
const NoticeText = "本人在本表格中填写的信息真实有效，并且已将参加本项目的相关事宜告知家长。本人出境期间的学习交流不涉及政治敏感问题、无知识产权保护问题。本人将遵守学校有关学生出国(境)的规章制度，承诺及时办理注册、学籍、缴费、返校报到等手续。因个人原因违反学校相关规定，责任和后果由学生本人承担。本人将遵守出访国家的法律法规，遵守接待学校的校规校纪。本人将自行购买出访期间的医疗及意外保险。本人保证按期回国。本人有义务在出访访问期间确保个人财产及人身安全。"

// CommitmentText is 本人承诺.
const CommitmentText = "本人承诺以上所填信息真实、准确，并已认真阅读申报须知。每人限报1个项目，报名多个项目的将被取消报名资格。"

func (s *Server) getNotice(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"version": NoticeVersion, "notice": NoticeText, "commitment": CommitmentText,
		"readSeconds": 2, "warning": "请勿上传涉密材料"})
}

// canView reports whether the signed-in account may see an application:
// its student; reviewers once it was submitted, college reviewers only in their college.
func canView(acc *storage.Account, app *storage.Application) bool {
	switch workflows.Role(acc.Role) {
	case workflows.RoleStudent:
		return app.StudentID == acc.ID
	case workflows.RoleCollegeReviewer:
		return app.SubmittedAt != nil && app.CollegeCode == acc.College()
	case workflows.RoleAcademicAffairs, workflows.RoleForeignAffairs, workflows.RoleAdmin:
		return app.SubmittedAt != nil || workflows.Role(acc.Role) == workflows.RoleAdmin
	}
	return false
}

// loadApplication loads the application of the path and checks that the account may see it.
// Others' applications answer 404, so that their existence is not disclosed.
func (s *Server) loadApplication(c *gin.Context) (*storage.Application, bool) {
	id, ok := pathID(c, "id")
	if !ok {
		return nil, false
	}
	app, err := s.Store.ApplicationByID(c.Request.Context(), id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && !canView(account(c), app)) {
		fail(c, errNotFound("申请"))
		return nil, false
	}
	if err != nil {
		fail(c, err)
		return nil, false
	}
	return app, true
}

// loadOwnApplication is loadApplication for the student who owns it.
func (s *Server) loadOwnApplication(c *gin.Context) (*storage.Application, bool) {
	app, ok := s.loadApplication(c)
	if ok && app.StudentID != account(c).ID {
		fail(c, errNotFound("申请"))
		return nil, false
	}
	return app, ok
}

type createApplicationInput struct {
	ProjectID          int64  `json:"projectId"`
	NoticeVersion      string `json:"noticeVersion"`
	NoticeAccepted     bool   `json:"noticeAccepted"`
	CommitmentAccepted bool   `json:"commitmentAccepted"`
}

func (s *Server) createApplication(c *gin.Context) {
	var in createApplicationInput
	if !bindJSON(c, &in) {
		return
	}
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
		fail(c, err)
		return
	}
	if in.NoticeVersion != NoticeVersion {
		fail(c, errConflict("notice_changed", "申报须知已更新，请重新阅读"))
		return
	}
	ctx := c.Request.Context()
	acc := account(c)
	project, err := s.Store.ProjectByID(ctx, in.ProjectID)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && (!project.Published || !project.Active)) {
		fail(c, errNotFound("项目"))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	now := time.Now()
	if !project.WindowOpen(now) {
		fail(c, errConflict("window_closed", "不在该项目的申报时间内（"+project.ApplyStart.In(chinaTime).Format("2006-01-02 15:04")+" 至 "+project.ApplyEnd.In(chinaTime).Format("2006-01-02 15:04")+"）"))
		return
	}
	_, _, missing, ok := s.loadProfile(c)
	if !ok {
		return
	}
	if len(missing) > 0 {
		fail(c, errConflict("profile_incomplete", "请先完善个人资料："+strings.Join(missing, "、")))
		return
	}
	app, err := s.Store.CreateDraft(ctx, storage.NewDraft{StudentID: acc.ID, ProjectID: project.ID, NoticeVersion: in.NoticeVersion, AcceptedAt: now})
	if err != nil {
		fail(c, err)
		return
	}
	if err := s.startWorkflow(ctx, app, project, acc); err != nil {
		// No application without its workflow: the draft goes again.
		if derr := s.Store.DiscardDraft(context.WithoutCancel(ctx), app.ID); derr != nil {
			err = errors.Join(err, derr)
		}
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, app)
}

// Timing turns configuration into the workflow's timer durations.
func (s *Server) timing() workflows.Timing {
	p := s.Config.Process
	return workflows.Timing{ReviewDeadline: p.ReviewDeadline, ReviewReminder: p.ReviewReminder, WindowReminder: p.WindowReminder,
		ReturnReportDue: p.ReturnReportDue, ReturnReportWarning: p.ReturnReportWarning}
}

func (s *Server) startWorkflow(ctx context.Context, app *storage.Application, p *storage.Project, student *storage.Account) error {
	in := workflows.Input{
		ApplicationID: app.ID, StudentID: student.ID, StudentName: student.DisplayName, College: app.CollegeCode,
		ProjectCode: p.Code, WindowOpens: p.ApplyStart, WindowCloses: p.ApplyEnd,
		Definition: workflows.DefaultDefinition(), Timing: s.timing(),
	}
	_, err := s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.WorkflowID(app.ID),
		TaskQueue:                s.Config.Temporal.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.AttrStage.ValueSet(process.EditableStage(workflows.PhaseApplication)), workflows.AttrAwaitingRole.ValueSet(string(workflows.RoleStudent)),
			workflows.AttrCollege.ValueSet(app.CollegeCode), workflows.AttrProjectCode.ValueSet(p.Code),
			workflows.AttrStageEnteredAt.ValueSet(time.Now()), workflows.AttrReviewOverdue.ValueSet(false)),
	}, workflows.WorkflowName, in)
	return err
}

// send delivers a message to an application's workflow as an Update and waits for its answer.
// The Idempotency-Key header, when given, is the update ID: a retried request is applied once.
func (s *Server) send(c *gin.Context, appID int64, name string, req workflows.Request) (*workflows.View, error) {
	updateID := c.GetHeader("Idempotency-Key")
	if updateID == "" || len(updateID) > 100 {
		updateID = uuid.NewString()
	}
	h, err := s.Temporal.UpdateWorkflow(c.Request.Context(), client.UpdateWorkflowOptions{
		WorkflowID: workflows.WorkflowID(appID), UpdateName: name, UpdateID: updateID,
		Args: []any{req}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return nil, err
	}
	var v workflows.View
	if err := h.Get(c.Request.Context(), &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// message is the handler of a student's message without a body.
func (s *Server) message(name string) gin.HandlerFunc {
	return func(c *gin.Context) {
		app, ok := s.loadOwnApplication(c)
		if !ok {
			return
		}
		v, err := s.send(c, app.ID, name, workflows.Request{Actor: actor(c)})
		if err != nil {
			fail(c, err)
			return
		}
		s.answerApplication(c, app.ID, http.StatusOK, v)
	}
}

type decideInput struct {
	Decision string             `json:"decision"`
	Opinion  string             `json:"opinion"`
	Funding  *workflows.Funding `json:"funding"`
}

func (s *Server) decide(c *gin.Context) {
	app, ok := s.loadApplication(c)
	if !ok {
		return
	}
	var in decideInput
	if !bindJSON(c, &in) {
		return
	}
	f := fields{}
	switch in.Decision {
	case workflows.DecisionApprove:
	case workflows.DecisionReturn, workflows.DecisionReject:
		f.required("opinion", "审核意见", in.Opinion)
	default:
		f.add("decision", "审核结果应为 approve（通过）、return（退回）或 reject（不通过）")
	}
	f.maxLen("opinion", "审核意见", in.Opinion, workflows.MaxOpinionRunes)
	if in.Funding != nil {
		f.required("funding.source", "资助来源", in.Funding.Source)
		if in.Funding.Amount < 0 {
			f.add("funding.amount", "资助金额不能为负数")
		}
	}
	if err := f.err(); err != nil {
		fail(c, err)
		return
	}
	req := workflows.Request{Actor: actor(c), Decision: in.Decision, Opinion: strings.TrimSpace(in.Opinion), Funding: in.Funding}
	v, err := s.send(c, app.ID, workflows.MsgDecide, req)
	if err != nil {
		fail(c, err)
		return
	}
	s.audit(c, "application.decide", "application", app.ID, gin.H{"stage": app.Stage, "status": app.Status},
		gin.H{"decision": in.Decision, "opinion": req.Opinion, "funding": in.Funding})
	s.answerApplication(c, app.ID, http.StatusOK, v)
}

// supplement uploads 补交材料附件 and tells the workflow; files the workflow refuses are removed again.
func (s *Server) supplement(c *gin.Context) {
	app, ok := s.loadOwnApplication(c)
	if !ok {
		return
	}
	limit := s.Config.Upload.MaxBytes
	mr, err := multipartReader(c, 5*limit)
	if err != nil {
		fail(c, err)
		return
	}
	var stored []*storage.Attachment
	undo := func() {
		for _, row := range stored {
			s.forget(row)
		}
	}
	for len(stored) < 5 {
		part, err := nextFile(mr)
		if err != nil {
			undo()
			fail(c, err)
			return
		}
		if part == nil {
			break
		}
		f, err := s.storeFile(c.Request.Context(), part, fileRules{
			formats: defaultFormats, limit: limit,
			row:    storage.Attachment{OwnerID: app.StudentID, ApplicationID: &app.ID, Kind: "supplement", Label: "补交材料附件"},
			stages: process.ReviewStages(),
		})
		if err != nil {
			undo()
			if errors.Is(err, storage.ErrConflict) {
				err = errConflict(workflows.CodeWrongStage, "只有审核中的申请可以补交材料附件")
			}
			fail(c, err)
			return
		}
		stored = append(stored, f.row)
	}
	if len(stored) == 0 {
		fail(c, errInvalid(map[string]string{"file": "请选择要补交的文件"}))
		return
	}
	ids := make([]int64, len(stored))
	for i, row := range stored {
		ids[i] = row.ID
	}
	v, err := s.send(c, app.ID, workflows.MsgSupplement, workflows.Request{Actor: actor(c), AttachmentIDs: ids})
	if err != nil {
		undo()
		fail(c, err)
		return
	}
	s.answerApplication(c, app.ID, http.StatusCreated, v)
}

// defaultFormats are the manual's 附件格式 for files without a requirement of their own.
var defaultFormats = []string{"pdf", "png", "jpg", "tiff", "doc", "docx"}

// process is the chain new applications get; the read model's stage names come from it.
var process = workflows.DefaultDefinition()

func (s *Server) uploadAttachment(c *gin.Context) {
	app, ok := s.loadOwnApplication(c)
	if !ok {
		return
	}
	rules := fileRules{formats: defaultFormats, limit: s.Config.Upload.MaxBytes,
		row: storage.Attachment{OwnerID: app.StudentID, ApplicationID: &app.ID}}
	switch kind := c.DefaultQuery("kind", "required"); kind {
	case "required":
		reqID, err := strconv.ParseInt(c.Query("requirementId"), 10, 64)
		if err != nil {
			fail(c, errInvalid(map[string]string{"requirementId": "请指明附件类型（requirementId）"}))
			return
		}
		reqs, err := app.CapturedRequirements()
		if err != nil {
			fail(c, err)
			return
		}
		i := slices.IndexFunc(reqs, func(r storage.Requirement) bool { return r.ID == reqID })
		if i < 0 {
			fail(c, errInvalid(map[string]string{"requirementId": "该项目没有这种附件类型"}))
			return
		}
		r := reqs[i]
		rules.formats, rules.limit = r.Formats, r.MaxBytes
		rules.row.RequirementID, rules.row.Kind, rules.row.Label = &r.ID, "required", r.Kind
		rules.stages = []string{process.EditableStage(workflows.PhaseApplication)}
	case "predeparture":
		rules.row.Kind, rules.row.Label = kind, "行前材料"
		rules.stages = []string{process.EditableStage(workflows.PhasePredeparture)}
	case "return_report":
		rules.row.Kind, rules.row.Label = kind, "返校总结"
		rules.stages = []string{process.EditableStage(workflows.PhaseReturn)}
	default:
		fail(c, errInvalid(map[string]string{"kind": "附件种类应为 required、predeparture 或 return_report"}))
		return
	}
	mr, err := multipartReader(c, rules.limit)
	if err != nil {
		fail(c, err)
		return
	}
	part, err := nextFile(mr)
	if err == nil && part == nil {
		err = errInvalid(map[string]string{"file": "请选择要上传的文件"})
	}
	if err != nil {
		fail(c, err)
		return
	}
	f, err := s.storeFile(c.Request.Context(), part, rules)
	if errors.Is(err, storage.ErrConflict) {
		err = errConflict(workflows.CodeWrongStage, "当前状态（"+app.Status+"）不能上传此类附件")
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, f.row)
}

func (s *Server) deleteAttachment(c *gin.Context) {
	app, ok := s.loadOwnApplication(c)
	if !ok {
		return
	}
	aid, ok := pathID(c, "aid")
	if !ok {
		return
	}
	// Required files while the draft is editable; pre-departure materials while they are (行前材料删除).
	err := s.Store.DeleteAttachment(c.Request.Context(), aid, app.ID,
		[]string{"required", "predeparture", "return_report"},
		[]string{process.EditableStage(workflows.PhaseApplication), process.EditableStage(workflows.PhasePredeparture), process.EditableStage(workflows.PhaseReturn)})
	if errors.Is(err, storage.ErrConflict) {
		err = errConflict("not_editable", "当前状态不能删除该附件（已提交审核的材料不能删除）")
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) downloadAttachment(c *gin.Context) {
	app, ok := s.loadApplication(c)
	if !ok {
		return
	}
	aid, ok := pathID(c, "aid")
	if !ok {
		return
	}
	a, err := s.Store.AttachmentByID(c.Request.Context(), aid)
	if err == nil && (a.ApplicationID == nil || *a.ApplicationID != app.ID) {
		err = storage.ErrNotFound
	}
	if err != nil {
		fail(c, err)
		return
	}
	s.serveFile(c, a, c.Query("inline") == "1")
}

// answerApplication responds with the application's full detail. view is the
// workflow's state when the caller has it already (a message's answer); nil asks.
func (s *Server) answerApplication(c *gin.Context, id int64, status int, view *workflows.View) {
	app, err := s.Store.ApplicationByID(c.Request.Context(), id)
	if err != nil {
		fail(c, err)
		return
	}
	detail, err := s.applicationDetail(c, app, view)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(status, detail)
}

func (s *Server) getApplication(c *gin.Context) {
	app, ok := s.loadApplication(c)
	if !ok {
		return
	}
	detail, err := s.applicationDetail(c, app, nil)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, detail)
}

// requirementStatus is a row of 附件信息: a requirement and its uploaded files.
type requirementStatus struct {
	storage.Requirement
	Files []storage.Attachment `json:"files"`
}

// applicationDetail gathers the manual's sections: 进度信息, 基本信息, 详细信息, 资助情况, 附件信息, 历史记录.
func (s *Server) applicationDetail(c *gin.Context, app *storage.Application, view *workflows.View) (gin.H, error) {
	ctx := c.Request.Context()
	scores, err := s.Store.LanguageScores(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	files, err := s.Store.Attachments(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	timeline, err := s.Store.Timeline(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	reqs, err := app.CapturedRequirements()
	if err != nil {
		return nil, err
	}
	byReq := make([]requirementStatus, len(reqs))
	var others []storage.Attachment
	for i, r := range reqs {
		byReq[i] = requirementStatus{Requirement: r, Files: []storage.Attachment{}}
	}
	for _, f := range files {
		i := -1
		if f.RequirementID != nil {
			i = slices.IndexFunc(reqs, func(r storage.Requirement) bool { return r.ID == *f.RequirementID })
		}
		if i >= 0 {
			byReq[i].Files = append(byReq[i].Files, f)
		} else {
			others = append(others, f)
		}
	}
	if others == nil {
		others = []storage.Attachment{}
	}
	if view == nil {
		view = s.queryView(ctx, app.ID)
	}
	actions := allowedFor(account(c), app, view)
	labels := make([]gin.H, len(actions))
	for i, a := range actions {
		labels[i] = gin.H{"action": a, "label": workflows.ActionLabels[a]}
	}
	return gin.H{
		"application":    app,
		"funding":        app.Funding,
		"languageScores": scores,
		"requirements":   byReq,
		"otherFiles":     others,
		"timeline":       timeline,
		"pendingStep":    pendingStep(app),
		"actions":        labels,
		"temporalUrl":    s.temporalURL(app.ID),
	}, nil
}

// pendingStep is the unfinished row of 进度信息, from the read model.
func pendingStep(app *storage.Application) string {
	if app.ClosedAt != nil {
		return ""
	}
	return process.PendingStep(app.Phase, app.Stage)
}

func (s *Server) temporalURL(id int64) string {
	if s.Config.Temporal.UIURL == "" {
		return ""
	}
	return strings.TrimRight(s.Config.Temporal.UIURL, "/") + "/namespaces/" + s.Config.Temporal.Namespace + "/workflows/" + workflows.WorkflowID(id)
}

// actionsFor asks the workflow what the account may do now (the 操作 menu).
func (s *Server) actionsFor(ctx context.Context, acc *storage.Account, app *storage.Application) []workflows.Action {
	return allowedFor(acc, app, s.queryView(ctx, app.ID))
}

// queryView asks an application's workflow for its state; nil when it cannot answer
// (ended long ago, or Temporal is down).
func (s *Server) queryView(ctx context.Context, id int64) *workflows.View {
	qctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	res, err := s.Temporal.QueryWorkflow(qctx, workflows.WorkflowID(id), "", workflows.QueryState)
	if err != nil {
		return nil
	}
	var v workflows.View
	if err := res.Get(&v); err != nil {
		return nil
	}
	return &v
}

// allowedFor narrows the workflow's actions for a role to the account's scope;
// without a view, viewing only.
func allowedFor(acc *storage.Account, app *storage.Application, v *workflows.View) []workflows.Action {
	fallback := []workflows.Action{workflows.ActionView, workflows.ActionTrack}
	if v == nil {
		return fallback
	}
	actions := v.Allowed[workflows.Role(acc.Role)]
	notDecide := func(a workflows.Action) bool { return a == workflows.ActionDecide }
	if workflows.Role(acc.Role) == workflows.RoleCollegeReviewer && acc.College() != app.CollegeCode {
		actions = slices.DeleteFunc(slices.Clone(actions), notDecide)
	}
	if slices.Contains(v.DecideExcluded, acc.ID) {
		actions = slices.DeleteFunc(slices.Clone(actions), notDecide)
	}
	if len(actions) == 0 {
		return fallback
	}
	return actions
}

// applicationFilter reads the list filters and applies the account's scope.
func applicationFilter(c *gin.Context) storage.ApplicationFilter {
	acc := account(c)
	f := storage.ApplicationFilter{Stage: c.Query("stage")}
	f.ProjectID, _ = strconv.ParseInt(c.Query("projectId"), 10, 64)
	f.Year, _ = strconv.Atoi(c.Query("year"))
	f.OverdueOnly = c.Query("overdue") == "true"
	switch workflows.Role(acc.Role) {
	case workflows.RoleStudent:
		f.StudentID = acc.ID
	case workflows.RoleCollegeReviewer:
		f.CollegeCode = acc.College()
		f.SubmittedOnly = true
	case workflows.RoleAdmin:
		f.CollegeCode = c.Query("college")
	default:
		f.CollegeCode = c.Query("college")
		f.SubmittedOnly = true
	}
	return f
}

// listApplications is 行前手续及回国手续申请 for students and the scoped list for staff.
func (s *Server) listApplications(c *gin.Context) {
	acc := account(c)
	f := applicationFilter(c)
	var pageNo int
	f.Limit, f.Offset, pageNo = page(c)
	list, err := s.Store.Applications(c.Request.Context(), f)
	if err != nil {
		fail(c, err)
		return
	}
	rows := make([]gin.H, len(list.Items))
	var wg sync.WaitGroup
	for i := range list.Items {
		app := &list.Items[i]
		row := gin.H{"no": f.Offset + i + 1, "application": app}
		rows[i] = row
		if workflows.Role(acc.Role) == workflows.RoleStudent {
			// Each row's 操作 menu asks its workflow; the rows ask at once.
			wg.Add(1)
			go func() {
				defer wg.Done()
				actions := s.actionsFor(c.Request.Context(), acc, app)
				row["actions"] = actions
			}()
		}
	}
	wg.Wait()
	c.JSON(http.StatusOK, gin.H{"items": rows, "total": list.Total, "page": pageNo, "pageSize": f.Limit})
}

// reviewQueue lists what awaits the reviewer's role, oldest first, within scope.
func (s *Server) reviewQueue(c *gin.Context) {
	acc := account(c)
	limit, offset, pageNo := page(c)
	f := storage.ApplicationFilter{Limit: limit, Offset: offset, AwaitingRole: acc.Role, Stage: c.Query("stage")}
	f.ProjectID, _ = strconv.ParseInt(c.Query("projectId"), 10, 64)
	f.Year, _ = strconv.Atoi(c.Query("year"))
	f.OverdueOnly = c.Query("overdue") == "true"
	switch workflows.Role(acc.Role) {
	case workflows.RoleCollegeReviewer:
		f.CollegeCode = acc.College()
	case workflows.RoleAdmin:
		f.AwaitingRole = c.Query("role")
		f.OpenOnly = true
	}
	list, err := s.Store.Applications(c.Request.Context(), f)
	if err != nil {
		fail(c, err)
		return
	}
	now := time.Now()
	rows := make([]gin.H, len(list.Items))
	for i := range list.Items {
		app := &list.Items[i]
		rows[i] = gin.H{"no": offset + i + 1, "application": app, "waitingHours": int(now.Sub(app.StageEnteredAt).Hours()), "pendingStep": pendingStep(app)}
	}
	c.JSON(http.StatusOK, gin.H{"items": rows, "total": list.Total, "page": pageNo, "pageSize": limit})
}

var chinaTime = time.FixedZone("CST", 8*3600)
