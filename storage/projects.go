package storage

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"
)

// Project is 项目信息: every field of the project page.
type Project struct {
	ID                   int64          `db:"id" json:"id"`
	SystemNo             string         `db:"system_no" json:"systemNo"`
	Code                 string         `db:"code" json:"code"`
	Name                 string         `db:"name" json:"name"`
	Year                 int            `db:"year" json:"year"`
	Terms                string         `db:"terms" json:"terms"`
	StartDate            string         `db:"start_date" json:"startDate"`
	EndDate              string         `db:"end_date" json:"endDate"`
	DurationText         string         `db:"duration_text" json:"durationText"`
	Nature               string         `db:"nature" json:"nature"`
	InstitutionName      string         `db:"institution_name" json:"institutionName"`
	InstitutionNameEN    string         `db:"institution_name_en" json:"institutionNameEn"`
	Country              string         `db:"country" json:"country"`
	Category             string         `db:"category" json:"category"`
	FeeMode              string         `db:"fee_mode" json:"feeMode"`
	Fee                  float64        `db:"fee" json:"fee"`
	TermLength           string         `db:"term_length" json:"termLength"`
	Active               bool           `db:"active" json:"active"`
	TeachingMode         string         `db:"teaching_mode" json:"teachingMode"`
	Notes                string         `db:"notes" json:"notes"`
	HostUnit             string         `db:"host_unit" json:"hostUnit"`
	ApplyStart           time.Time      `db:"apply_start" json:"applyStart"`
	ApplyEnd             time.Time      `db:"apply_end" json:"applyEnd"`
	EligibleDegreeLevels pq.StringArray `db:"eligible_degree_levels" json:"eligibleDegreeLevels"`
	EligibleGrades       pq.StringArray `db:"eligible_grades" json:"eligibleGrades"`
	EligibleMajors       pq.StringArray `db:"eligible_majors" json:"eligibleMajors"`
	MinGPA               *float64       `db:"min_gpa" json:"minGpa"`
	Quota                *int           `db:"quota" json:"quota"`
	AdmittedCount        int            `db:"admitted_count" json:"admittedCount"`
	HasInterview         bool           `db:"has_interview" json:"hasInterview"`
	AllowDatesOutside    bool           `db:"allow_dates_outside" json:"allowDatesOutside"`
	Published            bool           `db:"published" json:"published"`
	CreatedAt            time.Time      `db:"created_at" json:"createdAt"`
	Requirements         []Requirement  `db:"-" json:"requirements"`
}

// Requirement is one row of 项目所需附件.
type Requirement struct {
	ID        int64          `db:"id" json:"id"`
	ProjectID int64          `db:"project_id" json:"-"`
	Kind      string         `db:"kind" json:"kind"`
	Formats   pq.StringArray `db:"formats" json:"formats"`
	MaxBytes  int64          `db:"max_bytes" json:"maxBytes"`
	Required  bool           `db:"required" json:"required"`
	Position  int            `db:"position" json:"position"`
}

// WindowOpen reports whether applications are accepted at t.
func (p *Project) WindowOpen(t time.Time) bool {
	return !t.Before(p.ApplyStart) && t.Before(p.ApplyEnd)
}

const projectColumns = `id, system_no, code, name, year, terms, to_char(start_date, 'YYYY-MM-DD') AS start_date,
	to_char(end_date, 'YYYY-MM-DD') AS end_date, duration_text, nature, institution_name, institution_name_en, country,
	category, fee_mode, fee, term_length, active, teaching_mode, notes, host_unit, apply_start, apply_end,
	eligible_degree_levels, eligible_grades, eligible_majors, min_gpa, quota, admitted_count, has_interview,
	allow_dates_outside, published, created_at`

// ProjectFilter narrows the project list.
type ProjectFilter struct {
	Query         string // 智能搜索: name, number, institution, country
	Year          int    // 项目年度; 0 for all
	PublishedOnly bool
	Limit, Offset int
}

// ProjectList is one page of projects.
type ProjectList struct {
	Items []Project `json:"items"`
	Total int       `json:"total"`
}

// escapeLike makes a user's text match literally inside ILIKE.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Projects lists projects, newest year first.
func (s *Store) Projects(ctx context.Context, f ProjectFilter) (*ProjectList, error) {
	where := []string{"true"}
	args := []any{}
	if f.PublishedOnly {
		where = append(where, "published AND active")
	}
	if f.Year != 0 {
		args = append(args, f.Year)
		where = append(where, "year = $"+strconv.Itoa(len(args)))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		args = append(args, "%"+escapeLike(q)+"%")
		n := "$" + strconv.Itoa(len(args))
		where = append(where, "(name ILIKE "+n+" OR code ILIKE "+n+" OR institution_name ILIKE "+n+" OR institution_name_en ILIKE "+n+" OR country ILIKE "+n+")")
	}
	cond := strings.Join(where, " AND ")
	out := &ProjectList{Items: []Project{}}
	if err := s.DB.GetContext(ctx, &out.Total, `SELECT count(*) FROM projects WHERE `+cond, args...); err != nil {
		return nil, err
	}
	args = append(args, f.Limit, f.Offset)
	err := s.DB.SelectContext(ctx, &out.Items, `SELECT `+projectColumns+` FROM projects WHERE `+cond+
		` ORDER BY year DESC, id DESC LIMIT $`+strconv.Itoa(len(args)-1)+` OFFSET $`+strconv.Itoa(len(args)), args...)
	return out, err
}

// ProjectByID returns a project with its attachment requirements.
func (s *Store) ProjectByID(ctx context.Context, id int64) (*Project, error) {
	var p Project
	if err := s.DB.GetContext(ctx, &p, `SELECT `+projectColumns+` FROM projects WHERE id = $1`, id); err != nil {
		return nil, notFound(err)
	}
	p.Requirements = []Requirement{}
	err := s.DB.SelectContext(ctx, &p.Requirements, `SELECT id, project_id, kind, formats, max_bytes, required, position
		FROM attachment_requirements WHERE project_id = $1 ORDER BY position, id`, id)
	return &p, err
}

// ProjectYears lists the years that have published projects, for the 项目年度 filter.
func (s *Store) ProjectYears(ctx context.Context) ([]int, error) {
	out := []int{}
	err := s.DB.SelectContext(ctx, &out, `SELECT DISTINCT year FROM projects WHERE published AND active ORDER BY year DESC`)
	return out, err
}
