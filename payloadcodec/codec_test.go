package payloadcodec

import (
	"crypto/rand"
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

func key(t *testing.T) []byte {
	k := make([]byte, 32)
	_, err := rand.Read(k)
	require.NoError(t, err)
	return k
}

func TestSealsOpensAndRotates(t *testing.T) {
	old, now := key(t), key(t)
	before, err := New("2025", map[string][]byte{"2025": old})
	require.NoError(t, err)
	after, err := New("2026", map[string][]byte{"2025": old, "2026": now})
	require.NoError(t, err)
	dc := converter.GetDefaultDataConverter()
	plain, err := dc.ToPayload(map[string]string{"name": "学生1", "opinion": "同意"})
	require.NoError(t, err)

	sealedBefore, err := before.Encode([]*commonpb.Payload{plain})
	require.NoError(t, err)
	require.NotContains(t, string(sealedBefore[0].Data), "学生1", "nothing in clear")
	require.Equal(t, "2025", string(sealedBefore[0].Metadata[metaKeyID]))

	// After a rotation new payloads are sealed with the new key and old ones still open.
	opened, err := after.Decode(sealedBefore)
	require.NoError(t, err)
	var back map[string]string
	require.NoError(t, dc.FromPayload(opened[0], &back))
	require.Equal(t, "学生1", back["name"])
	sealedAfter, err := after.Encode([]*commonpb.Payload{plain})
	require.NoError(t, err)
	require.Equal(t, "2026", string(sealedAfter[0].Metadata[metaKeyID]))
	_, err = before.Decode(sealedAfter)
	require.ErrorContains(t, err, "unknown key", "without the key nothing opens")
	// Sealed with the current key itself: a codec that holds only that key opens it.
	onlyNew, err := New("2026", map[string][]byte{"2026": now})
	require.NoError(t, err)
	reopened, err := onlyNew.Decode(sealedAfter)
	require.NoError(t, err)
	require.Equal(t, plain.Data, reopened[0].Data)
	// Each seal has a nonce of its own: the same payload sealed twice differs.
	again, err := after.Encode([]*commonpb.Payload{plain})
	require.NoError(t, err)
	require.NotEqual(t, sealedAfter[0].Data, again[0].Data, "a fresh nonce for every seal")
	require.NotEqual(t, sealedAfter[0].Data[:12], again[0].Data[:12])

	// Histories from before encryption pass through.
	same, err := after.Decode([]*commonpb.Payload{plain})
	require.NoError(t, err)
	require.Equal(t, plain, same[0])

	// A tampered payload does not open.
	sealedAfter[0].Data[len(sealedAfter[0].Data)-1] ^= 1
	_, err = after.Decode(sealedAfter)
	require.Error(t, err)
}

func TestParseKeys(t *testing.T) {
	k := base64.StdEncoding.EncodeToString(key(t))
	keys, err := ParseKeys("a:" + k + ", b:" + k)
	require.NoError(t, err)
	require.Len(t, keys, 2)
	for _, bad := range []string{"nokey", "a:notbase64!", "a:" + base64.StdEncoding.EncodeToString([]byte("short"))} {
		_, err := ParseKeys(bad)
		require.Error(t, err, bad)
	}
	_, err = New("missing", map[string][]byte{"a": key(t)})
	require.Error(t, err)
}
