package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"outbound/storage"
	"outbound/storage/blob"
	"outbound/workflows"
)

// audit records who changed what, before and after, from where. A failure is
// logged: the change itself has happened.
func (s *Server) audit(c *gin.Context, action, targetType string, targetID any, before, after any) {
	entry := storage.AuditEntry{ActorID: account(c).ID, Action: action, TargetType: targetType,
		TargetID: fmt.Sprint(targetID), Before: before, After: after, RemoteAddr: c.ClientIP()}
	if err := s.Store.Audit(context.WithoutCancel(c.Request.Context()), entry); err != nil {
		slog.Error("audit entry lost", "error", err, "action", action, "target", entry.TargetID)
	}
}

// projectInput is what foreign affairs and administrators edit.
type projectInput struct {
	Code                 string             `json:"code"`
	Name                 string             `json:"name"`
	Year                 int                `json:"year"`
	Terms                string             `json:"terms"`
	StartDate            string             `json:"startDate"`
	EndDate              string             `json:"endDate"`
	DurationText         string             `json:"durationText"`
	Nature               string             `json:"nature"`
	InstitutionName      string             `json:"institutionName"`
	InstitutionNameEN    string             `json:"institutionNameEn"`
	Country              string             `json:"country"`
	Category             string             `json:"category"`
	FeeMode              string             `json:"feeMode"`
	Fee                  float64            `json:"fee"`
	TermLength           string             `json:"termLength"`
	Active               *bool              `json:"active"`
	TeachingMode         string             `json:"teachingMode"`
	Notes                string             `json:"notes"`
	HostUnit             string             `json:"hostUnit"`
	ApplyStart           time.Time          `json:"applyStart"`
	ApplyEnd             time.Time          `json:"applyEnd"`
	EligibleDegreeLevels []string           `json:"eligibleDegreeLevels"`
	EligibleGrades       []string           `json:"eligibleGrades"`
	EligibleMajors       []string           `json:"eligibleMajors"`
	MinGPA               *float64           `json:"minGpa"`
	Quota                *int               `json:"quota"`
	HasInterview         bool               `json:"hasInterview"`
	AllowDatesOutside    bool               `json:"allowDatesOutside"`
	Requirements         []requirementInput `json:"requirements"`
}

type requirementInput struct {
	ID       int64    `json:"id"`
	Kind     string   `json:"kind"`
	Formats  []string `json:"formats"`
	MaxBytes int64    `json:"maxBytes"`
	Required bool     `json:"required"`
}

var codeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

func (in *projectInput) validate() error {
	f := fields{}
	if !codeRE.MatchString(in.Code) {
		f.add("code", "项目编号应为1至32位字母、数字、-或_")
	}
	if f.required("name", "项目名称", in.Name) {
		f.maxLen("name", "项目名称", in.Name, 200)
	}
	if in.Year < 2000 || in.Year > 2100 {
		f.add("year", "项目年度不正确")
	}
	start, okStart := ParseDate(in.StartDate)
	end, okEnd := ParseDate(in.EndDate)
	if !okStart {
		f.add("startDate", "项目开始日期格式应为YYYY-MM-DD")
	}
	if !okEnd {
		f.add("endDate", "项目结束日期格式应为YYYY-MM-DD")
	}
	if okStart && okEnd && end.Before(start) {
		f.add("endDate", "项目结束日期不能早于开始日期")
	}
	if in.TermLength != "长期" && in.TermLength != "短期" {
		f.add("termLength", "项目期限应为“长期”或“短期”")
	}
	if in.ApplyStart.IsZero() {
		f.add("applyStart", "请填写申报开始时间")
	}
	if in.ApplyEnd.IsZero() || !in.ApplyEnd.After(in.ApplyStart) {
		f.add("applyEnd", "申报结束时间应晚于开始时间")
	}
	if in.Fee < 0 {
		f.add("fee", "费用不能为负数")
	}
	if in.MinGPA != nil && (*in.MinGPA < 0 || *in.MinGPA > 5) {
		f.add("minGpa", "GPA要求应在0到5之间")
	}
	if in.Quota != nil && *in.Quota < 0 {
		f.add("quota", "推荐名额不能为负数")
	}
	for _, d := range in.EligibleDegreeLevels {
		if !slices.Contains(degreeLevels, d) {
			f.add("eligibleDegreeLevels", "申请对象只能是本科生、硕士研究生、博士研究生")
		}
	}
	for _, t := range []struct{ field, label, value string }{
		{"terms", "项目学期", in.Terms}, {"durationText", "项目时长", in.DurationText}, {"nature", "项目性质", in.Nature},
		{"institutionName", "院校名称", in.InstitutionName}, {"institutionNameEn", "院校英文名", in.InstitutionNameEN},
		{"country", "国家/地区", in.Country}, {"category", "项目类型", in.Category}, {"feeMode", "项目费用模式", in.FeeMode},
		{"teachingMode", "授课形式", in.TeachingMode}, {"hostUnit", "项目主办单位", in.HostUnit},
	} {
		f.maxLen(t.field, t.label, t.value, 200)
	}
	f.maxLen("notes", "其他说明", in.Notes, 2000)
	for i, r := range in.Requirements {
		key := "requirements." + strconv.Itoa(i)
		if strings.TrimSpace(r.Kind) == "" {
			f.add(key+".kind", "请填写附件类型")
		}
		if len(r.Formats) == 0 {
			f.add(key+".formats", "请至少选择一种附件格式")
		}
		for _, fm := range r.Formats {
			if _, ok := blob.Formats[strings.ToLower(fm)]; !ok {
				f.add(key+".formats", "不支持的附件格式："+fm)
			}
		}
		if r.MaxBytes <= 0 || r.MaxBytes > 100<<20 {
			f.add(key+".maxBytes", "附件大小应在1字节到100M之间")
		}
	}
	return f.err()
}

