package process

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Values are a form's values by field name, as JSON holds them: strings (dates as YYYY-MM-DD),
// numbers as float64, booleans, nil for an empty date or number.
type Values map[string]any

// Text reads a value as people read it; empty for nil.
func (v Values) Text(name string) string {
	switch x := v[name].(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "是"
		}
		return "否"
	default:
		return fmt.Sprint(x)
	}
}

// Number reads a number; nil when empty.
func (v Values) Number(name string) *float64 {
	if n, ok := v[name].(float64); ok {
		return &n
	}
	return nil
}

// Bool reads a yes or no.
func (v Values) Bool(name string) bool { b, _ := v[name].(bool); return b }

// Date reads a date, in the university's zone; false when empty or malformed.
func (v Values) Date(name string) (time.Time, bool) {
	s, _ := v[name].(string)
	t, err := time.ParseInLocation("2006-01-02", s, Zone)
	return t, err == nil
}

// Empty reports whether a value is missing.
func (v Values) Empty(name string) bool {
	x := v[name]
	return x == nil || x == ""
}

// Scan reads the JSON object the read model builds from the catalogue.
func (v *Values) Scan(src any) error {
	var b []byte
	switch x := src.(type) {
	case nil:
		*v = Values{}
		return nil
	case []byte:
		b = x
	case string:
		b = []byte(x)
	default:
		return fmt.Errorf("process.Values: cannot scan %T", src)
	}
	*v = Values{}
	return json.Unmarshal(b, v)
}
