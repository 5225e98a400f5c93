package activities

import (
	"context"
	"errors"

	"go.temporal.io/sdk/activity"

	"outbound/mailer"
)

// mailBatch is how many notifications one run of SendMail takes at most.
const mailBatch = 500

// SendMail e-mails the notifications made since the last run, one e-mail per person, each
// notification at most once: it is taken (marked) before it goes to the mail server, given back
// only when the server could not take it, and kept when the server refuses it for good (a wrong
// address). With e-mail off, or for people without an address, the notifications are only taken.
// It answers how many e-mails went out.
func (a *Activities) SendMail(ctx context.Context) (int, error) {
	mails, err := a.Store.TakeMail(ctx, mailBatch)
	if err != nil || a.Mail == nil {
		return 0, err
	}
	// One letter per person, in the order their first notification came.
	var letters []mailer.Letter
	at := map[int64]int{}
	for _, m := range mails {
		if m.To == "" {
			continue
		}
		i, ok := at[m.AccountID]
		if !ok {
			i = len(letters)
			at[m.AccountID] = i
			letters = append(letters, mailer.Letter{To: m.To, Name: m.Name})
		}
		letters[i].Notices = append(letters[i].Notices, mailer.Notice{ID: m.NotificationID, Title: m.Title, Body: m.Body,
			ProjectName: m.ProjectName, ApplicationID: m.ApplicationID, Calendar: m.Calendar})
	}
	sent := 0
	var unsent []int64
	var lastErr error
	for _, l := range letters {
		err := a.Mail.Send(ctx, l)
		switch {
		case err == nil:
			sent++
		case errors.Is(err, mailer.ErrRefused):
			activity.GetLogger(ctx).Warn("e-mail refused; the notifications stay in the system only", "to", l.To, "error", err)
		default:
			lastErr = err
			for _, n := range l.Notices {
				unsent = append(unsent, n.ID)
			}
		}
	}
	if len(unsent) > 0 {
		// Given back for the retry; a mail server that is down fails the whole run.
		if err := a.Store.ReturnMail(context.WithoutCancel(ctx), unsent); err != nil {
			return sent, errors.Join(lastErr, err)
		}
		return sent, lastErr
	}
	return sent, nil
}
