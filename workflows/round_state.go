package workflows

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"outbound/process"
)

// RoundName is the registered name of the selection round's workflow.
const RoundName = "SelectionRound"

// RoundID is the workflow ID of a project's round for a year: one round per project and year.
func RoundID(projectID int64, year int) string {
	return "selection-" + strconv.FormatInt(projectID, 10) + "-" + strconv.Itoa(year)
}

// RoundInput starts a round: the project as it was when its first application was created (the
// settings are frozen from then on).
type RoundInput struct {
	ProjectID   int64
	ProjectCode string
	Year        int
	// Quota is 推荐名额: never more admitted (or proposed) at once.
	Quota     int
	Interview bool
	Settings  process.Selection
}

// The round's messages: Updates from the API, and Signals between the round and its applications.
const (
	RoundRank      = "rank"               // 推荐排序, by a college
	RoundInterview = "schedule-interview" // 面试安排
	RoundScore     = "score"              // 面试成绩 or 缺席
	RoundPropose   = "propose"            // 拟录取 and 候补, which starts the 公示
	RoundObject    = "object"             // 异议
	RoundResolve   = "resolve-objection"  // 异议处理
	// RoundJoin and RoundGiveUp are Signals from the application workflows.
	RoundJoin   = "join"
	RoundGiveUp = "give-up-place"
	// RoundQuery answers the round's state.
	RoundQuery = "round"
	// SelectionSignal carries a round's word to an application (SelectionNotice).
	SelectionSignal = "selection"
)

// RoundRequest is the payload of the round's Updates; each reads what it needs.
type RoundRequest struct {
	Actor Actor `json:"actor"`
	// College and Order for rank: the college's candidates, best first.
	Order []RankEntry `json:"order,omitempty"`
	// ApplicationIDs, At, Minutes and Place for schedule-interview.
	ApplicationIDs []int64   `json:"applicationIds,omitempty"`
	At             time.Time `json:"at,omitzero"`
	Minutes        int       `json:"minutes,omitempty"`
	Place          string    `json:"place,omitempty"`
	// ApplicationID, Score and Absent for score; ApplicationID for object.
	ApplicationID int64    `json:"applicationId,omitempty"`
	Score         *float64 `json:"score,omitempty"`
	Absent        bool     `json:"absent,omitempty"`
	// Admit, Waitlist, Opinion and WaitlistUntil for propose.
	Admit         []int64 `json:"admit,omitempty"`
	Waitlist      []int64 `json:"waitlist,omitempty"`
	Opinion       string  `json:"opinion,omitempty"`
	WaitlistUntil string  `json:"waitlistUntil,omitempty"`
	// Reason and Contact for object; ObjectionID, Uphold and Reply for resolve-objection.
	Reason      string `json:"reason,omitempty"`
	Contact     string `json:"contact,omitempty"`
	ObjectionID int    `json:"objectionId,omitempty"`
	Uphold      bool   `json:"uphold,omitempty"`
	Reply       string `json:"reply,omitempty"`
}

// RankEntry is one place of a college's order.
type RankEntry struct {
	ApplicationID int64  `json:"applicationId"`
	Reason        string `json:"reason,omitempty"`
}

// Joined is an application entering the round (RoundJoin).
type Joined struct {
	ApplicationID int64
	College       string
}

// SelectionNotice is what a round tells an application: an outcome, or an interview.
type SelectionNotice struct {
	Outcome      string // process.Outcome*, or "" for an interview
	WaitPosition int
	Step         string
	Body         string
	// Calendar is an iCalendar event (面试) e-mailed with the notice.
	Calendar string
}

// Candidate is one application in the round.
type Candidate struct {
	ApplicationID int64     `json:"applicationId"`
	College       string    `json:"college"`
	CollegeRank   int       `json:"collegeRank,omitempty"`
	RankReason    string    `json:"rankReason,omitempty"`
	InterviewAt   time.Time `json:"interviewAt,omitzero"`
	InterviewEnd  time.Time `json:"interviewEnd,omitzero"`
	Place         string    `json:"place,omitempty"`
	Score         *float64  `json:"score,omitempty"`
	Absent        bool      `json:"absent,omitempty"`
	Outcome       string    `json:"outcome"`
	WaitPosition  int       `json:"waitPosition,omitempty"`
	// PublicUntil is when this candidate's 公示 ends (a 候补 moved up has their own).
	PublicUntil time.Time `json:"publicUntil,omitzero"`
}

