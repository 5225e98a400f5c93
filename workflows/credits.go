package workflows

// 学分认定: the last phase of a credit-bearing project's applications. Its reviews decide line by
// line; lines are refused, never the application.

import (
	"outbound/process"
)

// phaseApplies reports whether the application goes through a phase: 学分认定 only for a
// credit-bearing project.
func (s *State) phaseApplies(i int) bool {
	return !s.Input.Definition.Phases[i].CreditBearing || s.Input.Credits
}

// checkLines refuses line decisions outside 学分认定, a rejection of a whole request, and a decision
// on a line that is not well formed.
func (s *State) checkLines(req Request) *Refusal {
	if !s.phase().CreditBearing {
		if len(req.Lines) > 0 {
			return refuse(CodeInvalidDecision, "只有学分认定的审核逐门课程决定")
		}
		return nil
	}
	if req.Decision == process.DecisionReject {
		return refuse(CodeInvalidDecision, "学分认定逐门课程决定是否认定，不能整体不通过；如需学生修改请退回")
	}
	if req.Decision != process.DecisionApprove {
		return nil
	}
	if s.ReviewIndex == s.nextReview(0) && len(req.Lines) == 0 {
		return refuse(CodeInvalidDecision, "学分认定的第一道审核须逐门课程作出认定决定")
	}
	if len(req.Lines) > process.MaxCreditLines {
		return refuse(CodeInvalidDecision, "课程行数过多")
	}
	seen := map[int]bool{}
	for _, d := range req.Lines {
		if msg := d.Problem(); msg != "" {
			return refuse(CodeInvalidDecision, msg)
		}
		if seen[d.Line] {
			return refuse(CodeInvalidDecision, "同一门课程只能有一个决定")
		}
		seen[d.Line] = true
	}
	return nil
}
