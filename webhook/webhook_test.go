package webhook

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestVerify: a delivery verifies with its secret and body; a changed body, another secret, a
// timestamp replayed later or sent from the future, and a missing header do not.
func TestVerify(t *testing.T) {
	secret, err := NewSecret()
	require.NoError(t, err)
	at := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":7,"type":"application.admitted"}`)
	h := http.Header{}
	h.Set(HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
	h.Set(HeaderSignature, Sign(secret, at, body))

	require.NoError(t, Verify(secret, h, body, at.Add(time.Minute)))
	require.ErrorIs(t, Verify(secret, h, []byte(`{"id":7,"type":"application.closed"}`), at), ErrForged)
	other, _ := NewSecret()
	require.ErrorIs(t, Verify(other, h, body, at), ErrForged)
	require.ErrorIs(t, Verify(secret, h, body, at.Add(Tolerance+time.Second)), ErrStale, "replayed later")
	require.ErrorIs(t, Verify(secret, h, body, at.Add(-Tolerance-time.Second)), ErrStale)
	// A timestamp moved forward with the old signature is forged.
	moved := h.Clone()
	moved.Set(HeaderTimestamp, strconv.FormatInt(at.Add(time.Hour).Unix(), 10))
	require.ErrorIs(t, Verify(secret, moved, body, at.Add(time.Hour)), ErrForged)
	require.ErrorIs(t, Verify(secret, http.Header{}, body, at), ErrForged)
}
