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
	// SignalMailEvery sets the interval (mail.every), the current wait included: each worker sends
	// it at start, so that a changed configuration reaches the mailer already running.
	SignalMailEvery = "every"
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
	interval := workflow.GetSignalChannel(ctx, SignalMailEvery)
	setEvery := func(c workflow.ReceiveChannel) {
		var d time.Duration
		if c.Receive(ctx, &d); d >= time.Second {
			every = d
		}
	}
	for i := 0; i < mailerRunsPerHistory; i++ {
		var sent int
		if err := workflow.ExecuteActivity(ctx, activities.NameSendMail).Get(ctx, &sent); err != nil {
			workflow.GetLogger(ctx).Warn("e-mail run failed; the next run tries again", "error", err)
		}
		// Wait out the interval since this run, or until woken; a new interval moves the end of the wait.
		ranAt := workflow.Now(ctx)
		for woken := false; !woken; {
			wait := every - workflow.Now(ctx).Sub(ranAt)
			if wait <= 0 {
				break
			}
			timer, cancel := workflow.WithCancel(ctx)
			sel := workflow.NewSelector(ctx)
			sel.AddFuture(workflow.NewTimer(timer, wait), func(workflow.Future) { woken = true })
			sel.AddReceive(wake, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil); woken = true })
			sel.AddReceive(interval, func(c workflow.ReceiveChannel, _ bool) { setEvery(c) })
			sel.Select(ctx)
			cancel()
		}
		// Wake-ups that came together are one.
		for wake.ReceiveAsync(nil) {
		}
	}
	return workflow.NewContinueAsNewError(ctx, MailerWorkflowName, every)
}