// Objection is one 异议 against a candidate of the 公示.
type Objection struct {
	ID            int       `json:"id"`
	ApplicationID int64     `json:"applicationId"`
	Objector      Actor     `json:"objector"`
	Reason        string    `json:"reason"`
	Contact       string    `json:"contact,omitempty"`
	Status        string    `json:"status"`
	Reply         string    `json:"reply,omitempty"`
	At            time.Time `json:"at"`
	ResolvedAt    time.Time `json:"resolvedAt,omitzero"`
}

// Round is the whole durable state of a selection round.
type Round struct {
	Input      RoundInput   `json:"input"`
	Stage      string       `json:"stage"`
	Candidates []*Candidate `json:"candidates"`
	Objections []Objection  `json:"objections"`
	Opinion    string       `json:"opinion,omitempty"`
	// PublishedAt and PublicUntil are the main 公示's period; WaitlistUntil ends the 候补's validity.
	PublishedAt   time.Time `json:"publishedAt,omitzero"`
	PublicUntil   time.Time `json:"publicUntil,omitzero"`
	WaitlistUntil time.Time `json:"waitlistUntil,omitzero"`
	Seq           int       `json:"seq"`
}

// Candidate finds a candidate of the round; nil when the application is not one.
func (r *Round) Candidate(id int64) *Candidate {
	i := slices.IndexFunc(r.Candidates, func(c *Candidate) bool { return c.ApplicationID == id })
	if i < 0 {
		return nil
	}
	return r.Candidates[i]
}

// count is how many candidates have an outcome.
func (r *Round) count(outcome string) int {
	n := 0
	for _, c := range r.Candidates {
		if c.Outcome == outcome {
			n++
		}
	}
	return n
}

// waitlist is the 候补, in order.
func (r *Round) waitlist() []*Candidate {
	var out []*Candidate
	for _, c := range r.Candidates {
		if c.Outcome == process.OutcomeWaitlisted {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *Candidate) int { return a.WaitPosition - b.WaitPosition })
	return out
}

func (r *Round) pendingObjections(id int64) bool {
	return slices.ContainsFunc(r.Objections, func(o Objection) bool { return o.ApplicationID == id && o.Status == process.ObjectionPending })
}

