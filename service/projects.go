package service

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"outbound/process"
	"outbound/storage"
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
