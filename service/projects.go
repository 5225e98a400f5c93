package service

import (
	"context"
	"errors"
	"golang.org/x/sync/errgroup"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"outbound/process"
	"outbound/storage"
	"outbound/storage/blob"
)

// maxQuota bounds a project's 推荐名额.
const maxQuota = 100000

// newFor is how long a project carries the "New" marker.
const newFor = 14 * 24 * time.Hour

// incompleteHint is the manual's words when the profile is not complete.
const incompleteHint = "如看不到项目信息，请完善左边菜单“个人中心”-“我的个人资料”中的信息。"

// ProjectRow is a row of 校际交流项目申请.
type ProjectRow struct {
	No      int              `json:"no"`
	Project *storage.Project `json:"project"`
	New     bool             `json:"new"`
	Open    bool             `json:"open"`
	// Eligibility is the signed-in student's; none for staff.
	Eligibility *Eligibility `json:"eligibility,omitempty"`
}

// ProjectPage is a page of projects; a student whose profile is incomplete gets none and a hint.
type ProjectPage struct {
	Page[ProjectRow]
	Years   []int    `json:"years,omitempty"`
	Hint    string   `json:"hint,omitempty"`
	Missing []string `json:"missing,omitempty"`
}

// ProjectFilter is 智能搜索 and 项目年度.
type ProjectFilter struct {
	Query string
	Year  int
	// Country (a GB/T 2659 code), Category (项目类型) and OpenNow (taking applications now) narrow it.
	Country, Category string
	OpenNow           bool
	Paging
}

