//go:build integration

package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"outbound/api"
	"outbound/process"
)

// Who may call what, written down apart from the route table: a route added
// without a rule here fails TestAuthorizationMatrix.
var accessRules = map[string]string{
	"POST /auth/login":                                 "public",
	"GET /auth/config":                                 "public",
	"GET /auth/cas/login":                              "public",
	"GET /auth/cas/callback":                           "public",
	"GET /auth/cas/logout":                             "public",
	"POST /auth/logout":                                "all",
	"GET /me":                                          "all",
	"POST /me/password":                                "all",
	"GET /profile":                                     "student",
	"PUT /profile":                                     "student",
	"POST /profile/learning-experiences":               "student",
	"PUT /profile/learning-experiences/:eid":           "student",
	"DELETE /profile/learning-experiences/:eid":        "student",
	"PUT /profile/photo":                               "student",
	"GET /profile/photo":                               "student",
	"GET /projects":                                    "all",
	"GET /projects/:pid":                               "all",
	"POST /projects":                                   "foreign_affairs admin",
	"PUT /projects/:pid":                               "foreign_affairs admin",
	"POST /projects/:pid/publish":                      "foreign_affairs admin",
	"POST /projects/:pid/unpublish":                    "foreign_affairs admin",
	"POST /projects/:pid/copy":                         "foreign_affairs admin",
	"GET /colleges":                                    "all",
	"POST /colleges":                                   "admin",
	"PUT /colleges/:code":                              "admin",
	"GET /colleges/template":                           "admin",
	"POST /colleges/import":                            "admin",
	"GET /roster/template":                             "admin",
	"POST /roster/import":                              "admin",
	"GET /notice":                                      "all",
	"PUT /notice":                                      "foreign_affairs admin",
	"GET /event-endpoints":                             "admin",
	"POST /event-endpoints":                            "admin",
	"PUT /event-endpoints/:eid":                        "admin",
	"POST /event-endpoints/:eid/rotate-secret":         "admin",
	"GET /event-endpoints/:eid/deliveries":             "admin",
	"POST /event-endpoints/:eid/redeliver":             "admin",
	"GET /opinion-phrases":                             "college_reviewer academic_affairs graduate_school foreign_affairs admin",
	"PUT /opinion-phrases":                             "foreign_affairs admin",
	"GET /process":                                     "all",
	"POST /applications":                               "student",
	"GET /applications":                                "all",
	"GET /applications/:id":                            "all",
	"PUT /applications/:id/basic-info":                 "student",
	"PUT /applications/:id/apply-info":                 "student",
	"POST /applications/:id/language-scores":           "student",
	"PUT /applications/:id/language-scores/:sid":       "student",
	"DELETE /applications/:id/language-scores/:sid":    "student",
	"POST /applications/:id/awards":                    "student",
	"PUT /applications/:id/awards/:wid":                "student",
	"DELETE /applications/:id/awards/:wid":             "student",
	"POST /applications/:id/attachments":               "student",
	"DELETE /applications/:id/attachments/:aid":        "student",
	"GET /applications/:id/attachments/:aid":           "all",
	"GET /applications/:id/photo":                      "all",
	"GET /applications/:id/qr":                         "all",
	"GET /applications/:id/next":                       "all",
	"POST /applications/:id/supplements":               "student",
	"POST /applications/:id/submit":                    "student",
	"POST /applications/:id/withdraw":                  "student",
	"POST /applications/:id/delete":                    "student",
	"POST /applications/:id/submit-predeparture":       "student",
	"POST /applications/:id/submit-return-report":      "student",
	"POST /applications/:id/give-up":                   "student",
	"POST /applications/:id/check-in":                  "student",
	"PUT /applications/:id/travel-info":                "student",
	"POST /applications/:id/change-requests":           "student",
	"POST /applications/:id/return":                    "student",
	"POST /applications/:id/change-requests/decide":    "college_reviewer academic_affairs graduate_school foreign_affairs",
	"GET /abroad":                                      "college_reviewer academic_affairs graduate_school foreign_affairs admin",
	"GET /exports/abroad.xlsx":                         "college_reviewer academic_affairs graduate_school foreign_affairs admin",
	"GET /duty-contacts":                               "foreign_affairs admin",
	"GET /calendar-days":                               "foreign_affairs admin",
	"PUT /calendar-days/:year":                         "foreign_affairs admin",
	"POST /applications/:id/passport-returned":         "foreign_affairs",
	"GET /applications/:id/credit-lines":               "all",
	"PUT /applications/:id/credit-lines":               "student",
	"POST /applications/:id/submit-credits":            "student",
	"GET /home-courses":                                "all",
	"POST /home-courses/import":                        "academic_affairs graduate_school admin",
	"GET /grade-conversions":                           "all",
	"POST /grade-conversions/import":                   "academic_affairs graduate_school admin",
	"GET /exports/credits.xlsx":                        "college_reviewer academic_affairs graduate_school foreign_affairs admin",
	"GET /selection-rounds":                            "college_reviewer foreign_affairs admin",
	"GET /projects/:pid/selection":                     "college_reviewer foreign_affairs admin",
	"POST /projects/:pid/selection/rank":               "college_reviewer",
	"POST /projects/:pid/selection/interviews":         "foreign_affairs",
	"POST /projects/:pid/selection/scores":             "foreign_affairs",
	"POST /projects/:pid/selection/proposal":           "foreign_affairs",
	"POST /projects/:pid/selection/objections/resolve": "foreign_affairs",
	"GET /publicity":                                   "public",
	"GET /publicity/:rid":                              "public",
	"POST /publicity/:rid/objections":                  "all",
	"GET /publicity/:rid/export.xlsx":                  "all",
	"PUT /duty-contacts":                               "foreign_affairs admin",
	"POST /applications/:id/decide":                    "college_reviewer academic_affairs graduate_school foreign_affairs",
	"GET /reviews":                                     "college_reviewer academic_affairs graduate_school foreign_affairs admin",
	"POST /reviews/batch-approve":                      "college_reviewer academic_affairs graduate_school foreign_affairs",
	"GET /exports/applications.xlsx":                   "college_reviewer academic_affairs graduate_school foreign_affairs admin",
	"GET /dashboard":                                   "academic_affairs graduate_school foreign_affairs admin",
	"GET /statistics":                                  "college_reviewer academic_affairs graduate_school foreign_affairs admin",
	"GET /statistics/report.xlsx":                      "college_reviewer academic_affairs graduate_school foreign_affairs admin",
	"GET /partners":                                    "college_reviewer academic_affairs graduate_school foreign_affairs admin",
	"POST /partners":                                   "foreign_affairs admin",
	"PUT /partners/:pid":                               "foreign_affairs admin",
	"GET /accounts":                                    "admin",
	"POST /accounts":                                   "admin",
	"PUT /accounts/:aid":                               "admin",
	"POST /accounts/:aid/password":                     "admin",
	"GET /audit":                                       "admin",
	"POST /temporal-codec/:op":                         "admin",
	"GET /notifications":                               "all",
	"GET /notifications/unread":                        "all",
	"POST /notifications/:nid/read":                    "all",
	"POST /notifications/read-all":                     "all",
}

