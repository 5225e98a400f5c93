package process_test

import (
	"encoding/json"
	"strings"
	"testing"

	"outbound/process"
	"outbound/storage"
)

func TestTextProblem(t *testing.T) {
	for _, c := range []struct {
		value string
		max   int
		want  string // part of the message; "" when the text is good
	}{
		{"同意", 10, ""},
		{"第一行\n第二行\t缩进\r\n", 20, ""},
		{"x\x00", 10, "控制字符"},
		{"x\u0007y", 10, "控制字符"},
		{"\u0085", 10, "控制字符"},
		{strings.Repeat("意", 11), 10, "不能超过10个字"},
		{strings.Repeat("意", 10), 10, ""},
	} {
		got := process.TextProblem("审核意见", c.value, c.max)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.value, got, c.want)
		}
		if clean := process.CleanText(c.value, c.max); process.TextProblem("x", clean, c.max) != "" {
			t.Errorf("CleanText(%q) = %q is still refused", c.value, clean)
		}
	}
}

// TestRequiredFieldsExist: every required field names a field of its form, so none is "missing" for ever.
func TestRequiredFieldsExist(t *testing.T) {
	for _, c := range []struct {
		form   any
		fields []process.Field
	}{
		{storage.BasicInfo{}, process.BasicInfoRequired},
		{storage.Profile{}, process.ProfileRequired},
	} {
		b, err := json.Marshal(c.form)
		if err != nil {
			t.Fatal(err)
		}
		var keys map[string]any
		if err := json.Unmarshal(b, &keys); err != nil {
			t.Fatal(err)
		}
		for _, f := range c.fields {
			if _, ok := keys[f.Name]; !ok {
				t.Errorf("%T has no field %q (%s)", c.form, f.Name, f.Label)
			}
		}
	}
}

// TestEveryStageHasWords: the web UI shows these labels; none may fall back to the code.
func TestEveryStageHasWords(t *testing.T) {
	d := process.DefaultDefinition()
	for _, stage := range d.Stages() {
		if label := d.StageLabel(stage); label == stage || label == "" {
			t.Errorf("stage %s has no label", stage)
		}
	}
	for _, role := range process.Roles {
		if process.RoleLabels[role] == "" {
			t.Errorf("role %s has no label", role)
		}
	}
	for _, p := range d.Phases {
		kind, ok := d.DeletableKind(p.EditableStage)
		if !ok || len(d.UploadStages(kind)) != 1 || d.UploadStages(kind)[0] != p.EditableStage {
			t.Errorf("phase %s: its own kind %q is uploaded and deleted only while it is editable", p.Name, kind)
		}
	}
	if _, ok := d.DeletableKind("college_review"); ok {
		t.Error("nothing may be deleted under review")
	}
}
