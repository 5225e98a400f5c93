package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"outbound/activities"
)

// The mailer e-mails notifications: one workflow per cluster, however many workers run, that
// every interval runs SendMail over the notifications made since. The applications' workflows
// do not wait for it, and a deadline surge costs them nothing.
const (
	MailerWorkflowName = "Mailer"
	MailerWorkflowID   = "outbound-mailer"
	// SignalSendMail wakes the mailer before its interval is over.
	SignalSendMail = "send-now"
	// mailerRunsPerHistory keeps the history short: after so many runs it continues as new.
	mailerRunsPerHistory = 200
)

// Mailer runs until it is terminated: SendMail, then wait for the interval or a send-now signal.
func Mailer(ctx workflow.Context, every time.Duration) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		// A mail server that is down is tried again within the run, then at the next one.
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 10 * time.Second, MaximumInterval: time.Minute, MaximumAttempts: 3},
	})
	wake := workflow.GetSignalChannel(ctx, SignalSendMail)
	for i := 0; i < mailerRunsPerHistory; i++ {
		var sent int
		if err := workflow.ExecuteActivity(ctx, activities.NameSendMail).Get(ctx, &sent); err != nil {
			workflow.GetLogger(ctx).Warn("e-mail run failed; the next run tries again", "error", err)
		}
		timer, cancel := workflow.WithCancel(ctx)
		sel := workflow.NewSelector(ctx)
		sel.AddFuture(workflow.NewTimer(timer, every), func(workflow.Future) {})
		sel.AddReceive(wake, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil) })
		sel.Select(ctx)
		cancel()
		// Wake-ups that came together are one.
		for wake.ReceiveAsync(nil) {
		}
	}
	return workflow.NewContinueAsNewError(ctx, MailerWorkflowName, every)
}
