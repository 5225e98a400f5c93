package activities

import (
	"context"
	"errors"

	"go.temporal.io/sdk/activity"

	"outbound/mailer"
)

// SendMail e-mails the notifications of one event, each at most once: a notification is marked
// before it is handed to the mail server, given back only when the server could not take it, and
// kept marked when the server refuses it for good (a wrong address), so no retry sends it twice.
// With e-mail off it does nothing.
func (a *Activities) SendMail(ctx context.Context, r MailRequest) error {
	if a.Mail == nil {
		return nil
	}
	mails, err := a.Store.UnsentMail(ctx, r.ApplicationID, r.Seq)
	if err != nil {
		return err
	}
	for _, m := range mails {
		claimed, err := a.Store.ClaimMail(ctx, m.NotificationID)
		if err != nil {
			return err
		}
		if !claimed {
			continue // an earlier attempt sent it
		}
		err = a.Mail.Send(ctx, mailer.Notice{ID: m.NotificationID, To: m.To, Name: m.Name, Title: m.Title, Body: m.Body,
			ProjectName: m.ProjectName, ApplicationID: m.ApplicationID})
		if errors.Is(err, mailer.ErrRefused) {
			activity.GetLogger(ctx).Warn("e-mail refused; the notification stays in the system only", "notification", m.NotificationID, "error", err)
			continue
		}
		if err != nil {
			if e := a.Store.UnclaimMail(context.WithoutCancel(ctx), m.NotificationID); e != nil {
				return errors.Join(err, e)
			}
			return err
		}
	}
	return nil
}
