package process

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// The selection round (选拔): for a project with a round, the applications that passed the college
// and 教务处/研究生院 wait in the selection stage; the round ranks them (推荐排序, interviews, scores),
// the office proposes 拟录取 within the quota and an ordered 候补 list, the list is published (公示)
// for some working days during which anyone signed in may object, and then the round admits.

// StageSelection is the application's stage while its project's round decides.
const StageSelection = "selection"

// StageNotSelected ends an application the round did not choose (未入选): not a rejection for cause.
const (
	StageNotSelected  = "not_selected"
	StatusNotSelected = "未入选"
)

// Routing of the application phase's last reviews: a project with a round goes through the
// selection stage, one without through the foreign affairs office's own review.
type Admission string

const (
	AnyAdmission    Admission = ""
	RoundAdmission  Admission = "round"  // only for projects with a selection round
	DirectAdmission Admission = "direct" // only for projects without
)

// Include reports whether an application, its project with a round or not, passes a review.
func (a Admission) Include(round bool) bool {
	return a == AnyAdmission || (a == RoundAdmission) == round
}

// Selection outcomes: where a candidate stands in the round.
const (
	OutcomeCandidate   = "candidate"    // 候选
	OutcomeProposed    = "proposed"     // 拟录取（公示中）
	OutcomeWaitlisted  = "waitlisted"   // 候补
	OutcomeAdmitted    = "admitted"     // 已录取
	OutcomeNotSelected = "not_selected" // 未入选
	OutcomeRemoved     = "removed"      // 异议成立，取消拟录取
	OutcomeGivenUp     = "given_up"     // 放弃录取
)

// OutcomeLabels name the outcomes.
var OutcomeLabels = map[string]string{OutcomeCandidate: "候选", OutcomeProposed: "拟录取（公示中）", OutcomeWaitlisted: "候补",
	OutcomeAdmitted: "已录取", OutcomeNotSelected: StatusNotSelected, OutcomeRemoved: "异议成立，取消拟录取", OutcomeGivenUp: StatusGivenUp}

// OutcomeStatus is the application's status word for an outcome that leaves it in the selection stage.
func OutcomeStatus(outcome string, waitPosition int) string {
	if outcome == OutcomeWaitlisted {
		return "候补（第" + strconv.Itoa(waitPosition) + "位）"
	}
	return OutcomeLabels[outcome]
}

// Round stages.
const (
	RoundCollecting = "collecting" // 推荐排序、面试、评分
	RoundPublicity  = "publicity"  // 公示中
	RoundWaitlist   = "waitlist"   // 公示结束，候补有效期内
	RoundClosed     = "closed"     // 已结束
)

// RoundStageLabels name the round's stages.
var RoundStageLabels = map[string]string{RoundCollecting: "排序与面试", RoundPublicity: "公示中", RoundWaitlist: "候补有效期内", RoundClosed: "已结束"}

// Objection statuses.
const (
	ObjectionPending   = "pending"   // 待处理
	ObjectionUpheld    = "upheld"    // 异议成立
	ObjectionDismissed = "dismissed" // 异议不成立
)

// ObjectionLabels name the objection statuses.
var ObjectionLabels = map[string]string{ObjectionPending: "待处理", ObjectionUpheld: "异议成立", ObjectionDismissed: "异议不成立"}

// Bounds of the round's words and numbers (the selection tables' columns).
const (
	MaxReasonRunes    = 500
	MaxPlaceLongRunes = 200
	MaxScore          = 100
	MaxPublicityDays  = 30
	MaxWaitlist       = 50
)

// Selection is a project's round settings; a project without them admits directly.
type Selection struct {
	// PublicityDays is how long the 公示 runs, in working days; SubstituteDays the shorter 公示 of a
	// 候补 moved up.
	PublicityDays  int `json:"publicityDays"`
	SubstituteDays int `json:"substituteDays"`
	// WaitlistSize is the most 候补 the office may name.
	WaitlistSize int `json:"waitlistSize"`
	// Weights of the composite score, in percent: GPA, interview, college rank.
	WeightGPA       int `json:"weightGpa"`
	WeightInterview int `json:"weightInterview"`
	WeightRank      int `json:"weightRank"`
	// PublicView lets anyone open the 公示 page without signing in, read-only.
	PublicView bool `json:"publicView"`
}

// DefaultSelection is what a new round gets unless the office says otherwise.
func DefaultSelection(interview bool) Selection {
	s := Selection{PublicityDays: 5, SubstituteDays: 3, WaitlistSize: 5, WeightGPA: 70, WeightRank: 30}
	if interview {
		s.WeightGPA, s.WeightInterview, s.WeightRank = 50, 30, 20
	}
	return s
}

