package storage

import "github.com/lib/pq"

func stringArray(s []string) pq.StringArray { return pq.StringArray(s) }

// RawJSON passes a JSONB column through as it is.
type RawJSON []byte

// Scan reads the column.
func (r *RawJSON) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*r = nil
	case []byte:
		*r = append((*r)[:0], v...)
	case string:
		*r = RawJSON(v)
	}
	return nil
}

// MarshalJSON writes it unchanged (null when empty).
func (r RawJSON) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}
