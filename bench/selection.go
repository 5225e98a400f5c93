package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"outbound/apiclient"
	"outbound/process"
	"outbound/storage"
	"outbound/workflows"
)

// seedRound writes a project with n applications in its selection stage and its round's read
// model, each candidate with an outcome: the pages of a round read nothing else.
func (e *Env) seedRound(ctx context.Context, n int, outcome string) (int64, string, error) {
	db := e.Services.Store.DB
	prefix := fmt.Sprintf("sel%d", time.Now().UnixNano()%1e9)
	var project int64
	err := db.GetContext(ctx, &project, `INSERT INTO projects (system_no, code, name, year, start_date, end_date, term_length, apply_start,
			apply_end, quota, published, selection)
		VALUES ($1, $1, '选拔项目 ' || $1, 2026, current_date, current_date + 30, '短期', now() - interval '30 days', now() - interval '1 day', $2, true,
			'{"publicityDays":5,"substituteDays":3,"waitlistSize":5,"weightGpa":70,"weightInterview":0,"weightRank":30}')
		RETURNING id`, prefix, n)
	if err != nil {
		return 0, "", err
	}
	var ids []int64
	err = db.SelectContext(ctx, &ids, `WITH s AS (
			INSERT INTO accounts (username, display_name, role, college_code)
			SELECT $1 || '-' || g, '候选学生' || g, 'student', (ARRAY['LIT','SCI','ECO'])[1 + g % 3] FROM generate_series(1, $2) g
			RETURNING id, college_code)
		INSERT INTO applications (system_no, student_id, project_id, college_code, requirements, notice_version, notice_accepted_at,
			commitment_accepted_at, name_cn, student_no, major, gpa, degree_level, status, phase, stage, awaiting_role, submitted_at)
		SELECT $1 || '-A' || s.id, s.id, $3, s.college_code, '[]', '2024-1', now(), now(), '候选学生' || s.id, '2021' || lpad(s.id::text, 6, '0'),
			'汉语言文学', 3 + (s.id % 100) / 100.0, '本科生', '选拔中', 'application', 'selection', '', now()
		FROM s RETURNING id`, prefix, n, project)
	if err != nil {
		return 0, "", err
	}
	until := time.Now().Add(7 * 24 * time.Hour)
	r := workflows.Round{Input: workflows.RoundInput{ProjectID: project, ProjectCode: prefix, Year: 2026, Quota: n,
		Settings: process.DefaultSelection(false)}, Stage: process.RoundPublicity, PublishedAt: time.Now(), PublicUntil: until, Seq: 1}
	for i, id := range ids {
		c := &workflows.Candidate{ApplicationID: id, College: []string{"LIT", "SCI", "ECO"}[i%3], CollegeRank: i/3 + 1, Outcome: outcome}
		if outcome == process.OutcomeProposed {
			c.PublicUntil = until
		}
		r.Candidates = append(r.Candidates, c)
	}
	state, err := json.Marshal(r)
	if err != nil {
		return 0, "", err
	}
	id := workflows.RoundID(project, 2026)
	err = e.Services.Store.SaveRound(ctx, storage.RoundRow{ID: id, ProjectID: project, Year: 2026, Stage: r.Stage, Seq: 1, State: state, PublicUntil: &until})
	if err == nil {
		_, err = db.ExecContext(ctx, `ANALYZE applications`)
	}
	return project, id, err
}