func (in *projectInput) project(id int64) *storage.Project {
	active := true
	if in.Active != nil {
		active = *in.Active
	}
	p := &storage.Project{ID: id, Code: in.Code, Name: strings.TrimSpace(in.Name), Year: in.Year, Terms: in.Terms,
		StartDate: in.StartDate, EndDate: in.EndDate, DurationText: in.DurationText, Nature: in.Nature,
		InstitutionName: in.InstitutionName, InstitutionNameEN: in.InstitutionNameEN, Country: in.Country, Category: in.Category,
		FeeMode: in.FeeMode, Fee: in.Fee, TermLength: in.TermLength, Active: active, TeachingMode: in.TeachingMode,
		Notes: in.Notes, HostUnit: in.HostUnit, ApplyStart: in.ApplyStart, ApplyEnd: in.ApplyEnd,
		EligibleDegreeLevels: nonNil(in.EligibleDegreeLevels), EligibleGrades: nonNil(in.EligibleGrades), EligibleMajors: nonNil(in.EligibleMajors),
		MinGPA: in.MinGPA, Quota: in.Quota, HasInterview: in.HasInterview, AllowDatesOutside: in.AllowDatesOutside,
		Requirements: []storage.Requirement{}}
	for _, r := range in.Requirements {
		formats := make([]string, len(r.Formats))
		for i, fm := range r.Formats {
			formats[i] = strings.ToLower(fm)
		}
		p.Requirements = append(p.Requirements, storage.Requirement{ID: r.ID, Kind: strings.TrimSpace(r.Kind), Formats: formats, MaxBytes: r.MaxBytes, Required: r.Required})
	}
	return p
}

func (s *Server) createProject(c *gin.Context) {
	var in projectInput
	if !bindValid(c, &in) {
		return
	}
	p := in.project(0)
	if err := s.Store.SaveProject(c.Request.Context(), p); err != nil {
		fail(c, err)
		return
	}
	s.audit(c, "project.create", "project", p.ID, nil, p)
	s.answerProject(c, p.ID, http.StatusCreated)
}

func (s *Server) updateProject(c *gin.Context) {
	id, ok := pathID(c, "pid")
	if !ok {
		return
	}
	var in projectInput
	if !bindValid(c, &in) {
		return
	}
	before, err := s.Store.ProjectByID(c.Request.Context(), id)
	if err != nil {
		fail(c, err)
		return
	}
	p := in.project(id)
	if err := s.Store.SaveProject(c.Request.Context(), p); err != nil {
		fail(c, err)
		return
	}
	s.audit(c, "project.update", "project", id, before, p)
	s.answerProject(c, id, http.StatusOK)
}

func (s *Server) publishProject(published bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := pathID(c, "pid")
		if !ok {
			return
		}
		if err := s.Store.SetPublished(c.Request.Context(), id, published); err != nil {
			fail(c, err)
			return
		}
		action := "project.unpublish"
		if published {
			action = "project.publish"
		}
		s.audit(c, action, "project", id, gin.H{"published": !published}, gin.H{"published": published})
		s.answerProject(c, id, http.StatusOK)
	}
}

