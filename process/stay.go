package process

import (
	"strings"
	"time"
)

// The stay abroad (在外): from the 行前 approval until the return report is handed in, the student
// checks in (报平安) — first on arrival, then periodically — and the foreign affairs office is alerted
// when a check-in is missed or asks for help.

// MsgCheckIn is 报平安: where the student is, whether all is well, and a note.
const MsgCheckIn = "check-in"

// ActionCheckIn is 报平安 in the student's menu.
const ActionCheckIn Action = "check-in"

// Check-in statuses.
const (
	CheckInSafe = "safe" // 平安
	CheckInHelp = "help" // 需要帮助
)

// CheckInStatuses name the statuses, in the order the form offers them.
var CheckInStatuses = []Option{{CheckInSafe, "平安"}, {CheckInHelp, "需要帮助"}}

// Option is a value and its words.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// CheckInStatusLabel names a status.
func CheckInStatusLabel(status string) string {
	for _, o := range CheckInStatuses {
		if o.Value == status {
			return o.Label
		}
	}
	return status
}

// Alerts: what marks an application for the office (the Alerts search attribute, the read model).
const (
	AlertMissedCheckIn = "missed_check_in" // 未按时报平安
	AlertNeedsHelp     = "needs_help"      // 需要帮助
)

// AlertLabels name the alerts.
var AlertLabels = map[string]string{AlertMissedCheckIn: "未按时报平安", AlertNeedsHelp: "需要帮助", AlertChangePending: "变更待审核",
	AlertPassportOverdue: "证照逾期未交还"}

// Bounds of a check-in's words (check_ins' columns).
const (
	MaxPlaceRunes   = 100
	MaxCheckInRunes = 500
)

// CheckIn is one 报平安.
type CheckIn struct {
	Country string `json:"country"`
	City    string `json:"city"`
	Status  string `json:"status"`
	Note    string `json:"note,omitempty"`
}

// Problem says what is wrong with a check-in, naming the field, or "" and "" when nothing is.
func (c CheckIn) Problem() (field, message string) {
	if c.Country == "" {
		return "country", "请填写所在国家(地区)"
	}
	if c.City == "" {
		return "city", "请填写所在城市"
	}
	if c.Status != CheckInSafe && c.Status != CheckInHelp {
		return "status", "状态应为 safe（平安）或 help（需要帮助）"
	}
	if c.Status == CheckInHelp && c.Note == "" {
		return "note", "需要帮助时请说明情况"
	}
	for _, t := range []struct{ field, label, value string }{{"country", "国家(地区)", c.Country}, {"city", "城市", c.City}} {
		if msg := TextProblem(t.label, t.value, MaxPlaceRunes); msg != "" {
			return t.field, msg
		}
	}
	if msg := TextProblem("说明", c.Note, MaxCheckInRunes); msg != "" {
		return "note", msg
	}
	return "", ""
}

// Place is where a check-in was made, as people read it.
func (c CheckIn) Place() string { return c.Country + " " + c.City }

// Change requests while abroad (变更申请): a later return (延期), an earlier one (提前回国) or another
// place (变更行程), each reviewed along ChangeReviews; an approved date moves the check-ins and the
// return report's due date.
const (
	MsgRequestChange = "request-change"
	MsgDecideChange  = "decide-change"

	ActionRequestChange Action = "request-change" // 变更申请
	ActionDecideChange  Action = "decide-change"  // 变更审核
)

// Change kinds.
const (
	ChangeExtend      = "extend"       // 延期
	ChangeEarlyReturn = "early_return" // 提前回国
	ChangeItinerary   = "itinerary"    // 变更行程
)

// ChangeKinds name the kinds, in the order the form offers them.
var ChangeKinds = []Option{{ChangeExtend, "延期"}, {ChangeEarlyReturn, "提前回国"}, {ChangeItinerary, "变更行程"}}

// AlertChangePending marks an application whose change request awaits a decision.
const AlertChangePending = "change_pending"

// ChangeReviews is the chain a change request passes: the college, then the foreign affairs office.
var ChangeReviews = []Review{
	{Stage: "change_college_review", Role: RoleCollegeReviewer, Label: "变更申请学院审核"},
	{Stage: "change_foreign_review", Role: RoleForeignAffairs, Label: "变更申请外事部门审核"},
}

