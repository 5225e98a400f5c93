//go:build integration

package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"outbound/storage/demo"
)

// abroad takes a student of a college through admission and the 行前 reviews: the stay begins.
func abroad(t *testing.T, college string) (*client, int64) {
	t.Helper()
	return abroadIn(t, college, newProject(t, projectSpec{}))
}

// abroadIn is abroad with a project of the test's own.
func abroadIn(t *testing.T, college string, project int64) (*client, int64) {
	t.Helper()
	s, id := submitted(t, college, project)
	reviewer := map[string]string{"LIT": "lit-reviewer", "SCI": "sci-reviewer", "ECO": "eco-reviewer"}[college]
	jwc1, jwc2, wsc := login(t, "jwc1"), login(t, "jwc2"), login(t, "wsc")
	for _, c := range []*client{login(t, reviewer), jwc1, wsc} {
		decide(t, c, id, ok, 200)
	}
	require.Equal(t, 201, s.upload(pathf("/applications/%d/attachments?kind=predeparture", id), "行前材料.pdf", pdfFile()).status)
	r := s.call("PUT", pathf("/applications/%d/travel-info", id), demo.TravelInfo())
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit-predeparture", id), nil).status)
	for _, c := range []*client{jwc1, jwc2, wsc} {
		decide(t, c, id, ok, 200)
	}
	return s, id
}

