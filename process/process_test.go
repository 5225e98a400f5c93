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

// TestCatalogue: every field of the forms is declared whole, once: a unique name, one label
// (the same word everywhere, so none may be used twice), a section, a kind it can be checked by,
// and where the read model keeps it.
func TestCatalogue(t *testing.T) {
	names, labels := map[string]bool{}, map[string]bool{}
	for _, f := range process.Form {
		if f.Name == "" || f.Label == "" || process.SectionLabels[f.Section] == "" {
			t.Errorf("%+v: a field needs a name, a label and a known section", f)
		}
		if names[f.Name] || labels[f.Label] {
			t.Errorf("%s (%s) is declared twice", f.Name, f.Label)
		}
		names[f.Name], labels[f.Label] = true, true
		if (f.Column == "") == (f.Expr == "") {
			t.Errorf("%s: a field is read from one column or one expression", f.Name)
		}
		if f.Personal && f.Export {
			t.Errorf("%s: personal data is kept out of exports", f.Name)
		}
		if f.Expr != "" && !f.Derived {
			t.Errorf("%s: a field read from an expression cannot be saved, so it must be derived", f.Name)
		}
		switch f.Kind {
		case process.FieldChoice:
			if len(f.Options) == 0 {
				t.Errorf("%s: a choice without options", f.Name)
			}
		case process.FieldNumber:
			if len(f.Range) != 2 || f.Range[0] >= f.Range[1] {
				t.Errorf("%s: a number without a range", f.Name)
			}
		}
	}
}

// TestFieldProblems: each kind refuses what it must, naming the field by its label.
func TestFieldProblems(t *testing.T) {
	field := func(name string) process.FormField {
		f, ok := process.FormFieldNamed(name)
		if !ok {
			t.Fatalf("no field %s", name)
		}
		return f
	}
	form := process.Values{"birthDate": "2003-01-01", "gender": "男"}
	for _, c := range []struct {
		field string
		value any
		want  string // part of the message; "" for accepted
	}{
		{"nameCn", "张三", ""}, {"nameCn", "张\x00三", "控制字符"}, {"nameCn", strings.Repeat("长", 101), "不能超过100"},
		{"nameCn", 5.0, "应为文字"}, {"gender", "未知", "性别应为"}, {"birthDate", "2003-13-01", "出生日期格式"},
		{"gpa", 5.5, "GPA应在0到5之间"}, {"gpa", "3.5", "GPA应为数字"}, {"gpa", 3.5, ""}, {"phone", "123", "手机号码应为11位"},
		{"email", "a@b", "电子邮件格式"}, {"passportNo", "E1", "护照号"}, {"idCardNo", "110105200301010011", "校验位"},
		{"supervisorPhone", "022-12345678", ""}, {"nameCn", nil, ""}, {"gpa", nil, ""},
	} {
		got := field(c.field).Problem(c.value, form)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s = %v: got %q, want %q", c.field, c.value, got, c.want)
		}
	}
}

// TestJourneyAndRouting: the tracker covers every open stage once, so that no application shows
// step −1; each phase has a review for every applicant, graduate or not; the printed form has a
// signature block for each review of the application phase.
func TestJourneyAndRouting(t *testing.T) {
	d := process.DefaultDefinition()
	covered := map[string]int{}
	for _, step := range d.Journey() {
		if step.Label == "" {
			t.Errorf("a tracker step without words: %+v", step)
		}
		for _, st := range step.Stages {
			covered[st]++
		}
	}
	for _, p := range d.Phases {
		stages := []string{p.EditableStage}
		for _, graduate := range []bool{false, true} {
			n := 0
			for _, r := range p.Reviews {
				if r.Applicants.Include(graduate) {
					n++
				}
			}
			if n == 0 {
				t.Errorf("phase %s has no review for graduate=%v", p.Name, graduate)
			}
		}
		for _, r := range p.Reviews {
			stages = append(stages, r.Stage)
			if p.Name == process.PhaseApplication && r.Office == "" {
				t.Errorf("%s: a review of the application phase signs the printed form", r.Stage)
			}
		}
		for _, st := range stages {
			if covered[st] != 1 {
				t.Errorf("stage %s is on the tracker %d times", st, covered[st])
			}
		}
	}
	if !d.Admits(d.Phases[0].Reviews[len(d.Phases[0].Reviews)-1].Stage) || d.Admits(d.Phases[0].Reviews[0].Stage) {
		t.Error("only the application phase's last review admits")
	}
}
