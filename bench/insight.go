package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/lib/pq"

	"outbound/apiclient"
	"outbound/process"
	"outbound/storage"
)

// insightYears are the years the dashboard's applications spread over; the last one has a fifth of them.
const insightYears = 5

// seedInsight adds n submitted applications spread over five years of projects in twelve places
// with a partner each, three colleges and the process's stages, and two visits of a review stage
// each, as five years of use would leave them.
func (e *Env) seedInsight(ctx context.Context, n int) (lastYear int, err error) {
	db := e.Services.Store.DB
	start := time.Now()
	prefix := fmt.Sprintf("ins%d", time.Now().UnixNano()%1e9)
	lastYear = 2080
	places := []string{"JP", "KR", "SG", "GB", "US", "DE", "FR", "NL", "AU", "HK", "MO", "TW"}
	steps := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO partners (name, name_en, country_code) SELECT $1 || '-大学' || c, 'University ' || c, c FROM unnest($2::text[]) c`,
			[]any{prefix, pq.Array(places)}},
		{`INSERT INTO projects (system_no, code, name, year, start_date, end_date, term_length, apply_start, apply_end, funding_kind,
				country_code, partner_id, published)
			SELECT $1 || '-' || g, $1 || g, '统计项目' || g, $3 - g % 5, current_date, current_date + 100, (ARRAY['长期','短期'])[1 + g % 2],
				now() - interval '1 day', now() + interval '30 days', (ARRAY['公派','自费'])[1 + g % 2], pt.country_code, pt.id, true
			FROM generate_series(0, 599) g JOIN partners pt ON pt.name = $1 || '-大学' || ($2::text[])[1 + g % 12]`, []any{prefix, pq.Array(places), lastYear}},
		{`WITH made AS (
				INSERT INTO accounts (username, display_name, role, college_code)
				SELECT $1 || '-' || g, '统计学生' || g, 'student', (ARRAY['LIT','SCI','ECO'])[1 + g % 3] FROM generate_series(1, $2) g
				RETURNING id, college_code),
			s AS (SELECT id, college_code, row_number() OVER (ORDER BY id) AS n FROM made),
			p AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM projects WHERE system_no LIKE $1 || '-%')
			INSERT INTO applications (system_no, student_id, project_id, college_code, requirements, notice_version, notice_accepted_at,
				commitment_accepted_at, status, phase, stage, overdue, stage_entered_at, submitted_at, admitted_at, closed_at)
			SELECT $1 || '-A' || s.n, s.id, p.id, s.college_code, '[]', '2024-1', now(), now(), '申请中',
				(ARRAY['application','predeparture','return','credits'])[1 + s.n % 4],
				(ARRAY['college_review','predeparture_materials','completed','completed'])[1 + s.n % 4], s.n % 17 = 0,
				now() - (s.n % 300) * interval '1 hour', now() - interval '30 days', CASE WHEN s.n % 4 > 0 THEN now() END,
				CASE WHEN s.n % 4 >= 2 THEN now() END
			FROM s JOIN p ON p.n = 1 + s.n % 600`, []any{prefix, n}},
		{`INSERT INTO stage_visits (application_id, stage, entered_at, left_at)
			SELECT a.id, st, a.submitted_at, a.submitted_at + (a.id % 200) * interval '1 hour'
			FROM applications a, unnest(ARRAY['college_review','academic_review']) st WHERE a.system_no LIKE $1 || '-A%'`, []any{prefix}},
		{`ANALYZE`, nil},
	}
	for _, s := range steps {
		if _, err := db.ExecContext(ctx, s.sql, s.args...); err != nil {
			return 0, err
		}
	}
	fmt.Fprintf(e.opts.Out, "seeded %d applications over %d years in %s\n", n, insightYears, time.Since(start).Round(time.Second))
	return lastYear, nil
}

// Insight: the dashboard over the applications of five years, against a minimal net/http handler
// running the same store reads and encoding the same figures; and the yearly report of one year.
func (e *Env) Insight(ctx context.Context) ([]Row, error) {
	year, err := e.seedInsight(ctx, e.opts.Applications)
	if err != nil {
		return nil, err
	}
	acc, err := e.Services.Store.AccountByUsername(ctx, "wsc")
	if err != nil {
		return nil, err
	}
	token, err := e.session(ctx, acc.ID)
	if err != nil {
		return nil, err
	}
	def := process.DefaultDefinition()
	filter := storage.StatsFilter{Year: year}
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stats, err := e.Services.Store.Statistics(r.Context(), filter, process.PhaseReturn, process.PhaseCredits, process.StageCompleted, def.ReviewStages())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(stats)
	}))
	defer handler.Close()
	const n = 100
	api, fair := e.againstHandler(ctx, n, "statistics", func(ctx context.Context, c *apiclient.Client, auth apiclient.RequestEditorFn) (*http.Response, error) {
		return c.GetStatistics(ctx, &apiclient.GetStatisticsParams{Year: ptr(strconv.Itoa(year))}, auth)
	}, token, handler.URL)
	var inYear int
	if err := e.Services.Store.DB.GetContext(ctx, &inYear, `SELECT count(*) FROM applications a JOIN projects p ON p.id = a.project_id
		WHERE p.year = $1 AND a.submitted_at IS NOT NULL`, year); err != nil {
		return nil, err
	}
	report := parallel(5, 1, func(int) error {
		req, err := http.NewRequestWithContext(ctx, "GET", e.url()+fmt.Sprintf("/api/v1/statistics/report.xlsx?year=%d", year), nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := e.client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != 200 {
			return fmt.Errorf("report answered %d: %v", resp.StatusCode, err)
		}
		return nil
	})
	size := fmt.Sprintf("%dk applications over %d years", e.opts.Applications/1000, insightYears)
	return []Row{{
		Scenario: "statistics dashboard (" + size + ", one year's filter)",
		Figures:  fmt.Sprintf("p50 %s p99 %s, %d errors", ms(api.q(.5)), ms(api.q(.99)), api.errors+fair.errors),
		Baseline: fmt.Sprintf("net/http handler, same reads and JSON: p50 %s p99 %s", ms(fair.q(.5)), ms(fair.q(.99))),
		Ratio:    "p99 " + ratio(api.q(.99).Seconds(), fair.q(.99).Seconds()),
		Goal:     "≤ 1.5× the handler at p99",
		Errors:   errorsOf(api, fair),
	}, {
		Scenario: fmt.Sprintf("yearly report (%d applications in the year)", inYear),
		Figures:  fmt.Sprintf("p50 %s max %s, %d errors", ms(report.q(.5)), ms(report.q(1)), report.errors),
		Baseline: "—",
		Ratio:    "—",
		Goal:     "< 5 s",
		Errors:   report.kinds,
	}}, nil
}