// TestStayAbroad walks the stay on the real stack: 报平安 refused field by field, 需要帮助 reaching the
// duty list's inbox within one mailer run, 在外学生 by country in each office's scope, the alert
// cleared by a later 平安, and the export.
func TestStayAbroad(t *testing.T) {
	ctx := context.Background()
	n := time.Now().UnixNano() % 1e9
	country := fmt.Sprintf("测试国%d", n)
	s, id := abroad(t, "LIT")
	wsc, litR, sciR := login(t, "wsc"), login(t, "lit-reviewer"), login(t, "sci-reviewer")

	r := s.call("GET", pathf("/applications/%d", id), nil)
	require.Contains(t, actionNames(r), "check-in", "abroad, the student is offered 报平安")
	require.NotNil(t, r.get("application.checkInDue"), "and the arrival check-in is due")

	checkInPath := pathf("/applications/%d/check-in", id)
	for field, body := range map[string]map[string]any{
		"city":    {"country": country, "city": " ", "status": "safe"},
		"country": {"country": "", "city": "东京", "status": "safe"},
		"status":  {"country": country, "city": "东京", "status": "lost"},
		"note":    {"country": country, "city": "东京", "status": "help"},
	} {
		r = s.call("POST", checkInPath, body)
		require.Equal(t, 422, r.status, "%s: %s", field, r.body)
		require.NotEmpty(t, r.errField(field), "the error names %s: %s", field, r.body)
	}
	r = s.call("POST", checkInPath, map[string]any{"country": country, "city": strings.Repeat("城", 101), "status": "safe"})
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("city"), "不能超过100个字")
	r = s.call("POST", checkInPath, map[string]any{"country": country, "city": "东京", "status": "safe", "note": strings.Repeat("安", 501)})
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("note"), "不能超过500个字")
	r = s.call("POST", checkInPath, map[string]any{"country": country, "city": "东京", "status": "safe", "note": "a\x07b"})
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("note"), "控制字符")
	require.Equal(t, 403, wsc.call("POST", checkInPath, map[string]any{"country": country, "city": "东京", "status": "safe"}).status)
	require.Equal(t, 404, newStudent(t, "LIT").call("POST", checkInPath, map[string]any{"country": country, "city": "东京", "status": "safe"}).status,
		"another student's application does not exist for them")

	// The duty list: kept by the office, checked address by address.
	dutyMail := fmt.Sprintf("duty%d@example.edu.cn", n)
	r = wsc.call("PUT", "/duty-contacts", map[string]any{"contacts": []map[string]any{{"name": "值班", "email": "not an address"}}})
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("contacts.0.email"), "电子邮件")
	r = wsc.call("PUT", "/duty-contacts", map[string]any{"contacts": []map[string]any{{"name": strings.Repeat("值", 65), "email": "a@example.edu.cn"},
		{"name": "值\x01班", "email": "b@example.edu.cn"}}})
	require.Equal(t, 422, r.status)
	require.NotEmpty(t, r.errField("contacts.0.name"))
	require.NotEmpty(t, r.errField("contacts.1.name"))
	require.Equal(t, 422, wsc.call("PUT", "/duty-contacts", map[string]any{}).status, "an absent list does not empty it")
	r = wsc.call("PUT", "/duty-contacts", map[string]any{"contacts": []map[string]any{{"name": "外事处值班", "email": dutyMail}}})
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, 403, litR.call("GET", "/duty-contacts", nil).status, "a college keeps no duty list")

	r = s.call("POST", checkInPath, map[string]any{"country": country, "city": "东京", "status": "help", "note": "护照丢失，需要协助补办"})
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, []any{"needs_help"}, r.get("application.alerts"))
	require.Equal(t, "help", r.list("checkIns")[0].(map[string]any)["status"])

	require.NoError(t, env.SendMailNow(ctx))
	got, err := env.WaitForMail(ctx, dutyMail, 1)
	require.NoError(t, err)
	require.Equal(t, "【外事综合服务系统】学生在外需要帮助", got[0].Subject)
	text, err := env.MailText(ctx, got[0].ID)
	require.NoError(t, err)
	require.Contains(t, text, "护照丢失")
	require.Contains(t, text, country+" 东京")

	// 在外学生: by country, in each office's scope.
	listed := func(c *client, query string) []any {
		r := c.call("GET", "/abroad?"+query, nil)
		require.Equal(t, 200, r.status, string(r.body))
		return r.list("items")
	}
	items := listed(wsc, "country="+urlQuery(country))
	require.Len(t, items, 1)
	row := items[0].(map[string]any)
	require.EqualValues(t, id, row["applicationId"])
	require.Equal(t, "东京", row["lastCity"])
	require.Equal(t, []any{"needs_help"}, row["alerts"])
	r = wsc.call("GET", "/abroad?country="+urlQuery(country), nil)
	require.Equal(t, []any{map[string]any{"country": country, "count": float64(1)}}, r.get("countries"))
	require.Len(t, listed(litR, "country="+urlQuery(country)), 1, "the student's college sees them")
	require.Empty(t, listed(sciR, "country="+urlQuery(country)), "another college does not")
	require.Equal(t, 403, s.call("GET", "/abroad", nil).status)
	require.Equal(t, 422, wsc.call("GET", "/abroad?alert=lost", nil).status)
	alerted := false
	for _, it := range listed(wsc, "alert=needs_help") {
		alerted = alerted || int64(it.(map[string]any)["applicationId"].(float64)) == id
	}
	require.True(t, alerted, "the alert filter finds the student")

	r = s.call("POST", checkInPath, map[string]any{"country": country, "city": "大阪", "status": "safe"})
	require.Equal(t, 200, r.status, string(r.body))
	require.Empty(t, r.get("application.alerts"), "a later 平安 clears the call for help")
	require.Len(t, r.list("checkIns"), 2)
	items = listed(wsc, "country="+urlQuery(country))
	require.Equal(t, "大阪", items[0].(map[string]any)["lastCity"])

	// A 延期 through its chain: the college, then the foreign affairs office; approved, it moves the
	// return date 在外学生 shows.
	r = s.call("GET", pathf("/applications/%d", id), nil)
	planned, ok := time.Parse("2006-01-02", r.str("application.expectedReturn"))
	require.NoError(t, ok)
	changes := pathf("/applications/%d/change-requests", id)
	r = s.call("POST", changes, map[string]any{"kind": "extend", "reason": "课程延长", "returnDate": planned.AddDate(0, 0, -1).Format("2006-01-02")})
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("returnDate"), "应晚于原定")
	r = s.call("POST", changes, map[string]any{"kind": "itinerary", "reason": "学术会议"})
	require.Equal(t, 422, r.status)
	require.NotEmpty(t, r.errField("country"))
	for _, reason := range []string{"课程\x00延长", strings.Repeat("延", 501)} {
		r = s.call("POST", changes, map[string]any{"kind": "extend", "reason": reason, "returnDate": planned.AddDate(0, 1, 0).Format("2006-01-02")})
		require.Equal(t, 422, r.status, "reason %q…", []rune(reason)[:3])
		require.NotEmpty(t, r.errField("reason"))
	}
	r = s.call("POST", changes, map[string]any{"kind": "extend", "reason": "延期", "returnDate": "2101-01-01"})
	require.Equal(t, 422, r.status, "a date past what the column holds")
	require.NotEmpty(t, r.errField("returnDate"))
	later := planned.AddDate(0, 1, 0).Format("2006-01-02")
	proof := s.upload(pathf("/applications/%d/attachments?kind=change", id), "延期证明.pdf", pdfFile())
	require.Equal(t, 201, proof.status, string(proof.body))
	r = s.call("POST", changes, map[string]any{"kind": "extend", "reason": "课程延长一个月", "returnDate": later, "attachmentIds": []int64{999999}})
	require.Equal(t, 422, r.status, "another application's file, or none")
	require.NotEmpty(t, r.errField("attachmentIds"))
	r = s.call("POST", changes, map[string]any{"kind": "extend", "reason": "课程延长一个月", "returnDate": later, "attachmentIds": []int64{proof.num("id")}})
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, []any{float64(proof.num("id"))}, r.get("changeRequest.request.attachmentIds"), "the proof goes with the request")
	require.NotContains(t, actionNames(r), "request-change", "one request at a time")
	require.Equal(t, 409, s.call("POST", changes, map[string]any{"kind": "extend", "reason": "再次", "returnDate": later}).status)
	r = wsc.call("POST", changes+"/decide", map[string]any{"decision": "approve"})
	require.Equal(t, 403, r.status, "the college decides first: %s", r.body)
	require.Equal(t, 404, sciR.call("POST", changes+"/decide", map[string]any{"decision": "approve"}).status, "another college's student")
	r = litR.call("GET", pathf("/applications/%d", id), nil)
	require.Contains(t, actionNames(r), "decide-change")
	require.Equal(t, "变更申请学院审核", r.str("changeRequest.label"))
	require.Equal(t, 422, litR.call("POST", changes+"/decide", map[string]any{"decision": "reject"}).status, "a refusal says why")
	require.Equal(t, 200, litR.call("POST", changes+"/decide", map[string]any{"decision": "approve", "opinion": "同意"}).status)
	r = wsc.call("POST", changes+"/decide", map[string]any{"decision": "approve", "opinion": "同意延期"})
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, later, r.str("application.expectedReturn"))
	require.Nil(t, r.get("changeRequest"))
	require.Equal(t, later, listed(wsc, "country="+urlQuery(country))[0].(map[string]any)["returnDate"])

	x := wsc.call("GET", "/exports/abroad.xlsx?country="+urlQuery(country), nil)
	require.Equal(t, 200, x.status)
	require.Equal(t, "PK", string(x.body[:2]), "a workbook")

	// 回国报到 ends the stay: no more check-ins, and 在外学生 no longer lists the student.
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	r = s.call("POST", pathf("/applications/%d/return", id), map[string]any{"date": time.Now().AddDate(0, 0, 10).Format("2006-01-02")})
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("date"), "不能晚于今天")
	r = s.call("POST", pathf("/applications/%d/return", id), map[string]any{"date": today})
	require.Equal(t, 200, r.status, string(r.body))
	require.Nil(t, r.get("application.checkInDue"))
	require.Equal(t, today, r.str("application.expectedReturn"))
	require.NotContains(t, actionNames(r), "check-in")
	require.Equal(t, 409, s.call("POST", checkInPath, map[string]any{"country": country, "city": "东京", "status": "safe"}).status)
	require.Empty(t, listed(wsc, "country="+urlQuery(country)))
}

