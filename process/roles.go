package process

import "strings"

// Role is what an account may do.
type Role string

const (
	RoleStudent         Role = "student"
	RoleCollegeReviewer Role = "college_reviewer" // 学院, scoped to one college
	RoleAcademicAffairs Role = "academic_affairs" // 教务处
	RoleForeignAffairs  Role = "foreign_affairs"  // 外事部门 / 国际处
	RoleGraduateSchool  Role = "graduate_school"  // 研究生院: graduate students' academic review
	RoleAdmin           Role = "admin"
)

// Scope is which applications an account of a role sees.
type Scope string

const (
	ScopeOwn       Scope = "own"       // a student's own
	ScopeCollege   Scope = "college"   // one college's, once submitted
	ScopeSubmitted Scope = "submitted" // every submitted one
	ScopeAll       Scope = "all"       // every one, drafts too (administrators)
)

// RoleSpec is a role declared once: its words, what it sees and what it may do. The API's role
// lists, the account checks, the roster's words, the web UI's menus and the review queues derive
// from it; a stage of the Definition names the role that decides it.
type RoleSpec struct {
	Role  Role   `json:"code"`
	Label string `json:"label"`
	Scope Scope  `json:"scope"`
	// Decides: the role reviews stages (a review queue, 审核, the export of its scope).
	Decides bool `json:"decides,omitempty"`
	// Publishes: the role manages projects.
	Publishes bool `json:"publishes,omitempty"`
	// Dashboard: the role reads the statistics of every college.
	Dashboard bool `json:"dashboard,omitempty"`
	// Statistics: the role reads the statistics of its scope (a college's reviewers, their college's).
	Statistics bool `json:"statistics,omitempty"`
	// Courses: the role keeps the home course catalogue and the grade conversion tables (学分认定).
	Courses bool `json:"courses,omitempty"`
	// RosterWords are the words a roster's 角色 column may use for the role, besides its label.
	RosterWords []string `json:"-"`
}

// RoleSpecs lists every role, in the order pages show them.
var RoleSpecs = []RoleSpec{
	{Role: RoleStudent, Label: "学生", Scope: ScopeOwn},
	{Role: RoleCollegeReviewer, Label: "学院审核员", Scope: ScopeCollege, Decides: true, Statistics: true, RosterWords: []string{"学院", "学院审核"}},
	{Role: RoleAcademicAffairs, Label: "教务处", Scope: ScopeSubmitted, Decides: true, Dashboard: true, Courses: true},
	{Role: RoleGraduateSchool, Label: "研究生院", Scope: ScopeSubmitted, Decides: true, Dashboard: true, Courses: true, RosterWords: []string{"研究生处"}},
	{Role: RoleForeignAffairs, Label: "外事部门", Scope: ScopeSubmitted, Decides: true, Publishes: true, Dashboard: true,
		RosterWords: []string{"国际处", "外事处"}},
	{Role: RoleAdmin, Label: "系统管理员", Scope: ScopeAll, Publishes: true, Dashboard: true, Courses: true, RosterWords: []string{"管理员"}},
}

// Roles lists every role, in the order pages show them.
var Roles = RolesWhere(func(RoleSpec) bool { return true })

// RoleLabels are the roles' names as people read them.
var RoleLabels = func() map[Role]string {
	out := map[Role]string{}
	for _, r := range RoleSpecs {
		out[r.Role] = r.Label
	}
	return out
}()

// RolesWhere lists the roles whose declaration passes keep, in order.
func RolesWhere(keep func(RoleSpec) bool) []Role {
	var out []Role
	for _, r := range RoleSpecs {
		if keep(r) {
			out = append(out, r.Role)
		}
	}
	return out
}

// RoleCodes lists the roles' codes, joined by sep, for messages and help that ask for one.
func RoleCodes(sep string) string {
	codes := make([]string, len(Roles))
	for i, r := range Roles {
		codes[i] = string(r)
	}
	return strings.Join(codes, sep)
}

// Spec is the role's declaration (the zero RoleSpec for an unknown role, which may do nothing).
func (r Role) Spec() RoleSpec {
	for _, s := range RoleSpecs {
		if s.Role == r {
			return s
		}
	}
	return RoleSpec{}
}

// Scoped reports whether accounts of the role belong to one college.
func (r Role) Scoped() bool { s := r.Spec().Scope; return s == ScopeOwn || s == ScopeCollege }

// ContactOffice is whom people are told to ask when the system cannot help them: the office's one
// name in the system (外事部门), as its role's label says.
const ContactOffice = "请联系外事部门"
