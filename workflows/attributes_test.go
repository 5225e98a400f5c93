package workflows

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSearchAttributeBudget: Temporal's SQL visibility (PostgreSQL here) holds at most 3 custom Bool
// and 3 Datetime attributes (and a few of the other types); an attribute past the budget would fail
// its registration at start-up. New marks go into the Alerts KeywordList instead.
func TestSearchAttributeBudget(t *testing.T) {
	perType := map[string]int{}
	for _, kind := range SearchAttributeTypes {
		perType[kind]++
	}
	budget := map[string]int{"Bool": 3, "Datetime": 3, "Keyword": 10, "KeywordList": 3}
	for kind, n := range perType {
		max, ok := budget[kind]
		require.True(t, ok, "no budget known for %s attributes", kind)
		require.LessOrEqual(t, n, max, "%s attributes", kind)
	}
	require.Equal(t, "KeywordList", SearchAttributeTypes["Alerts"], "the alerts are one KeywordList")
}