// ChangeRequest is what the student asks to change.
type ChangeRequest struct {
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
	// ReturnDate is the new 回国(入境)时间 (YYYY-MM-DD): required for 延期 and 提前回国.
	ReturnDate string `json:"returnDate,omitempty"`
	// Country and City are where the student goes for 变更行程.
	Country string `json:"country,omitempty"`
	City    string `json:"city,omitempty"`
	// AttachmentIDs are supporting files (KindChange) the student uploaded first.
	AttachmentIDs []int64 `json:"attachmentIds,omitempty"`
}

// ChangeKindLabel names a kind.
func ChangeKindLabel(kind string) string {
	for _, o := range ChangeKinds {
		if o.Value == kind {
			return o.Label
		}
	}
	return kind
}

// Problem says what is wrong with a change request against the return date it would change, naming
// the field, or "" and "" when nothing is.
func (c ChangeRequest) Problem(returnDate, today time.Time) (field, message string) {
	if c.Kind != ChangeExtend && c.Kind != ChangeEarlyReturn && c.Kind != ChangeItinerary {
		return "kind", "变更类型应为 extend（延期）、early_return（提前回国）或 itinerary（变更行程）"
	}
	if strings.TrimSpace(c.Reason) == "" {
		return "reason", "请填写变更原因"
	}
	if msg := TextProblem("变更原因", c.Reason, MaxCheckInRunes); msg != "" {
		return "reason", msg
	}
	if c.Kind == ChangeItinerary {
		if c.Country == "" {
			return "country", "请填写前往的国家(地区)"
		}
		if c.City == "" {
			return "city", "请填写前往的城市"
		}
		for _, t := range []struct{ field, label, value string }{{"country", "国家(地区)", c.Country}, {"city", "城市", c.City}} {
			if msg := TextProblem(t.label, t.value, MaxPlaceRunes); msg != "" {
				return t.field, msg
			}
		}
	}
	if c.ReturnDate == "" && c.Kind == ChangeItinerary {
		return "", ""
	}
	d, ok := ParseDate(c.ReturnDate)
	switch {
	case c.ReturnDate == "":
		return "returnDate", "请填写新的回国(入境)时间"
	case !ok:
		return "returnDate", "回国(入境)时间格式应为 YYYY-MM-DD"
	case d.Before(today):
		return "returnDate", "新的回国(入境)时间不能早于今天"
	case c.Kind == ChangeExtend && !returnDate.IsZero() && !d.After(returnDate):
		return "returnDate", "延期后的回国(入境)时间应晚于原定的 " + returnDate.In(Zone).Format("2006-01-02")
	case c.Kind == ChangeEarlyReturn && !returnDate.IsZero() && !d.Before(returnDate):
		return "returnDate", "提前回国的时间应早于原定的 " + returnDate.In(Zone).Format("2006-01-02")
	}
	return "", ""
}

// Words is the request as the timeline says it, e.g. 延期至 2027-02-01.
func (c ChangeRequest) Words() string {
	out := ChangeKindLabel(c.Kind)
	if c.Kind == ChangeItinerary {
		out += "：" + c.Country + " " + c.City
	}
	if c.ReturnDate != "" {
		out += "，回国(入境)时间改为 " + c.ReturnDate
	}
	return out
}

// 证照交还: an 因公护照 goes back to the foreign affairs office within a number of working days of the
// return; the office records it, and the return report's last approval waits for it.
const (
	MsgPassportReturned           = "passport-returned"
	ActionPassportReturned Action = "passport-returned" // 证照交还登记
	AlertPassportOverdue          = "passport_overdue"
	OfficialPassport              = "因公护照"
)

// PassportKeeper is the office that keeps 因公护照 and records their return.
const PassportKeeper = RoleForeignAffairs

// 回国报到: the student records the day they actually came back; the check-ins end, and the return
// report and 证照交还 count from it.
const (
	MsgReportReturn           = "report-return"
	ActionReportReturn Action = "report-return"
)

// ReturnReport is 回国报到's content.
type ReturnReport struct {
	Date string `json:"date"` // YYYY-MM-DD
}

// Problem says what is wrong with the day of return, against the departure and today.
func (r ReturnReport) Problem(departure, today time.Time) string {
	d, ok := ParseDate(r.Date)
	switch {
	case r.Date == "":
		return "请填写实际回国(入境)日期"
	case !ok:
		return "实际回国(入境)日期格式应为 YYYY-MM-DD"
	case d.After(today):
		return "实际回国(入境)日期不能晚于今天"
	case !departure.IsZero() && d.Before(departure):
		return "实际回国(入境)日期不能早于出发日期 " + departure.Format("2006-01-02")
	}
	return ""
}
