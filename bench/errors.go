package bench

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"syscall"
)

// answerErr is an answer of the API that is not a success: its status and its error code.
type answerErr struct {
	status int
	code   string
}

func (e *answerErr) Error() string { return fmt.Sprintf("HTTP %d %s", e.status, e.code) }

// answerError reads the error code of an answer that is not a success.
func answerError(resp *http.Response) error {
	var body struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if json.Unmarshal(raw, &body) != nil || body.Error.Code == "" {
		body.Error.Code = "(no error code)"
	}
	return &answerErr{status: resp.StatusCode, code: body.Error.Code}
}

// errorKind names what a failed request met, so that a run's errors can be told apart: the
// status and code of an answer, or what the transport saw.
func errorKind(err error) string {
	var answer *answerErr
	var netErr net.Error
	switch {
	case errors.As(err, &answer):
		return answer.Error()
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "transport: connection closed before the answer (EOF)"
	case errors.Is(err, syscall.ECONNRESET):
		return "transport: connection reset"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "transport: connection refused"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "transport: timeout"
	}
	msg := err.Error()
	if len(msg) > 120 {
		msg = msg[:120] + "…"
	}
	return "other: " + msg
}

// printErrors lists each row's errors by kind, and its notes, under the table.
func printErrors(w io.Writer, rows []Row) {
	for _, r := range rows {
		for _, n := range r.Notes {
			fmt.Fprintf(w, "%s — %s\n", r.Scenario, n)
		}
		if len(r.Errors) == 0 {
			continue
		}
		kinds := make([]string, 0, len(r.Errors))
		for k := range r.Errors {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		parts := make([]string, len(kinds))
		for i, k := range kinds {
			parts[i] = fmt.Sprintf("%d × %s", r.Errors[k], k)
		}
		fmt.Fprintf(w, "errors of %s: %s\n", r.Scenario, strings.Join(parts, "; "))
	}
}