func (s *Server) copyProject(c *gin.Context) {
	id, ok := pathID(c, "pid")
	if !ok {
		return
	}
	var in struct {
		Year int `json:"year"`
	}
	if !bindJSON(c, &in) {
		return
	}
	if in.Year < 2000 || in.Year > 2100 {
		fail(c, errInvalid(map[string]string{"year": "项目年度不正确"}))
		return
	}
	newID, err := s.Store.CopyProject(c.Request.Context(), id, in.Year)
	if err != nil {
		fail(c, err)
		return
	}
	s.audit(c, "project.copy", "project", newID, gin.H{"from": id}, gin.H{"year": in.Year})
	s.answerProject(c, newID, http.StatusCreated)
}

func (s *Server) answerProject(c *gin.Context, id int64, status int) {
	p, err := s.Store.ProjectByID(c.Request.Context(), id)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(status, p)
}

type accountInput struct {
	Username    string  `json:"username"`
	DisplayName string  `json:"displayName"`
	Role        string  `json:"role"`
	CollegeCode *string `json:"collegeCode"`
	Password    string  `json:"password"`
	Disabled    bool    `json:"disabled"`
}

var usernameRE = regexp.MustCompile(`^[A-Za-z0-9_.@-]{2,64}$`)

func (s *Server) validateAccount(c *gin.Context, in *accountInput, creating bool) error {
	f := fields{}
	if creating && !usernameRE.MatchString(in.Username) {
		f.add("username", "用户名（学号/工号）应为2至64位字母、数字或 _ . @ -")
	}
	if f.required("displayName", "姓名", in.DisplayName) {
		f.maxLen("displayName", "姓名", in.DisplayName, 64)
	}
	if !slices.Contains(workflows.Roles, workflows.Role(in.Role)) {
		f.add("role", "角色应为 student、college_reviewer、academic_affairs、foreign_affairs 或 admin")
	}
	scoped := in.Role == string(workflows.RoleStudent) || in.Role == string(workflows.RoleCollegeReviewer)
	if in.CollegeCode != nil && *in.CollegeCode == "" {
		in.CollegeCode = nil
	}
	if scoped && in.CollegeCode == nil {
		f.add("collegeCode", "学生和学院审核员须指定所在学院")
	}
	if !scoped {
		in.CollegeCode = nil
	}
	if in.CollegeCode != nil {
		colleges, err := s.Store.Colleges(c.Request.Context())
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(colleges, func(col storage.College) bool { return col.Code == *in.CollegeCode }) {
			f.add("collegeCode", "学院不存在")
		}
	}
	if in.Password != "" && (len(in.Password) < 8 || len(in.Password) > 72) {
		f.add("password", "密码应为8至72个字符")
	}
	return f.err()
}

func (s *Server) listAccounts(c *gin.Context) {
	limit, offset, pageNo := page(c)
	items, total, err := s.Store.Accounts(c.Request.Context(), storage.AccountFilter{Role: c.Query("role"), Query: c.Query("q"), Limit: limit, Offset: offset})
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]gin.H, len(items))
	for i := range items {
		out[i] = adminAccountView(&items[i])
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "total": total, "page": pageNo, "pageSize": limit})
}

