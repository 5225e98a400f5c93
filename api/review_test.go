//go:build integration

package api_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"outbound/activities"
	"outbound/process"
	"outbound/storage/demo"
)

// submitted creates a student of the college with a submitted application to the project.
func submitted(t *testing.T, college string, project int64) (*client, int64) {
	s := newStudent(t, college)
	d := newDraft(t, s, project)
	r := s.call("POST", pathf("/applications/%d/submit", d.id), nil)
	require.Equal(t, 200, r.status, string(r.body))
	return s, d.id
}

func decide(t *testing.T, c *client, id int64, body map[string]any, want int) *response {
	t.Helper()
	r := c.call("POST", pathf("/applications/%d/decide", id), body)
	require.Equal(t, want, r.status, string(r.body))
	return r
}

var ok = map[string]any{"decision": "approve", "opinion": "同意"}

func TestQueuesAreScoped(t *testing.T) {
	project := newProject(t, projectSpec{})
	_, lit := submitted(t, "LIT", project)
	_, sci := submitted(t, "SCI", project)
	queue := func(c *client, query string) []int64 {
		r := c.call("GET", "/reviews?pageSize=100&projectId="+fmt.Sprint(project)+query, nil)
		require.Equal(t, 200, r.status)
		var ids []int64
		for _, it := range r.list("items") {
			ids = append(ids, int64(it.(map[string]any)["application"].(map[string]any)["id"].(float64)))
		}
		return ids
	}
	litR, sciR, jwc, wsc, admin := login(t, "lit-reviewer"), login(t, "sci-reviewer"), login(t, "jwc1"), login(t, "wsc"), login(t, "admin")
	require.Equal(t, []int64{lit}, queue(litR, ""))
	require.Equal(t, []int64{sci}, queue(sciR, ""))
	require.Empty(t, queue(jwc, ""))
	decide(t, litR, lit, ok, 200)
	require.Equal(t, []int64{lit}, queue(jwc, ""))
	require.Empty(t, queue(litR, ""))
	require.Empty(t, queue(wsc, ""))
	require.ElementsMatch(t, []int64{lit, sci}, queue(admin, ""))
	require.Equal(t, []int64{sci}, queue(admin, "&role=college_reviewer"))
	// The scoped lists: the college sees its own college's submitted applications only.
	r := sciR.call("GET", "/applications?pageSize=100&projectId="+fmt.Sprint(project), nil)
	require.EqualValues(t, 1, r.num("total"))
	r = jwc.call("GET", "/applications?pageSize=100&projectId="+fmt.Sprint(project), nil)
	require.EqualValues(t, 2, r.num("total"))
}