// Selection: the 公示 page with 2,000 names and the ranking board with 500 candidates, each against
// a minimal net/http handler that reads the same rows (the round and its applicants) and encodes them.
func (e *Env) Selection(ctx context.Context) ([]Row, error) {
	_, publicity, err := e.seedRound(ctx, 2000, process.OutcomeProposed)
	if err != nil {
		return nil, err
	}
	boardProject, _, err := e.seedRound(ctx, 500, process.OutcomeCandidate)
	if err != nil {
		return nil, err
	}
	token := func(username string) (string, error) {
		acc, err := e.Services.Store.AccountByUsername(ctx, username)
		if err != nil {
			return "", err
		}
		return e.session(ctx, acc.ID)
	}
	student, err := token("2021216401")
	if err != nil {
		return nil, err
	}
	office, err := token("wsc")
	if err != nil {
		return nil, err
	}
	store := e.Services.Store
	// read is what both pages read: the round's state and its candidates' rows.
	read := func(ctx context.Context, state json.RawMessage) (any, error) {
		var r workflows.Round
		if err := json.Unmarshal(state, &r); err != nil {
			return nil, err
		}
		ids := make([]int64, len(r.Candidates))
		for i, c := range r.Candidates {
			ids[i] = c.ApplicationID
		}
		people, err := store.Applicants(ctx, ids)
		return map[string]any{"round": r, "people": people}, err
	}
	mux := http.NewServeMux()
	handle := func(path string, load func(context.Context) (json.RawMessage, error)) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			state, err := load(r.Context())
			var out any
			if err == nil {
				out, err = read(r.Context(), state)
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(out)
		})
	}
	handle("/publicity", func(ctx context.Context) (json.RawMessage, error) {
		row, err := store.RoundByID(ctx, publicity)
		if err != nil {
			return nil, err
		}
		return row.State, nil
	})
	handle("/board", func(ctx context.Context) (json.RawMessage, error) {
		p, err := store.ProjectRoundByID(ctx, boardProject)
		if err != nil {
			return nil, err
		}
		return p.State, nil
	})
	handler := httptest.NewServer(mux)
	defer handler.Close()

	cases := []struct {
		name        string
		read        reading
		token       string
		handlerPath string
	}{
		{"公示 page (2,000 names)", func(ctx context.Context, c *apiclient.Client, auth apiclient.RequestEditorFn) (*http.Response, error) {
			return c.GetPublicity(ctx, publicity, auth)
		}, student, "/publicity"},
		{"ranking board (500 candidates)", func(ctx context.Context, c *apiclient.Client, auth apiclient.RequestEditorFn) (*http.Response, error) {
			return c.GetSelectionRound(ctx, int(boardProject), auth)
		}, office, "/board"},
	}
	const n = 200
	var rows []Row
	for _, c := range cases {
		api, fair := e.againstHandler(ctx, n, c.name, c.read, c.token, handler.URL+c.handlerPath)
		rows = append(rows, Row{
			Scenario: c.name,
			Figures:  fmt.Sprintf("p50 %s p99 %s, %d errors", ms(api.q(.5)), ms(api.q(.99)), api.errors+fair.errors),
			Baseline: fmt.Sprintf("net/http handler, same reads and JSON: p50 %s p99 %s", ms(fair.q(.5)), ms(fair.q(.99))),
			Ratio:    "p99 " + ratio(api.q(.99).Seconds(), fair.q(.99).Seconds()),
			Goal:     "≤ 1.5× the handler at p99",
		})
	}
	return rows, nil
}

// reading is a GET of the API through the generated client, as the holder of a token.
type reading func(ctx context.Context, c *apiclient.Client, auth apiclient.RequestEditorFn) (*http.Response, error)

// againstHandler times n API calls of a reading, one at a time, then n calls of the baseline
// handler that serves the same rows.
func (e *Env) againstHandler(ctx context.Context, n int, name string, read reading, token, handlerURL string) (api, fair *stats) {
	api = parallel(n, 1, func(int) error {
		status, err := status(read(ctx, e.api(), as(token)))
		if err == nil && status != 200 {
			err = fmt.Errorf("%s answered %d", name, status)
		}
		return err
	})
	fair = parallel(n, 1, func(int) error {
		resp, err := e.client.Get(handlerURL)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("%s answered %d", handlerURL, resp.StatusCode)
		}
		return nil
	})
	return api, fair
}
