package service

import (
	"context"
	"time"

	"outbound/process"
	"outbound/storage"
)

// Eligibility says whether a student may apply to a project now and, if not, why, before the
// student reads 申报须知 or fills in a form.
type Eligibility struct {
	CanApply bool     `json:"canApply"`
	Reasons  []string `json:"reasons"`
	// Application is the student's open application when it is for this project (继续填写).
	Application *int64 `json:"application,omitempty"`
}

// applicantFacts are what eligibility is checked against: the student's profile and open application.
type applicantFacts struct {
	candidate process.Candidate
	open      *storage.ApplicationSummaryRef
}

func (s *Service) applicantFacts(ctx context.Context, who Caller, profile *storage.Profile) (*applicantFacts, error) {
	open, err := s.Store.OpenApplication(ctx, who.ID)
	if err != nil {
		return nil, err
	}
	return &applicantFacts{candidate: process.Candidate{DegreeLevel: profile.DegreeLevel, Grade: profile.Grade, Major: profile.Major}, open: open}, nil
}

func (f *applicantFacts) eligibility(p *storage.Project, now time.Time) *Eligibility {
	e := &Eligibility{Reasons: []string{}}
	switch {
	case now.Before(p.ApplyStart):
		e.Reasons = append(e.Reasons, "申报尚未开始（"+process.FormatTime(p.ApplyStart)+" 开始）")
	case !now.Before(p.ApplyEnd):
		e.Reasons = append(e.Reasons, "申报已截止（"+process.FormatTime(p.ApplyEnd)+"）")
	}
	for _, problem := range process.CheckEligibility(p.Eligibility(), f.candidate) {
		e.Reasons = append(e.Reasons, problem.Message)
	}
	if f.open != nil {
		if f.open.ProjectID == p.ID {
			e.Application = &f.open.ID
			e.Reasons = append(e.Reasons, "您已申请该项目，可在“行前手续及回国手续申请”中继续")
		} else {
			e.Reasons = append(e.Reasons, "每人限报1个项目：您已有进行中的申请（"+f.open.ProjectName+"）")
		}
	}
	e.CanApply = len(e.Reasons) == 0
	return e
}