func TestReviewThroughAdmissionAndPreDeparture(t *testing.T) {
	project := newProject(t, projectSpec{quota: ptr(3)})
	s, id := submitted(t, "LIT", project)
	litR, jwc1, jwc2, wsc := login(t, "lit-reviewer"), login(t, "jwc1"), login(t, "jwc2"), login(t, "wsc")

	decide(t, litR, id, map[string]any{"decision": "approve"}, 200)
	r := decide(t, jwc1, id, map[string]any{"decision": "reject"}, 422)
	require.Equal(t, "审核意见不能为空", r.errField("opinion"))
	decide(t, jwc1, id, map[string]any{"decision": "maybe"}, 422)
	decide(t, jwc1, id, ok, 200)
	r = decide(t, wsc, id, map[string]any{"decision": "approve", "opinion": "录取", "funding": map[string]any{"source": "国家留学基金委", "amount": 12000, "note": "全额"}}, 200)
	require.Equal(t, "已录取", r.str("application.status"))
	require.Equal(t, "国家留学基金委", r.str("funding.source"))

	// Pre-departure: materials, 初审 and 复审 by different people, then foreign affairs.
	r = s.call("GET", pathf("/applications/%d", id), nil)
	require.Equal(t, []string{"view", "upload-predeparture", "delete-predeparture", "give-up", "track"}, actionNames(r))
	require.Equal(t, 409, s.upload(pathf("/applications/%d/supplements", id), "x.pdf", pdfFile()).status, "no supplements outside review")
	admittedOn := int64(r.list("requirements")[0].(map[string]any)["files"].([]any)[0].(map[string]any)["id"].(float64))
	require.Equal(t, 409, s.call("DELETE", pathf("/applications/%d/attachments/%d", id, admittedOn), nil).status,
		"the files the admission was decided on stay")
	reqID := int64(r.list("requirements")[0].(map[string]any)["id"].(float64))
	require.Equal(t, 409, s.upload(pathf("/applications/%d/attachments?requirementId=%d", id, reqID), "成绩单.pdf", pdfFile()).status,
		"after admission the application's attachments take no new file")
	require.Equal(t, 409, s.upload(pathf("/applications/%d/attachments?kind=return_report", id), "返校总结.pdf", pdfFile()).status,
		"the return report waits for its phase")
	up := s.upload(pathf("/applications/%d/attachments?kind=predeparture", id), "行前材料.pdf", pdfFile())
	require.Equal(t, 201, up.status, string(up.body))
	require.Equal(t, 204, s.call("DELETE", pathf("/applications/%d/attachments/%d", id, up.num("id")), nil).status, "行前材料删除")
	r = s.call("POST", pathf("/applications/%d/submit-predeparture", id), nil)
	require.Equal(t, 422, r.status)
	require.NotEmpty(t, r.errField("predeparture"))
	require.Equal(t, 201, s.upload(pathf("/applications/%d/attachments?kind=predeparture", id), "行前材料.pdf", pdfFile()).status)
	require.Equal(t, 200, s.call("PUT", pathf("/applications/%d/travel-info", id), demo.TravelInfo()).status)
	r = s.call("POST", pathf("/applications/%d/submit-predeparture", id), nil)
	require.Equal(t, 200, r.status)
	require.Equal(t, "行前资料已上传", r.str("application.status"))
	decide(t, jwc1, id, ok, 200)
	r = decide(t, jwc1, id, ok, 403)
	require.Equal(t, "same_reviewer", r.str("error.code"))
	require.Equal(t, "初审与复审须由不同的人完成", r.str("error.message"))
	r = jwc1.call("GET", pathf("/applications/%d", id), nil)
	require.NotContains(t, actionNames(r), "decide", "the first reviewer is not offered the second review")
	require.Contains(t, r.str("decideBlocked"), "初审与复审须由不同的人完成", "and the page says why")
	var blocked string
	for _, it := range jwc1.call("GET", "/reviews?pageSize=100", nil).list("items") {
		if row := it.(map[string]any); int64(row["application"].(map[string]any)["id"].(float64)) == id {
			blocked, _ = row["blocked"].(string)
		}
	}
	require.Contains(t, blocked, "初审与复审须由不同的人完成", "the queue lists it without offering 审核")
	require.Empty(t, jwc2.call("GET", pathf("/applications/%d", id), nil).str("decideBlocked"), "the other reviewer may decide")
	decide(t, jwc2, id, ok, 200)
	r = decide(t, wsc, id, ok, 200)
	require.Equal(t, "行前阶段外事部门审核通过", r.str("application.status"))
	// The return date is ahead: the report cannot be handed in yet.
	require.Equal(t, 201, s.upload(pathf("/applications/%d/attachments?kind=return_report", id), "返校总结.docx", docxFile()).status)
	r = s.call("POST", pathf("/applications/%d/submit-return-report", id), nil)
	require.Equal(t, 409, r.status)
	require.Equal(t, "return_date_not_reached", r.str("error.code"))
	var material int64
	require.NoError(t, env.Services.Store.DB.Get(&material, `SELECT id FROM attachments WHERE application_id = $1 AND kind = 'predeparture'`, id))
	require.Equal(t, 409, s.call("DELETE", pathf("/applications/%d/attachments/%d", id, material), nil).status,
		"in the return phase the approved pre-departure materials stay")

	var admitted int
	require.NoError(t, env.Services.Store.DB.Get(&admitted, `SELECT admitted_count FROM projects WHERE id = $1`, project))
	require.Equal(t, 1, admitted)
	r = s.call("GET", pathf("/applications/%d", id), nil)
	var steps []string
	for _, e := range r.list("timeline") {
		steps = append(steps, e.(map[string]any)["step"].(string))
	}
	require.Equal(t, []string{"未提交", "申请中", "学院审核通过", "教务处审核通过", "外事部门审核通过", "行前资料已上传",
		"行前阶段教务处初审通过", "行前阶段教务处复审通过", "行前阶段外事部门审核通过"}, steps)
}

func ptr[T any](v T) *T { return &v }

func TestBatchApprove(t *testing.T) {
	project := newProject(t, projectSpec{})
	_, a := submitted(t, "LIT", project)
	s2, b := submitted(t, "LIT", project)
	_, other := submitted(t, "SCI", project)
	require.Equal(t, 200, s2.call("POST", pathf("/applications/%d/withdraw", b), nil).status)
	litR := login(t, "lit-reviewer")
	r := litR.call("POST", "/reviews/batch-approve", map[string]any{"applicationIds": []int64{a, b, other}, "opinion": "同意"})
	require.Equal(t, 200, r.status, string(r.body))
	require.EqualValues(t, 1, r.num("approved"))
	require.EqualValues(t, 2, r.num("failed"))
	require.Equal(t, true, r.get("results.0.ok"))
	require.Equal(t, "wrong_stage", r.str("results.1.code"))
	require.Equal(t, "not_found", r.str("results.2.code"), "another college's application is out of scope")
	require.Equal(t, 422, litR.call("POST", "/reviews/batch-approve", map[string]any{"applicationIds": []int64{}}).status)
}

func projectBody(code string) map[string]any {
	now := time.Now()
	return map[string]any{
		"code": code, "name": "剑桥大学暑期项目", "year": 2026, "terms": "夏季", "startDate": now.AddDate(0, 2, 0).Format("2006-01-02"),
		"endDate": now.AddDate(0, 3, 0).Format("2006-01-02"), "durationText": "四周", "nature": "学校公派", "institutionName": "剑桥大学",
		"institutionNameEn": "University of Cambridge", "country": "英国", "category": "校际交流学分项目", "feeMode": "自费", "fee": 30000,
		"termLength": "短期", "teachingMode": "线下授课", "hostUnit": "国际处", "applyStart": now.Add(-time.Hour).Format(time.RFC3339),
		"applyEnd": now.AddDate(0, 0, 20).Format(time.RFC3339), "eligibleDegreeLevels": []string{"本科生"}, "quota": 2, "hasInterview": true,
		"requirements": []map[string]any{
			{"kind": "成绩单", "formats": []string{"pdf"}, "maxBytes": 1 << 20, "required": true},
			{"kind": "个人陈述", "formats": []string{"pdf", "docx"}, "maxBytes": 1 << 20, "required": true},
		},
	}
}