// TestTravelInfoIsCheckedAgainstTheStay: 出行信息 is checked field by field and against the stay as a
// 外事处 would (a passport six months past the return, a permit only for the stay, a visa covering
// it), is needed to hand the 行前材料 in, and reviewers read it.
func TestTravelInfoIsCheckedAgainstTheStay(t *testing.T) {
	s, id := submitted(t, "LIT", newProject(t, projectSpec{}))
	path := pathf("/applications/%d/travel-info", id)
	require.Equal(t, 409, s.call("PUT", path, demo.TravelInfo()).status, "not before the admission")
	for _, c := range []*client{login(t, "lit-reviewer"), login(t, "jwc1"), login(t, "wsc")} {
		decide(t, c, id, ok, 200)
	}
	back, err := time.Parse("2006-01-02", s.call("GET", pathf("/applications/%d", id), nil).str("application.form.returnDate"))
	require.NoError(t, err)
	with := func(changes map[string]any) map[string]any {
		in := demo.TravelInfo()
		for k, v := range changes {
			in[k] = v
		}
		return in
	}
	early := back.AddDate(0, 1, 0).Format("2006-01-02")
	for field, tc := range map[string]struct {
		changes map[string]any
		words   string
	}{
		"travelDocExpiry": {map[string]any{"travelDocExpiry": early}, "6个月"},
		"visaTo":          {map[string]any{"visaTo": back.AddDate(0, 0, -1).Format("2006-01-02")}, "未覆盖整个在外期间"},
		"insuranceTo":     {map[string]any{"insuranceTo": back.AddDate(0, 0, -1).Format("2006-01-02")}, "未覆盖整个在外期间"},
		"insurer":         {map[string]any{"insurer": ""}, "不能为空"},
		"hostContact":     {map[string]any{"hostContact": "a\x01b"}, "控制字符"},
		"addressAbroad":   {map[string]any{"addressAbroad": strings.Repeat("路", 201)}, "200"},
		"travelDocType":   {map[string]any{"travelDocType": "外交护照"}, ""},
		"insuranceAmount": {map[string]any{"insuranceAmount": 1e12}, ""},
	} {
		r := s.call("PUT", path, with(tc.changes))
		require.Equal(t, 422, r.status, "%s: %s", field, r.body)
		require.Contains(t, r.errField(field), tc.words, "%s: %s", field, r.body)
	}
	r := s.call("POST", pathf("/applications/%d/submit-predeparture", id), nil)
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("travelInfo"), "出行信息", "the 行前材料 need 出行信息")
	r = s.call("PUT", path, with(map[string]any{"travelDocType": "往来港澳通行证", "travelDocExpiry": early}))
	require.Equal(t, 200, r.status, "a permit to 港澳 need only cover the stay: %s", r.body)
	require.Empty(t, r.get("travelProblems"))
	require.Equal(t, 201, s.upload(pathf("/applications/%d/attachments?kind=predeparture", id), "行前材料.pdf", pdfFile()).status)
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit-predeparture", id), nil).status)
	require.Equal(t, 409, s.call("PUT", path, demo.TravelInfo()).status, "handed in, it is the reviewers'")
	r = login(t, "jwc1").call("GET", pathf("/applications/%d", id), nil)
	require.Equal(t, "往来港澳通行证", r.str("application.form.travelDocType"))
	require.NotNil(t, r.get("application.travelSavedAt"))
}

