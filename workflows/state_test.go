package workflows

import (
	"fmt"
	"testing"
	"time"

	"outbound/process"
)

// The people of the table: the student owns the application; every reviewer is of its college.
var (
	tableNow   = time.Date(2027, 3, 1, 10, 0, 0, 0, process.Zone)
	tableActor = map[process.Role]Actor{
		process.RoleStudent:         {ID: 1, Name: "学生", Role: process.RoleStudent, College: "ECO"},
		process.RoleCollegeReviewer: {ID: 2, Name: "学院", Role: process.RoleCollegeReviewer, College: "ECO"},
		process.RoleAcademicAffairs: {ID: 3, Name: "教务处", Role: process.RoleAcademicAffairs},
		process.RoleForeignAffairs:  {ID: 4, Name: "外事部门", Role: process.RoleForeignAffairs},
		process.RoleAdmin:           {ID: 5, Name: "管理员", Role: process.RoleAdmin},
	}
)

func tableState() *State {
	t := timing()
	t.ArrivalCheckIn, t.CheckInEvery, t.CheckInGrace = 48*time.Hour, 14*24*time.Hour, 24*time.Hour
	return NewState(Input{
		ApplicationID: 7, StudentID: 1, College: "ECO", ProjectCode: "P1",
		WindowOpens: tableNow.Add(-24 * time.Hour), WindowCloses: tableNow.Add(24 * time.Hour),
		Definition: process.DefaultDefinition(), Timing: t,
	}, tableNow)
}

// approveBy approves the pending review as someone of the role; the second
// academic review is approved by another person than the first.
func approveBy(s *State, id int64) {
	r := s.review()
	s.Decided(Request{Actor: Actor{ID: id, Role: r.Role, College: "ECO"}, Decision: process.DecisionApprove}, tableNow)
}

// at walks a fresh application to a stage: n approvals after the submission of each phase in turn.
func at(stage string) *State {
	s := tableState()
	for i := 0; i < 20 && s.Stage() != stage && !s.Closed(); i++ {
		if s.Editable() {
			s.Submitted(tableNow)
			continue
		}
		approveBy(s, int64(100+i))
	}
	if s.Stage() != stage {
		panic("cannot reach " + stage)
	}
	return s
}