// Projects lists projects. Students see published projects, and only once their profile is complete.
func (s *Service) Projects(ctx context.Context, who Caller, in ProjectFilter) (*ProjectPage, error) {
	if msg := process.TextProblem("搜索内容", in.Query, 100); msg != "" {
		return nil, Invalid(map[string]string{"q": msg})
	}
	if _, known := process.PlaceOf(in.Country); in.Country != "" && !known {
		return nil, Invalid(map[string]string{"country": "国家/地区不存在"})
	}
	if in.Category != "" && !slices.Contains(process.ProjectCategories, in.Category) {
		return nil, Invalid(map[string]string{"category": "项目类型应为 " + strings.Join(process.ProjectCategories, "、")})
	}
	limit, offset, pageNo := in.bounds()
	f := storage.ProjectFilter{Query: in.Query, Year: in.Year, CountryCode: in.Country, Category: in.Category, OpenNow: in.OpenNow, Limit: limit, Offset: offset}
	out := &ProjectPage{Page: Page[ProjectRow]{Items: []ProjectRow{}, Page: pageNo, PageSize: limit}}
	var facts *applicantFacts
	if who.Role() == process.RoleStudent {
		f.PublishedOnly = true
		profile, err := s.Profile(ctx, who)
		if err != nil {
			return nil, err
		}
		if missing := profile.Completeness.Missing; len(missing) > 0 {
			out.Hint, out.Missing = incompleteHint, missing
			return out, nil
		}
		if facts, err = s.applicantFacts(ctx, who, profile.Profile); err != nil {
			return nil, err
		}
	}
	// The page and the years of the 项目年度 filter are read at once: students search most in
	// the last hours before a deadline.
	var list *storage.ProjectList
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		list, err = s.Store.Projects(gctx, f)
		return err
	})
	g.Go(func() (err error) {
		out.Years, err = s.Store.ProjectYears(gctx)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	now := time.Now()
	for i := range list.Items {
		p := &list.Items[i]
		row := ProjectRow{No: offset + i + 1, Project: p, New: now.Sub(p.CreatedAt) < newFor, Open: p.WindowOpen(now)}
		if facts != nil {
			row.Eligibility = facts.eligibility(p, now)
		}
		out.Items = append(out.Items, row)
	}
	out.Total = list.Total
	return out, nil
}

// LabelledRequirement is a requirement with its format and size as the manual writes them.
type LabelledRequirement struct {
	Requirement  storage.Requirement `json:"requirement"`
	FormatsLabel string              `json:"formatsLabel"`
	SizeLabel    string              `json:"sizeLabel"`
}

// ProjectDetail is 项目详情.
type ProjectDetail struct {
	Project      *storage.Project      `json:"project"`
	Requirements []LabelledRequirement `json:"requirements"`
	Open         bool                  `json:"open"`
	// Eligibility is the signed-in student's; none for staff.
	Eligibility *Eligibility `json:"eligibility,omitempty"`
	New         bool         `json:"new"`
}

// Project is one project; students see only published, active ones.
func (s *Service) Project(ctx context.Context, who Caller, id int64) (*ProjectDetail, error) {
	p, err := s.Store.ProjectByID(ctx, id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && who.Role() == process.RoleStudent && (!p.Published || !p.Active)) {
		return nil, NotFound("项目")
	}
	if err != nil {
		return nil, err
	}
	now := time.Now()
	reqs := make([]LabelledRequirement, len(p.Requirements))
	for i, r := range p.Requirements {
		reqs[i] = LabelledRequirement{Requirement: r, FormatsLabel: strings.Join(r.Formats, ","), SizeLabel: "最大" + limitLabel(r.MaxBytes)}
	}
	out := &ProjectDetail{Project: p, Requirements: reqs, Open: p.WindowOpen(now), New: now.Sub(p.CreatedAt) < newFor}
	if who.Role() == process.RoleStudent {
		profile, err := s.Profile(ctx, who)
		if err != nil {
			return nil, err
		}
		facts, err := s.applicantFacts(ctx, who, profile.Profile)
		if err != nil {
			return nil, err
		}
		out.Eligibility = facts.eligibility(p, now)
		if missing := profile.Completeness.Missing; len(missing) > 0 {
			out.Eligibility.CanApply = false
			out.Eligibility.Reasons = append(out.Eligibility.Reasons, "请先完善“个人中心”中的个人资料（缺："+strings.Join(missing, "、")+"）")
		}
	}
	return out, nil
}

// fundingKinds are the values of 经费类别; empty when not said.
var fundingKinds = append([]string{""}, process.FundingKinds...)

// ProjectInput is what foreign affairs and administrators edit.
type ProjectInput struct {
	Code              string `json:"code"`
	Name              string `json:"name"`
	Year              int    `json:"year"`
	Terms             string `json:"terms"`
	StartDate         string `json:"startDate"`
	EndDate           string `json:"endDate"`
	DurationText      string `json:"durationText"`
	Nature            string `json:"nature"`
	InstitutionName   string `json:"institutionName"`
	InstitutionNameEN string `json:"institutionNameEn"`
	Country           string `json:"country"`
	// CountryCode is a place of process.Places; the country's name follows from it.
	CountryCode string `json:"countryCode"`
	// PartnerID is a host institution of the office's list, in the project's country.
	PartnerID            *int64    `json:"partnerId"`
	Category             string    `json:"category"`
	FundingKind          string    `json:"fundingKind"`
	FeeMode              string    `json:"feeMode"`
	Fee                  float64   `json:"fee"`
	TermLength           string    `json:"termLength"`
	Active               *bool     `json:"active"`
	TeachingMode         string    `json:"teachingMode"`
	Notes                string    `json:"notes"`
	HostUnit             string    `json:"hostUnit"`
	ApplyStart           time.Time `json:"applyStart"`
	ApplyEnd             time.Time `json:"applyEnd"`
	EligibleDegreeLevels []string  `json:"eligibleDegreeLevels"`
	EligibleGrades       []string  `json:"eligibleGrades"`
	EligibleMajors       []string  `json:"eligibleMajors"`
	MinGPA               *float64  `json:"minGpa"`
	Quota                *int      `json:"quota"`
	CheckInDays          *int      `json:"checkInDays"`
	HasInterview         bool      `json:"hasInterview"`
	// CreditBearing: returned students ask for 学分认定.
	CreditBearing bool `json:"creditBearing"`
	// Selection chooses the students by a selection round; nil admits directly.
	Selection         *process.Selection `json:"selection"`
	AllowDatesOutside bool               `json:"allowDatesOutside"`
	Requirements      []RequirementInput `json:"requirements"`
}

// RequirementInput is an attachment a project asks for.
type RequirementInput struct {
	ID       int64    `json:"id"`
	Kind     string   `json:"kind"`
	Formats  []string `json:"formats"`
	MaxBytes int64    `json:"maxBytes"`
	Required bool     `json:"required"`
	// Phase is application (申请材料, the default) or predeparture (行前材料清单).
	Phase string `json:"phase"`
}

var codeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

func (in *ProjectInput) validate() error {
	f := fields{}
	if !codeRE.MatchString(in.Code) {
		f.add("code", "项目编号应为1至32位字母、数字、-或_")
	}
	f.requiredText("name", "项目名称", in.Name, 200)
	if in.Year < 2000 || in.Year > 2100 {
		f.add("year", "项目年度不正确")
	}
	start, okStart := parseDate(in.StartDate)
	end, okEnd := parseDate(in.EndDate)
	if !okStart {
		f.add("startDate", "项目开始日期格式应为YYYY-MM-DD")
	}
	if !okEnd {
		f.add("endDate", "项目结束日期格式应为YYYY-MM-DD")
	}
	if okStart && okEnd && end.Before(start) {
		f.add("endDate", "项目结束日期不能早于开始日期")
	}
	if !slices.Contains(process.TermLengths, in.TermLength) {
		f.add("termLength", "项目期限应为“长期”或“短期”")
	}
	if in.ApplyStart.IsZero() {
		f.add("applyStart", "请填写申报开始时间")
	}
	if in.ApplyEnd.IsZero() || !in.ApplyEnd.After(in.ApplyStart) {
		f.add("applyEnd", "申报结束时间应晚于开始时间")
	}
	f.amount("fee", "费用", in.Fee)
	if in.MinGPA != nil && (*in.MinGPA < 0 || *in.MinGPA > 5) {
		f.add("minGpa", "GPA要求应在0到5之间")
	}
	if in.Quota != nil && (*in.Quota < 0 || *in.Quota > maxQuota) {
		f.add("quota", "推荐名额应在0到100000之间")
	}
	if in.CheckInDays != nil && (*in.CheckInDays < 1 || *in.CheckInDays > 90) {
		f.add("checkInDays", "报平安间隔应在1到90天之间")
	}
	if in.Selection != nil {
		if in.Quota == nil || *in.Quota < 1 {
			f.add("quota", "有选拔环节的项目须填写推荐名额（至少1人）")
		}
		for field, msg := range in.Selection.Problems(in.HasInterview) {
			f.add("selection."+field, msg)
		}
	}
	for _, d := range in.EligibleDegreeLevels {
		if !slices.Contains(process.DegreeLevels, d) {
			f.add("eligibleDegreeLevels", "申请对象只能是本科生、硕士研究生、博士研究生")
		}
	}
	for _, t := range []struct{ field, label, value string }{
		{"terms", "项目学期", in.Terms}, {"durationText", "项目时长", in.DurationText}, {"nature", "项目性质", in.Nature},
		{"institutionName", "院校名称", in.InstitutionName}, {"institutionNameEn", "院校英文名", in.InstitutionNameEN},
		{"country", "国家/地区", in.Country}, {"category", "项目类型", in.Category}, {"feeMode", "项目费用模式", in.FeeMode},
		{"teachingMode", "授课形式", in.TeachingMode}, {"hostUnit", "项目主办单位", in.HostUnit},
	} {
		f.text(t.field, t.label, t.value, 200)
	}
	f.text("notes", "其他说明", in.Notes, 2000)
	if _, ok := process.PlaceOf(in.CountryCode); in.CountryCode != "" && !ok {
		f.add("countryCode", "请从列表中选择国家(地区)")
	}
	if !slices.Contains(fundingKinds, in.FundingKind) {
		f.add("fundingKind", "经费类别应为"+strings.Join(process.FundingKinds, "或"))
	}
	for _, list := range []struct {
		field, label string
		values       []string
	}{{"eligibleGrades", "申请年级", in.EligibleGrades}, {"eligibleMajors", "招生专业", in.EligibleMajors}} {
		for _, v := range list.values {
			f.text(list.field, list.label, v, 100)
		}
	}
	for i, r := range in.Requirements {
		key := "requirements." + strconv.Itoa(i)
		f.requiredText(key+".kind", "附件类型", r.Kind, 100)
		if len(r.Formats) == 0 {
			f.add(key+".formats", "请至少选择一种附件格式")
		}
		for _, fm := range r.Formats {
			if _, ok := blob.Formats[strings.ToLower(fm)]; !ok {
				f.add(key+".formats", "不支持的附件格式："+fm)
			}
		}
		if r.MaxBytes <= 0 || r.MaxBytes > MaxRequirementBytes {
			f.add(key+".maxBytes", "附件大小应在1字节到100M之间")
		}
		if r.Phase != "" && r.Phase != storage.RequirementApplication && r.Phase != storage.RequirementPredeparture {
			f.add(key+".phase", "附件阶段应为申请材料（application）或行前材料（predeparture）")
		}
	}
	return f.err()
}

func (in *ProjectInput) project(id int64) *storage.Project {
	active := true
	if in.Active != nil {
		active = *in.Active
	}
	p := &storage.Project{ID: id, Code: in.Code, Name: strings.TrimSpace(in.Name), Year: in.Year, Terms: in.Terms,
		StartDate: in.StartDate, EndDate: in.EndDate, DurationText: in.DurationText, Nature: in.Nature,
		InstitutionName: in.InstitutionName, InstitutionNameEN: in.InstitutionNameEN, Country: in.Country, Category: in.Category, FundingKind: in.FundingKind,
		FeeMode: in.FeeMode, Fee: in.Fee, TermLength: in.TermLength, Active: active, TeachingMode: in.TeachingMode,
		Notes: in.Notes, HostUnit: in.HostUnit, ApplyStart: in.ApplyStart, ApplyEnd: in.ApplyEnd,
		EligibleDegreeLevels: nonNil(in.EligibleDegreeLevels), EligibleGrades: nonNil(in.EligibleGrades), EligibleMajors: nonNil(in.EligibleMajors),
		MinGPA: in.MinGPA, Quota: in.Quota, CheckInDays: in.CheckInDays, HasInterview: in.HasInterview, AllowDatesOutside: in.AllowDatesOutside,
		CreditBearing: in.CreditBearing, Requirements: []storage.Requirement{}, CountryCode: in.CountryCode, PartnerID: in.PartnerID}
	if place, ok := process.PlaceOf(in.CountryCode); ok {
		p.Country = place.Name
	}
	if in.Selection != nil {
		p.Selection = &storage.RoundSettings{Selection: *in.Selection}
	}
	for _, r := range in.Requirements {
		formats := make([]string, len(r.Formats))
		for i, fm := range r.Formats {
			formats[i] = strings.ToLower(fm)
		}
		phase := r.Phase
		if phase == "" {
			phase = storage.RequirementApplication
		}
		p.Requirements = append(p.Requirements, storage.Requirement{ID: r.ID, Kind: strings.TrimSpace(r.Kind), Formats: formats,
			MaxBytes: r.MaxBytes, Required: r.Required, Phase: phase})
	}
	return p
}

// SaveProject creates a project (id 0) or changes one.
func (s *Service) SaveProject(ctx context.Context, who Caller, id int64, in ProjectInput) (*storage.Project, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var before *storage.Project
	if id != 0 {
		var err error
		if before, err = s.Store.ProjectByID(ctx, id); err != nil {
			return nil, err
		}
	}
	if in.PartnerID != nil {
		partner, err := s.Store.PartnerByID(ctx, *in.PartnerID)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, Invalid(map[string]string{"partnerId": "合作院校不存在"})
		}
		if err != nil {
			return nil, err
		}
		if in.CountryCode == "" {
			in.CountryCode = partner.CountryCode
		}
		if partner.CountryCode != in.CountryCode {
			return nil, Invalid(map[string]string{"partnerId": "合作院校不在所选国家(地区)"})
		}
	}
	p := in.project(id)
	if before != nil && roundChanged(before, p) {
		applied, err := s.Store.ProjectHasApplications(ctx, id)
		if err != nil {
			return nil, err
		}
		if applied {
			return nil, conflict("selection_frozen", "项目已有学生申请，选拔设置（是否选拔、推荐名额、面试、公示与权重）不能再修改")
		}
	}
	if err := s.Store.SaveProject(ctx, p); err != nil {
		return nil, err
	}
	if id == 0 {
		s.audit(ctx, who, "project.create", "project", p.ID, nil, p)
	} else {
		s.audit(ctx, who, "project.update", "project", id, before, p)
	}
	return s.Store.ProjectByID(ctx, p.ID)
}

