package process

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
var AlertLabels = map[string]string{AlertMissedCheckIn: "未按时报平安", AlertNeedsHelp: "需要帮助"}

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