func TestProjectManagementLeavesApplicationsInFlightAlone(t *testing.T) {
	wsc := login(t, "wsc")
	code := fmt.Sprintf("C%d", time.Now().UnixNano()%1e9)
	bad := projectBody(code)
	bad["endDate"], bad["termLength"], bad["requirements"] = "2020-01-01", "中期", []map[string]any{{"kind": "", "formats": []string{"exe"}, "maxBytes": 0}}
	r := wsc.call("POST", "/projects", bad)
	require.Equal(t, 422, r.status)
	for _, f := range []string{"endDate", "termLength", "requirements.0.kind", "requirements.0.formats", "requirements.0.maxBytes"} {
		require.NotEmpty(t, r.errField(f), "%s in %s", f, r.body)
	}
	require.Equal(t, 403, login(t, "jwc1").call("POST", "/projects", projectBody(code)).status)

	r = wsc.call("POST", "/projects", projectBody(code))
	require.Equal(t, 201, r.status, string(r.body))
	pid := r.num("id")
	require.Equal(t, false, r.get("published"))
	require.Equal(t, 409, wsc.call("POST", "/projects", projectBody(code)).status, "same number, same year")
	s := newStudent(t, "LIT")
	require.Equal(t, 404, s.call("GET", pathf("/projects/%d", pid), nil).status, "unpublished projects are hidden from students")
	require.Equal(t, 200, wsc.call("POST", pathf("/projects/%d/publish", pid), nil).status)

	d := s.call("POST", "/applications", acceptBody(pid))
	require.Equal(t, 201, d.status)
	app := d.num("id")
	before := s.call("GET", pathf("/applications/%d", app), nil)
	require.Len(t, before.list("requirements"), 2)
	keptID := before.num("requirements.0.id")
	droppedID := before.num("requirements.1.id")

	// The office drops 个人陈述, tightens 成绩单 and adds a 推荐信.
	edit := projectBody(code)
	edit["name"] = "剑桥大学暑期项目（更新）"
	edit["requirements"] = []map[string]any{
		{"id": keptID, "kind": "成绩单", "formats": []string{"pdf"}, "maxBytes": 512 << 10, "required": true},
		{"kind": "推荐信", "formats": []string{"pdf"}, "maxBytes": 1 << 20, "required": true},
	}
	r = wsc.call("PUT", pathf("/projects/%d", pid), edit)
	require.Equal(t, 200, r.status, string(r.body))
	require.Len(t, r.list("requirements"), 2)
	require.Equal(t, "推荐信", r.str("requirements.1.kind"))

	after := s.call("GET", pathf("/applications/%d", app), nil)
	require.Len(t, after.list("requirements"), 2)
	require.Equal(t, "个人陈述", after.str("requirements.1.kind"), "the application keeps what it captured")
	require.EqualValues(t, 1<<20, after.num("requirements.0.maxBytes"))
	require.Equal(t, 201, s.upload(pathf("/applications/%d/attachments?requirementId=%d", app, droppedID), "陈述.pdf", pdfFile()).status)
	other := newStudent(t, "LIT")
	r = other.call("POST", "/applications", acceptBody(pid))
	require.Equal(t, 201, r.status)
	fresh := other.call("GET", pathf("/applications/%d", r.num("id")), nil)
	require.Equal(t, "推荐信", fresh.str("requirements.1.kind"), "a new application gets the new rules")

	r = wsc.call("POST", pathf("/projects/%d/copy", pid), map[string]any{"year": 2027})
	require.Equal(t, 201, r.status, string(r.body))
	require.EqualValues(t, 2027, r.num("year"))
	require.Equal(t, false, r.get("published"))
	require.Len(t, r.list("requirements"), 2)
	require.Equal(t, 200, wsc.call("POST", pathf("/projects/%d/unpublish", pid), nil).status)
	require.Equal(t, 200, s.call("GET", pathf("/applications/%d", app), nil).status, "the draft goes on after unpublishing")
}

func TestExportHoldsExactlyTheFilteredRows(t *testing.T) {
	project := newProject(t, projectSpec{})
	for _, college := range []string{"LIT", "LIT", "SCI"} {
		submitted(t, college, project)
	}
	check := func(c *client, query string, want int) {
		list := c.call("GET", "/applications?pageSize=100&"+query, nil)
		require.Equal(t, 200, list.status)
		require.EqualValues(t, want, list.num("total"))
		r := c.call("GET", "/exports/applications.xlsx?"+query, nil)
		require.Equal(t, 200, r.status)
		require.Contains(t, r.header.Get("Content-Disposition"), ".xlsx")
		book, err := excelize.OpenReader(bytes.NewReader(r.body))
		require.NoError(t, err)
		rows, err := book.GetRows("申请列表")
		require.NoError(t, err)
		// The forms' columns are the catalogue's, under its labels.
		require.Equal(t, []string{"序号", "系统编号"}, rows[0][:2])
		require.Contains(t, rows[0], "姓名(中文)")
		require.Contains(t, rows[0], "申请状态")
		require.Contains(t, rows[0], "GPA")
		require.Len(t, rows, want+1)
		var listed []string
		for _, it := range list.list("items") {
			listed = append(listed, it.(map[string]any)["application"].(map[string]any)["systemNo"].(string))
		}
		var exported []string
		for _, row := range rows[1:] {
			exported = append(exported, row[1])
		}
		require.Equal(t, listed, exported)
	}
	q := "projectId=" + fmt.Sprint(project)
	check(login(t, "jwc1"), q, 3)
	check(login(t, "lit-reviewer"), q, 2)
	check(login(t, "jwc1"), q+"&college=SCI", 1)
	require.Equal(t, 403, newStudent(t, "LIT").call("GET", "/exports/applications.xlsx", nil).status)
}

