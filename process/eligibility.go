package process

import (
	"slices"
	"strconv"
	"strings"
)

// Eligibility is a project's rules on who may apply (申请对象、申请年级、招生专业、GPA要求).
type Eligibility struct {
	DegreeLevels []string
	Grades       []string
	Majors       []string
	MinGPA       *float64
}

// Candidate is a student as the rules read them; a nil GPA is not checked (it is known only
// once the application's 申请信息 holds one).
type Candidate struct {
	DegreeLevel, Grade, Major string
	GPA                       *float64
}

// EligibilityProblem is a rule the candidate does not meet; Field is degreeLevel, grade, major or gpa.
type EligibilityProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// CheckEligibility lists the rules the candidate does not meet: one check for the project list,
// the project page, step 2 and the submission.
func CheckEligibility(e Eligibility, c Candidate) []EligibilityProblem {
	var out []EligibilityProblem
	if len(e.DegreeLevels) > 0 && !slices.Contains(e.DegreeLevels, c.DegreeLevel) {
		out = append(out, EligibilityProblem{"degreeLevel", "该项目的申请对象为" + strings.Join(e.DegreeLevels, "、") + "，您的在读学历不符合"})
	}
	if len(e.Grades) > 0 && !slices.Contains(e.Grades, c.Grade) {
		out = append(out, EligibilityProblem{"grade", "该项目的申请年级为" + strings.Join(e.Grades, "、") + "，您的年级不符合"})
	}
	if len(e.Majors) > 0 && !slices.Contains(e.Majors, c.Major) {
		out = append(out, EligibilityProblem{"major", "该项目的招生专业为" + strings.Join(e.Majors, "、") + "，您的专业不符合"})
	}
	if e.MinGPA != nil && c.GPA != nil && *c.GPA < *e.MinGPA {
		out = append(out, EligibilityProblem{"gpa", "该项目要求GPA不低于" + strconv.FormatFloat(*e.MinGPA, 'f', 2, 64)})
	}
	return out
}
