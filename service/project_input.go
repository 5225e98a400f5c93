package service

// A project as foreign affairs and administrators edit it: the fields, their checks, and the
// project they make.

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"outbound/process"
	"outbound/storage"
	"outbound/storage/blob"
)

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