// Publish publishes a project or withdraws it from the students' list.
func (s *Service) Publish(ctx context.Context, who Caller, id int64, published bool) (*storage.Project, error) {
	if err := s.Store.SetPublished(ctx, id, published); err != nil {
		return nil, err
	}
	action := "project.unpublish"
	if published {
		action = "project.publish"
	}
	s.audit(ctx, who, action, "project", id, map[string]bool{"published": !published}, map[string]bool{"published": published})
	return s.Store.ProjectByID(ctx, id)
}

// CopyProject copies a project into another year.
func (s *Service) CopyProject(ctx context.Context, who Caller, id int64, year int) (*storage.Project, error) {
	if year < 2000 || year > 2100 {
		return nil, Invalid(map[string]string{"year": "项目年度不正确"})
	}
	newID, err := s.Store.CopyProject(ctx, id, year)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, who, "project.copy", "project", newID, map[string]int64{"from": id}, map[string]int{"year": year})
	return s.Store.ProjectByID(ctx, newID)
}

// roundChanged reports whether a change touches what a running round was started with.
func roundChanged(before, after *storage.Project) bool {
	if (before.Selection == nil) != (after.Selection == nil) {
		return true
	}
	if before.Selection == nil {
		return false
	}
	return before.Selection.Selection != after.Selection.Selection || before.HasInterview != after.HasInterview ||
		before.Quota == nil || after.Quota == nil || *before.Quota != *after.Quota
}