// TestRecordTheDatabaseRefusesTakesNoEffect: a decision whose event the database refuses (here a
// constraint an operator added) is answered at once with why, changes nothing in the workflow or the
// read model, and leaves the application free for the next decision: nothing retries for ever.
func TestRecordTheDatabaseRefusesTakesNoEffect(t *testing.T) {
	db := env.Services.Store.DB
	_, err := db.Exec(`ALTER TABLE timeline_events ADD CONSTRAINT no_refused_words CHECK (opinion <> '数据库拒绝')`)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = db.Exec(`ALTER TABLE timeline_events DROP CONSTRAINT no_refused_words`) })
	_, app := submitted(t, "LIT", newProject(t, projectSpec{}))
	reviewer := login(t, "lit-reviewer")
	r := decide(t, reviewer, app, map[string]any{"decision": "approve", "opinion": "数据库拒绝"}, 422)
	require.Equal(t, "record_refused", r.str("error.code"))
	detail := reviewer.call("GET", pathf("/applications/%d", app), nil)
	require.Equal(t, "college_review", detail.str("application.stage"), "the read model did not move")
	require.Contains(t, detail.str("actions.0.action")+detail.str("actions.1.action")+detail.str("actions.2.action"), "decide", "the reviewer may still decide")
	decide(t, reviewer, app, ok, 200)
	require.Equal(t, "academic_review", reviewer.call("GET", pathf("/applications/%d", app), nil).str("application.stage"))
}

// TestSubmitIsAtomicWithEdits: edits sent while the student submits either land before the
// submission is checked or are refused; what was snapshotted is always what reviewers see.
func TestSubmitIsAtomicWithEdits(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	db := env.Services.Store.DB
	app := s.call("GET", pathf("/applications/%d", d.id), nil)
	dep, ret := app.str("application.projectStartDate"), app.str("application.projectEndDate")
	for round := range 6 {
		stop := make(chan struct{})
		var edits sync.WaitGroup
		var answered, refused atomic.Int64
		for w := range 2 {
			edits.Add(1)
			go func() {
				defer edits.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					gpa := 3.0 + float64((round*1000+w*500+i)%100)/100
					r := s.call("PUT", pathf("/applications/%d/apply-info", d.id), map[string]any{"gpa": gpa, "weightedAverage": 88.5,
						"departureDate": dep, "returnDate": ret})
					if r.status != 200 && r.status != 409 {
						t.Errorf("edit answered %d: %s", r.status, r.body)
						return
					}
					answered.Add(1)
					if r.status == 409 {
						refused.Add(1)
					}
				}
			}()
		}
		// The submission starts while both editors are at work, and they go on until one of their
		// edits has met the submitted application: the edits ran around the submission.
		require.Eventually(t, func() bool { return answered.Load() >= 2 }, 30*time.Second, 5*time.Millisecond, "the editors are at work")
		r := s.call("POST", pathf("/applications/%d/submit", d.id), nil)
		require.Eventually(t, func() bool { return refused.Load() > 0 }, 30*time.Second, 5*time.Millisecond,
			"round %d: an edit sent after the submission is refused", round)
		close(stop)
		edits.Wait()
		require.Equal(t, 200, r.status, string(r.body))
		var snapshotGPA, shownGPA float64
		require.NoError(t, db.Get(&snapshotGPA, `SELECT (content->'applyInfo'->>'gpa')::float8 FROM submission_snapshots WHERE application_id = $1 ORDER BY seq DESC LIMIT 1`, d.id))
		require.NoError(t, db.Get(&shownGPA, `SELECT gpa::float8 FROM applications WHERE id = $1`, d.id))
		require.Equal(t, snapshotGPA, shownGPA, "round %d: the snapshot is what reviewers see", round)
		require.Equal(t, 200, s.call("POST", pathf("/applications/%d/withdraw", d.id), nil).status)
	}
}