// Check says whether a round message may be applied now. It changes nothing.
func (r *Round) Check(name string, req RoundRequest, now time.Time) *Refusal {
	office := req.Actor.Role == process.RoleForeignAffairs
	if r.Stage == process.RoundClosed {
		return refuse(CodeClosed, "该项目的选拔已结束")
	}
	switch name {
	case RoundRank:
		return r.checkRank(req)
	case RoundInterview:
		if !office {
			return refuse(CodeWrongRole, "只有外事部门可以安排面试")
		}
		if !r.Input.Interview {
			return refuse(CodeWrongStage, "该项目没有面试环节")
		}
		if r.Stage != process.RoundCollecting {
			return refuse(CodeWrongStage, "拟录取名单公示后不能再安排面试")
		}
		if len(req.ApplicationIDs) == 0 || req.At.IsZero() || req.Minutes < 5 || req.Minutes > 480 {
			return refuse(CodeInvalidDecision, "请选择面试学生，填写面试时间和时长（5到480分钟）")
		}
		if !req.At.After(now) {
			return refuse(CodeInvalidDecision, "面试时间应晚于当前时间")
		}
		if msg := process.TextProblem("面试地点或线上会议链接", req.Place, process.MaxPlaceLongRunes); msg != "" || strings.TrimSpace(req.Place) == "" {
			return refuse(CodeInvalidText, "请填写面试地点或线上会议链接（不超过200字）")
		}
		for _, id := range req.ApplicationIDs {
			if c := r.Candidate(id); c == nil || c.Outcome != process.OutcomeCandidate {
				return refuse(CodeWrongStage, "申请 "+strconv.FormatInt(id, 10)+" 不是本轮候选人")
			}
		}
	case RoundScore:
		if !office {
			return refuse(CodeWrongRole, "只有外事部门可以录入面试成绩")
		}
		c := r.Candidate(req.ApplicationID)
		if c == nil || c.Outcome != process.OutcomeCandidate || r.Stage != process.RoundCollecting {
			return refuse(CodeWrongStage, "只能为公示前的候选人录入成绩")
		}
		if c.InterviewAt.IsZero() {
			return refuse(CodeWrongStage, "请先为该学生安排面试")
		}
		if !req.Absent && (req.Score == nil || *req.Score < 0 || *req.Score > process.MaxScore) {
			return refuse(CodeInvalidDecision, "面试成绩应在0到100之间，或登记缺席")
		}
	case RoundPropose:
		return r.checkPropose(req)
	case RoundObject:
		if req.Actor.ID == 0 {
			return refuse(CodeNotOwner, "提出异议须实名登录")
		}
		c := r.Candidate(req.ApplicationID)
		if c == nil || c.Outcome != process.OutcomeProposed || !now.Before(c.PublicUntil) {
			return refuse(CodeWrongStage, "只能对公示期内的拟录取名单提出异议")
		}
		if strings.TrimSpace(req.Reason) == "" {
			return refuse(CodeOpinionRequired, "请填写异议理由")
		}
		for _, t := range [][3]any{{"异议理由", req.Reason, process.MaxReasonRunes}, {"联系方式", req.Contact, process.MaxNameRunes}} {
			if msg := process.TextProblem(t[0].(string), t[1].(string), t[2].(int)); msg != "" {
				return refuse(CodeInvalidText, msg)
			}
		}
	case RoundResolve:
		if !office {
			return refuse(CodeWrongRole, "只有外事部门可以处理异议")
		}
		i := slices.IndexFunc(r.Objections, func(o Objection) bool { return o.ID == req.ObjectionID })
		if i < 0 || r.Objections[i].Status != process.ObjectionPending {
			return refuse(CodeWrongStage, "该异议不存在或已处理")
		}
		if strings.TrimSpace(req.Reply) == "" {
			return refuse(CodeOpinionRequired, "请填写处理意见")
		}
		if msg := process.TextProblem("处理意见", req.Reply, process.MaxOpinionRunes); msg != "" {
			return refuse(CodeInvalidText, msg)
		}
	default:
		return refuse(CodeUnknownMessage, "未知的操作："+name)
	}
	return nil
}

func (r *Round) checkRank(req RoundRequest) *Refusal {
	if req.Actor.Role != process.RoleCollegeReviewer {
		return refuse(CodeWrongRole, "推荐排序由学院审核员完成")
	}
	if r.Stage != process.RoundCollecting {
		return refuse(CodeWrongStage, "拟录取名单公示后不能再调整推荐排序")
	}
	var mine []int64
	for _, c := range r.Candidates {
		if c.College == req.Actor.College && c.Outcome == process.OutcomeCandidate {
			mine = append(mine, c.ApplicationID)
		}
	}
	var got []int64
	for _, e := range req.Order {
		if msg := process.TextProblem("排序理由", e.Reason, process.MaxReasonRunes); msg != "" {
			return refuse(CodeInvalidText, msg)
		}
		got = append(got, e.ApplicationID)
	}
	slices.Sort(mine)
	slices.Sort(got)
	if len(mine) == 0 || !slices.Equal(mine, got) {
		return refuse(CodeInvalidDecision, "推荐排序须包含本学院本项目的全部候选人，每人一次")
	}
	return nil
}

