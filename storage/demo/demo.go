// Package demo seeds the demonstration data `outbound dev` starts with:
// colleges, one account per role, students and projects modelled on the
// manual. Seeding twice changes nothing.
package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"golang.org/x/crypto/bcrypt"

	"outbound/process"
	"outbound/storage"
	"outbound/storage/blob"
)

// Password is the password of every demo account.
const Password = "Outbound2026"

// Login is a demo account as `dev` prints it.
type Login struct {
	Username, Role, Name, College string
}

// Logins lists the demo accounts.
var Logins = []Login{
	{"2021216401", "student", "学生1", "LIT"},
	{"2022216402", "student", "学生2", "SCI"},
	{"2021216403", "student", "学生3", "ECO"},
	{"lit-reviewer", "college_reviewer", "文学院审核员", "LIT"},
	{"sci-reviewer", "college_reviewer", "理学院审核员", "SCI"},
	{"eco-reviewer", "college_reviewer", "经管学院审核员", "ECO"},
	{"jwc1", "academic_affairs", "教务处审核员甲", ""},
	{"jwc2", "academic_affairs", "教务处审核员乙", ""},
	{"wsc", "foreign_affairs", "外事部门审核员", ""},
	{"yjsy", "graduate_school", "研究生院审核员", ""},
	{"admin", "admin", "系统管理员", ""},
}

var colleges = [][2]string{{"LIT", "文学院"}, {"SCI", "理学院"}, {"ECO", "经济管理学院"}}

// Seed writes the demo data that is not there yet.
func Seed(ctx context.Context, store *storage.Store, files *blob.Store, now time.Time) error {
	usernames := make([]string, len(Logins))
	for i, l := range Logins {
		usernames[i] = l.Username
	}
	var existing int
	if err := store.DB.GetContext(ctx, &existing, `SELECT count(*) FROM accounts WHERE username = ANY($1)`, pq.Array(usernames)); err != nil {
		return err
	}
	// Hashing is the slow part of a restart; skip it when every demo account is there.
	var hash []byte
	if existing < len(Logins) {
		var err error
		if hash, err = bcrypt.GenerateFromPassword([]byte(Password), bcrypt.DefaultCost); err != nil {
			return err
		}
	}
	tx, err := store.DB.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	for _, c := range colleges {
		if _, err := tx.ExecContext(ctx, `INSERT INTO colleges (code, name) VALUES ($1, $2) ON CONFLICT DO NOTHING`, c[0], c[1]); err != nil {
			return err
		}
	}
	for _, l := range Logins {
		if hash == nil {
			break
		}
		var college *string
		if l.College != "" {
			college = &l.College
		}
		// Every demo account has an address, so that make run shows the e-mails in Mailpit.
		if _, err := tx.ExecContext(ctx, `INSERT INTO accounts (username, display_name, role, college_code, password_hash, email, cas_sign_in)
			VALUES ($1, $2, $3, $4, $5, $6, $3 <> 'admin') ON CONFLICT (username) DO NOTHING`, l.Username, l.Name, l.Role, college, string(hash),
			l.Username+"@example.edu.cn"); err != nil {
			return err
		}
	}
	if err := seedProfiles(ctx, tx); err != nil {
		return err
	}
	if err := seedProjects(ctx, tx, now); err != nil {
		return err
	}
	if err := seedCourses(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// Complete profiles have a photo; the object is written after the rows so a failure leaves nothing half-done.
	for _, username := range []string{"2021216401", "2021216403"} {
		if err := seedPhoto(ctx, store, files, username); err != nil {
			return err
		}
	}
	return nil
}

// IDCard builds a valid 18-digit number for a region code, birth date and sequence.
func IDCard(region, birth string, seq int) string {
	base := region + birth + fmt.Sprintf("%03d", seq)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(base[i]-'0') * weights[i]
	}
	return base + string("10X98765432"[sum%11])
}

