//go:build integration

package api_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"outbound/storage"
	"outbound/storage/demo"
)

// TestIdentityNumbersAreSealedAtRest: 身份证号 and 护照号 are stored sealed — in the profile, the
// application and its submitted snapshot — and read back in clear through the application; a
// database session without the keys cannot open them; a value written in clear before is sealed by
// housekeeping, and a new key takes over every value, the old key still opening what it sealed.
func TestIdentityNumbersAreSealedAtRest(t *testing.T) {
	ctx := context.Background()
	db := env.Services.Store.DB
	idCard := demo.IDCard("120101", "20030101", 11)
	s, app := submitted(t, "LIT", newProject(t, projectSpec{}))
	me := s.call("GET", "/me", nil).num("id")

	var raw struct {
		IDCard   string `db:"id_card_no"`
		Passport string `db:"passport_no"`
		Snapshot string `db:"snapshot"`
	}
	read := func() {
		require.NoError(t, db.GetContext(ctx, &raw, `SELECT id_card_no, passport_no,
			(SELECT string_agg(content::text, '') FROM submission_snapshots WHERE application_id = ap.id) AS snapshot
			FROM applications ap WHERE id = $1`, app))
	}
	read()
	require.Regexp(t, `^enc:t1:`, raw.IDCard)
	require.Regexp(t, `^enc:t1:`, raw.Passport)
	require.NotContains(t, raw.IDCard+raw.Passport+raw.Snapshot, idCard, "no number in clear in the database")
	require.NotContains(t, raw.Snapshot, "E12345678")
	require.Contains(t, raw.Snapshot, "enc:t1:")
	got := s.call("GET", pathf("/applications/%d", app), nil)
	require.Equal(t, idCard, got.str("application.form.idCardNo"), "read back in clear by whoever may see it")
	require.Equal(t, "E12345678", got.str("application.form.passportNo"))

	// The profile too; a value written in clear before sealing began still reads, until housekeeping seals it.
	_, err := db.ExecContext(ctx, `UPDATE student_profiles SET id_card_no = $2 WHERE account_id = $1`, me, idCard)
	require.NoError(t, err)
	require.Equal(t, idCard, s.call("GET", "/profile", nil).str("profile.idCardNo"))
	_, err = env.Services.Store.ResealFields(ctx, 1000)
	require.NoError(t, err)
	var profileRaw string
	require.NoError(t, db.GetContext(ctx, &profileRaw, `SELECT id_card_no FROM student_profiles WHERE account_id = $1`, me))
	require.Regexp(t, `^enc:t1:`, profileRaw)
	require.Equal(t, idCard, s.call("GET", "/profile", nil).str("profile.idCardNo"))

	// Without the keys, a session of the database cannot open them.
	keyless, err := storage.Open(ctx, env.Services.Config.Database.URL, 1, storage.FieldKeys{})
	require.NoError(t, err)
	defer keyless.Close()
	var opened string
	require.Error(t, keyless.DB.GetContext(ctx, &opened, `SELECT outbound_open(id_card_no) FROM applications WHERE id = $1`, app))

	// Rotation: a new key seals everything again; the old one still opens until then. Then back, so
	// that the rest of the suite reads with its own key.
	rotate := func(keys, current string) *storage.Store {
		st, err := storage.Open(ctx, env.Services.Config.Database.URL, 2, storage.FieldKeys{Keys: keys, Current: current})
		require.NoError(t, err)
		for {
			n, err := st.ResealFields(ctx, 1000)
			require.NoError(t, err)
			if n == 0 {
				return st
			}
		}
	}
	old := env.Services.Config.Database.FieldKeys
	both := old + ",t2:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVoxMjM0NTY="
	rotated := rotate(both, "t2")
	defer rotated.Close()
	read()
	require.Regexp(t, `^enc:t2:`, raw.IDCard)
	require.Contains(t, raw.Snapshot, "enc:t2:")
	require.NotContains(t, raw.Snapshot, "enc:t1:")
	require.NoError(t, rotated.DB.GetContext(ctx, &opened, `SELECT outbound_open(id_card_no) FROM applications WHERE id = $1`, app))
	require.Equal(t, idCard, opened)
	back := rotate(both, "t1")
	defer back.Close()
	read()
	require.Regexp(t, `^enc:t1:`, raw.IDCard)
	require.Equal(t, idCard, s.call("GET", pathf("/applications/%d", app), nil).str("application.form.idCardNo"))
}
