//go:build integration

package api_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"outbound/storage/demo"
)

var seq atomic.Int64

// newStudent creates a student with a complete profile (photo uploaded through the API) and signs in.
func newStudent(t *testing.T, college string) *client {
	t.Helper()
	ctx := context.Background()
	n := seq.Add(1)
	username := fmt.Sprintf("t%d%d", time.Now().UnixNano()%1e9, n)
	hash, _ := bcrypt.GenerateFromPassword([]byte(demo.Password), bcrypt.MinCost)
	db := env.Services.Store.DB
	var id int64
	require.NoError(t, db.GetContext(ctx, &id, `INSERT INTO accounts (username, display_name, role, college_code, password_hash)
		VALUES ($1, $2, 'student', $3, $4) RETURNING id`, username, "测试学生"+username, college, string(hash)))
	_, err := db.ExecContext(ctx, `INSERT INTO student_profiles (account_id, system_no, name_cn, name_pinyin, gender, birth_date, id_card_no,
			hukou_location, political_status, ethnicity, college_code, enrollment_year, degree_level, major, grade, schooling_length,
			phone, email, emergency_name, emergency_phone)
		VALUES ($1, $2, '测试学生', 'CE SHI', '男', '2003-01-01', $3, '天津市', '共青团员', '汉族', $4, 2021, '本科生', '汉语言文学', '大三', '4年',
			'13123263727', 'test@example.edu.cn', '家长', '13276876546')`, id, "TSTU"+username, demo.IDCard("120101", "20030101", 11), college)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `INSERT INTO learning_experiences (account_id, start_date, end_date, school_name, degree)
		VALUES ($1, '2018-09-01', '2021-06-30', '天津中学', '高中')`, id)
	require.NoError(t, err)
	c := login(t, username)
	r := c.uploadPhoto(pngFile(300, 420))
	require.Equal(t, 200, r.status, string(r.body))
	require.Equal(t, "合格", r.str("photoCheckResult"))
	return c
}

func (c *client) uploadPhoto(content []byte) *response {
	return c.multipart("PUT", "/profile/photo", "photo.png", content)
}

// projectSpec describes a test project.
type projectSpec struct {
	quota          *int
	allowOutside   bool
	windowFrom     time.Duration
	windowTo       time.Duration
	degrees        []string
	minGPA         *float64
	startIn, lasts time.Duration
}

// newProject publishes a project with two required attachments and one optional, its window open unless said otherwise.
func newProject(t *testing.T, spec projectSpec) int64 {
	t.Helper()
	ctx := context.Background()
	if spec.windowTo == 0 {
		spec.windowFrom, spec.windowTo = -time.Hour, 30*24*time.Hour
	}
	if spec.lasts == 0 {
		spec.startIn, spec.lasts = 60*24*time.Hour, 120*24*time.Hour
	}
	if spec.degrees == nil {
		spec.degrees = []string{"本科生", "硕士研究生"}
	}
	n := seq.Add(1)
	now := time.Now()
	var id int64
	require.NoError(t, env.Services.Store.DB.GetContext(ctx, &id, `INSERT INTO projects (system_no, code, name, year, start_date, end_date,
			institution_name, country, category, term_length, apply_start, apply_end, eligible_degree_levels, min_gpa, quota,
			allow_dates_outside, published)
		VALUES ($1, $2, $3, 2026, $4, $5, '测试大学', '英国', '校际交流学分项目', '长期', $6, $7, $8, $9, $10, $11, true) RETURNING id`,
		fmt.Sprintf("TP%d-%d", now.UnixNano(), n), fmt.Sprintf("T%d%d", now.UnixNano()%1e8, n), fmt.Sprintf("测试项目%d", n),
		now.Add(spec.startIn).Format("2006-01-02"), now.Add(spec.startIn+spec.lasts).Format("2006-01-02"),
		now.Add(spec.windowFrom), now.Add(spec.windowTo), pq.StringArray(spec.degrees), spec.minGPA, spec.quota, spec.allowOutside))
	for pos, r := range []struct {
		kind     string
		formats  []string
		required bool
	}{
		{"成绩单", []string{"pdf", "png", "jpg", "jpeg", "tiff", "doc", "docx"}, true},
		{"个人陈述", []string{"pdf", "docx"}, true},
		{"其他材料", []string{"pdf"}, false},
	} {
		_, err := env.Services.Store.DB.ExecContext(ctx, `INSERT INTO attachment_requirements (project_id, kind, formats, max_bytes, required, position)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, r.kind, pq.StringArray(r.formats), 1<<20, r.required, pos)
		require.NoError(t, err)
	}
	return id
}

// acceptBody accepts the notice students are shown now (another test may have published a new one).
func acceptBody(projectID int64) map[string]any {
	notice, err := env.Services.Store.CurrentNotice(context.Background())
	if err != nil {
		panic(err)
	}
	return map[string]any{"projectId": projectID, "noticeVersion": notice.Version, "noticeAccepted": true, "commitmentAccepted": true}
}

func basicInfo() map[string]any {
	return map[string]any{
		"nameCn": "测试学生", "idCardNo": demo.IDCard("120101", "20030101", 11), "gender": "男", "politicalStatus": "共青团员",
		"hukouLocation": "天津市 和平区", "birthDate": "2003-01-01", "ethnicity": "汉族", "passportNo": "E12345678",
		"major": "汉语言文学", "cohort": "2021", "degreeLevel": "本科生", "grade": "大三", "schoolingLength": "4年",
		"phone": "13123263727", "email": "test@example.edu.cn", "emergencyName": "家长", "emergencyPhone": "13276876546",
		"familyAddress": "天津市和平区", "supervisorName": "张老师", "supervisorPhone": "13234335445",
	}
}

// draft is an application filled in up to its attachments.
type draft struct {
	id       int64
	required []int64 // requirement IDs, in order
}

// newDraft creates and fills in an application for the student (steps 1 and 2 and both required files).
func newDraft(t *testing.T, c *client, projectID int64, dates ...string) draft {
	t.Helper()
	r := c.call("POST", "/applications", acceptBody(projectID))
	require.Equal(t, 201, r.status, string(r.body))
	d := draft{id: r.num("id")}
	r = c.call("PUT", pathf("/applications/%d/basic-info", d.id), basicInfo())
	require.Equal(t, 200, r.status, string(r.body))
	for _, req := range r.list("requirements") {
		d.required = append(d.required, int64(req.(map[string]any)["id"].(float64)))
	}
	dep, ret := r.str("application.projectStartDate"), r.str("application.projectEndDate")
	if len(dates) == 2 {
		dep, ret = dates[0], dates[1]
	}
	r = c.call("PUT", pathf("/applications/%d/apply-info", d.id), map[string]any{"departureDate": dep, "returnDate": ret, "gpa": 3.6, "weightedAverage": 88.5})
	require.Equal(t, 200, r.status, string(r.body))
	for i, content := range [][]byte{pdfFile(), docxFile()} {
		name := []string{"成绩单.pdf", "个人陈述.docx"}[i]
		r = c.upload(pathf("/applications/%d/attachments?requirementId=%d", d.id, d.required[i]), name, content)
		require.Equal(t, 201, r.status, string(r.body))
	}
	return d
}