func seedProfiles(ctx context.Context, tx *sqlx.Tx) error {
	type profile struct {
		username, nameCN, pinyin, gender, birth, id, college, degree, major, grade, phone, email string
		year                                                                                     int
		complete                                                                                 bool
	}
	profiles := []profile{
		{"2021216401", "学生1", "XUE SHENG YI", "男", "2003-01-01", IDCard("120101", "20030101", 11), "LIT", "本科生", "汉语言文学", "大三", "13123263727", "xuesheng1@example.edu.cn", 2021, true},
		{"2022216402", "学生2", "", "女", "", "", "SCI", "硕士研究生", "", "", "", "", 2022, false},
		{"2021216403", "学生3", "XUE SHENG SAN", "女", "2002-05-20", IDCard("110105", "20020520", 22), "ECO", "本科生", "工商管理", "大三", "13276876546", "xuesheng3@example.edu.cn", 2021, true},
	}
	for i, p := range profiles {
		var accountID int64
		if err := tx.GetContext(ctx, &accountID, `SELECT id FROM accounts WHERE username = $1`, p.username); err != nil {
			return err
		}
		var birth *string
		if p.birth != "" {
			birth = &p.birth
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO student_profiles (account_id, system_no, name_cn, name_pinyin, gender, birth_date,
				id_card_no, hukou_location, political_status, health_status, ethnicity, admission_category, college_code,
				enrollment_year, degree_level, major, grade, schooling_length, phone, email, emergency_name, emergency_phone,
				emergency_relation, family_address)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
			ON CONFLICT (account_id) DO NOTHING`,
			accountID, fmt.Sprintf("%dSTU%04d", p.year, i+1), p.nameCN, p.pinyin, p.gender, birth, p.id,
			pick(p.complete, "天津市 和平区"), pick(p.complete, "共青团员"), pick(p.complete, "良好"), pick(p.complete, "汉族"),
			"非定向", p.college, p.year, p.degree, p.major, p.grade, pick(p.complete, "4年"), p.phone, p.email,
			pick(p.complete, "吉祥明"), pick(p.complete, "13276876546"), pick(p.complete, "父子"), pick(p.complete, "天津市和平区南京路1号"))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 && p.complete {
			if _, err := tx.ExecContext(ctx, `INSERT INTO learning_experiences (account_id, start_date, end_date, school_name, school_address, degree)
				VALUES ($1, '2018-09-01', '2021-06-30', '天津市第一中学', '天津市和平区', '高中')`, accountID); err != nil {
				return err
			}
		}
	}
	return nil
}

func pick(ok bool, v string) string {
	if ok {
		return v
	}
	return ""
}

type project struct {
	code, name, category, termLength, country, institution, institutionEN, duration string
	year                                                                            int
	applyFrom, applyTo                                                              time.Duration // relative to now
	startIn, lasts                                                                  time.Duration
	degrees, grades, majors                                                         []string
	minGPA                                                                          *float64
	quota                                                                           *int
	interview                                                                       bool
	// selection is the round's settings as stored (JSON); empty admits directly.
	selection string
	// credits: returned students ask for 学分认定.
	credits bool
}

func ptr[T any](v T) *T { return &v }

const day = 24 * time.Hour

var projects = []project{
	{code: "20240007", name: "帝国理工学院长期项目", category: "校际交流双学位项目", termLength: "长期", country: "英国", institution: "帝国理工学院", institutionEN: "Imperial College London", duration: "一学年",
		applyFrom: -7 * day, applyTo: 30 * day, startIn: 90 * day, lasts: 300 * day, degrees: []string{"本科生", "硕士研究生"}, quota: ptr(5), interview: true},
	{code: "20260001", name: "荷兰莱顿大学交换学分项目", category: "校际交流学分项目", termLength: "长期", country: "荷兰", institution: "莱顿大学", institutionEN: "Leiden University", duration: "一学期",
		applyFrom: -3 * day, applyTo: 20 * day, startIn: 60 * day, lasts: 150 * day, degrees: []string{"本科生", "硕士研究生", "博士研究生"}, quota: ptr(10)},
	{code: "20260002", name: "新加坡国立大学暑期短期项目", category: "校际交流学分项目", termLength: "短期", country: "新加坡", institution: "新加坡国立大学", institutionEN: "National University of Singapore", duration: "四周",
		applyFrom: -1 * day, applyTo: 14 * day, startIn: 45 * day, lasts: 28 * day, degrees: []string{"本科生"}, quota: ptr(1)},
	{code: "20250003", name: "法国巴黎政治学院短期交流", category: "校际交流学分项目", termLength: "短期", country: "法国", institution: "巴黎政治学院", institutionEN: "Sciences Po", duration: "两周",
		applyFrom: -90 * day, applyTo: -30 * day, startIn: -10 * day, lasts: 14 * day, degrees: []string{"本科生", "硕士研究生"}, quota: ptr(3)},
	{code: "20260004", name: "早稻田大学双学位项目", credits: true, category: "校际交流双学位项目", termLength: "长期", country: "日本", institution: "早稻田大学", institutionEN: "Waseda University", duration: "两学年",
		applyFrom: -5 * day, applyTo: 40 * day, startIn: 120 * day, lasts: 700 * day, degrees: []string{"硕士研究生"}, minGPA: ptr(3.0), quota: ptr(2)},
	{code: "20260005", name: "加州大学伯克利分校暑期实习项目", category: "实习项目", termLength: "短期", country: "美国", institution: "加州大学伯克利分校", institutionEN: "University of California, Berkeley", duration: "八周",
		applyFrom: 10 * day, applyTo: 40 * day, startIn: 100 * day, lasts: 56 * day, degrees: []string{"本科生", "硕士研究生"}},
	{code: "20260006", name: "慕尼黑工业大学学分项目", category: "校际交流学分项目", termLength: "长期", country: "德国", institution: "慕尼黑工业大学", institutionEN: "Technical University of Munich", duration: "一学期",
		applyFrom: -2 * day, applyTo: 25 * day, startIn: 80 * day, lasts: 150 * day, degrees: []string{"本科生"}, grades: []string{"大二", "大三"}, minGPA: ptr(3.5), quota: ptr(4)},
	{code: "20260009", name: "香港大学暑期研修项目（选拔）", category: "校际交流学分项目", termLength: "短期", country: "中国香港", institution: "香港大学", institutionEN: "The University of Hong Kong", duration: "四周",
		applyFrom: -2 * day, applyTo: 18 * day, startIn: 70 * day, lasts: 28 * day, degrees: []string{"本科生", "硕士研究生"}, quota: ptr(3), interview: true,
		selection: `{"publicityDays":5,"substituteDays":3,"waitlistSize":5,"weightGpa":50,"weightInterview":30,"weightRank":20}`},
}

func seedProjects(ctx context.Context, tx *sqlx.Tx, now time.Time) error {
	today := now.Truncate(day)
	for i, p := range projects {
		if p.year == 0 {
			p.year = now.Year()
		}
		// Each host institution is a partner of the office's list, in its country or region.
		at := slices.IndexFunc(process.Places, func(x process.Place) bool { return x.Name == p.country })
		if at < 0 {
			return fmt.Errorf("demo project %s: %s is not a place of the process", p.code, p.country)
		}
		place := process.Places[at]
		var partner int64
		if err := tx.GetContext(ctx, &partner, `INSERT INTO partners (name, name_en, country_code) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET name_en = EXCLUDED.name_en RETURNING id`, p.institution, p.institutionEN, place.Code); err != nil {
			return err
		}
		var id int64
		err := tx.GetContext(ctx, &id, `INSERT INTO projects (system_no, code, name, year, terms, start_date, end_date, duration_text, nature,
				institution_name, institution_name_en, country, category, funding_kind, fee_mode, fee, term_length, active, teaching_mode, notes,
				host_unit, apply_start, apply_end, eligible_degree_levels, eligible_grades, eligible_majors, min_gpa, quota,
				has_interview, published, selection, credit_bearing, country_code, partner_id)
			VALUES ($1, $2, $3, $4, '春季,秋季', $5, $6, $7, '学校公派', $8, $9, $10, $11,
				CASE WHEN $12 = '短期' THEN '自费' ELSE '公派' END, '不需交对方学费', 0, $12, true, '线下授课', '',
				'国际合作与交流处', $13, $14, $15, $16, $17, $18, $19, $20, true, nullif($21, '')::jsonb, $22, $23, $24)
			ON CONFLICT (code, year) DO NOTHING RETURNING id`,
			"STPR"+strconv.Itoa(p.year)+fmt.Sprintf("%04d", i+1), p.code, p.name, p.year,
			today.Add(p.startIn), today.Add(p.startIn+p.lasts), p.duration, p.institution, p.institutionEN, p.country, p.category,
			p.termLength, now.Add(p.applyFrom), now.Add(p.applyTo), pq.StringArray(nonNil(p.degrees)), pq.StringArray(nonNil(p.grades)),
			pq.StringArray(nonNil(p.majors)), p.minGPA, p.quota, p.interview, p.selection, p.credits, place.Code, partner)
		if err != nil {
			if isNoRows(err) {
				continue // seeded before
			}
			return err
		}
		for pos, r := range []struct {
			kind     string
			formats  []string
			required bool
			phase    string
		}{
			{"成绩单", []string{"pdf", "png", "jpg", "tiff", "doc", "docx"}, true, "application"},
			{"个人陈述", []string{"pdf", "doc", "docx"}, true, "application"},
			{"其他成绩单", []string{"pdf", "png", "jpg", "tiff", "doc", "docx"}, false, "application"},
			// 行前材料清单: what the offices need before the student leaves.
			{"护照首页", []string{"pdf", "png", "jpg"}, true, "predeparture"},
			{"签证", []string{"pdf", "png", "jpg"}, true, "predeparture"},
			{"境外保险", []string{"pdf", "png", "jpg"}, true, "predeparture"},
			{"行前教育证明", []string{"pdf", "png", "jpg"}, false, "predeparture"},
		} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO attachment_requirements (project_id, kind, formats, max_bytes, required, position, phase)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, r.kind, pq.StringArray(r.formats), 10<<20, r.required, pos, r.phase); err != nil {
				return err
			}
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// PhotoPNG draws a plain portrait photo of the size the photo check accepts.
func PhotoPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 300, 420))
	for y := 0; y < 420; y++ {
		for x := 0; x < 300; x++ {
			c := color.RGBA{R: 70, G: 130, B: 200, A: 255}
			if (x-150)*(x-150)+(y-170)*(y-170) < 80*80 || (y > 280 && (x-150)*(x-150) < 120*120) {
				c = color.RGBA{R: 240, G: 220, B: 200, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

func seedPhoto(ctx context.Context, store *storage.Store, files *blob.Store, username string) error {
	acc, err := store.AccountByUsername(ctx, username)
	if err != nil {
		return err
	}
	p, err := store.ProfileByAccount(ctx, acc.ID)
	if err != nil || p.PhotoAttachmentID != nil {
		return err
	}
	data := PhotoPNG()
	key := "photo/demo/" + username + ".png"
	if _, err := files.Put(ctx, key, bytes.NewReader(data), int64(len(data)), "image/png"); err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	row := &storage.Attachment{OwnerID: acc.ID, Kind: "photo", Label: "照片", ObjectKey: key, FileName: "photo.png",
		SizeBytes: int64(len(data)), ContentType: "image/png", SHA256: hex.EncodeToString(sum[:])}
	if existing, err := store.ObjectKnown(ctx, key); err != nil || existing {
		return err
	}
	if err := store.InsertAttachment(ctx, row, nil); err != nil {
		return err
	}
	return store.SetProfilePhoto(ctx, acc.ID, row.ID, "合格")
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// TravelInfo is a valid 出行信息 for a stay within the next years: a passport, a visa and an
// insurance that cover it, and the flights.
func TravelInfo() map[string]any {
	return map[string]any{
		"travelDocType": "因私护照", "travelDocNo": "E12345678", "travelDocExpiry": "2035-12-31",
		"visaType": "学生签证", "visaNo": "V1234567", "visaFrom": "2024-01-01", "visaTo": "2034-12-31", "visaEntries": "多次",
		"insurer": "中国人寿", "policyNo": "PL20260001", "insuranceFrom": "2024-01-01", "insuranceTo": "2034-12-31", "insuranceAmount": 500000.0,
		"outboundFlightDate": "2026-02-20", "outboundFlightNo": "CA925", "returnFlightDate": "2026-07-10", "returnFlightNo": "CA926",
		"hostContact": "国际交流处 Ms. Smith +44 20 0000 0000", "addressAbroad": "1 College Road, London",
	}
}

// seedCourses is a small home catalogue and the usual conversion tables, for 学分认定.
func seedCourses(ctx context.Context, tx *sqlx.Tx) error {
	for _, c := range []struct {
		code, name, college, kind string
		credits                   float64
	}{
		{"LIT1001", "中国古代文学", "LIT", "专业必修", 3}, {"LIT2003", "比较文学概论", "LIT", "专业选修", 2},
		{"SCI1101", "高等数学", "SCI", "公共基础", 5}, {"SCI2205", "数据结构", "SCI", "专业必修", 3},
		{"ECO1002", "微观经济学", "ECO", "专业必修", 3}, {"ECO3001", "国际商务", "ECO", "专业选修", 2},
	} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO home_courses (code, name, credits, college_code, course_type) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (code) DO NOTHING`, c.code, c.name, c.credits, c.college, c.kind); err != nil {
			return err
		}
	}
	for scale, grades := range map[string][]struct {
		grade string
		score float64
	}{
		"ECTS": {{"A", 95}, {"B", 85}, {"C", 75}, {"D", 68}, {"E", 62}, {"F", 40}},
		"US":   {{"A", 95}, {"A-", 90}, {"B+", 87}, {"B", 83}, {"B-", 80}, {"C+", 77}, {"C", 73}, {"D", 65}, {"F", 40}},
		"UK":   {{"First", 90}, {"2:1", 82}, {"2:2", 75}, {"Third", 65}, {"Fail", 40}},
	} {
		for _, g := range grades {
			if _, err := tx.ExecContext(ctx, `INSERT INTO grade_conversions (scale, grade, score) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
				scale, g.grade, g.score); err != nil {
				return err
			}
		}
	}
	return nil
}
