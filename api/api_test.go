//go:build integration

package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"outbound/process"
)

func TestSignIn(t *testing.T) {
	c := newClient(t)
	r := c.call("POST", "/auth/login", map[string]string{"username": "2021216401", "password": "wrong"})
	require.Equal(t, 401, r.status)
	require.Equal(t, "用户名或密码错误", r.str("error.message"))
	r = c.call("POST", "/auth/login", map[string]string{"username": "", "password": ""})
	require.Equal(t, 422, r.status)
	require.NotEmpty(t, r.errField("username"))
	require.NotEmpty(t, r.errField("password"))
	r = c.raw("POST", "/auth/login", "application/json", []byte(`{"username": `))
	require.Equal(t, 400, r.status)
	r = c.raw("POST", "/auth/login", "application/json", []byte("{\"username\": \"\xff\xfe\"}"))
	require.Equal(t, 400, r.status)

	// Unauthenticated calls get 401 with the one error shape.
	r = c.call("GET", "/me", nil)
	require.Equal(t, 401, r.status)
	require.Equal(t, "unauthenticated", r.str("error.code"))

	s := login(t, "2021216401")
	r = s.call("GET", "/me", nil)
	require.Equal(t, 200, r.status)
	require.Equal(t, "student", r.str("role"))
	require.Equal(t, "LIT", r.str("collegeCode"))
	r = s.call("POST", "/auth/logout", nil)
	require.Equal(t, 204, r.status)
	r = s.call("GET", "/me", nil)
	require.Equal(t, 401, r.status)
	require.Equal(t, "session_expired", r.str("error.code"))
}

func TestCookieSessionNeedsCSRFOnWrites(t *testing.T) {
	c := newClient(t)
	r := c.call("POST", "/auth/login", map[string]string{"username": "2021216403", "password": "Outbound2026"})
	require.Equal(t, 200, r.status)
	csrf := r.str("csrfToken")
	var session *http.Cookie
	for _, ck := range c.http.Jar.Cookies(mustURL(env.URL)) {
		if ck.Name == "outbound_session" {
			session = ck
		}
	}
	require.NotNil(t, session, "the session cookie is set")
	require.Contains(t, strings.Join(r.header.Values("Set-Cookie"), ";"), "HttpOnly")
	require.Equal(t, 200, c.call("GET", "/me", nil).status, "reads need no token")
	r = c.call("POST", "/profile/learning-experiences", map[string]string{"startDate": "2015-09-01", "endDate": "2018-06-30", "schoolName": "初中", "degree": "初中"})
	require.Equal(t, 403, r.status)
	require.Equal(t, "csrf", r.str("error.code"))
	r = c.call("POST", "/profile/learning-experiences", map[string]string{"startDate": "2015-09-01", "endDate": "2018-06-30", "schoolName": "初中", "degree": "初中"}, "X-CSRF-Token", csrf)
	require.Equal(t, 201, r.status, string(r.body))
	require.Equal(t, 204, c.call("DELETE", pathf("/profile/learning-experiences/%d", r.num("id")), nil, "X-CSRF-Token", csrf).status)
}

