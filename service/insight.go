package service

import (
	"context"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"outbound/process"
	"outbound/storage"
)

// StatsQuery is the dashboard's filter: a project year, a college, a 项目期限, a 经费类别 and a
// country or region; an empty one does not narrow.
type StatsQuery struct {
	Year        int    `json:"year"`
	College     string `json:"college"`
	TermLength  string `json:"termLength"`
	FundingKind string `json:"fundingKind"`
	Country     string `json:"country"`
}

func (q StatsQuery) validate() error {
	f := fields{}
	if q.Year != 0 && (q.Year < 2000 || q.Year > 2100) {
		f.add("year", "年度应在2000至2100之间")
	}
	if utf8.RuneCountInString(q.College) > 32 {
		f.add("college", "学院代码不正确")
	}
	if q.TermLength != "" && !slices.Contains(process.TermLengths, q.TermLength) {
		f.add("termLength", "项目期限应为长期或短期")
	}
	if q.FundingKind != "" && !slices.Contains(process.FundingKinds, q.FundingKind) {
		f.add("fundingKind", "经费类别不正确")
	}
	if _, ok := process.PlaceOf(q.Country); q.Country != "" && !ok {
		f.add("country", "国家(地区)不在列表中")
	}
	return f.err()
}

// StatsView is the dashboard: every chart's figures under the filter, with their words.
type StatsView struct {
	Filter StatsQuery `json:"filter"`
	// Scope says whose applications are counted: 全校, or the reviewer's college.
	Scope string `json:"scope"`
	*storage.Statistics
	// ByTravel splits the countries' figures into 出国 and 赴港澳台.
	ByTravel   []storage.Count `json:"byTravel"`
	StageTimes []StageTimeView `json:"stageTimes"`
}

// StageTimeView is a review stage's time, named.
type StageTimeView struct {
	storage.StageTime
	Label string `json:"label"`
}

// unsaid labels a group whose key was not given.
const unsaid = "未指定"

// Statistics are the dashboard's figures; a college reviewer's are their college's only.
func (s *Service) Statistics(ctx context.Context, who Caller, q StatsQuery) (*StatsView, error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	scope := "全校"
	if who.Role().Spec().Scope == process.ScopeCollege {
		q.College, scope = who.College(), "本学院"
	}
	stats, err := s.Store.Statistics(ctx, storage.StatsFilter(q), process.PhaseReturn, process.PhaseCredits, process.StageCompleted,
		s.Process.ReviewStages())
	if err != nil {
		return nil, err
	}
	out := &StatsView{Filter: q, Scope: scope, Statistics: stats, ByTravel: []storage.Count{}, StageTimes: []StageTimeView{}}
	travel := map[string]*storage.Count{}
	for i := range stats.ByCountry {
		c := &stats.ByCountry[i]
		kind := unsaid
		if p, ok := process.PlaceOf(c.Key); ok {
			c.Label, kind = p.Name, p.TravelKind()
		} else {
			c.Label = unsaid
		}
		if travel[kind] == nil {
			travel[kind] = &storage.Count{Key: kind, Label: kind}
		}
		travel[kind].Applied += c.Applied
		travel[kind].Admitted += c.Admitted
	}
	for _, kind := range []string{process.TravelAbroad, process.TravelRegion, unsaid} {
		if t := travel[kind]; t != nil {
			out.ByTravel = append(out.ByTravel, *t)
		}
	}
	for _, list := range [][]storage.Count{stats.ByPartner, stats.ByFunding} {
		for i := range list {
			if list[i].Label == "" {
				list[i].Label = unsaid
			}
		}
	}
	// The stages in the order of the process.
	for _, stage := range s.Process.ReviewStages() {
		if i := slices.IndexFunc(stats.StageTimes, func(t storage.StageTime) bool { return t.Stage == stage }); i >= 0 {
			out.StageTimes = append(out.StageTimes, StageTimeView{StageTime: stats.StageTimes[i], Label: s.Process.StageLabel(stage)})
		}
	}
	return out, nil
}

// reportSheet is one table of the yearly report: its sheet's name, its columns and its rows.
type reportSheet struct {
	key, name string
	rows      func(v *StatsView) [][]any
}

var countColumns = []any{"类别", "申请人数", "录取人数"}

func countRows(list []storage.Count) [][]any {
	out := [][]any{countColumns}
	for _, c := range list {
		out = append(out, []any{c.Label, c.Applied, c.Admitted})
	}
	return out
}

