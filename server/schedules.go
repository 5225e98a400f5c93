package server

import (
	"context"
	"errors"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"outbound/workflows"
)

// EnsureSchedules creates the housekeeping schedule when the cluster has none
// (every hour, one run for the whole cluster, skipped while one still runs) and
// starts the mailer. Every worker calls it at start; the first creates them.
func (s *Services) EnsureSchedules(ctx context.Context) error {
	_, err := s.Temporal.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:      workflows.HousekeepingScheduleID,
		Spec:    client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: time.Hour}}},
		Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		Memo:    map[string]any{"summary": "每小时清理：未入库的孤立文件、过期的登录会话"},
		Action: &client.ScheduleWorkflowAction{
			ID:          workflows.HousekeepingScheduleID,
			Workflow:    workflows.HousekeepingWorkflowName,
			TaskQueue:   s.Config.Temporal.TaskQueue,
			RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 1},
		},
	})
	if err != nil && !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return err
	}
	if err := s.ensureMailer(ctx); err != nil {
		return err
	}
	return s.ensureEventDeliveries(ctx)
}

// ensureEventDeliveries starts the delivery of every enabled endpoint that runs none (one whose
// workflow was terminated, or saved while Temporal was away).
func (s *Services) ensureEventDeliveries(ctx context.Context) error {
	enabled, err := s.Store.EnabledEventEndpoints(ctx)
	if err != nil {
		return err
	}
	svc := s.Service()
	for _, id := range enabled {
		if err := svc.WakeEventDelivery(ctx, id, true); err != nil {
			return err
		}
	}
	return nil
}

// ensureMailer starts the mailer when the cluster runs none, and gives the one that runs this
// worker's mail.every, so that a changed configuration takes effect.
func (s *Services) ensureMailer(ctx context.Context) error {
	_, err := s.Temporal.SignalWithStartWorkflow(ctx, workflows.MailerWorkflowID, workflows.SignalMailEvery, s.Config.Mail.Every,
		client.StartWorkflowOptions{
			ID:            workflows.MailerWorkflowID,
			TaskQueue:     s.Config.Temporal.TaskQueue,
			StaticSummary: "通知邮件：发送新通知（间隔见 mail.every）",
		}, workflows.MailerWorkflowName, s.Config.Mail.Every)
	return err
}
