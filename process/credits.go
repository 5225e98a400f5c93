package process

import (
	"strconv"
	"strings"
)

// 学分认定: after the return report of a credit-bearing project, the student lists the courses taken
// abroad and asks for each to be recognised — as a named home course, as elective credits, or not —
// with the transcript; the college decides line by line, then 教务处 (研究生院 for graduates)
// confirms. Lines are refused, never the application: the phase ends fully, partly or not recognised.

// PhaseCredits is the 学分认定 phase.
const PhaseCredits = "credits" // 学分认定

// MsgSubmitCredits hands the request in.
const MsgSubmitCredits = "submit-credits"

// KindTranscript is the host's transcript (境外成绩单) of a 学分认定 request.
const KindTranscript = "transcript"

// ActionCredits is 学分认定 in the student's menu: the lines and the transcript, and handing them in.
const ActionCredits Action = "credits"

// What a line asks for.
const (
	CreditCourse   = "course"   // 认定为本校课程
	CreditElective = "elective" // 认定为选修学分
	CreditNone     = "none"     // 不申请认定
)

// CreditKinds name what a line may ask for, in the order the form offers them.
var CreditKinds = []Option{{CreditCourse, "认定为本校课程"}, {CreditElective, "认定为选修学分"}, {CreditNone, "不申请认定"}}

// A reviewer's decision on a line.
const (
	LineApproved = "approved" // 同意
	LineChanged  = "changed"  // 修改后同意（成绩或学分）
	LineRefused  = "refused"  // 不予认定
)

// LineDecisions name the decisions.
var LineDecisions = []Option{{LineApproved, "同意"}, {LineChanged, "修改后同意"}, {LineRefused, "不予认定"}}

// GradeLevels is the home five-level scale (五级制), best first.
var GradeLevels = []string{"优秀", "良好", "中等", "及格", "不及格"}

// LevelOf is a 百分制 score on the five-level scale.
func LevelOf(score float64) string {
	switch {
	case score >= 90:
		return GradeLevels[0]
	case score >= 80:
		return GradeLevels[1]
	case score >= 70:
		return GradeLevels[2]
	case score >= 60:
		return GradeLevels[3]
	}
	return GradeLevels[4]
}

// Bounds of a line (credit_lines' columns).
const (
	MaxCreditLines   = 40
	MaxCourseRunes   = 200
	MaxCodeRunes     = 32
	MaxGradeRunes    = 20
	MaxCourseCredits = 30
	MaxCourseHours   = 1000
)

// CreditLine is one course taken abroad and what the student asks for it.
type CreditLine struct {
	CourseName string  `json:"courseName"`         // 课程名称（原文）
	HostCode   string  `json:"hostCode"`           // 境外课程代码
	Credits    float64 `json:"credits"`            // 学分（或 ECTS）
	Hours      int     `json:"hours"`              // 学时
	Grade      string  `json:"grade"`              // 成绩（按成绩单原样）
	Scale      string  `json:"scale"`              // 成绩制式，如 ECTS、US、UK、百分制
	Kind       string  `json:"kind"`               // CreditCourse, CreditElective or CreditNone
	HomeCode   string  `json:"homeCode,omitempty"` // 认定为的本校课程代码
	Elective   string  `json:"elective,omitempty"` // 选修学分的类别
}

// Problems lists what is wrong with a line, by field.
func (l CreditLine) Problems() map[string]string {
	out := map[string]string{}
	for _, t := range []struct {
		field, label, value string
		max                 int
		required            bool
	}{
		{"courseName", "课程名称", l.CourseName, MaxCourseRunes, true}, {"hostCode", "境外课程代码", l.HostCode, MaxCodeRunes, false},
		{"grade", "成绩", l.Grade, MaxGradeRunes, true}, {"scale", "成绩制式", l.Scale, MaxGradeRunes, true},
		{"homeCode", "本校课程代码", l.HomeCode, MaxCodeRunes, l.Kind == CreditCourse}, {"elective", "选修学分类别", l.Elective, MaxGradeRunes, l.Kind == CreditElective},
	} {
		if msg := TextProblem(t.label, t.value, t.max); msg != "" {
			out[t.field] = msg
		} else if t.required && strings.TrimSpace(t.value) == "" {
			out[t.field] = "请填写" + t.label
		}
	}
	if !(l.Credits > 0 && l.Credits <= MaxCourseCredits) {
		out["credits"] = "学分应大于0且不超过" + strconv.Itoa(MaxCourseCredits)
	}
	if l.Hours < 0 || l.Hours > MaxCourseHours {
		out["hours"] = "学时应在0到" + strconv.Itoa(MaxCourseHours) + "之间"
	}
	if l.Kind != CreditCourse && l.Kind != CreditElective && l.Kind != CreditNone {
		out["kind"] = "请选择认定方式：认定为本校课程、认定为选修学分或不申请认定"
	}
	return out
}

// LineDecision is a reviewer's decision on one line: the converted grade and the credits it
// recognises, and why when they differ from what was proposed or the line is refused.
type LineDecision struct {
	Line     int      `json:"line"`
	Decision string   `json:"decision"`
	Score    *float64 `json:"score,omitempty"`   // 认定成绩（百分制）
	Credits  *float64 `json:"credits,omitempty"` // 认定学分
	Opinion  string   `json:"opinion,omitempty"`
}

// Problem says what is wrong with a decision, naming its line; "" when nothing is.
func (d LineDecision) Problem() string {
	at := "第" + strconv.Itoa(d.Line) + "行："
	switch d.Decision {
	case LineApproved:
	case LineChanged, LineRefused:
		if strings.TrimSpace(d.Opinion) == "" {
			return at + "修改或不予认定时请写明理由"
		}
	default:
		return at + "请选择同意、修改后同意或不予认定"
	}
	if d.Decision == LineChanged && d.Score == nil && d.Credits == nil {
		return at + "修改后同意时请填写认定成绩或认定学分"
	}
	if d.Score != nil && (*d.Score < 0 || *d.Score > 100) {
		return at + "认定成绩应在0到100之间"
	}
	if d.Credits != nil && !(*d.Credits > 0 && *d.Credits <= MaxCourseCredits) {
		return at + "认定学分应大于0且不超过" + strconv.Itoa(MaxCourseCredits)
	}
	if msg := TextProblem("理由", d.Opinion, MaxOpinionRunes); msg != "" {
		return at + msg
	}
	return ""
}

// Credit outcomes: how the phase ended.
const (
	CreditsAll  = "全部认定"
	CreditsSome = "部分认定"
	CreditsNone = "未予认定"
)

// CreditOutcome is how a request ended, from how many of its lines asking for recognition were recognised.
func CreditOutcome(recognised, asked int) string {
	switch {
	case asked > 0 && recognised == asked:
		return CreditsAll
	case recognised > 0:
		return CreditsSome
	}
	return CreditsNone
}
