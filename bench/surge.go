package bench

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"

	"outbound/activities"
	"outbound/apiclient"
	"outbound/production"
)

// send sends a student's message through the generated client: submit, submit-predeparture or
// submit-return-report, with the headers the web UI sends.
func (e *Env) send(ctx context.Context, d draft, msg, key string) (*http.Response, error) {
	id, auth := strconv.FormatInt(d.id, 10), as(d.token)
	minimal := ptr("return=minimal")
	switch msg {
	case "submit":
		return e.api().SubmitApplication(ctx, id, &apiclient.SubmitApplicationParams{Prefer: minimal, IdempotencyKey: &key}, auth)
	case "submit-predeparture":
		return e.api().SubmitPredeparture(ctx, id, &apiclient.SubmitPredepartureParams{Prefer: minimal, IdempotencyKey: &key}, auth)
	case "submit-return-report":
		return e.api().SubmitReturnReport(ctx, id, &apiclient.SubmitReturnReportParams{Prefer: minimal, IdempotencyKey: &key}, auth)
	}
	return nil, fmt.Errorf("no such message: %s", msg)
}

// ptr is a pointer to a value, for the generated client's optional parameters.
func ptr[T any](v T) *T { return &v }

// submit sends a student's message as the web UI does: with an Idempotency-Key, asking for no
// answer. An answer that the message is still being processed (202) is repeated with the same key
// until the final answer comes, as the web UI repeats it.
func (e *Env) submit(ctx context.Context, d draft, msg string) error {
	key := uuid.NewString()
	for {
		sent := time.Now()
		status, err := status(e.send(ctx, d, msg, key))
		e.attempts.Add(1)
		e.attemptNanos.Add(int64(time.Since(sent)))
		switch {
		case err != nil:
			return err
		case status == http.StatusNoContent:
			e.answered.Add(1)
			return nil
		case status != http.StatusAccepted:
			return fmt.Errorf("%s answered %d", msg, status)
		}
		e.processing.Add(1)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

const surgeConcurrency = 200

// surgeRun is one surge: the submissions, the baseline, and what was read back afterwards.
type surgeRun struct {
	api, base *stats
	// processing counts the answers that said "being processed" and were repeated.
	processing int64
	// lost are applications still drafts after their submit was answered; doubled, those with
	// more than one submission recorded.
	lost, doubled int
	where         string
}

// Surge: N students submit at once, against N minimal workflows receiving one recorded Update
// each, several runs so that one noisy run decides nothing. On a layout of several workers the
// runs are repeated with one, the others stopped.
func (e *Env) Surge(ctx context.Context) ([]Row, error) {
	rows, err := e.surgeRuns(ctx)
	if err != nil || len(e.workers) < 2 {
		return rows, err
	}
	for _, w := range e.workers[1:] {
		production.StopProcess(w)
	}
	e.workers, e.workerURLs = e.workers[:1], e.workerURLs[:1]
	more, err := e.surgeRuns(ctx)
	return append(rows, more...), err
}

func (e *Env) surgeRuns(ctx context.Context) ([]Row, error) {
	var rows []Row
	var runs []surgeRun
	for i := 0; i < max(e.opts.Runs, 1); i++ {
		run, err := e.surgeOnce(ctx, nil, "")
		if err != nil {
			return rows, err
		}
		runs = append(runs, run)
		rows = append(rows, e.surgeRow(run, fmt.Sprintf("run %d", i+1)))
	}
	if len(runs) > 1 {
		rows = append(rows, e.spreadRow(runs))
	}
	return rows, nil
}

// WorkerLoss: on the production layout, one of the two workers is stopped while the surge is in
// flight (a third of the submissions answered), gracefully in one run and with SIGKILL in
// another; a new worker takes its place between the runs.
func (e *Env) WorkerLoss(ctx context.Context) ([]Row, error) {
	if e.layout == nil {
		return nil, fmt.Errorf("worker loss needs --layout production")
	}
	var rows []Row
	for _, how := range []string{"stopped gracefully (SIGTERM)", "killed (SIGKILL)"} {
		if len(e.workers) < 2 {
			w, url, err := e.layout.StartWorker(fmt.Sprintf("worker-%d", time.Now().UnixNano()), e.processEnv...)
			if err != nil {
				return rows, err
			}
			e.workers, e.workerURLs = append(e.workers, w), append(e.workerURLs, url)
		}
		victim, victimURL := e.workers[len(e.workers)-1], e.workerURLs[len(e.workerURLs)-1]
		run, err := e.surgeOnce(ctx, func() {
			if how == "killed (SIGKILL)" {
				_ = victim.Process.Kill()
				_ = victim.Wait()
				return
			}
			production.StopProcess(victim)
		}, victimURL)
		if err != nil {
			return rows, err
		}
		rows = append(rows, e.surgeRow(run, "one of them "+how+" mid-surge"))
		e.workers, e.workerURLs = e.workers[:len(e.workers)-1], e.workerURLs[:len(e.workerURLs)-1]
	}
	return rows, nil
}

// surgeOnce seeds N drafts and as many baseline workflows, submits them all, 200 at a time, then
// reads every application back. disrupt, when given, runs once a third of the submissions are
// answered; the metrics of the process at gone (its metrics' URL) are left out of the figures.
func (e *Env) surgeOnce(ctx context.Context, disrupt func(), gone string) (surgeRun, error) {
	n := e.opts.Students
	drafts, project, err := e.seedDrafts(ctx, n, 1<<20)
	if err != nil {
		return surgeRun{}, err
	}
	ids, err := e.startBaselines(ctx, n, baselineRecorded)
	if err != nil {
		return surgeRun{}, err
	}
	e.answered.Store(0)
	e.processing.Store(0)
	e.attempts.Store(0)
	e.attemptNanos.Store(0)
	done := make(chan struct{})
	if disrupt != nil {
		go func() {
			for e.answered.Load() < int64(n/3) {
				select {
				case <-done:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
			disrupt()
		}()
	}
	before := e.scrapeProcesses(gone)
	api := parallel(n, surgeConcurrency, func(i int) error { return e.submit(ctx, drafts[i], "submit") })
	close(done)
	after := e.scrapeProcesses(gone)
	base := parallel(n, surgeConcurrency, func(i int) error { return e.ping(ctx, ids[i], true) })
	perAttempt := time.Duration(0)
	if n := e.attempts.Load(); n > 0 {
		perAttempt = time.Duration(e.attemptNanos.Load() / n)
	}
	run := surgeRun{api: api, base: base, processing: e.processing.Load(), where: whereTimeGoes(api, perAttempt, before, after)}
	err = e.Services.Store.DB.QueryRowContext(ctx, `SELECT
			count(*) FILTER (WHERE a.stage = 'draft'),
			count(*) FILTER (WHERE (SELECT count(*) FROM timeline_events t WHERE t.application_id = a.id AND t.kind = 'submitted') > 1)
		FROM applications a WHERE a.project_id = $1`, project).Scan(&run.lost, &run.doubled)
	return run, err
}

// scrapeProcesses reads the metrics of every API and worker but the one at skip, summed series by series.
func (e *Env) scrapeProcesses(skip string) map[string]float64 {
	sum := map[string]float64{}
	for _, url := range append(append([]string{}, e.URLs...), e.workerURLs...) {
		if url == skip {
			continue
		}
		for k, v := range scrape(e.metricsURL(url)) {
			sum[k] += v
		}
	}
	return sum
}

// whereTimeGoes says where a submission's time went, from the processes' own metrics: what the
// client saw of each request against what the APIs measured is the time before a request reaches
// an API; a submission answered "being processed" is repeated, so it may take several requests.
func whereTimeGoes(api *stats, perAttempt time.Duration, before, after map[string]float64) string {
	const route = `route="/api/v1/applications/:id/submit"`
	var client time.Duration
	for _, d := range api.lat {
		client += d
	}
	if len(api.lat) > 0 {
		client /= time.Duration(len(api.lat))
	}
	inAPI := meanBetween(before, after, "outbound_http_request_seconds", route)
	waits := after[`go_sql_wait_count_total{db_name="outbound"}`] - before[`go_sql_wait_count_total{db_name="outbound"}`]
	waited := after[`go_sql_wait_duration_seconds_total{db_name="outbound"}`] - before[`go_sql_wait_duration_seconds_total{db_name="outbound"}`]
	turn := time.Duration(0)
	if taken := after["outbound_message_turns_total"] - before["outbound_message_turns_total"]; taken > 0 {
		turn = time.Duration((after["outbound_message_turn_wait_seconds_total"] - before["outbound_message_turn_wait_seconds_total"]) / taken * float64(time.Second))
	}
	return fmt.Sprintf("means: a submission takes %s, a request %s, of which %s before an API has it and %s in the API (p99 there ≤ %s; waiting its turn there %s); its Update %s: "+
		"the task waits %s for a worker, runs %s (the Submit activity %s), its completion takes %s; connections waited for in the pools: %.0f times, %.1f s in all",
		ms(client), ms(perAttempt), ms(perAttempt-inAPI), ms(inAPI), bucketBound(before, after, "outbound_http_request_seconds", .99, route), ms(turn),
		ms(meanBetween(before, after, "temporal_long_request_latency_seconds", `operation="UpdateWorkflowExecution"`)),
		ms(meanBetween(before, after, "temporal_workflow_task_schedule_to_start_latency_seconds", `workflow_type="Application"`)),
		ms(meanBetween(before, after, "temporal_workflow_task_execution_latency_seconds", `workflow_type="Application"`)),
		ms(meanBetween(before, after, "temporal_local_activity_execution_latency_seconds", `activity_type="`+activities.NameSubmit+`"`)),
		ms(meanBetween(before, after, "temporal_request_latency_seconds", `operation="RespondWorkflowTaskCompleted"`, `workflow_type="Application"`)),
		waits, waited)
}

func (e *Env) surgeRow(run surgeRun, what string) Row {
	layout := ""
	if e.opts.Layout == LayoutProduction {
		layout = fmt.Sprintf("; production layout, %d APIs, %d worker(s)", len(e.URLs), len(e.workers))
	}
	return Row{
		Scenario: fmt.Sprintf("deadline surge (%d students, %d at once%s), %s", e.opts.Students, surgeConcurrency, layout, what),
		Figures: fmt.Sprintf("%.0f/s p50 %s p99 %s, %d errors, %d answers 'being processed' repeated; read back: %d lost, %d doubled",
			run.api.rate(), ms(run.api.q(.5)), ms(run.api.q(.99)), run.api.errors, run.processing, run.lost, run.doubled),
		Baseline: fmt.Sprintf("%.0f/s p50 %s p99 %s, %d errors", run.base.rate(), ms(run.base.q(.5)), ms(run.base.q(.99)), run.base.errors),
		Ratio:    "throughput " + ratio(run.api.rate(), run.base.rate()) + ", p99 " + ratio(run.api.q(.99).Seconds(), run.base.q(.99).Seconds()),
		Goal:     "0 errors, 0 lost or doubled; p99 ≤ 2× the baseline's",
		Errors:   errorsOf(run.api, run.base),
		Notes:    []string{run.where},
	}
}

// spreadRow is the least and the most of each figure over the runs.
func (e *Env) spreadRow(runs []surgeRun) Row {
	var rate, p99, baseRate, baseP99, rateRatio, p99Ratio []float64
	errs, lost := 0, 0
	for _, r := range runs {
		rate, baseRate = append(rate, r.api.rate()), append(baseRate, r.base.rate())
		p99, baseP99 = append(p99, r.api.q(.99).Seconds()*1000), append(baseP99, r.base.q(.99).Seconds()*1000)
		rateRatio, p99Ratio = append(rateRatio, r.api.rate()/r.base.rate()), append(p99Ratio, r.api.q(.99).Seconds()/r.base.q(.99).Seconds())
		errs, lost = errs+r.api.errors, lost+r.lost+r.doubled
	}
	span := func(v []float64, format string) string {
		return fmt.Sprintf(format+"–"+format, slices.Min(v), slices.Max(v))
	}
	layout := ""
	if e.opts.Layout == LayoutProduction {
		layout = fmt.Sprintf("; production layout, %d worker(s)", len(e.workers))
	}
	return Row{
		Scenario: fmt.Sprintf("deadline surge%s: spread of %d runs", layout, len(runs)),
		Figures:  fmt.Sprintf("%s/s, p99 %s ms, %d errors, %d lost or doubled", span(rate, "%.0f"), span(p99, "%.0f"), errs, lost),
		Baseline: fmt.Sprintf("%s/s, p99 %s ms", span(baseRate, "%.0f"), span(baseP99, "%.0f")),
		Ratio:    fmt.Sprintf("throughput %s×, p99 %s×", span(rateRatio, "%.2f"), span(p99Ratio, "%.2f")),
		Goal:     "every run: 0 errors, p99 ≤ 2× the baseline's",
	}
}

// errorsOf merges the errors of a run and of its baseline.
func errorsOf(api, base *stats) map[string]int {
	out := map[string]int{}
	for k, v := range api.kinds {
		out[k] += v
	}
	for k, v := range base.kinds {
		out["baseline: "+k] += v
	}
	return out
}