// TestEditsWaitOutASubmission: once a submission is being checked, edits of the draft are refused
// until it is recorded; a mark left by a submission that never finished lapses.
func TestEditsWaitOutASubmission(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	acts := &activities.Activities{Store: env.Services.Store, Files: env.Services.Files}
	res, err := acts.CheckSubmission(context.Background(), activities.SubmissionCheck{ApplicationID: d.id, Phase: process.PhaseApplication})
	require.NoError(t, err)
	require.Empty(t, res.Problems)
	app := s.call("GET", pathf("/applications/%d", d.id), nil)
	info := map[string]any{"gpa": 3.1, "weightedAverage": 80, "departureDate": app.str("application.projectStartDate"),
		"returnDate": app.str("application.projectEndDate")}
	require.Equal(t, 409, s.call("PUT", pathf("/applications/%d/apply-info", d.id), info).status, "step 2 waits for the submission")
	require.Equal(t, 409, s.call("PUT", pathf("/applications/%d/basic-info", d.id), basicInfo()).status, "step 1 too")
	require.Equal(t, 409, s.upload(pathf("/applications/%d/attachments?requirementId=%d", d.id, d.required[0]), "a.pdf", pdfFile()).status, "and files")
	require.Equal(t, 409, s.call("POST", pathf("/applications/%d/language-scores", d.id),
		map[string]any{"language": "英语", "requirement": "雅思", "score": "7.0", "examDate": "2025-01-01"}).status, "and language scores")

	// A submission that never finished does not hold the draft for ever.
	_, err = env.Services.Store.DB.Exec(`UPDATE applications SET submitting_since = now() - interval '11 minutes' WHERE id = $1`, d.id)
	require.NoError(t, err)
	require.Equal(t, 200, s.call("PUT", pathf("/applications/%d/apply-info", d.id), info).status)

	// A submission that is recorded ends the hold: after withdrawing, the student edits again.
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d.id), nil).status)
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/withdraw", d.id), nil).status)
	require.Equal(t, 200, s.call("PUT", pathf("/applications/%d/apply-info", d.id), info).status)
}