// TestEveryStageMessageAndRole checks Check over the whole table: every stage ×
// every message × every role. Each stage lists what it accepts and from whom;
// everything else is refused with the code the rule below names.
func TestEveryStageMessageAndRole(t *testing.T) {
	returned := at("college_review")
	returned.Decided(Request{Actor: tableActor[process.RoleCollegeReviewer], Decision: process.DecisionReturn, Opinion: "补充"}, tableNow)
	rejected := at("academic_review")
	rejected.Decided(Request{Actor: tableActor[process.RoleAcademicAffairs], Decision: process.DecisionReject, Opinion: "不符合"}, tableNow)
	cancelled := tableState()
	cancelled.Deleted(tableNow)
	withdrawn := at("college_review")
	withdrawn.Withdrawn(tableNow)
	givenUp := at("predeparture_materials")
	givenUp.GaveUp(tableNow)
	expired := tableState()
	expired.Expired(tableNow)

	student := process.RoleStudent
	inReview := func(r process.Role) map[string]process.Role {
		return map[string]process.Role{process.MsgWithdraw: student, process.MsgSupplement: student, process.MsgDecide: r}
	}
	// Before departure the admitted student may also give the place up.
	admitted := func(accept map[string]process.Role) map[string]process.Role {
		accept[process.MsgGiveUp] = student
		return accept
	}
	table := []struct {
		name   string
		state  *State
		accept map[string]process.Role // message → the one role it is accepted from
	}{
		{"draft", tableState(), map[string]process.Role{process.MsgSubmit: student, process.MsgDelete: student}},
		{"college_review", at("college_review"), inReview(process.RoleCollegeReviewer)},
		{"academic_review", at("academic_review"), inReview(process.RoleAcademicAffairs)},
		{"foreign_review", at("foreign_review"), inReview(process.RoleForeignAffairs)},
		{"returned", returned, map[string]process.Role{process.MsgSubmit: student, process.MsgDelete: student}},
		{"withdrawn", withdrawn, map[string]process.Role{process.MsgSubmit: student, process.MsgDelete: student}},
		{"predeparture_materials", at("predeparture_materials"), admitted(map[string]process.Role{process.MsgSubmitPredeparture: student})},
		{"predeparture_first_review", at("predeparture_first_review"), admitted(inReview(process.RoleAcademicAffairs))},
		{"predeparture_second_review", at("predeparture_second_review"), admitted(inReview(process.RoleAcademicAffairs))},
		{"predeparture_foreign_review", at("predeparture_foreign_review"), admitted(inReview(process.RoleForeignAffairs))},
		{"return_report", at("return_report"), map[string]process.Role{process.MsgSubmitReturnReport: student, process.MsgCheckIn: student,
			process.MsgRequestChange: student, process.MsgReportReturn: student}},
		{"return_review", at("return_review"), inReview(process.RoleForeignAffairs)},
		{"completed", at(process.StageCompleted), nil},
		{"rejected", rejected, nil},
		{"cancelled", cancelled, nil},
		{"expired", expired, nil},
		{"given_up", givenUp, nil},
	}
	for _, row := range table {
		for _, msg := range process.Messages {
			for _, role := range process.Roles {
				t.Run(fmt.Sprintf("%s/%s/%s", row.name, msg, role), func(t *testing.T) {
					req := Request{Actor: tableActor[role], Decision: process.DecisionApprove, Opinion: "原因", AttachmentIDs: []int64{1},
						CheckIn: &process.CheckIn{Country: "英国", City: "伦敦", Status: process.CheckInSafe},
						Change:  &process.ChangeRequest{Kind: process.ChangeExtend, Reason: "延长课程", ReturnDate: "2027-06-01"},
						Return:  &process.ReturnReport{Date: "2027-03-01"}}
					got := row.state.Check(msg, req, tableNow)
					want := ""
					switch accepted, ok := row.accept[msg]; {
					case row.state.Closed():
						want = CodeClosed
					case ok && accepted == role:
					case msg == process.MsgDecide && row.state.InReview():
						want = CodeWrongRole
					case msg == process.MsgPassportReturned && role != process.PassportKeeper:
						want = CodeWrongRole
					case msg == process.MsgPassportReturned:
						// No row owes an 因公护照.
						want = CodeWrongStage
					case msg == process.MsgDecide, msg == process.MsgDecideChange:
						// No change request is pending in any row: its decision has no stage.
						want = CodeWrongStage
					case role != student:
						want = CodeNotOwner
					default:
						want = CodeWrongStage
					}
					switch {
					case want == "" && got != nil:
						t.Fatalf("refused with %s (%s), want accepted", got.Code, got.Message)
					case want != "" && got == nil:
						t.Fatalf("accepted, want refused with %s", want)
					case want != "" && got.Code != want:
						t.Fatalf("refused with %s (%s), want %s", got.Code, got.Message, want)
					}
				})
			}
		}
	}
}