func TestProfile(t *testing.T) {
	s := login(t, "2022216402") // the demo student whose profile is incomplete
	r := s.call("GET", "/profile", nil)
	require.Equal(t, 200, r.status)
	require.Equal(t, false, r.get("completeness.complete"))
	require.Contains(t, r.list("completeness.missing"), "身份证号码")

	// Projects stay hidden with the manual's hint until the profile is complete.
	r = s.call("GET", "/projects", nil)
	require.Equal(t, 200, r.status)
	require.Empty(t, r.list("items"))
	require.Contains(t, r.str("hint"), "我的个人资料")

	bad := map[string]any{"nameCn": "学生2", "gender": "女", "birthDate": "2001-02-03", "idCardNo": "110105200102030011",
		"phone": "12345", "email": "12232@E-mail", "qq": "abc", "degreeLevel": "大专", "emergencyPhone": "1327687654"}
	r = s.call("PUT", "/profile", bad)
	require.Equal(t, 422, r.status)
	require.Equal(t, "身份证号校验位不正确", r.errField("idCardNo"))
	for _, f := range []string{"phone", "email", "qq", "degreeLevel", "emergencyPhone"} {
		require.NotEmpty(t, r.errField(f), f)
	}
	// The birth date the number carries must be the profile's.
	bad = map[string]any{"birthDate": "2001-02-04", "idCardNo": idCard("110105", "20010203", 2), "gender": "女"}
	r = s.call("PUT", "/profile", bad)
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("idCardNo"), "出生日期")

	good := map[string]any{
		"nameCn": "学生2", "namePinyin": "XUE SHENG ER", "gender": "女", "birthDate": "2001-02-03", "idCardNo": idCard("110105", "20010203", 2),
		"hukouLocation": "北京市", "politicalStatus": "中共党员", "ethnicity": "汉族", "enrollmentYear": 2022, "degreeLevel": "硕士研究生",
		"major": "物理学", "grade": "研一", "schoolingLength": "3年", "phone": "13812345678", "email": "xs2@example.edu.cn",
		"emergencyName": "家长", "emergencyPhone": "13912345678", "emergencyRelation": "母女", "qq": "123456", "homePhone": "010-12345678",
	}
	r = s.call("PUT", "/profile", good)
	require.Equal(t, 200, r.status, string(r.body))
	require.ElementsMatch(t, []any{"照片", "学习经历"}, r.list("completeness.missing"))

	r = s.call("POST", "/profile/learning-experiences", map[string]string{"startDate": "2022-09-01", "endDate": "2021-06-30", "schoolName": "", "degree": "本科"})
	require.Equal(t, 422, r.status)
	require.Equal(t, "结束时间不能早于开始时间", r.errField("endDate"))
	require.Equal(t, "学校名称不能为空", r.errField("schoolName"))
	r = s.call("POST", "/profile/learning-experiences", map[string]string{"startDate": "2018-09-01", "endDate": "2022-06-30", "schoolName": "天津大学", "schoolAddress": "天津市", "degree": "本科"})
	require.Equal(t, 201, r.status)
	exp := r.num("id")
	r = s.call("PUT", pathf("/profile/learning-experiences/%d", exp), map[string]string{"startDate": "2018-09-01", "endDate": "2022-07-01", "schoolName": "天津大学", "degree": "本科"})
	require.Equal(t, 200, r.status)
	other := login(t, "2021216401")
	require.Equal(t, 404, other.call("DELETE", pathf("/profile/learning-experiences/%d", exp), nil).status, "another student's row")

	// A small photo is stored but does not pass the check; a text file is refused.
	r = s.uploadPhoto(pngFile(100, 100))
	require.Equal(t, 200, r.status)
	require.Contains(t, r.str("photoCheckResult"), "过小")
	r = s.multipart("PUT", "/profile/photo", "photo.png", []byte("not an image at all"))
	require.Equal(t, 422, r.status)
	r = s.uploadPhoto(pngFile(300, 420))
	require.Equal(t, "合格", r.str("photoCheckResult"))
	// Once a photo passed, one that fails the check is refused and the good one stays.
	r = s.uploadPhoto(pngFile(100, 100))
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("file"), "已保留原来的合格照片")
	r = s.call("GET", "/profile", nil)
	require.Equal(t, true, r.get("completeness.complete"), string(r.body))
	r = s.call("GET", "/profile/photo", nil)
	require.Equal(t, 200, r.status)
	require.Equal(t, "image/png", r.header.Get("Content-Type"))

	r = s.call("GET", "/projects", nil)
	require.NotEmpty(t, r.list("items"))
}

