package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"outbound/apiclient"
	"outbound/storage"
)

// seedHistory fills the database with projects and applications, most of them closed,
// as years of use would.
func (e *Env) seedHistory(ctx context.Context, apps, projects int) (int64, error) {
	db := e.Services.Store.DB
	start := time.Now()
	students := apps / 5
	prefix := fmt.Sprintf("hist%d", time.Now().UnixNano()%1e9)
	steps := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO projects (system_no, code, name, year, start_date, end_date, term_length, apply_start, apply_end, institution_name,
				institution_name_en, country, category, published)
			SELECT $1 || '-' || g, $1 || g, '历史项目' || g || ' ' || md5(g::text), 2020 + g % 7, current_date, current_date + 100, '长期',
				now() - interval '1 day', now() + interval '30 days', '大学' || g, 'University ' || g,
				(ARRAY['英国','美国','日本','荷兰','德国','法国'])[1 + g % 6], '校际交流学分项目', true
			FROM generate_series(1, $2) g`, []any{prefix, projects}},
		{`WITH s AS (
				INSERT INTO accounts (username, display_name, role, college_code)
				SELECT $1 || '-' || g, '历史学生' || g, 'student', (ARRAY['LIT','SCI','ECO'])[1 + g % 3] FROM generate_series(1, $2) g RETURNING id, college_code)
			INSERT INTO student_profiles (account_id, system_no, name_cn, college_code) SELECT id, 'H' || id, '历史学生', college_code FROM s`, []any{prefix, students}},
		{`WITH s AS (SELECT id, college_code, row_number() OVER (ORDER BY id) AS n FROM accounts WHERE username LIKE $1 || '-%'),
			   p AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM projects WHERE system_no LIKE $1 || '-%')
			INSERT INTO applications (system_no, student_id, project_id, college_code, requirements, notice_version, notice_accepted_at,
				commitment_accepted_at, name_cn, degree_level, status, phase, stage, awaiting_role, stage_entered_at, submitted_at, closed_at)
			SELECT $1 || '-A' || g, s.id, p.id, s.college_code, '[]', '2024-1', now(), now(), '历史学生', '本科生',
				CASE WHEN g <= $2 THEN '申请中' ELSE '返校总结上报阶段国际处审核通过' END, 'application',
				CASE WHEN g <= $2 THEN (ARRAY['college_review','academic_review','foreign_review'])[1 + g % 3] ELSE 'completed' END,
				CASE WHEN g <= $2 THEN (ARRAY['college_reviewer','academic_affairs','foreign_affairs'])[1 + g % 3] ELSE '' END,
				now() - (g % 500) * interval '1 hour', now() - interval '10 days', CASE WHEN g <= $2 THEN NULL ELSE now() END
			FROM generate_series(1, $3) g JOIN s ON s.n = 1 + (g - 1) % $2 JOIN p ON p.n = 1 + (g - 1) % $4`, []any{prefix, students, apps, projects}},
		{`ANALYZE`, nil},
	}
	for _, s := range steps {
		if _, err := db.ExecContext(ctx, s.sql, s.args...); err != nil {
			return 0, err
		}
	}
	var student int64
	if err := db.GetContext(ctx, &student, `SELECT id FROM accounts WHERE username = $1 || '-7'`, prefix); err != nil {
		return 0, err
	}
	fmt.Fprintf(e.opts.Out, "seeded %d applications and %d projects in %s\n", apps, projects, time.Since(start).Round(time.Second))
	return student, nil
}

// Lists: the three lists people open most, at scale, against one indexed SELECT of the same rows.
func (e *Env) Lists(ctx context.Context) ([]Row, error) {
	student, err := e.seedHistory(ctx, e.opts.Applications, e.opts.Projects)
	if err != nil {
		return nil, err
	}
	studentToken, err := e.session(ctx, student)
	if err != nil {
		return nil, err
	}
	tokenOf := func(username string) (string, error) {
		acc, err := e.Services.Store.AccountByUsername(ctx, username)
		if err != nil {
			return "", err
		}
		return e.session(ctx, acc.ID)
	}
	reviewer, err := tokenOf("lit-reviewer")
	if err != nil {
		return nil, err
	}
	office, err := tokenOf("jwc1")
	if err != nil {
		return nil, err
	}
	// The fair baseline: a minimal net/http handler on a pool of the same size, running the same
	// store query the API runs and encoding the same rows as JSON, with no session, role or scope.
	queries := map[string]func(context.Context) (any, error){
		"/my": func(ctx context.Context) (any, error) {
			return e.Services.Store.Applications(ctx, storage.ApplicationFilter{StudentID: student, Limit: 20})
		},
		"/queue": func(ctx context.Context) (any, error) {
			return e.Services.Store.Applications(ctx, storage.ApplicationFilter{AwaitingRole: "college_reviewer", CollegeCode: "LIT", Limit: 20})
		},
		"/search": func(ctx context.Context) (any, error) {
			return e.Services.Store.Projects(ctx, storage.ProjectFilter{Query: "历史项目19", Limit: 20})
		},
	}
	mux := http.NewServeMux()
	for path, query := range queries {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			rows, err := query(r.Context())
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(rows)
		})
	}
	handler := httptest.NewServer(mux)
	defer handler.Close()

	const cols = `ap.id, ap.system_no, ap.status, ap.stage, pr.name, pr.year, ap.stage_entered_at`
	page := ptr(20)
	cases := []struct {
		name                    string
		read                    reading
		token, handlerPath, sql string
		args                    []any
	}{
		{"my applications", func(ctx context.Context, c *apiclient.Client, auth apiclient.RequestEditorFn) (*http.Response, error) {
			return c.ListApplications(ctx, &apiclient.ListApplicationsParams{PageSize: page}, auth)
		}, studentToken, "/my",
			`SELECT ` + cols + ` FROM applications ap JOIN projects pr ON pr.id = ap.project_id WHERE ap.student_id = $1 ORDER BY ap.id DESC LIMIT 20`, []any{student}},
		{"reviewer queue", func(ctx context.Context, c *apiclient.Client, auth apiclient.RequestEditorFn) (*http.Response, error) {
			return c.ListReviewQueue(ctx, &apiclient.ListReviewQueueParams{PageSize: page}, auth)
		}, reviewer, "/queue",
			`SELECT ` + cols + ` FROM applications ap JOIN projects pr ON pr.id = ap.project_id WHERE ap.awaiting_role = 'college_reviewer' AND ap.college_code = 'LIT' AND ap.closed_at IS NULL ORDER BY ap.stage_entered_at, ap.id LIMIT 20`, nil},
		{"project search", func(ctx context.Context, c *apiclient.Client, auth apiclient.RequestEditorFn) (*http.Response, error) {
			return c.ListProjects(ctx, &apiclient.ListProjectsParams{PageSize: page, Q: ptr("历史项目19")}, auth)
		}, office, "/search",
			`SELECT id, code, name, year FROM projects WHERE (name || ' ' || code || ' ' || institution_name || ' ' || institution_name_en || ' ' || country) ILIKE '%历史项目19%' ORDER BY year DESC, id DESC LIMIT 20`, nil},
	}
	const n = 300
	var rows []Row
	for _, c := range cases {
		api, fair := e.againstHandler(ctx, n, c.name, c.read, c.token, handler.URL+c.handlerPath)
		base := parallel(n, 1, func(int) error {
			r, err := e.Services.Store.DB.QueryContext(ctx, c.sql, c.args...)
			if err != nil {
				return err
			}
			for r.Next() {
			}
			return r.Close()
		})
		var plan []string
		if err := e.Services.Store.DB.SelectContext(ctx, &plan, "EXPLAIN "+c.sql, c.args...); err != nil {
			return nil, err
		}
		scan := "seq scan"
		if strings.Contains(strings.Join(plan, "\n"), "Index") {
			scan = "index scan"
		}
		rows = append(rows, Row{
			Scenario: fmt.Sprintf("%s (%dk applications, %d projects)", c.name, e.opts.Applications/1000, e.opts.Projects),
			Figures:  fmt.Sprintf("p50 %s p99 %s, %d errors", ms(api.q(.5)), ms(api.q(.99)), api.errors+fair.errors),
			Baseline: fmt.Sprintf("net/http handler, same query and JSON: p50 %s p99 %s; in-process SELECT p99 %s (%s)",
				ms(fair.q(.5)), ms(fair.q(.99)), ms(base.q(.99)), scan),
			Ratio: "p99 " + ratio(api.q(.99).Seconds(), fair.q(.99).Seconds()) + " (" + ratio(api.q(.99).Seconds(), base.q(.99).Seconds()) + " of the SELECT)",
			Goal:  "≤ 1.5× the handler at p99; index scans",
		})
	}
	return rows, nil
}
