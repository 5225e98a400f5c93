//go:build integration

package api_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// statsYear is a year no other test uses, so that the figures under it are exactly the seeded ones.
const statsYear = 2091

// seedStatistics adds two partners and two projects of statsYear, and submitted applications on
// them as the read model holds them: three of 文学院 on the Japanese long project (two admitted,
// one of them back home), one of 文学院 and two of 理学院 on the Hong Kong short one (one admitted).
// Three 学院审核 took 10, 20 and 30 hours. It returns the partners' ids; the tests share one seeding.
func seedStatistics(t *testing.T, office *client) (jp, hk int64) {
	t.Helper()
	seeded.Do(func() { seededJP, seededHK = seedStatisticsOnce(t, office) })
	require.NotZero(t, seededJP, "seeded")
	return seededJP, seededHK
}

var (
	seeded             sync.Once
	seededJP, seededHK int64
)

func seedStatisticsOnce(t *testing.T, office *client) (jp, hk int64) {
	partner := func(name, country string) int64 {
		r := office.call("POST", "/partners", map[string]any{"name": name, "nameEn": "Test " + country, "countryCode": country})
		require.Equal(t, 201, r.status, string(r.body))
		return r.num("id")
	}
	jp, hk = partner("统计测试大学甲", "JP"), partner("统计测试大学乙", "HK")
	db := env.Services.Store.DB
	project := func(code, termLength, funding, country string, partner int64) int64 {
		var id int64
		require.NoError(t, db.Get(&id, `INSERT INTO projects (system_no, code, name, year, start_date, end_date, term_length, apply_start, apply_end,
				funding_kind, country_code, partner_id, published)
			VALUES ($1, $1, $1, $2, '2091-09-01', '2092-01-31', $3, now() - interval '1 day', now() + interval '1 day', $4, $5, $6, true) RETURNING id`,
			code, statsYear, termLength, funding, country, partner))
		return id
	}
	long, short := project("STAT-JP", "长期", "公派", "JP", jp), project("STAT-HK", "短期", "自费", "HK", hk)
	apps := map[string][]int64{}
	add := func(college string, project int64, admitted bool, phase, stage string) int64 {
		var id int64
		require.NoError(t, db.Get(&id, `WITH s AS (
				INSERT INTO accounts (username, display_name, role, college_code) VALUES ('stat-' || gen_random_uuid(), '统计学生', 'student', $1) RETURNING id)
			INSERT INTO applications (system_no, student_id, project_id, college_code, requirements, notice_version, notice_accepted_at,
				commitment_accepted_at, status, phase, stage, submitted_at, admitted_at, closed_at)
			SELECT 'STAT-' || s.id, s.id, $2, $1, '[]', '2024-1', now(), now(), '申请中', $4, $5, now(),
				CASE WHEN $3 THEN now() END, CASE WHEN $6 THEN now() END FROM s RETURNING id`,
			college, project, admitted, phase, stage, phase == "return"))
		apps[college] = append(apps[college], id)
		return id
	}
	type visit struct {
		id    int64
		stage string
	}
	// They start as drafts, pass 学院审核 and 教务处审核, and end where the figures want them.
	reviewed := []visit{{add("LIT", long, true, "predeparture", "draft"), "predeparture_materials"},
		{add("LIT", long, true, "return", "draft"), "completed"}, {add("LIT", long, false, "application", "draft"), "college_review"}}
	add("LIT", short, false, "application", "academic_review")
	add("SCI", short, true, "predeparture", "predeparture_materials")
	add("SCI", short, false, "application", "college_review")
	// 学院审核 of 10, 20 and 30 hours: the stage is left as the projection moves on.
	for i, a := range reviewed {
		entered := time.Date(2091, 3, 1, 8, 0, 0, 0, time.UTC)
		left := entered.Add(time.Duration(10*(i+1)) * time.Hour)
		for _, step := range []struct {
			stage string
			at    time.Time
		}{{"college_review", entered}, {"academic_review", left}, {a.stage, left.Add(time.Hour)}} {
			_, err := db.Exec(`UPDATE applications SET stage = $2, stage_entered_at = $3 WHERE id = $1`, a.id, step.stage, step.at)
			require.NoError(t, err)
		}
	}
	_, err := db.Exec(`UPDATE applications SET overdue = true WHERE id = $1`, apps["SCI"][1])
	require.NoError(t, err)
	return jp, hk
}

func labelOf(r *response, chart, key string) string {
	for i := range r.list(chart) {
		if r.str(fmt.Sprintf("%s.%d.key", chart, i)) == key {
			return r.str(fmt.Sprintf("%s.%d.label", chart, i))
		}
	}
	return ""
}

func countOf(r *response, chart, key string) (applied, admitted int64) {
	for i := range r.list(chart) {
		if r.str(fmt.Sprintf("%s.%d.key", chart, i)) == key {
			return r.num(fmt.Sprintf("%s.%d.applied", chart, i)), r.num(fmt.Sprintf("%s.%d.admitted", chart, i))
		}
	}
	return -1, -1
}