func allowedRoles(rule string) []process.Role {
	if rule == "all" {
		return process.Roles
	}
	var out []process.Role
	for _, r := range strings.Fields(rule) {
		out = append(out, process.Role(r))
	}
	return out
}

// TestAuthorizationMatrix calls every endpoint as every role, on resources of
// their own and of others (another student, another college).
func TestAuthorizationMatrix(t *testing.T) {
	project := newProject(t, projectSpec{})
	owner, app := submitted(t, "LIT", project)
	files := owner.call("GET", pathf("/applications/%d", app), nil)
	fileID := int64(files.list("requirements")[0].(map[string]any)["files"].([]any)[0].(map[string]any)["id"].(float64))
	other := newStudent(t, "LIT")
	users := map[process.Role]*client{
		process.RoleStudent: owner, process.RoleCollegeReviewer: login(t, "lit-reviewer"), process.RoleAcademicAffairs: login(t, "jwc1"),
		process.RoleForeignAffairs: login(t, "wsc"), process.RoleGraduateSchool: login(t, "yjsy"), process.RoleAdmin: login(t, "admin"),
	}
	outsiders := map[process.Role]*client{process.RoleStudent: other, process.RoleCollegeReviewer: login(t, "sci-reviewer")}
	accountID := users[process.RoleAdmin].call("GET", "/me", nil).num("id")
	params := strings.NewReplacer(":id", fmt.Sprint(app), ":aid", fmt.Sprint(fileID), ":pid", fmt.Sprint(project),
		":eid", "999999", ":sid", "999999", ":wid", "999999", ":nid", "999999")

	seen := map[string]bool{}
	for _, r := range api.RouteRules() {
		key := r.Method + " " + r.Path
		seen[key] = true
		rule, ok := accessRules[key]
		require.True(t, ok, "no access rule for the new route %s: add it to accessRules", key)
		if rule == "public" {
			require.True(t, r.Public, "%s should be public", key)
			continue
		}
		require.False(t, r.Public, "%s must require sign-in", key)
		want := allowedRoles(rule)
		require.ElementsMatch(t, want, r.Roles, "the route table's roles for %s", key)
		path := params.Replace(r.Path)
		if strings.HasPrefix(r.Path, "/accounts/:aid") {
			path = strings.Replace(r.Path, ":aid", fmt.Sprint(accountID), 1)
		}
		// Without a session: 401.
		anon := newClient(t)
		res := anon.call(r.Method, path, body(r.Method))
		require.Equal(t, 401, res.status, "%s without a session", key)
		if key == "POST /auth/logout" {
			continue // signing every role out would end the sessions the matrix uses; TestSignIn covers it
		}
		for _, role := range process.Roles {
			res := users[role].call(r.Method, path, body(r.Method))
			if slices.Contains(want, role) {
				require.NotContains(t, []int{401, 403}, res.status, "%s as %s (own resource): %s", key, role, res.body)
			} else {
				require.Equal(t, 403, res.status, "%s as %s must be refused: %s", key, role, res.body)
			}
		}
		// Another student, another college: someone else's application does not exist for them.
		if strings.HasPrefix(r.Path, "/applications/:id") {
			for role, c := range outsiders {
				if !slices.Contains(want, role) {
					continue
				}
				res := c.call(r.Method, path, body(r.Method))
				require.Equal(t, 404, res.status, "%s as another %s: %s", key, role, res.body)
			}
		}
	}
	for key := range accessRules {
		require.True(t, seen[key], "accessRules names %s, which is not a route", key)
	}
}

func body(method string) any {
	if method == "POST" || method == "PUT" {
		return map[string]any{}
	}
	return nil
}