// Problems lists what is wrong with the settings, by field.
func (s Selection) Problems(interview bool) map[string]string {
	out := map[string]string{}
	if s.PublicityDays < 1 || s.PublicityDays > MaxPublicityDays {
		out["publicityDays"] = "公示期应在1到30个工作日之间"
	}
	if s.SubstituteDays < 1 || s.SubstituteDays > MaxPublicityDays {
		out["substituteDays"] = "候补递补公示期应在1到30个工作日之间"
	}
	if s.WaitlistSize < 0 || s.WaitlistSize > MaxWaitlist {
		out["waitlistSize"] = "候补人数应在0到50之间"
	}
	for name, w := range map[string]int{"weightGpa": s.WeightGPA, "weightInterview": s.WeightInterview, "weightRank": s.WeightRank} {
		if w < 0 || w > 100 {
			out[name] = "权重应在0到100之间"
		}
	}
	if s.WeightGPA+s.WeightInterview+s.WeightRank != 100 && len(out) == 0 {
		out["weightGpa"] = "GPA、面试与学院排序的权重之和应为100"
	}
	if !interview && s.WeightInterview != 0 {
		out["weightInterview"] = "项目没有面试环节，面试权重应为0"
	}
	return out
}

// Composite is a candidate's score out of 100: GPA on a 5-point scale, the interview out of 100
// (absent counts 0), and the college rank (the first of n gets 100, the last 100/n). A part not
// known yet counts 0, so that the board shows what is known.
func (s Selection) Composite(gpa *float64, interview *float64, rank, ofRanked int) float64 {
	total := 0.0
	if gpa != nil {
		total += float64(s.WeightGPA) * *gpa / 5
	}
	if interview != nil {
		total += float64(s.WeightInterview) * *interview / MaxScore
	}
	if rank > 0 && ofRanked > 0 {
		total += float64(s.WeightRank) * float64(ofRanked-rank+1) / float64(ofRanked)
	}
	return math.Round(total*100) / 100
}

// MaskStudentNo hides the middle of a 学号 for the 公示 page: the first four and the last two stay.
func MaskStudentNo(no string) string {
	r := []rune(no)
	if len(r) <= 6 {
		return string(r[:min(len(r), 2)]) + "****"
	}
	masked := []rune(string(r[:4]))
	for range r[4 : len(r)-2] {
		masked = append(masked, '*')
	}
	return string(append(masked, r[len(r)-2:]...))
}

// WorkingDayAfter is the n-th working day after a day: Monday to Friday, unless the office's
// calendar says the day is a holiday (false) or a 调休 working weekend (true).
func WorkingDayAfter(from time.Time, n int, calendar map[string]bool) time.Time {
	day := time.Date(from.In(Zone).Year(), from.In(Zone).Month(), from.In(Zone).Day(), 0, 0, 0, 0, Zone)
	for n = max(n, 1); n > 0; {
		day = day.AddDate(0, 0, 1)
		working, listed := calendar[day.Format("2006-01-02")]
		if !listed {
			working = day.Weekday() != time.Saturday && day.Weekday() != time.Sunday
		}
		if working {
			n--
		}
	}
	return day
}

// PublicityEnd is when a 公示 of n working days that starts at a moment ends: the start of the day
// after its last working day, in China time.
func PublicityEnd(start time.Time, n int, calendar map[string]bool) time.Time {
	return WorkingDayAfter(start, n, calendar).AddDate(0, 0, 1)
}

// InterviewCalendar is an interview as an iCalendar (RFC 5545) event, for the candidate's calendar.
func InterviewCalendar(uid, summary, location string, start, end, stamp time.Time) string {
	const layout = "20060102T150405Z"
	escape := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", "")
	lines := []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Outbound//Selection//ZH", "METHOD:PUBLISH", "BEGIN:VEVENT",
		"UID:" + uid, "DTSTAMP:" + stamp.UTC().Format(layout), "DTSTART:" + start.UTC().Format(layout), "DTEND:" + end.UTC().Format(layout),
		"SUMMARY:" + escape.Replace(summary), "LOCATION:" + escape.Replace(location), "END:VEVENT", "END:VCALENDAR"}
	return strings.Join(lines, "\r\n") + "\r\n"
}

// ReviewsBefore lists the application phase's review stages before a stage.
func (d Definition) ReviewsBefore(stage string) []string {
	var out []string
	for _, r := range d.Phases[0].Reviews {
		if r.Stage == stage {
			break
		}
		out = append(out, r.Stage)
	}
	return out
}

// ReviewsOf lists a phase's review stages, in order.
func (d Definition) ReviewsOf(phase string) []string {
	var out []string
	for _, p := range d.Phases {
		if p.Name == phase {
			for _, r := range p.Reviews {
				out = append(out, r.Stage)
			}
		}
	}
	return out
}