// TestStatisticsFigures: each figure of the dashboard against the applications seeded for it —
// per college, per country and region (出国 and 赴港澳台 apart), per partner, per project type,
// the funnel and each review stage's time — and a college's reviewer sees their college only.
func TestStatisticsFigures(t *testing.T) {
	office := login(t, "wsc")
	jp, hk := seedStatistics(t, office)
	year := fmt.Sprintf("/statistics?year=%d", statsYear)
	r := office.call("GET", year, nil)
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, "全校", r.str("scope"))
	for _, c := range []struct {
		chart, key        string
		applied, admitted int64
	}{
		{"byCollege", "LIT", 4, 2}, {"byCollege", "SCI", 2, 1},
		{"byCountry", "JP", 3, 2}, {"byCountry", "HK", 3, 1},
		{"byTravel", "出国", 3, 2}, {"byTravel", "赴港澳台", 3, 1},
		{"byTermLength", "长期", 3, 2}, {"byTermLength", "短期", 3, 1},
		{"byFunding", "公派", 3, 2}, {"byFunding", "自费", 3, 1},
	} {
		applied, admitted := countOf(r, c.chart, c.key)
		require.Equal(t, [2]int64{c.applied, c.admitted}, [2]int64{applied, admitted}, "%s %s", c.chart, c.key)
	}
	require.Equal(t, "日本", labelOf(r, "byCountry", "JP"), "countries are named from the process's list")
	require.Equal(t, "中国香港", labelOf(r, "byCountry", "HK"))
	require.Contains(t, []string{labelOf(r, "byPartner", fmt.Sprint(jp)), labelOf(r, "byPartner", fmt.Sprint(hk))}, "统计测试大学甲")
	require.Equal(t, []int64{6, 3, 1, 1, 0}, []int64{r.num("funnel.submitted"), r.num("funnel.admitted"), r.num("funnel.departed"),
		r.num("funnel.returned"), r.num("funnel.credited")})
	applied, _ := countOf(r, "byYear", fmt.Sprint(statsYear))
	require.Equal(t, int64(6), applied)

	var college *int
	for i := range r.list("stageTimes") {
		if r.str(fmt.Sprintf("stageTimes.%d.stage", i)) == "college_review" {
			college = &i
		}
	}
	require.NotNil(t, college, "学院审核 is timed: %s", r.body)
	at := func(field string) any { return r.get(fmt.Sprintf("stageTimes.%d.%s", *college, field)) }
	require.Equal(t, "学院审核", at("label"))
	require.Equal(t, float64(3), at("visits"))
	require.InDelta(t, 20, at("medianHours"), 0.01)
	require.InDelta(t, 28, at("p90Hours"), 0.01, "percentile_cont over 10, 20, 30 hours")
	require.Equal(t, float64(2), at("openNow"))
	require.Equal(t, float64(1), at("overdueNow"))

	// Filters narrow every chart.
	r = office.call("GET", year+"&country=HK&termLength=短期", nil)
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, int64(3), r.num("funnel.submitted"))
	applied, _ = countOf(r, "byCollege", "LIT")
	require.Equal(t, int64(1), applied)

	// A country's and a partner's bars open the matching lists.
	list := office.call("GET", fmt.Sprintf("/applications?year=%d&country=HK", statsYear), nil)
	require.Equal(t, 200, list.status, string(list.body))
	require.Equal(t, int64(3), list.num("total"))
	list = office.call("GET", fmt.Sprintf("/applications?year=%d&partnerId=%d", statsYear, jp), nil)
	require.Equal(t, int64(3), list.num("total"))
	require.Equal(t, 422, office.call("GET", "/applications?country=XX", nil).status)

	// A college's reviewer: their college only, whatever they ask for.
	lit := login(t, "lit-reviewer")
	r = lit.call("GET", year+"&college=SCI", nil)
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, "本学院", r.str("scope"))
	require.Equal(t, int64(4), r.num("funnel.submitted"))
	require.Len(t, r.list("byCollege"), 1)
	require.Equal(t, "LIT", r.str("byCollege.0.key"))

	// Bad filters are refused by name.
	for q, field := range map[string]string{"year=abc": "year", "year=1900": "year", "country=XX": "country", "termLength=半年": "termLength"} {
		r = office.call("GET", "/statistics?"+q, nil)
		require.Equal(t, 422, r.status, q)
		require.NotEmpty(t, r.errField(field), q)
	}
	require.Equal(t, 403, login(t, "2021216403").call("GET", year, nil).status, "students read no statistics")
}

// TestYearlyReportWorkbook: the yearly report has a sheet per table with the dashboard's figures,
// and one chart's export has that chart's sheet only.
func TestYearlyReportWorkbook(t *testing.T) {
	office := login(t, "wsc")
	r := office.call("GET", fmt.Sprintf("/statistics/report.xlsx?year=%d", statsYear), nil)
	require.Equal(t, 200, r.status, string(r.body))
	book, err := excelize.OpenReader(bytes.NewReader(r.body))
	require.NoError(t, err)
	require.Equal(t, []string{"总体情况", "按年度", "按学院", "出国与赴港澳台", "按国家(地区)", "按合作院校", "长短期", "按经费类别", "审核用时"}, book.GetSheetList())
	rows, err := book.GetRows("总体情况")
	require.NoError(t, err)
	require.Equal(t, []string{"环节", "人数"}, rows[0])

	r = office.call("GET", fmt.Sprintf("/statistics/report.xlsx?year=%d&chart=byCountry", statsYear), nil)
	require.Equal(t, 200, r.status, string(r.body))
	book, err = excelize.OpenReader(bytes.NewReader(r.body))
	require.NoError(t, err)
	require.Equal(t, []string{"按国家(地区)"}, book.GetSheetList())
	require.Equal(t, 422, office.call("GET", "/statistics/report.xlsx?chart=map", nil).status)
}
