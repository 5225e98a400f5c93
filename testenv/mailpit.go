package testenv

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"outbound/workflows"
)

// Mail is one e-mail as Mailpit's inbox holds it.
type Mail struct {
	ID        string `json:"ID"`
	MessageID string `json:"MessageID"`
	Subject   string `json:"Subject"`
	To        []struct {
		Name    string `json:"Name"`
		Address string `json:"Address"`
	} `json:"To"`
	// Text is the plain-text body (read with MailText).
	Text string `json:"Text"`
}

// Message is one e-mail read whole: its body and the files it carries.
type Message struct {
	Text        string `json:"Text"`
	Attachments []struct {
		FileName    string `json:"FileName"`
		ContentType string `json:"ContentType"`
	} `json:"Attachments"`
}

// MailTo lists the e-mails Mailpit received for an address, newest first.
func (e *Env) MailTo(ctx context.Context, address string) ([]Mail, error) {
	var out struct {
		Messages []Mail `json:"messages"`
	}
	err := e.mailpitGet(ctx, "/api/v1/search?query="+url.QueryEscape("to:"+address), &out)
	return out.Messages, err
}

// MailMessage reads a received e-mail whole: its body and its attachments.
func (e *Env) MailMessage(ctx context.Context, id string) (Message, error) {
	var m Message
	err := e.mailpitGet(ctx, "/api/v1/message/"+url.PathEscape(id), &m)
	return m, err
}

// MailText reads a received e-mail's plain-text body.
func (e *Env) MailText(ctx context.Context, id string) (string, error) {
	var m Mail
	err := e.mailpitGet(ctx, "/api/v1/message/"+url.PathEscape(id), &m)
	return m.Text, err
}

// WaitForMail waits until an address has received n e-mails (they are sent after the event, in
// the background) and returns them, newest first.
func (e *Env) WaitForMail(ctx context.Context, address string, n int) ([]Mail, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		got, err := e.MailTo(ctx, address)
		if err == nil && len(got) >= n {
			return got, nil
		}
		select {
		case <-ctx.Done():
			return got, fmt.Errorf("%s received %d e-mails, want %d (last error %v)", address, len(got), n, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (e *Env) mailpitGet(ctx context.Context, path string, into any) error {
	if e.Stack.MailpitURL == "" {
		return fmt.Errorf("no Mailpit in this stack")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.Stack.MailpitURL+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("mailpit %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(into)
}

// SendMailNow wakes the mailer, which otherwise e-mails at its interval (mail.every).
//
// It returns once the run it woke has finished, so that what the run sent (or did not send) can
// be checked at once, without waiting a guessed time.
func (e *Env) SendMailNow(ctx context.Context) error {
	before, err := e.mailerEvents(ctx)
	if err != nil {
		return err
	}
	if err := e.Services.Temporal.SignalWorkflow(ctx, workflows.MailerWorkflowID, "", workflows.SignalSendMail, nil); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		events, err := e.mailerEvents(ctx)
		if err != nil {
			return err
		}
		// The run the signal woke: an activity started after the signal was received, and ended.
		woken, started := false, false
		for _, ev := range events[min(len(before), len(events)):] {
			switch ev.GetEventType() {
			case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
				woken = woken || ev.GetWorkflowExecutionSignaledEventAttributes().GetSignalName() == workflows.SignalSendMail
			case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
				started = started || woken
			case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED:
				if started {
					return nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the mailer's run did not finish: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// mailerEvents is the history of the mailer's current run.
func (e *Env) mailerEvents(ctx context.Context) ([]*historypb.HistoryEvent, error) {
	iter := e.Services.Temporal.GetWorkflowHistory(ctx, workflows.MailerWorkflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var out []*historypb.HistoryEvent
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}