// TestPassportReturnOnTheRealStack: an 因公护照 is due back five working days after the return by the
// calendar the office keeps (a holiday it lists does not count), and only the office records it.
func TestPassportReturnOnTheRealStack(t *testing.T) {
	s, id := submitted(t, "LIT", newProject(t, projectSpec{}))
	wsc, jwc1 := login(t, "wsc"), login(t, "jwc1")
	for _, c := range []*client{login(t, "lit-reviewer"), jwc1, wsc} {
		decide(t, c, id, ok, 200)
	}
	back, err := time.Parse("2006-01-02", s.call("GET", pathf("/applications/%d", id), nil).str("application.form.returnDate"))
	require.NoError(t, err)
	// The first weekday after the return is a holiday; the working days are counted past it.
	holiday := back.AddDate(0, 0, 1)
	for holiday.Weekday() == time.Saturday || holiday.Weekday() == time.Sunday {
		holiday = holiday.AddDate(0, 0, 1)
	}
	year := holiday.Year()
	r := wsc.call("PUT", pathf("/calendar-days/%d", year), map[string]any{"days": []map[string]any{{"day": "2001-01-01", "working": false}}})
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("days.0.day"), "不在")
	r = wsc.call("PUT", pathf("/calendar-days/%d", year), map[string]any{"days": []map[string]any{{"day": holiday.Format("2006-01-02"), "working": false, "note": strings.Repeat("假", 51)}}})
	require.Equal(t, 422, r.status)
	require.NotEmpty(t, r.errField("days.0.note"))
	require.Equal(t, 422, wsc.call("PUT", "/calendar-days/99999", map[string]any{"days": []any{}}).status, "a year past the range")
	r = wsc.call("PUT", pathf("/calendar-days/%d", year), map[string]any{"days": []map[string]any{{"day": holiday.Format("2006-01-02"), "working": false, "note": "测试假日"}}})
	require.Equal(t, 200, r.status, string(r.body))
	want, counted := holiday, 0
	for counted < 5 {
		want = want.AddDate(0, 0, 1)
		if want.Weekday() != time.Saturday && want.Weekday() != time.Sunday {
			counted++
		}
	}

	travel := demo.TravelInfo()
	travel["travelDocType"] = "因公护照"
	require.Equal(t, 200, s.call("PUT", pathf("/applications/%d/travel-info", id), travel).status)
	require.Equal(t, 201, s.upload(pathf("/applications/%d/attachments?kind=predeparture", id), "行前材料.pdf", pdfFile()).status)
	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit-predeparture", id), nil).status)
	for _, c := range []*client{jwc1, login(t, "jwc2"), wsc} {
		decide(t, c, id, ok, 200)
	}
	r = s.call("GET", pathf("/applications/%d", id), nil)
	require.Equal(t, want.AddDate(0, 0, 1).Format("2006-01-02")+"T00:00:00+08:00", r.str("passport.due"),
		"due at the end of the fifth working day after the return, the holiday not counted")
	require.Equal(t, false, r.get("passport.returned"))

	path := pathf("/applications/%d/passport-returned", id)
	require.Equal(t, 403, jwc1.call("POST", path, nil).status, "only the office records it")
	r = wsc.call("POST", path, nil)
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, true, r.get("passport.returned"))
	require.NotContains(t, actionNames(r), "passport-returned")
	require.Equal(t, 409, wsc.call("POST", path, nil).status, "recorded once")
}

