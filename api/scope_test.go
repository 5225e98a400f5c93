//go:build integration

package api_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestOfficesNeverSeeDrafts: an application never handed in is its student's alone. 教务处, 外事部门
// and the college's reviewer find it neither in their lists nor by its id, while a submitted one of
// the same project is there (so that an empty or refused list cannot pass for "not listed").
func TestOfficesNeverSeeDrafts(t *testing.T) {
	project := newProject(t, projectSpec{})
	_, submittedID := submitted(t, "LIT", project)
	draftStudent := newStudent(t, "LIT")
	d := newDraft(t, draftStudent, project)
	for _, username := range []string{"jwc1", "wsc", "lit-reviewer", "yjsy"} {
		c := login(t, username)
		list := c.call("GET", fmt.Sprintf("/applications?projectId=%d&pageSize=100", project), nil)
		require.Equal(t, 200, list.status, username)
		var ids []int64
		for _, it := range list.list("items") {
			ids = append(ids, int64(it.(map[string]any)["application"].(map[string]any)["id"].(float64)))
		}
		require.Contains(t, ids, submittedID, "%s sees the submitted application", username)
		require.NotContains(t, ids, d.id, "%s does not see the draft in the list", username)
		require.Equal(t, 404, c.call("GET", pathf("/applications/%d", d.id), nil).status, "%s cannot open the draft", username)
	}
	// The administrator sees every application, drafts too; the student their own.
	require.Equal(t, 200, login(t, "admin").call("GET", pathf("/applications/%d", d.id), nil).status)
	require.Equal(t, 200, draftStudent.call("GET", pathf("/applications/%d", d.id), nil).status)
}