// TestEditsWaitForASubmissionsTransaction: a submission checks, snapshots and records in one
// transaction that holds the application's row; an edit sent meanwhile waits for it to end, and
// goes through once it is given up.
func TestEditsWaitForASubmissionsTransaction(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	ctx := context.Background()
	var seq int
	require.NoError(t, env.Services.Store.DB.Get(&seq, `SELECT last_event_seq + 1 FROM applications WHERE id = $1`, d.id))
	sub, err := env.Services.Store.BeginSubmission(ctx, d.id, seq)
	require.NoError(t, err)
	require.False(t, sub.Recorded)
	require.Equal(t, d.id, sub.Facts.Application.ID, "the facts are read in the transaction")
	app := s.call("GET", pathf("/applications/%d", d.id), nil)
	info := map[string]any{"gpa": 3.1, "weightedAverage": 80, "departureDate": app.str("application.projectStartDate"),
		"returnDate": app.str("application.projectEndDate")}
	edited := make(chan int)
	go func() { edited <- s.call("PUT", pathf("/applications/%d/apply-info", d.id), info).status }()
	// The edit is seen waiting on the row's lock, as PostgreSQL reports it.
	require.Eventually(t, func() bool {
		var waiting int
		require.NoError(t, env.Services.Store.DB.Get(&waiting, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE applications SET departure_date%'`))
		return waiting == 1
	}, 10*time.Second, 20*time.Millisecond, "the edit waits for the submission")
	select {
	case status := <-edited:
		t.Fatalf("the edit went through (%d) while the submission held the draft", status)
	default:
	}
	sub.Rollback()
	require.Equal(t, 200, <-edited, "given up, the submission lets the edit in")
}

// TestSubmitActivityTwiceRecordsOnce: when the Submit activity runs again because its answer was
// lost, it records nothing more and answers what the first attempt recorded.
func TestSubmitActivityTwiceRecordsOnce(t *testing.T) {
	db := env.Services.Store.DB
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	var seq int
	require.NoError(t, db.Get(&seq, `SELECT last_event_seq + 1 FROM applications WHERE id = $1`, d.id))
	now := time.Now()
	req := activities.SubmitRequest{Phase: process.PhaseApplication, Record: activities.EventRecord{
		ApplicationID: d.id, Seq: seq, Kind: "submitted", Step: "学院审核中", OccurredAt: now,
		Projection: activities.Projection{Status: "学院审核中", Phase: process.PhaseApplication, Stage: "college_review",
			AwaitingRole: string(process.RoleCollegeReviewer), StageEnteredAt: now, Submitted: true},
	}}
	acts := &activities.Activities{Store: env.Services.Store}
	first, err := acts.Submit(context.Background(), req)
	require.NoError(t, err)
	require.Empty(t, first.Problems)
	require.Len(t, first.SHA256, 64)
	again, err := acts.Submit(context.Background(), req)
	require.NoError(t, err)
	require.Empty(t, again.Problems)
	require.Equal(t, first.SHA256, again.SHA256, "the first attempt's hash")
	require.Equal(t, first.ReturnDate, again.ReturnDate)
	var snapshots, submittedEvents int
	require.NoError(t, db.Get(&snapshots, `SELECT count(*) FROM submission_snapshots WHERE application_id = $1`, d.id))
	require.NoError(t, db.Get(&submittedEvents, `SELECT count(*) FROM timeline_events WHERE application_id = $1 AND kind = 'submitted'`, d.id))
	require.Equal(t, 1, snapshots)
	require.Equal(t, 1, submittedEvents)
}

// TestRefusedSubmissionWritesNothing: a submission whose record the database refuses (a constraint
// an operator added) leaves no snapshot, no hold on the draft and no event; once the constraint is
// gone, the same submission goes through with its snapshot's hash everywhere.
func TestRefusedSubmissionWritesNothing(t *testing.T) {
	db := env.Services.Store.DB
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	_, err := db.Exec(fmt.Sprintf(`ALTER TABLE timeline_events ADD CONSTRAINT no_submission_%d CHECK (application_id <> %d OR kind <> 'submitted') NOT VALID`, d.id, d.id))
	require.NoError(t, err)
	r := s.call("POST", pathf("/applications/%d/submit", d.id), nil)
	require.Equal(t, 422, r.status, string(r.body))
	require.Equal(t, "record_refused", r.str("error.code"))
	var snapshots, events int
	var holding bool
	require.NoError(t, db.Get(&snapshots, `SELECT count(*) FROM submission_snapshots WHERE application_id = $1`, d.id))
	require.NoError(t, db.Get(&events, `SELECT count(*) FROM timeline_events WHERE application_id = $1`, d.id))
	require.NoError(t, db.Get(&holding, `SELECT submitting_since IS NOT NULL FROM applications WHERE id = $1`, d.id))
	require.Equal(t, 0, snapshots, "no snapshot without its record")
	require.Equal(t, 1, events, "only 创建新申请")
	require.False(t, holding, "the draft is not held")
	detail := s.call("GET", pathf("/applications/%d", d.id), nil)
	require.Equal(t, "draft", detail.str("application.stage"))
	require.Equal(t, 200, s.call("PUT", pathf("/applications/%d/basic-info", d.id), basicInfo()).status, "the student edits at once")

	_, err = db.Exec(fmt.Sprintf(`ALTER TABLE timeline_events DROP CONSTRAINT no_submission_%d`, d.id))
	require.NoError(t, err)
	r = s.call("POST", pathf("/applications/%d/submit", d.id), nil)
	require.Equal(t, 200, r.status, string(r.body))
	var snapshotSHA, shownSHA, eventSHA string
	require.NoError(t, db.Get(&snapshotSHA, `SELECT sha256 FROM submission_snapshots WHERE application_id = $1`, d.id))
	require.NoError(t, db.Get(&shownSHA, `SELECT snapshot_sha256 FROM applications WHERE id = $1`, d.id))
	require.NoError(t, db.Get(&eventSHA, `SELECT detail->>'sha256' FROM timeline_events WHERE application_id = $1 AND kind = 'submitted'`, d.id))
	require.Len(t, snapshotSHA, 64)
	require.Equal(t, snapshotSHA, shownSHA)
	require.Equal(t, snapshotSHA, eventSHA)
	require.Equal(t, snapshotSHA, r.str("application.snapshotSha256"), "the answer shows it too")
}

// TestMessagesAnswerMinimalWhenPreferred: with "Prefer: return=minimal", as the web UI sends it when
// it goes to another page next, a message is answered 204 with no body and takes effect all the
// same; a refusal still answers why; without the header the answer is the application.
func TestMessagesAnswerMinimalWhenPreferred(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	r := s.call("POST", pathf("/applications/%d/submit", d.id), nil, "Prefer", "return=minimal")
	require.Equal(t, 204, r.status, string(r.body))
	require.Empty(t, r.body)
	require.Equal(t, "return=minimal", r.header.Get("Preference-Applied"))
	require.Equal(t, "college_review", s.call("GET", pathf("/applications/%d", d.id), nil).str("application.stage"), "the submission took effect")

	again := s.call("POST", pathf("/applications/%d/submit", d.id), nil, "Prefer", "respond-async, return=minimal")
	require.Equal(t, 409, again.status, "a refusal is answered as ever")
	require.Equal(t, "wrong_stage", again.str("error.code"))

	reviewer := login(t, "lit-reviewer")
	r = reviewer.call("POST", pathf("/applications/%d/decide", d.id), map[string]any{"decision": "approve", "opinion": "同意"}, "Prefer", "return=minimal")
	require.Equal(t, 204, r.status, string(r.body))
	detail := s.call("POST", pathf("/applications/%d/withdraw", d.id), nil)
	require.Equal(t, 200, detail.status, "without the header the answer is the application")
	require.Equal(t, "draft", detail.str("application.stage"))
}

// TestDeleteAfterWithdrawAndGiveUp: a student who withdrew, or was returned, can delete the
// application and apply to another project; an admitted student can give the place up, which
// returns it to the project and frees the one-project slot.
func TestDeleteAfterWithdrawAndGiveUp(t *testing.T) {
	quota := 1
	first, second := newProject(t, projectSpec{quota: &quota}), newProject(t, projectSpec{})
	s := newStudent(t, "LIT")
	d := newDraft(t, s, first)
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d.id), nil).status)
	r := s.call("POST", pathf("/applications/%d/delete", d.id), nil)
	require.Equal(t, 409, r.status, "not while in review")
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/withdraw", d.id), nil).status)
	require.Contains(t, rowActions(s.call("GET", "/applications", nil), d.id), "delete", "the 操作 menu offers 申请删除 after a withdrawal")
	r = s.call("POST", pathf("/applications/%d/delete", d.id), nil)
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, "已删除", r.str("application.status"))
	require.NotEmpty(t, r.list("timeline"), "the history is kept")

	// The slot is free: the student applies to the other project, which is returned, then deleted too.
	d2 := newDraft(t, s, second)
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d2.id), nil).status)
	decide(t, login(t, "lit-reviewer"), d2.id, map[string]any{"decision": "return", "opinion": "请补充"}, 200)
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/delete", d2.id), nil).status)

	// Admitted to the first project's only place, then given up: the place returns.
	d3 := newDraft(t, s, first)
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d3.id), nil).status)
	decide(t, login(t, "lit-reviewer"), d3.id, ok, 200)
	decide(t, login(t, "jwc1"), d3.id, ok, 200)
	decide(t, login(t, "wsc"), d3.id, ok, 200)
	var admitted int
	require.NoError(t, env.Services.Store.DB.Get(&admitted, `SELECT admitted_count FROM projects WHERE id = $1`, first))
	require.Equal(t, 1, admitted)
	require.Equal(t, 403, login(t, "wsc").call("POST", pathf("/applications/%d/give-up", d3.id), map[string]any{"reason": "x"}).status)
	require.Equal(t, 404, newStudent(t, "LIT").call("POST", pathf("/applications/%d/give-up", d3.id), map[string]any{"reason": "x"}).status)
	for _, reason := range []string{"", "原因\x00", strings.Repeat("长", process.MaxOpinionRunes+1)} {
		r = s.call("POST", pathf("/applications/%d/give-up", d3.id), map[string]any{"reason": reason})
		require.Equal(t, 422, r.status, "reason %q", reason)
		require.NotEmpty(t, r.errField("reason"))
		r = s.call("POST", pathf("/applications/%d/give-up", d3.id), map[string]any{"reason": reason}, "Prefer", "return=minimal")
		require.Equal(t, 422, r.status, "reason %q, answer preferred minimal: the refusal is answered all the same", reason)
		require.NotEmpty(t, r.errField("reason"))
	}
	require.Contains(t, rowActions(s.call("GET", "/applications", nil), d3.id), "give-up")
	r = s.call("POST", pathf("/applications/%d/give-up", d3.id), map[string]any{"reason": "签证未获批"})
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, "已放弃录取", r.str("application.status"))
	require.NoError(t, env.Services.Store.DB.Get(&admitted, `SELECT admitted_count FROM projects WHERE id = $1`, first))
	require.Equal(t, 0, admitted, "the place returns to the project")

	// Another student takes the place.
	other, app := submitted(t, "LIT", first)
	_ = other
	decide(t, login(t, "lit-reviewer"), app, ok, 200)
	decide(t, login(t, "jwc1"), app, ok, 200)
	decide(t, login(t, "wsc"), app, ok, 200)
}