// TestProjectCheckInInterval: a project sets its own interval between check-ins, within bounds,
// and its applications follow it.
func TestProjectCheckInInterval(t *testing.T) {
	wsc := login(t, "wsc")
	code := fmt.Sprintf("CI%d", time.Now().UnixNano()%1e8)
	body := projectBody(code)
	for _, bad := range []int{0, 91} {
		body["checkInDays"] = bad
		r := wsc.call("POST", "/projects", body)
		require.Equal(t, 422, r.status, "%d days: %s", bad, r.body)
		require.Contains(t, r.errField("checkInDays"), "1到90天")
	}
	body["checkInDays"] = 7
	r := wsc.call("POST", "/projects", body)
	require.Equal(t, 201, r.status, string(r.body))
	require.EqualValues(t, 7, r.num("checkInDays"))

	project := newProject(t, projectSpec{})
	_, err := env.Services.Store.DB.Exec(`UPDATE projects SET check_in_days = 7 WHERE id = $1`, project)
	require.NoError(t, err)
	s, id := abroadIn(t, "LIT", project)
	r = s.call("POST", pathf("/applications/%d/check-in", id), map[string]any{"country": "英国", "city": "伦敦", "status": "safe"})
	require.Equal(t, 200, r.status, string(r.body))
	due, err := time.Parse(time.RFC3339Nano, r.str("application.checkInDue"))
	require.NoError(t, err)
	require.InDelta(t, 7*24, time.Until(due).Hours(), 0.5, "the next check-in is due a week later, as the project says")
}