// reportSheets are the tables a university reports every year (年度学生出国(境)交流情况统计), each
// also the export of its chart.
var reportSheets = []reportSheet{
	{"funnel", "总体情况", func(v *StatsView) [][]any {
		f := v.Funnel
		return [][]any{{"环节", "人数"}, {"提交申请", f.Submitted}, {"录取", f.Admitted}, {"出行", f.Departed}, {"返校", f.Returned}, {"学分认定", f.Credited}}
	}},
	{"byYear", "按年度", func(v *StatsView) [][]any { return countRows(v.ByYear) }},
	{"byCollege", "按学院", func(v *StatsView) [][]any { return countRows(v.ByCollege) }},
	{"byTravel", "出国与赴港澳台", func(v *StatsView) [][]any { return countRows(v.ByTravel) }},
	{"byCountry", "按国家(地区)", func(v *StatsView) [][]any { return countRows(v.ByCountry) }},
	{"byPartner", "按合作院校", func(v *StatsView) [][]any { return countRows(v.ByPartner) }},
	{"byTermLength", "长短期", func(v *StatsView) [][]any { return countRows(v.ByTermLength) }},
	{"byFunding", "按经费类别", func(v *StatsView) [][]any { return countRows(v.ByFunding) }},
	{"stageTimes", "审核用时", func(v *StatsView) [][]any {
		out := [][]any{{"环节", "已完成审核", "用时中位数(小时)", "用时90%分位(小时)", "当前待审", "当前超期"}}
		for _, t := range v.StageTimes {
			out = append(out, []any{t.Label, t.Visits, round1(t.MedianHours), round1(t.P90Hours), t.OpenNow, t.OverdueNow})
		}
		return out
	}},
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }

// StatisticsReport is the yearly report as a workbook, a sheet per table (or the one chart asked
// for), under the same filter and scope as the dashboard.
func (s *Service) StatisticsReport(ctx context.Context, who Caller, q StatsQuery, chart string) (*excelize.File, string, error) {
	sheets := reportSheets
	if chart != "" {
		i := slices.IndexFunc(reportSheets, func(r reportSheet) bool { return r.key == chart })
		if i < 0 {
			return nil, "", Invalid(map[string]string{"chart": "没有这个图表"})
		}
		sheets = reportSheets[i : i+1]
	}
	v, err := s.Statistics(ctx, who, q)
	if err != nil {
		return nil, "", err
	}
	book := excelize.NewFile()
	for i, sh := range sheets {
		if i == 0 {
			err = book.SetSheetName("Sheet1", sh.name)
		} else {
			_, err = book.NewSheet(sh.name)
		}
		for r, row := range sh.rows(v) {
			if err != nil {
				break
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			err = book.SetSheetRow(sh.name, cell, &row)
		}
		if err != nil {
			book.Close()
			return nil, "", err
		}
	}
	year := "全部年度"
	if q.Year != 0 {
		year = fmt.Sprintf("%d年度", v.Filter.Year)
	}
	if err := s.recordAccess(ctx, who, "statistics.export", "statistics", 0, map[string]any{"filter": v.Filter, "chart": chart}); err != nil {
		book.Close()
		return nil, "", err
	}
	return book, fmt.Sprintf("学生出国(境)交流情况统计-%s-%s.xlsx", year, time.Now().In(process.Zone).Format("20060102")), nil
}

// Partner is a host institution the office keeps, in its country or region.
type Partner struct {
	Name        string `json:"name"`
	NameEN      string `json:"nameEn"`
	CountryCode string `json:"countryCode"`
}

func (p *Partner) validate() error {
	f := fields{}
	f.requiredText("name", "院校名称", p.Name, 200)
	f.text("nameEn", "英文名称", p.NameEN, 200)
	if _, ok := process.PlaceOf(p.CountryCode); !ok {
		f.add("countryCode", "请选择国家(地区)")
	}
	return f.err()
}

// PartnerList is the host institutions, as every list is answered.
type PartnerList struct {
	Items []storage.Partner `json:"items"`
}

// Partners lists the host institutions.
func (s *Service) Partners(ctx context.Context) (*PartnerList, error) {
	items, err := s.Store.Partners(ctx)
	return &PartnerList{Items: items}, err
}

// SavePartner adds a host institution (id 0) or changes one.
func (s *Service) SavePartner(ctx context.Context, who Caller, id int64, in Partner) (*storage.Partner, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	p := &storage.Partner{ID: id, Name: in.Name, NameEN: in.NameEN, CountryCode: in.CountryCode}
	if err := s.Store.SavePartner(ctx, p); err != nil {
		return nil, err
	}
	s.audit(ctx, who, "partner.save", "partner", p.ID, nil, in)
	return p, nil
}