// rowActions is the 操作 menu of one row of a student's list.
func rowActions(list *response, id int64) []string {
	var out []string
	for _, item := range list.list("items") {
		row := item.(map[string]any)
		if int64(row["application"].(map[string]any)["id"].(float64)) != id {
			continue
		}
		for _, a := range row["actions"].([]any) {
			out = append(out, fmt.Sprint(a))
		}
	}
	return out
}

// TestReviewersSeeTheApplicantAndWhatChanged: beside the decision form reviewers see the applicant's
// photo and 学习经历, and after a 退回 and a resubmission, field by field what the student changed.
func TestReviewersSeeTheApplicantAndWhatChanged(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d.id), nil).status)
	reviewer := login(t, "lit-reviewer")
	detail := reviewer.call("GET", pathf("/applications/%d", d.id), nil)
	require.Equal(t, true, detail.get("applicant.hasPhoto"))
	require.Equal(t, "天津中学", detail.str("applicant.learningExperiences.0.schoolName"))
	require.Empty(t, detail.list("changes"), "a first submission has nothing to compare with")
	photo := reviewer.call("GET", pathf("/applications/%d/photo", d.id), nil)
	require.Equal(t, 200, photo.status)
	require.Equal(t, "image/png", photo.header.Get("Content-Type"))
	require.Equal(t, 404, login(t, "sci-reviewer").call("GET", pathf("/applications/%d/photo", d.id), nil).status, "another college's reviewer")

	decide(t, reviewer, d.id, map[string]any{"decision": "return", "opinion": "请更正GPA并补充获奖情况"}, 200)
	app := s.call("GET", pathf("/applications/%d", d.id), nil)
	require.Equal(t, 200, s.call("PUT", pathf("/applications/%d/apply-info", d.id), map[string]any{"departureDate": app.str("application.projectStartDate"),
		"returnDate": app.str("application.projectEndDate"), "gpa": 3.8, "weightedAverage": 88.5}).status)
	require.Equal(t, 201, s.call("POST", pathf("/applications/%d/awards", d.id), map[string]any{"name": "国家奖学金", "level": "国家级", "awardedOn": "2024-10-01", "issuer": "教育部"}).status)
	require.Equal(t, 201, s.upload(pathf("/applications/%d/attachments?requirementId=%d", d.id, d.required[0]), "成绩单（更正）.pdf", append(pdfFile(), '\n')).status)
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d.id), nil).status)

	changes := map[string]map[string]any{}
	for _, c := range reviewer.call("GET", pathf("/applications/%d", d.id), nil).list("changes") {
		m := c.(map[string]any)
		changes[m["section"].(string)+"/"+m["field"].(string)] = m
	}
	require.Equal(t, "3.6", changes["申请信息/GPA"]["before"])
	require.Equal(t, "3.8", changes["申请信息/GPA"]["after"])
	require.Contains(t, changes["获奖情况/新增"]["after"], "国家奖学金")
	require.Contains(t, changes["附件/成绩单"]["after"], "成绩单（更正）.pdf")
	require.NotContains(t, changes, "基本信息/姓名", "what did not change is not listed")
}

