package storage

import (
	"strconv"
	"strings"

	"outbound/process"
)

// The SQL of the application's forms is derived from process.Form: a field is one entry there and
// one column in a migration, nothing here.

// formSelect reads every field of the catalogue into one JSON object, keyed by the fields' names;
// listFormSelect only the fields that are not personal data, which lists never carry (and a list of
// 20 rows then builds a smaller object for each).
var (
	formSelect     = formObject(func(process.FormField) bool { return true })
	listFormSelect = formObject(func(f process.FormField) bool { return !f.Personal })
)

// formObject is the SQL of one JSON object of the fields keep keeps.
func formObject(keep func(process.FormField) bool) string {
	var parts []string
	for _, f := range process.Form {
		if keep(f) {
			parts = append(parts, pqString(f.Name), formRead(f))
		}
	}
	// jsonb_build_object takes at most 100 arguments: one object per 50 fields, merged.
	var objects []string
	for len(parts) > 0 {
		n := min(len(parts), 100)
		objects = append(objects, "jsonb_build_object("+strings.Join(parts[:n], ", ")+")")
		parts = parts[n:]
	}
	return strings.Join(objects, " || ")
}

// formRead is the SQL that reads a field as its JSON value.
func formRead(f process.FormField) string {
	if f.Expr != "" {
		return f.Expr
	}
	col := "ap." + f.Column
	if f.Sealed {
		return "outbound_open(" + col + ")"
	}
	switch f.Kind {
	case process.FieldDate:
		return "to_char(" + col + ", 'YYYY-MM-DD')"
	case process.FieldNumber:
		return col + "::float8"
	}
	return col
}

// formPrefill lists the columns a new draft fills from the profile, and their values.
func formPrefill() (columns, values string) {
	var cs, vs []string
	for _, f := range process.Form {
		if f.Prefill != "" {
			cs, vs = append(cs, f.Column), append(vs, f.Prefill)
		}
	}
	return strings.Join(cs, ", "), strings.Join(vs, ", ")
}

// savedAt is the column that records when each section was last saved.
var savedAt = map[string]string{process.SectionBasic: "basic_saved_at", process.SectionApply: "info_saved_at", process.SectionTravel: "travel_saved_at"}

// formUpdate is the SET list that saves a section, with its arguments from $2 on.
func formUpdate(section string, values process.Values) (string, []any) {
	var set []string
	var args []any
	for _, f := range process.FieldsOf(section) {
		if f.Derived && f.Column == "" {
			continue
		}
		args = append(args, formArg(f, values))
		arg := "$" + strconv.Itoa(len(args)+1)
		if f.Sealed {
			arg = "outbound_seal(" + arg + ")"
		}
		set = append(set, f.Column+" = "+arg)
	}
	return strings.Join(append(set, savedAt[section]+" = now()"), ", "), args
}

// formArg is a value as its column takes it: empty dates and numbers are NULL, an empty text is empty.
func formArg(f process.FormField, values process.Values) any {
	switch f.Kind {
	case process.FieldDate:
		if values.Empty(f.Name) {
			return nil
		}
		return values.Text(f.Name)
	case process.FieldNumber:
		return values.Number(f.Name)
	case process.FieldBool:
		return values.Bool(f.Name)
	}
	return values.Text(f.Name)
}

func pqString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