func (r *Round) checkPropose(req RoundRequest) *Refusal {
	if req.Actor.Role != process.RoleForeignAffairs {
		return refuse(CodeWrongRole, "只有外事部门可以提出拟录取名单")
	}
	if r.Stage != process.RoundCollecting {
		return refuse(CodeWrongStage, "拟录取名单已经公示")
	}
	if len(req.Admit) == 0 {
		return refuse(CodeInvalidDecision, "请至少选择一名拟录取学生")
	}
	if len(req.Admit) > r.Input.Quota {
		return refuse(CodeQuotaFull, "拟录取人数（"+strconv.Itoa(len(req.Admit))+"）超过推荐名额（"+strconv.Itoa(r.Input.Quota)+"）")
	}
	if len(req.Waitlist) > r.Input.Settings.WaitlistSize {
		return refuse(CodeInvalidDecision, "候补人数不能超过 "+strconv.Itoa(r.Input.Settings.WaitlistSize)+" 人")
	}
	if len(req.Waitlist) > 0 {
		if _, ok := process.ParseDate(req.WaitlistUntil); !ok {
			return refuse(CodeInvalidDecision, "请填写候补有效期（日期）")
		}
	}
	seen := map[int64]bool{}
	for _, id := range append(slices.Clone(req.Admit), req.Waitlist...) {
		c := r.Candidate(id)
		if c == nil || c.Outcome != process.OutcomeCandidate || seen[id] {
			return refuse(CodeInvalidDecision, "名单中的申请 "+strconv.FormatInt(id, 10)+" 不是本轮候选人或重复出现")
		}
		if r.Input.Interview && (c.Absent || c.Score == nil) {
			return refuse(CodeInvalidDecision, "申请 "+strconv.FormatInt(id, 10)+" 没有面试成绩（或缺席面试），不能列入名单")
		}
		seen[id] = true
	}
	if msg := process.TextProblem("拟录取意见", req.Opinion, process.MaxOpinionRunes); msg != "" {
		return refuse(CodeInvalidText, msg)
	}
	return nil
}

// promote moves the first 候补 up to 拟录取 while the quota has room and the 候补 are valid; it
// answers who moved up. The quota counts the admitted and the proposed.
func (r *Round) promote(now time.Time) []*Candidate {
	var moved []*Candidate
	if !r.WaitlistUntil.IsZero() && !now.Before(r.WaitlistUntil) {
		return nil
	}
	for _, c := range r.waitlist() {
		if r.count(process.OutcomeAdmitted)+r.count(process.OutcomeProposed) >= r.Input.Quota {
			break
		}
		c.Outcome, c.WaitPosition = process.OutcomeProposed, 0
		moved = append(moved, c)
	}
	for i, c := range r.waitlist() {
		c.WaitPosition = i + 1
	}
	return moved
}

// due lists the proposed candidates whose 公示 has ended with no objection pending: they are admitted.
func (r *Round) due(now time.Time) []*Candidate {
	var out []*Candidate
	for _, c := range r.Candidates {
		if c.Outcome == process.OutcomeProposed && !c.PublicUntil.IsZero() && !now.Before(c.PublicUntil) && !r.pendingObjections(c.ApplicationID) {
			out = append(out, c)
		}
	}
	return out
}

// nextWake is the round's next moment: a 公示 ending, or the 候补's validity ending.
func (r *Round) nextWake() (time.Time, bool) {
	var next time.Time
	for _, c := range r.Candidates {
		if c.Outcome == process.OutcomeProposed && !c.PublicUntil.IsZero() && (next.IsZero() || c.PublicUntil.Before(next)) {
			next = c.PublicUntil
		}
	}
	if r.Stage == process.RoundWaitlist && !r.WaitlistUntil.IsZero() && (next.IsZero() || r.WaitlistUntil.Before(next)) {
		next = r.WaitlistUntil
	}
	return next, !next.IsZero()
}

// finished reports whether nothing is left for the round to decide.
func (r *Round) finished(now time.Time) bool {
	if r.Stage != process.RoundWaitlist || r.count(process.OutcomeProposed) > 0 {
		return false
	}
	return r.WaitlistUntil.IsZero() || !now.Before(r.WaitlistUntil) || len(r.waitlist()) == 0
}