// 行前材料清单: the project lists what must be handed in before departure; the student uploads
// against each item and the submission names what is missing.
func TestPredepartureChecklist(t *testing.T) {
	wsc := login(t, "wsc")
	code := fmt.Sprintf("P%d", time.Now().UnixNano()%1e9)
	body := projectBody(code)
	checklist := []map[string]any{
		{"kind": "成绩单", "formats": []string{"pdf"}, "maxBytes": 1 << 20, "required": true},
		{"kind": "个人陈述", "formats": []string{"pdf", "docx"}, "maxBytes": 1 << 20, "required": true},
		{"kind": "护照首页", "formats": []string{"pdf", "png"}, "maxBytes": 1 << 20, "required": true, "phase": "predeparture"},
		{"kind": "签证", "formats": []string{"pdf"}, "maxBytes": 1 << 20, "required": true, "phase": "predeparture"},
		{"kind": "行前教育证明", "formats": []string{"pdf"}, "maxBytes": 1 << 20, "required": false, "phase": "predeparture"},
	}
	body["requirements"] = append(checklist, map[string]any{"kind": "机票", "formats": []string{"pdf"}, "maxBytes": 1 << 20, "phase": "before"})
	r := wsc.call("POST", "/projects", body)
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("requirements.5.phase"), "附件阶段")
	body["requirements"] = checklist
	r = wsc.call("POST", "/projects", body)
	require.Equal(t, 201, r.status, string(r.body))
	pid := r.num("id")
	require.Equal(t, "predeparture", r.str("requirements.2.phase"))
	require.Equal(t, 200, wsc.call("POST", pathf("/projects/%d/publish", pid), nil).status)

	s, id := submitted(t, "LIT", pid)
	decide(t, login(t, "lit-reviewer"), id, ok, 200)
	decide(t, login(t, "jwc1"), id, ok, 200)
	decide(t, wsc, id, ok, 200)

	detail := s.call("GET", pathf("/applications/%d", id), nil)
	items := map[string]int64{}
	for _, it := range detail.list("requirements") {
		req := it.(map[string]any)
		if req["phase"] == "predeparture" {
			items[req["kind"].(string)] = int64(req["id"].(float64))
		}
	}
	require.Len(t, items, 3, "the checklist was captured with the application")

	// 下一步 on the student's home says what the submission will say; a reviewer is not the one to act.
	next := s.call("GET", pathf("/applications/%d/next", id), nil)
	require.Equal(t, true, next.get("student"))
	var missing []string
	for _, m := range next.list("missing") {
		missing = append(missing, m.(map[string]any)["message"].(string))
	}
	require.Equal(t, []string{"请上传行前材料：护照首页", "请上传行前材料：签证", "请先填写并保存出行信息"}, missing)
	staffView := wsc.call("GET", pathf("/applications/%d/next", id), nil)
	require.Equal(t, true, staffView.get("student"), "staff see that the student is the one to act")
	require.Len(t, staffView.list("missing"), 3)
	require.Equal(t, 404, newStudent(t, "LIT").call("GET", pathf("/applications/%d/next", id), nil).status, "another student's")

	r = s.call("POST", pathf("/applications/%d/submit-predeparture", id), nil)
	require.Equal(t, 422, r.status)
	require.Equal(t, "请上传行前材料：护照首页", r.errField(pathf("predeparture.%d", items["护照首页"])))
	require.Equal(t, "请上传行前材料：签证", r.errField(pathf("predeparture.%d", items["签证"])))
	require.Empty(t, r.errField(pathf("predeparture.%d", items["行前教育证明"])), "an optional item is not asked for")

	upload := func(kind string, req int64, name string, content []byte) *response {
		return s.upload(pathf("/applications/%d/attachments?kind=%s&requirementId=%d", id, kind, req), name, content)
	}
	require.Equal(t, 422, upload("required", items["护照首页"], "护照.pdf", pdfFile()).status, "a checklist item is not an application attachment")
	r = upload("predeparture", items["签证"], "签证.docx", docxFile())
	require.Equal(t, 422, r.status, "each item takes its own formats")
	r = upload("predeparture", items["护照首页"], "护照.png", pngFile(300, 420))
	require.Equal(t, 201, r.status, string(r.body))
	require.Equal(t, "护照首页", r.str("label"))
	r = s.call("POST", pathf("/applications/%d/submit-predeparture", id), nil)
	require.Equal(t, 422, r.status)
	require.Empty(t, r.errField(pathf("predeparture.%d", items["护照首页"])))
	require.NotEmpty(t, r.errField(pathf("predeparture.%d", items["签证"])))

	require.Equal(t, 201, upload("predeparture", items["签证"], "签证.pdf", pdfFile()).status)
	require.Equal(t, 200, s.call("PUT", pathf("/applications/%d/travel-info", id), demo.TravelInfo()).status)
	r = s.call("POST", pathf("/applications/%d/submit-predeparture", id), nil)
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, "行前资料已上传", r.str("application.status"))
	for _, it := range r.list("requirements") {
		req := it.(map[string]any)
		if req["kind"] == "签证" || req["kind"] == "护照首页" {
			require.Len(t, req["files"], 1, req["kind"])
		}
	}
}