func TestProjects(t *testing.T) {
	s := login(t, "2021216401")
	r := s.call("GET", "/projects?q=莱顿", nil)
	require.Equal(t, 200, r.status)
	require.EqualValues(t, 1, r.num("total"))
	require.Equal(t, "荷兰莱顿大学交换学分项目", r.str("items.0.project.name"))
	require.Equal(t, true, r.get("items.0.new"))
	for _, q := range []string{"20260001", "Leiden", "荷兰"} {
		require.EqualValues(t, 1, s.call("GET", "/projects?q="+q, nil).num("total"), q)
	}
	// SQL and LIKE metacharacters are text, not syntax.
	for _, q := range []string{"%", "_", "'; DROP TABLE projects; --", `\`} {
		r = s.call("GET", "/projects?q="+urlQuery(q), nil)
		require.Equal(t, 200, r.status, q)
		require.EqualValues(t, 0, r.num("total"), q)
	}
	r = s.call("GET", "/projects?year=1999", nil)
	require.EqualValues(t, 0, r.num("total"))
	require.NotEmpty(t, r.list("years"))
	r = s.call("GET", "/projects?pageSize=2&page=2", nil)
	require.Len(t, r.list("items"), 2)
	require.EqualValues(t, 3, r.num("items.0.no"))

	id := s.call("GET", "/projects?q=20260001", nil).num("items.0.project.id")
	r = s.call("GET", pathf("/projects/%d", id), nil)
	require.Equal(t, 200, r.status)
	require.Equal(t, "莱顿大学", r.str("project.institutionName"))
	require.Len(t, r.list("requirements"), 7, "three application attachments and the four items of the 行前材料清单")
	require.Equal(t, "最大10M", r.str("requirements.0.sizeLabel"))
	require.Equal(t, "application", r.str("requirements.0.requirement.phase"))
	require.Equal(t, "护照首页", r.str("requirements.3.requirement.kind"))
	require.Equal(t, "predeparture", r.str("requirements.3.requirement.phase"))
	require.Equal(t, 404, s.call("GET", "/projects/999999", nil).status)
	require.Equal(t, 404, s.call("GET", "/projects/abc", nil).status)
}

func TestApplyingRules(t *testing.T) {
	s := newStudent(t, "LIT")
	open := newProject(t, projectSpec{})
	closed := newProject(t, projectSpec{windowFrom: -48 * time.Hour, windowTo: -24 * time.Hour})

	r := s.call("POST", "/applications", map[string]any{"projectId": open, "noticeVersion": "2024-1"})
	require.Equal(t, 422, r.status)
	require.NotEmpty(t, r.errField("noticeAccepted"))
	require.NotEmpty(t, r.errField("commitmentAccepted"))
	body := acceptBody(open)
	body["noticeVersion"] = "old"
	require.Equal(t, "notice_changed", s.call("POST", "/applications", body).str("error.code"))
	r = s.call("POST", "/applications", acceptBody(closed))
	require.Equal(t, 409, r.status)
	require.Equal(t, "window_closed", r.str("error.code"))
	require.Equal(t, 404, s.call("POST", "/applications", acceptBody(999999)).status)

	r = s.call("POST", "/applications", acceptBody(open))
	require.Equal(t, 201, r.status, string(r.body))
	id := r.num("id")
	require.Equal(t, "未提交", r.str("status"))
	require.Equal(t, "测试学生", r.str("form.nameCn"), "step 1 is prefilled from the profile")

	// 每人限报1个项目.
	other := newProject(t, projectSpec{})
	r = s.call("POST", "/applications", acceptBody(other))
	require.Equal(t, 409, r.status)
	require.Equal(t, "open_application_exists", r.str("error.code"))

	// Step 1 and 2 validate field by field.
	b := basicInfo()
	b["idCardNo"], b["phone"], b["passportNo"], b["supervisorName"] = "123", "abc", "../x", ""
	r = s.call("PUT", pathf("/applications/%d/basic-info", id), b)
	require.Equal(t, 422, r.status)
	for _, f := range []string{"idCardNo", "phone", "passportNo", "supervisorName"} {
		require.NotEmpty(t, r.errField(f), f)
	}
	r = s.call("PUT", pathf("/applications/%d/apply-info", id), map[string]any{"departureDate": "2026-01-05", "returnDate": "2026-01-01", "gpa": 7})
	require.Equal(t, 422, r.status)
	require.Equal(t, "回国(入境)时间应晚于出国(境)时间", r.errField("returnDate"))
	require.NotEmpty(t, r.errField("gpa"))
	require.NotEmpty(t, r.errField("weightedAverage"))
	require.Contains(t, r.errField("departureDate"), "不能早于项目开始日期", "outside the project's dates")
	r = s.call("PUT", pathf("/applications/%d/apply-info", id), map[string]any{"departureDate": "x", "returnDate": 5})
	require.Equal(t, 422, r.status, "a number where text belongs names the field")
	require.NotEmpty(t, r.errField("returnDate"))

	// Submitting early names everything missing.
	r = s.call("POST", pathf("/applications/%d/submit", id), nil)
	require.Equal(t, 422, r.status)
	require.Equal(t, "submission_incomplete", r.str("error.code"))
	require.NotEmpty(t, r.errField("basicInfo"))
	require.NotEmpty(t, r.errField("applyInfo"))

	// 外语水平.
	r = s.call("POST", pathf("/applications/%d/language-scores", id), map[string]string{"language": "", "requirement": "雅思6.5", "score": "7.0", "examDate": "2099-01-01"})
	require.Equal(t, 422, r.status)
	require.NotEmpty(t, r.errField("language"))
	require.NotEmpty(t, r.errField("examDate"))
	r = s.call("POST", pathf("/applications/%d/language-scores", id), map[string]string{"language": "英语", "requirement": "雅思6.5", "score": "7.0", "examDate": "2025-06-01"})
	require.Equal(t, 201, r.status)
	sid := r.num("id")
	r = s.call("PUT", pathf("/applications/%d/language-scores/%d", id, sid), map[string]string{"language": "英语", "requirement": "雅思6.5", "score": "7.5", "examDate": "2025-06-01"})
	require.Equal(t, 200, r.status)
	require.Equal(t, "7.5", r.str("score"))
	r = s.call("POST", pathf("/applications/%d/language-scores", id), map[string]string{"language": "日语", "requirement": "N2", "score": "N1", "examDate": "2024-12-01"})
	require.Equal(t, 201, r.status)
	require.Equal(t, 204, s.call("DELETE", pathf("/applications/%d/language-scores/%d", id, r.num("id")), nil).status)
	r = s.call("GET", pathf("/applications/%d", id), nil)
	require.Len(t, r.list("languageScores"), 1)

	// Delete the draft (申请删除): it ends, and the student may apply elsewhere.
	r = s.call("POST", pathf("/applications/%d/delete", id), nil)
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, "已删除", r.str("application.status"))
	require.Equal(t, 201, s.call("POST", "/applications", acceptBody(other)).status)
}

func TestUploads(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	up := func(req int64, name string, content []byte) *response {
		return s.upload(pathf("/applications/%d/attachments?requirementId=%d", d.id, req), name, content)
	}
	for name, content := range map[string][]byte{
		"a.pdf": pdfFile(), "b.png": pngFile(20, 20), "c.jpg": jpegFile(), "c2.jpeg": jpegFile(), "d.tiff": tiffFile(), "e.doc": docFile(), "f.docx": docxFile(),
	} {
		r := up(d.required[0], name, content)
		require.Equal(t, 201, r.status, "%s: %s", name, r.body)
		require.Len(t, r.str("sha256"), 64)
	}
	countRows := func() int {
		var n int
		require.NoError(t, env.Services.Store.DB.Get(&n, `SELECT count(*) FROM attachments WHERE application_id = $1`, d.id))
		return n
	}
	before := countRows()
	objectsBefore := countObjects(t)

	r := up(d.required[0], "virus.pdf", elfFile())
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("file"), "文件内容与扩展名不符")
	r = up(d.required[1], "x.png", pngFile(10, 10))
	require.Equal(t, 422, r.status, "个人陈述 takes pdf and docx only")
	require.Contains(t, r.errField("file"), "pdf,docx")
	big := append(pdfFile(), make([]byte, 1<<20)...)
	r = up(d.required[0], "big.pdf", big)
	require.Equal(t, 413, r.status)
	require.Contains(t, r.str("error.message"), "最大1M")
	r = up(99999, "a.pdf", pdfFile())
	require.Equal(t, 422, r.status)
	r = s.upload(pathf("/applications/%d/attachments?kind=predeparture", d.id), "a.pdf", pdfFile())
	require.Equal(t, 409, r.status, "pre-departure materials wait for admission")
	r = s.raw("POST", pathf("/applications/%d/attachments?requirementId=%d", d.id, d.required[0]), "application/json", []byte(`{}`))
	require.Equal(t, 422, r.status, "a body that is not a file: its name is missing")
	require.Contains(t, r.errField("file"), "X-File-Name")
	require.Equal(t, before, countRows(), "refused files leave no row")
	require.Equal(t, objectsBefore, countObjects(t), "and no object")

	// A path in the name is cut to its last element.
	r = up(d.required[0], "../../etc/成绩单 2024.pdf", pdfFile())
	require.Equal(t, 201, r.status)
	require.Equal(t, "成绩单 2024.pdf", r.str("fileName"))
	aid := r.num("id")
	dl := s.call("GET", pathf("/applications/%d/attachments/%d", d.id, aid), nil)
	require.Equal(t, 200, dl.status)
	require.Equal(t, pdfFile(), dl.body)
	require.Contains(t, dl.header.Get("Content-Disposition"), "attachment;")
	require.Contains(t, dl.header.Get("Content-Disposition"), "filename*=UTF-8''%E6%88%90%E7%BB%A9%E5%8D%95%202024.pdf")
	require.Equal(t, "nosniff", dl.header.Get("X-Content-Type-Options"))
	require.Contains(t, s.call("GET", pathf("/applications/%d/attachments/%d?inline=1", d.id, aid), nil).header.Get("Content-Disposition"), "inline;")
	docx := up(d.required[1], "陈述.docx", docxFile()).num("id")
	require.Contains(t, s.call("GET", pathf("/applications/%d/attachments/%d?inline=1", d.id, docx), nil).header.Get("Content-Disposition"), "attachment;", "a .docx is never inline")

	// Others cannot download it; the student can delete it while editable.
	stranger := newStudent(t, "LIT")
	require.Equal(t, 404, stranger.call("GET", pathf("/applications/%d/attachments/%d", d.id, aid), nil).status)
	require.Equal(t, 404, stranger.call("DELETE", pathf("/applications/%d/attachments/%d", d.id, aid), nil).status)
	require.Equal(t, 204, s.call("DELETE", pathf("/applications/%d/attachments/%d", d.id, aid), nil).status)
	require.Equal(t, 404, s.call("GET", pathf("/applications/%d/attachments/%d", d.id, aid), nil).status)
}

// TestGPABelowTheMinimumIsSaidInStepTwo: the project's minimum GPA is checked when step 2 is saved.
func TestGPABelowTheMinimumIsSaidInStepTwo(t *testing.T) {
	minGPA := 3.5
	s := newStudent(t, "LIT")
	r := s.call("POST", "/applications", acceptBody(newProject(t, projectSpec{minGPA: &minGPA})))
	require.Equal(t, 201, r.status, string(r.body))
	id := r.num("id")
	d := s.call("GET", pathf("/applications/%d", id), nil)
	info := map[string]any{"departureDate": d.str("application.projectStartDate"), "returnDate": d.str("application.projectEndDate"), "gpa": 3.2, "weightedAverage": 80}
	r = s.call("PUT", pathf("/applications/%d/apply-info", id), info)
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("gpa"), "3.50")
	info["gpa"] = 3.6
	require.Equal(t, 200, s.call("PUT", pathf("/applications/%d/apply-info", id), info).status)
}

// TestAwards: 获奖情况 in step 2 — added, changed and deleted while the draft is editable, checked
// field by field, shown in 申请查看 and kept in the submitted snapshot.
func TestAwards(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	path := pathf("/applications/%d/awards", d.id)
	r := s.call("POST", path, map[string]any{"name": "", "level": "国家级", "awardedOn": "2099-01-01", "issuer": "教育部"})
	require.Equal(t, 422, r.status)
	require.Equal(t, "奖项名称不能为空", r.errField("name"))
	require.Equal(t, "获奖时间不能晚于今天", r.errField("awardedOn"))
	r = s.call("POST", path, map[string]any{"name": "奖\x00项", "level": strings.Repeat("级", 51), "awardedOn": "2024-01-01", "issuer": "教育部"})
	require.Equal(t, 422, r.status, "control characters and text past the column are refused")
	require.NotEmpty(t, r.errField("name"))
	require.NotEmpty(t, r.errField("level"))
	r = s.call("POST", path, map[string]any{"name": "全国大学生数学建模竞赛一等奖", "level": "国家级", "awardedOn": "2024-11-20", "issuer": "教育部"})
	require.Equal(t, 201, r.status, string(r.body))
	award := r.num("id")
	r = s.call("POST", path, map[string]any{"name": "校优秀学生", "level": "校级", "awardedOn": "2023-06-01", "issuer": "本校"})
	require.Equal(t, 201, r.status)
	other := r.num("id")
	r = s.call("PUT", pathf("%s/%d", path, award), map[string]any{"name": "全国大学生数学建模竞赛一等奖", "level": "国家级", "awardedOn": "2024-11-21", "issuer": "中国工业与应用数学学会"})
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, 204, s.call("DELETE", pathf("%s/%d", path, other), nil).status)
	require.Equal(t, 404, newStudent(t, "LIT").call("DELETE", pathf("%s/%d", path, award), nil).status, "another student's application does not exist for them")

	detail := s.call("GET", pathf("/applications/%d", d.id), nil)
	require.Len(t, detail.list("awards"), 1)
	require.Equal(t, "中国工业与应用数学学会", detail.str("awards.0.issuer"))

	require.Equal(t, 200, s.call("POST", pathf("/applications/%d/submit", d.id), nil).status)
	require.Equal(t, 409, s.call("POST", path, map[string]any{"name": "迟到的奖", "level": "校级", "awardedOn": "2024-01-01", "issuer": "本校"}).status, "not while in review")
	var inSnapshot string
	require.NoError(t, env.Services.Store.DB.Get(&inSnapshot, `SELECT content->'awards'->0->>'name' FROM submission_snapshots WHERE application_id = $1 ORDER BY seq DESC LIMIT 1`, d.id))
	require.Equal(t, "全国大学生数学建模竞赛一等奖", inSnapshot)
	require.Len(t, login(t, "lit-reviewer").call("GET", pathf("/applications/%d", d.id), nil).list("awards"), 1, "reviewers see them")
}

// A file sent as the whole body streams to storage with its length known; what is wrong with it is
// said before anything is stored, and a multipart body still works for API clients.
func TestRawBodyUploads(t *testing.T) {
	s := newStudent(t, "LIT")
	d := newDraft(t, s, newProject(t, projectSpec{}))
	path := pathf("/applications/%d/attachments?requirementId=%d", d.id, d.required[0])
	before := countObjects(t)

	r := s.raw("POST", path, "application/octet-stream", pdfFile())
	require.Equal(t, 422, r.status, "no file name")
	require.Contains(t, r.errField("file"), "X-File-Name")
	r = s.raw("POST", path, "application/octet-stream", make([]byte, 2<<20), "X-File-Name", "big.pdf")
	require.Equal(t, 413, r.status, "past the requirement's 1 MB")
	r = s.raw("POST", path, "application/octet-stream", docxFile(), "X-File-Name", url.PathEscape("成绩单.pdf"))
	require.Equal(t, 422, r.status, "a Word file named .pdf")
	r = s.raw("POST", path, "application/octet-stream", pdfFile(), "X-File-Name", url.PathEscape(strings.Repeat("长", 300)+".pdf"))
	require.Equal(t, 422, r.status, "a name past 255 bytes")
	require.Equal(t, "文件名无效", r.errField("file"))
	r = s.raw("POST", path, "application/octet-stream", pdfFile(), "X-File-Name", "%zz.pdf")
	require.Equal(t, 422, r.status, "a name that is not URL-encoded")
	require.Contains(t, r.errField("file"), "X-File-Name")
	require.Equal(t, before, countObjects(t), "nothing was stored")
	// Control characters are taken out of a name, as for a multipart upload.
	r = s.raw("POST", path, "application/octet-stream", pdfFile(), "X-File-Name", url.PathEscape("成绩\x00单\r\n.pdf"))
	require.Equal(t, 201, r.status, string(r.body))
	require.Equal(t, "成绩单.pdf", r.str("fileName"))
	r = s.upload(path, "成绩单（第二版）.pdf", pdfFile())
	require.Equal(t, 201, r.status, string(r.body))
	require.Equal(t, "成绩单（第二版）.pdf", r.str("fileName"))
	require.EqualValues(t, len(pdfFile()), r.num("sizeBytes"))
	sum := sha256.Sum256(pdfFile())
	require.Equal(t, hex.EncodeToString(sum[:]), r.str("sha256"))
	r = s.multipart("POST", path, "成绩单（第三版）.pdf", pdfFile())
	require.Equal(t, 201, r.status, "multipart/form-data still works")

	// A body cut short of its Content-Length stores nothing.
	objects := countObjects(t)
	whole := append(pdfFile(), make([]byte, 4096)...)
	req, err := http.NewRequest("POST", env.URL+"/api/v1"+path, io.LimitReader(bytes.NewReader(whole), 1000))
	require.NoError(t, err)
	req.ContentLength = int64(len(whole))
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("X-File-Name", "cut.pdf")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		require.NotEqual(t, 201, resp.StatusCode)
	}
	require.Eventually(t, func() bool { return countObjects(t) == objects }, 5*time.Second, 100*time.Millisecond, "no object of the cut upload remains")
}

// A student sees on the project list and page whether they may apply and why not, before reading
// 申报须知 or filling in a form.
func TestEligibilityUpFront(t *testing.T) {
	s := newStudent(t, "LIT") // 本科生, 大三, 汉语言文学
	open := newProject(t, projectSpec{})
	masters := newProject(t, projectSpec{degrees: []string{"硕士研究生"}})
	closed := newProject(t, projectSpec{windowFrom: -48 * time.Hour, windowTo: -time.Hour})
	eligibility := func(id int64) *response {
		r := s.call("GET", pathf("/projects/%d", id), nil)
		require.Equal(t, 200, r.status, string(r.body))
		return r
	}
	require.Equal(t, true, eligibility(open).get("eligibility.canApply"))
	r := eligibility(masters)
	require.Equal(t, false, r.get("eligibility.canApply"))
	require.Contains(t, r.str("eligibility.reasons.0"), "申请对象为硕士研究生")
	r = eligibility(closed)
	require.Equal(t, false, r.get("eligibility.canApply"))
	require.Contains(t, r.str("eligibility.reasons.0"), "申报已截止")
	later := newProject(t, projectSpec{windowFrom: 24 * time.Hour, windowTo: 48 * time.Hour})
	require.Contains(t, eligibility(later).str("eligibility.reasons.0"), "申报尚未开始")
	// Grade and major against the profile, each named; all reasons are said, not only the first.
	narrow := newProject(t, projectSpec{})
	_, err := env.Services.Store.DB.Exec(`UPDATE projects SET eligible_grades = '{大一}', eligible_majors = '{金融学}' WHERE id = $1`, narrow)
	require.NoError(t, err)
	r = eligibility(narrow)
	require.Equal(t, []any{"该项目的申请年级为大一，您的年级不符合", "该项目的招生专业为金融学，您的专业不符合"}, r.list("eligibility.reasons"))

	d := s.call("POST", "/applications", acceptBody(open))
	require.Equal(t, 201, d.status)
	r = eligibility(open)
	require.Equal(t, false, r.get("eligibility.canApply"))
	require.EqualValues(t, d.num("id"), r.num("eligibility.application"), "the way back to the application")
	other := newProject(t, projectSpec{})
	r = eligibility(other)
	require.Contains(t, r.str("eligibility.reasons.0"), "每人限报1个项目")

	// The list says the same for each row; staff see no eligibility.
	list := s.call("GET", "/projects?pageSize=100", nil)
	for _, it := range list.list("items") {
		row := it.(map[string]any)
		if int64(row["project"].(map[string]any)["id"].(float64)) == masters {
			require.Equal(t, false, row["eligibility"].(map[string]any)["canApply"])
		}
	}
	require.Nil(t, login(t, "wsc").call("GET", pathf("/projects/%d", open), nil).get("eligibility"))
}

// TestProcessServesTheDefinition: the web UI draws its forms, tracker, menus and printed form from
// GET /process, so it answers the catalogue and the definition whole, as the contract says.
func TestProcessServesTheDefinition(t *testing.T) {
	r := login(t, "2021216401").call("GET", "/process", nil)
	require.Equal(t, 200, r.status, string(r.body))
	require.Len(t, r.list("form"), len(process.Form))
	require.Equal(t, "nameCn", r.str("form.0.name"))
	require.NotEmpty(t, r.list("journey"))
	require.Equal(t, "学院意见", r.str("signatures.0.office"))
	require.Equal(t, []any{"selection", "foreign_review"}, r.list("admissionStages"), "the round admits, or the office's own review")
	require.Equal(t, "college", r.str("roles.1.scope"))
}
