// Package webhook signs the events Outbound sends to campus systems, checks such a signature as a
// receiver should, and posts an event.
//
// A delivery is an HTTP POST of JSON with these headers:
//
//	Outbound-Event-Id:   the event's number; the same event redelivered keeps it
//	Outbound-Event-Type: application.admitted, …
//	Outbound-Timestamp:  seconds since 1970 when this try was signed
//	Outbound-Signature:  v1=hex(HMAC-SHA256(secret, timestamp + "." + body))
//
// A receiver recomputes the signature over the raw body, refuses a timestamp more than five
// minutes away from its clock (a replay), and ignores an event id it has already processed
// (deliveries are at least once).
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names.
const (
	HeaderID        = "Outbound-Event-Id"
	HeaderType      = "Outbound-Event-Type"
	HeaderTimestamp = "Outbound-Timestamp"
	HeaderSignature = "Outbound-Signature"
)

// Tolerance is how far a delivery's timestamp may be from the receiver's clock.
const Tolerance = 5 * time.Minute

// NewSecret makes a signing secret.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b), nil
}

// Sign is the signature header's value for a body signed at a time.
func Sign(secret string, at time.Time, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "%d.", at.Unix())
	mac.Write(body)
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Errors Verify answers.
var (
	ErrForged = errors.New("webhook: the signature does not match the body")
	ErrStale  = errors.New("webhook: the timestamp is too far from now (a replay?)")
)

// Verify checks a delivery's timestamp and signature headers against its raw body, as a receiver
// does; now is the receiver's clock.
func Verify(secret string, h http.Header, body []byte, now time.Time) error {
	sec, err := strconv.ParseInt(h.Get(HeaderTimestamp), 10, 64)
	if err != nil {
		return ErrForged
	}
	at := time.Unix(sec, 0)
	if d := now.Sub(at); d > Tolerance || d < -Tolerance {
		return ErrStale
	}
	want := Sign(secret, at, body)
	for _, got := range strings.Split(h.Get(HeaderSignature), ",") {
		if hmac.Equal([]byte(strings.TrimSpace(got)), []byte(want)) {
			return nil
		}
	}
	return ErrForged
}

// Sender posts events.
type Sender struct {
	Client *http.Client
	// UserAgent names the sender.
	UserAgent string
}

// NewSender posts with a timeout and never follows a redirect (a moved receiver is a failure to
// see, not an address to trust).
func NewSender(timeout time.Duration) *Sender {
	return &Sender{UserAgent: "Outbound-Events/1", Client: &http.Client{Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Failure is a delivery the receiver did not take: its HTTP status (0 when none came) and why.
type Failure struct {
	Status  int
	Problem string
}

func (f *Failure) Error() string { return f.Problem }

// Post sends one event; any answer but 2xx is a Failure.
func (s *Sender) Post(ctx context.Context, url, secret string, id int64, kind string, body []byte, now time.Time) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, &Failure{Problem: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", s.UserAgent)
	req.Header.Set(HeaderID, strconv.FormatInt(id, 10))
	req.Header.Set(HeaderType, kind)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(HeaderSignature, Sign(secret, now, body))
	resp, err := s.Client.Do(req)
	if err != nil {
		return 0, &Failure{Problem: err.Error()}
	}
	defer resp.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, &Failure{Status: resp.StatusCode, Problem: strings.TrimSpace("HTTP " + strconv.Itoa(resp.StatusCode) + " " + strings.ToValidUTF8(string(excerpt), ""))}
	}
	return resp.StatusCode, nil
}