func hashPassword(pw string) (*string, error) {
	if pw == "" {
		return nil, nil // CAS-only account
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	hs := string(h)
	return &hs, nil
}

func (s *Server) createAccount(c *gin.Context) {
	var in accountInput
	if !bindJSON(c, &in) {
		return
	}
	if err := s.validateAccount(c, &in, true); err != nil {
		fail(c, err)
		return
	}
	hash, err := hashPassword(in.Password)
	if err != nil {
		fail(c, err)
		return
	}
	a := &storage.Account{Username: in.Username, DisplayName: in.DisplayName, Role: in.Role, CollegeCode: in.CollegeCode, PasswordHash: hash}
	if err := s.Store.CreateAccount(c.Request.Context(), a); err != nil {
		fail(c, err)
		return
	}
	s.audit(c, "account.create", "account", a.ID, nil, gin.H{"username": a.Username, "role": a.Role, "college": a.CollegeCode})
	s.answerAccount(c, a.ID, http.StatusCreated)
}

func (s *Server) updateAccount(c *gin.Context) {
	id, ok := pathID(c, "aid")
	if !ok {
		return
	}
	var in accountInput
	if !bindJSON(c, &in) {
		return
	}
	if err := s.validateAccount(c, &in, false); err != nil {
		fail(c, err)
		return
	}
	before, err := s.Store.AccountByID(c.Request.Context(), id)
	if err != nil {
		fail(c, err)
		return
	}
	if id == account(c).ID && (in.Disabled || in.Role != before.Role) {
		fail(c, errConflict("self_change", "不能停用自己的账号或修改自己的角色"))
		return
	}
	if before.Role == string(workflows.RoleStudent) && in.Role != before.Role {
		fail(c, errConflict("role_change", "学生账号不能改为其他角色"))
		return
	}
	a := &storage.Account{ID: id, DisplayName: in.DisplayName, Role: in.Role, CollegeCode: in.CollegeCode, Disabled: in.Disabled}
	if err := s.Store.UpdateAccount(c.Request.Context(), a); err != nil {
		fail(c, err)
		return
	}
	s.audit(c, "account.update", "account", id,
		gin.H{"displayName": before.DisplayName, "role": before.Role, "college": before.CollegeCode, "disabled": before.Disabled},
		gin.H{"displayName": a.DisplayName, "role": a.Role, "college": a.CollegeCode, "disabled": a.Disabled})
	s.answerAccount(c, id, http.StatusOK)
}

func (s *Server) resetPassword(c *gin.Context) {
	id, ok := pathID(c, "aid")
	if !ok {
		return
	}
	var in struct {
		Password string `json:"password"`
	}
	if !bindJSON(c, &in) {
		return
	}
	if len(in.Password) < 8 || len(in.Password) > 72 {
		fail(c, errInvalid(map[string]string{"password": "密码应为8至72个字符"}))
		return
	}
	hash, err := hashPassword(in.Password)
	if err != nil {
		fail(c, err)
		return
	}
	if err := s.Store.SetPassword(c.Request.Context(), id, *hash); err != nil {
		fail(c, err)
		return
	}
	s.audit(c, "account.reset_password", "account", id, nil, nil)
	c.Status(http.StatusNoContent)
}

func (s *Server) answerAccount(c *gin.Context, id int64, status int) {
	a, err := s.Store.AccountByID(c.Request.Context(), id)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(status, adminAccountView(a))
}

// adminAccountView is an account as administrators see it.
func adminAccountView(a *storage.Account) gin.H {
	v := accountView(a)
	v["disabled"] = a.Disabled
	v["localPassword"] = a.PasswordHash != nil
	return v
}

func (s *Server) listColleges(c *gin.Context) {
	colleges, err := s.Store.Colleges(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": colleges})
}

func (s *Server) auditLog(c *gin.Context) {
	limit, offset, pageNo := page(c)
	items, total, err := s.Store.AuditLog(c.Request.Context(), limit, offset)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": total, "page": pageNo, "pageSize": limit})
}

func (s *Server) dashboard(c *gin.Context) {
	stages, quotas, err := s.Store.Dashboard(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"stages": stages, "projects": quotas})
}

// batchApprove approves several applications with one opinion and answers per application.
func (s *Server) batchApprove(c *gin.Context) {
	var in struct {
		ApplicationIDs []int64 `json:"applicationIds"`
		Opinion        string  `json:"opinion"`
	}
	if !bindJSON(c, &in) {
		return
	}
	if len(in.ApplicationIDs) == 0 || len(in.ApplicationIDs) > 100 {
		fail(c, errInvalid(map[string]string{"applicationIds": "请选择1至100个申请"}))
		return
	}
	f := fields{}
	f.maxLen("opinion", "审核意见", in.Opinion, workflows.MaxOpinionRunes)
	if err := f.err(); err != nil {
		fail(c, err)
		return
	}
	results := make([]gin.H, 0, len(in.ApplicationIDs))
	approved := 0
	for _, id := range in.ApplicationIDs {
		res := gin.H{"applicationId": id, "ok": false}
		app, err := s.Store.ApplicationByID(c.Request.Context(), id)
		if err == nil && !canView(account(c), app) {
			err = storage.ErrNotFound
		}
		if err == nil {
			_, err = s.send(c, id, workflows.MsgDecide, workflows.Request{Actor: actor(c), Decision: workflows.DecisionApprove, Opinion: strings.TrimSpace(in.Opinion)})
		}
		if err != nil {
			e := toError(err)
			if e == nil {
				slog.Error("batch approval failed", "application", id, "error", err)
				e = errInternal
			}
			res["code"], res["message"] = e.Code, e.Message
		} else {
			res["ok"] = true
			approved++
			s.audit(c, "application.decide", "application", id, gin.H{"stage": app.Stage, "status": app.Status}, gin.H{"decision": "approve", "opinion": in.Opinion})
		}
		results = append(results, res)
	}
	c.JSON(http.StatusOK, gin.H{"results": results, "approved": approved, "failed": len(in.ApplicationIDs) - approved})
}
