package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"outbound/process"
	"outbound/storage"
	"outbound/workflows"
)

// The 公示 of a selection round: its index, its page (open to visitors where the project allows),
// the objections filed on it and its workbook.

// Publicity is a round's 公示 page: the 拟录取 names with a masked 学号, the period and how to object.
type Publicity struct {
	RoundID     string          `json:"roundId"`
	ProjectName string          `json:"projectName"`
	ProjectCode string          `json:"projectCode"`
	Year        int             `json:"year"`
	Quota       int             `json:"quota"`
	PublishedAt time.Time       `json:"publishedAt"`
	PublicUntil time.Time       `json:"publicUntil"`
	Opinion     string          `json:"opinion,omitempty"`
	Names       []PublicityName `json:"names"`
	HowToObject string          `json:"howToObject"`
	CanObject   bool            `json:"canObject"`
}

// PublicityName is one line of a 公示.
type PublicityName struct {
	ApplicationID int64     `json:"applicationId"`
	Name          string    `json:"name"`
	StudentNo     string    `json:"studentNo"`
	College       string    `json:"college"`
	Major         string    `json:"major"`
	PublicUntil   time.Time `json:"publicUntil"`
	Substitute    bool      `json:"substitute"`
}

// HowToObject is the 公示's instruction to the campus.
const HowToObject = "如对公示名单有异议，请在公示期内登录系统，在本页对相应学生提出异议并写明理由（实名提交，提出人信息仅外事部门可见）。"

// PublicityList is the index of the 公示 running now.
type PublicityList struct {
	Items []Publicity `json:"items"`
}

// PublicityIndex lists the 公示 running now. who is nil for a visitor who has not signed in:
// only the rounds whose settings allow it are listed then.
func (s *Service) PublicityIndex(ctx context.Context, who *Caller) (*PublicityList, error) {
	rows, err := s.Store.PublicRounds(ctx, time.Now())
	if err != nil {
		return nil, err
	}
	out := &PublicityList{Items: []Publicity{}}
	for _, row := range rows {
		p, err := s.publicity(ctx, who, &row)
		if err != nil {
			return nil, err
		}
		if p != nil {
			p.Names = nil // the index names the projects, the page the students
			out.Items = append(out.Items, *p)
		}
	}
	return out, nil
}

// PublicityPage is one round's 公示; it comes down when the period ends (the record stays).
func (s *Service) PublicityPage(ctx context.Context, who *Caller, roundID string) (*Publicity, error) {
	row, err := s.Store.RoundByID(ctx, roundID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, NotFound("公示")
	}
	if err != nil {
		return nil, err
	}
	p, err := s.publicity(ctx, who, row)
	if err != nil {
		return nil, err
	}
	if p == nil {
		if who == nil {
			return nil, ErrUnauthenticated
		}
		return nil, NotFound("公示")
	}
	return p, nil
}

// publicity is a round's 公示 as who may see it; nil when it is not on or not for them.
func (s *Service) publicity(ctx context.Context, who *Caller, row *storage.RoundRow) (*Publicity, error) {
	var r workflows.Round
	if err := json.Unmarshal(row.State, &r); err != nil {
		return nil, err
	}
	now := time.Now()
	if row.PublicUntil == nil || !now.Before(*row.PublicUntil) || (who == nil && !r.Input.Settings.PublicView) {
		return nil, nil
	}
	name, code, err := s.Store.ProjectTitle(ctx, r.Input.ProjectID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	var named []*workflows.Candidate
	for _, c := range r.Candidates {
		if c.Outcome == process.OutcomeProposed && now.Before(c.PublicUntil) {
			ids, named = append(ids, c.ApplicationID), append(named, c)
		}
	}
	people, err := s.Store.Applicants(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := &Publicity{RoundID: row.ID, ProjectName: name, ProjectCode: code, Year: r.Input.Year, Quota: r.Input.Quota,
		PublishedAt: r.PublishedAt, PublicUntil: *row.PublicUntil, Opinion: r.Opinion, Names: []PublicityName{}, HowToObject: HowToObject,
		CanObject: who != nil}
	for _, c := range named {
		person := people[c.ApplicationID]
		out.Names = append(out.Names, PublicityName{ApplicationID: c.ApplicationID, Name: person.Name, StudentNo: process.MaskStudentNo(person.StudentNo),
			College: person.CollegeName, Major: person.Major, PublicUntil: c.PublicUntil, Substitute: c.PublicUntil.After(r.PublicUntil)})
	}
	return out, nil
}

// NewObjection is an 异议 against a name of a 公示.
type NewObjection struct {
	ApplicationID int64  `json:"applicationId"`
	Reason        string `json:"reason"`
	Contact       string `json:"contact"`
}

// Object files an objection, 实名: any signed-in person may, during the 公示.
func (s *Service) Object(ctx context.Context, who Caller, roundID, key string, in NewObjection) error {
	f := fields{}
	f.requiredText("reason", "异议理由", in.Reason, process.MaxReasonRunes)
	f.text("contact", "联系方式", in.Contact, process.MaxNameRunes)
	if err := f.err(); err != nil {
		return err
	}
	if _, err := s.PublicityPage(ctx, &who, roundID); err != nil {
		return err
	}
	req := workflows.RoundRequest{Actor: who.Actor(), ApplicationID: in.ApplicationID, Reason: in.Reason, Contact: in.Contact}
	if err := s.update(ctx, roundID, workflows.RoundObject, key, req, nil); err != nil {
		return err
	}
	s.audit(ctx, who, "selection.object", "selection_round", roundID, nil, map[string]any{"applicationId": in.ApplicationID})
	return nil
}

// ExportPublicity is a 公示 as a workbook, for the campus website and the file.
func (s *Service) ExportPublicity(ctx context.Context, who Caller, roundID string) (*excelize.File, string, error) {
	p, err := s.PublicityPage(ctx, &who, roundID)
	if err != nil {
		return nil, "", err
	}
	rows := [][]any{{"序号", "姓名", "学号", "学院", "专业", "项目", "公示开始", "公示截止", "递补"}}
	for i, n := range p.Names {
		substitute := ""
		if n.Substitute {
			substitute = "是"
		}
		rows = append(rows, []any{i + 1, n.Name, n.StudentNo, n.College, n.Major, p.ProjectName, process.FormatTime(p.PublishedAt),
			process.FormatTime(n.PublicUntil), substitute})
	}
	book, err := workbook("拟录取名单公示", rows)
	if err != nil {
		return nil, "", err
	}
	return book, fmt.Sprintf("公示-%s-%d.xlsx", p.ProjectCode, p.Year), nil
}