// TestDecisionRules checks the rules of a decision's content and its scope.
func TestDecisionRules(t *testing.T) {
	college := tableActor[process.RoleCollegeReviewer]
	otherCollege := college
	otherCollege.College = "LIT"
	second := at("predeparture_second_review")
	firstApprover := Actor{ID: second.Approvers["predeparture_first_review"], Role: process.RoleAcademicAffairs}
	long := make([]rune, process.MaxOpinionRunes+1)
	for i := range long {
		long[i] = '意'
	}
	for _, c := range []struct {
		name  string
		state *State
		req   Request
		want  string
	}{
		{"another college", at("college_review"), Request{Actor: otherCollege, Decision: process.DecisionApprove}, CodeWrongCollege},
		{"return without opinion", at("college_review"), Request{Actor: college, Decision: process.DecisionReturn}, CodeOpinionRequired},
		{"reject without opinion", at("college_review"), Request{Actor: college, Decision: process.DecisionReject, Opinion: " "}, CodeOpinionRequired},
		{"unknown decision", at("college_review"), Request{Actor: college, Decision: "maybe"}, CodeInvalidDecision},
		{"opinion too long", at("college_review"), Request{Actor: college, Decision: process.DecisionApprove, Opinion: string(long)}, CodeOpinionTooLong},
		{"funding before admission", at("college_review"), Request{Actor: college, Decision: process.DecisionApprove, Funding: &Funding{Source: "学校", Amount: 1}}, CodeFundingNotAllowed},
		{"negative funding at admission", at("foreign_review"), Request{Actor: tableActor[process.RoleForeignAffairs], Decision: process.DecisionApprove, Funding: &Funding{Source: "学校", Amount: -1}}, CodeFundingNotAllowed},
		{"funding past the column", at("foreign_review"), Request{Actor: tableActor[process.RoleForeignAffairs], Decision: process.DecisionApprove, Funding: &Funding{Source: "学校", Amount: 1e12}}, CodeFundingNotAllowed},
		{"control character in the opinion", at("college_review"), Request{Actor: college, Decision: process.DecisionReturn, Opinion: "x\x00"}, CodeInvalidText},
		{"control character in the funding note", at("foreign_review"), Request{Actor: tableActor[process.RoleForeignAffairs], Decision: process.DecisionApprove, Funding: &Funding{Source: "学校", Note: "\x1b[31m"}}, CodeInvalidText},
		{"funding at admission", at("foreign_review"), Request{Actor: tableActor[process.RoleForeignAffairs], Decision: process.DecisionApprove, Funding: &Funding{Source: "学校", Amount: 5000}}, ""},
		{"second review by the first reviewer", second, Request{Actor: firstApprover, Decision: process.DecisionApprove}, CodeSameReviewer},
		{"supplement without files", at("college_review"), Request{Actor: tableActor[process.RoleStudent]}, CodeNoAttachments},
		{"unknown message", at("college_review"), Request{Actor: college}, CodeUnknownMessage},
	} {
		t.Run(c.name, func(t *testing.T) {
			msg := process.MsgDecide
			switch c.name {
			case "supplement without files":
				msg = process.MsgSupplement
			case "unknown message":
				msg = "approve-all"
			}
			got := c.state.Check(msg, c.req, tableNow)
			switch {
			case c.want == "" && got != nil:
				t.Fatalf("refused with %s, want accepted", got.Code)
			case c.want != "" && (got == nil || got.Code != c.want):
				t.Fatalf("got %v, want %s", got, c.want)
			}
		})
	}
}

// TestRoutingByApplicant: a review for graduates only is passed by graduate applicants and skipped
// by the others, and the other way round; approving the last review that applies admits.
func TestRoutingByApplicant(t *testing.T) {
	d := process.DefaultDefinition()
	app := &d.Phases[0]
	const gradStage = "graduate_only"
	app.Reviews = []process.Review{
		{Stage: "college_review", Role: process.RoleCollegeReviewer, Status: "申请中", Label: "学院审核"},
		{Stage: "academic_review", Role: process.RoleAcademicAffairs, Status: "申请中", Label: "教务处审核", Applicants: process.Undergraduates},
		{Stage: gradStage, Role: process.RoleAcademicAffairs, Status: "申请中", Label: "研究生审核", Applicants: process.Graduates},
		{Stage: "foreign_review", Role: process.RoleForeignAffairs, Status: "申请中", Label: "外事部门审核"},
	}
	for _, graduate := range []bool{false, true} {
		s := NewState(Input{ApplicationID: 7, StudentID: 1, College: "ECO", Graduate: graduate,
			WindowOpens: tableNow.Add(-time.Hour), WindowCloses: tableNow.Add(time.Hour), Definition: d, Timing: timing()}, tableNow)
		s.Submitted(tableNow)
		var passed []string
		for i := 0; i < 10 && s.InReview() && s.PhaseIndex == 0; i++ {
			passed = append(passed, s.Stage())
			if last := s.IsFinalApproval(); last != s.isAdmission() {
				t.Fatalf("graduate=%v at %s: final approval %v but admission %v", graduate, s.Stage(), last, s.isAdmission())
			}
			approveBy(s, int64(100+i))
		}
		want := fmt.Sprint([]string{"college_review", "academic_review", "foreign_review"})
		if graduate {
			want = fmt.Sprint([]string{"college_review", gradStage, "foreign_review"})
		}
		if fmt.Sprint(passed) != want || s.Status != "已录取" {
			t.Errorf("graduate=%v passed %v and is %s; want %s, admitted", graduate, passed, s.Status, want)
		}
	}
}
