package api

import (
	"context"
	"regexp"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestEveryOperationIsNamed: a client generated from the contract has a method per operation, with
// the name a campus developer would call (submitApplication, listReviewQueue), and every tag says
// what it groups.
func TestEveryOperationIsNamed(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`^[a-z][A-Za-z0-9]+$`)
	seen := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			where := method + " " + path
			switch {
			case op.OperationID == "":
				t.Errorf("%s has no operationId", where)
			case !name.MatchString(op.OperationID):
				t.Errorf("%s: operationId %q is not a lowerCamelCase verb phrase", where, op.OperationID)
			case seen[op.OperationID] != "":
				t.Errorf("%s and %s share the operationId %q", seen[op.OperationID], where, op.OperationID)
			}
			seen[op.OperationID] = where
		}
	}
	for _, tag := range doc.Tags {
		if tag.Description == "" {
			t.Errorf("tag %s has no description", tag.Name)
		}
	}
}
