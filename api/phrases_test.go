//go:build integration

package api_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"outbound/process"
)

// TestOfficeKeepsOpinionPhrases: reviewers are offered the process's ready-made opinions until the
// foreign affairs office saves its own; a list with a wrong line saves nothing and names the line;
// only the office may change it, and the change is audited.
func TestOfficeKeepsOpinionPhrases(t *testing.T) {
	wsc, reviewer := login(t, "wsc"), login(t, "lit-reviewer")
	t.Cleanup(func() { wsc.call("PUT", "/opinion-phrases", map[string]any{"phrases": process.DefaultOpinionPhrases}) })
	before := reviewer.call("GET", "/opinion-phrases", nil)
	require.Equal(t, 200, before.status, string(before.body))
	require.Equal(t, 403, newStudent(t, "LIT").call("GET", "/opinion-phrases", nil).status)
	require.Equal(t, 403, reviewer.call("PUT", "/opinion-phrases", map[string]any{"phrases": map[string]any{}}).status)

	for _, bad := range []struct {
		phrases map[string]any
		field   string
		says    string
	}{
		{map[string]any{"approve": []string{"同意", "同意\x07推荐"}}, "phrases.approve.1", "常用意见"},
		{map[string]any{"approve": []string{strings.Repeat("长", process.MaxPhraseRunes+1)}}, "phrases.approve.0", "常用意见"},
		{map[string]any{"approve": []string{"同意", " 同意 "}}, "phrases.approve.1", "重复"},
		{map[string]any{"maybe": []string{"再议"}}, "phrases.maybe", "不存在"},
	} {
		r := wsc.call("PUT", "/opinion-phrases", map[string]any{"phrases": bad.phrases})
		require.Equal(t, 422, r.status, string(r.body))
		require.Contains(t, r.errField(bad.field), bad.says, string(r.body))
	}
	many := make([]string, process.MaxOpinionPhrases+1)
	for i := range many {
		many[i] = "意见" + strings.Repeat("好", i+1)
	}
	r := wsc.call("PUT", "/opinion-phrases", map[string]any{"phrases": map[string]any{"return": many}})
	require.Equal(t, 422, r.status)
	require.Contains(t, r.errField("phrases.return"), "最多")
	after := reviewer.call("GET", "/opinion-phrases", nil)
	require.Equal(t, string(before.body), string(after.body), "a refused list saves nothing")

	r = wsc.call("PUT", "/opinion-phrases", map[string]any{"phrases": map[string]any{
		"approve": []string{" 经审核，同意推荐 ", "", "同意"}, "return": []string{"请补充成绩单"}}})
	require.Equal(t, 200, r.status, string(r.body))
	got := reviewer.call("GET", "/opinion-phrases", nil)
	require.Equal(t, true, got.get("kept"))
	require.Equal(t, []any{"经审核，同意推荐", "同意"}, got.get("phrases.approve"), "trimmed, blank lines dropped, in order")
	require.Equal(t, []any{"请补充成绩单"}, got.get("phrases.return"))
	require.Equal(t, []any{}, got.get("phrases.reject"), "a decision left out offers nothing")

	audit := login(t, "admin").call("GET", "/audit?action=opinion_phrases.update&pageSize=5", nil)
	require.Equal(t, 200, audit.status, string(audit.body))
	require.Equal(t, "opinion_phrases.update", audit.str("items.0.action"), string(audit.body))
}
