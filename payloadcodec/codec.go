// Package payloadcodec encrypts what Outbound's workflows keep in Temporal's
// history — students' names, opinions, funding — with AES-GCM, so that anyone
// who can read the history without the key sees no personal data. Each
// payload names the key it was sealed with, so keys can be rotated: a new key
// seals from now on, the old ones still open what they sealed. Payloads that
// were never encrypted (histories from before) pass through unchanged.
package payloadcodec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"
)

const (
	// Encoding marks a payload this codec sealed.
	Encoding    = "binary/encrypted"
	metaKeyID   = "encryption-key-id"
	metaEncoded = "encoding"
)

// Codec seals payloads with the current key and opens them with any known key.
type Codec struct {
	current string
	keys    map[string]cipher.AEAD
}

var _ converter.PayloadCodec = (*Codec)(nil)

// ParseKeys reads "id:base64key,id:base64key" (each key 32 bytes, AES-256).
func ParseKeys(s string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		id, encoded, ok := strings.Cut(item, ":")
		if !ok || id == "" {
			return nil, fmt.Errorf("%q is not id:base64key", item)
		}
		key, err := base64.StdEncoding.DecodeString(encoded)
		if err != nil || len(key) != 32 {
			return nil, fmt.Errorf("key %q must be 32 bytes in base64", id)
		}
		out[id] = key
	}
	return out, nil
}

// New is a codec that seals with the key of currentID.
func New(currentID string, keys map[string][]byte) (*Codec, error) {
	c := &Codec{current: currentID, keys: map[string]cipher.AEAD{}}
	for id, key := range keys {
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", id, err)
		}
		if c.keys[id], err = cipher.NewGCM(block); err != nil {
			return nil, fmt.Errorf("key %q: %w", id, err)
		}
	}
	if _, ok := c.keys[currentID]; !ok {
		return nil, fmt.Errorf("the current key %q is not among the keys", currentID)
	}
	return c, nil
}

// Encode seals each payload, whole (its metadata too), with the current key.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	aead := c.keys[c.current]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, err
		}
		nonce := make([]byte, aead.NonceSize())
		if _, err := rand.Read(nonce); err != nil {
			return nil, err
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{metaEncoded: []byte(Encoding), metaKeyID: []byte(c.current)},
			Data:     aead.Seal(nonce, nonce, plain, []byte(c.current)),
		}
	}
	return out, nil
}

// Decode opens sealed payloads with the key they name; others pass through.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[metaEncoded]) != Encoding {
			out[i] = p
			continue
		}
		id := string(p.Metadata[metaKeyID])
		aead, ok := c.keys[id]
		if !ok {
			return nil, fmt.Errorf("payload sealed with unknown key %q", id)
		}
		n := aead.NonceSize()
		if len(p.Data) < n {
			return nil, fmt.Errorf("payload sealed with key %q is too short", id)
		}
		plain, err := aead.Open(nil, p.Data[:n], p.Data[n:], []byte(id))
		if err != nil {
			return nil, fmt.Errorf("payload sealed with key %q does not open: %w", id, err)
		}
		var decoded commonpb.Payload
		if err := proto.Unmarshal(plain, &decoded); err != nil {
			return nil, err
		}
		out[i] = &decoded
	}
	return out, nil
}
