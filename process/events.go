package process

// Events campus systems may be told of (the academic system when credits are recognised, OA or
// 人事 when a student is admitted, the message platform for notices): their names, as a receiver
// reads them in Outbound-Event-Type, and their words.
const (
	EventApplicationSubmitted = "application.submitted" // any phase handed in (申请, 行前材料, 返校总结, 学分认定)
	EventApplicationDecided   = "application.decided"   // a review's decision
	EventApplicationAdmitted  = "application.admitted"  // 录取
	EventApplicationGivenUp   = "application.given_up"  // 放弃录取
	EventApplicationDeparted  = "application.departed"  // 行前手续完成，进入在外阶段
	EventApplicationReturned  = "application.returned"  // 回国报到
	EventCreditsRecognised    = "credits.recognised"    // 学分认定完成
	EventApplicationClosed    = "application.closed"    // ended: not admitted, withdrawn, expired or done
)

// CampusEvents lists the events in words, in the order an application meets them.
var CampusEvents = []Option{
	{EventApplicationSubmitted, "提交（申请、行前材料、返校总结、学分认定）"},
	{EventApplicationDecided, "审核决定"},
	{EventApplicationAdmitted, "录取"},
	{EventApplicationGivenUp, "放弃录取"},
	{EventApplicationDeparted, "行前手续完成，进入在外阶段"},
	{EventApplicationReturned, "回国报到"},
	{EventCreditsRecognised, "学分认定完成"},
	{EventApplicationClosed, "申请结束"},
}

// IsCampusEvent says whether a name is one of CampusEvents.
func IsCampusEvent(name string) bool {
	for _, e := range CampusEvents {
		if e.Value == name {
			return true
		}
	}
	return false
}
