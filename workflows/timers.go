package workflows

// The workflow's timers: what each does when it fires.

import (
	"go.temporal.io/sdk/workflow"

	"outbound/activities"
	"outbound/process"
)

// onDeadline fires a timer of the stage that was current when it was set.
func (w *application) onDeadline(ctx workflow.Context, d Deadline, seq int) error {
	if err := w.lock.Lock(ctx); err != nil {
		return err
	}
	defer w.lock.Unlock()
	s := w.state
	if s.Seq != seq {
		return nil // a message moved the application on while the lock was held
	}
	ev := Event{Actor: Actor{Name: "系统", Role: ""}}
	var notices []activities.Notice
	switch d.Kind {
	case DeadlineWindowReminder:
		s.ReminderSent = true
		ev.Kind, ev.Step = EventReminder, "申报即将截止提醒"
		notices = append(notices, activities.Notice{ToStudent: true, Title: "申报即将截止", Body: "截止时间 " + process.FormatTime(s.Input.WindowCloses) + "，请尽快提交申请"})
	case DeadlineWindowClose:
		ev.Kind, ev.Step = EventExpired, "申报已截止，草稿过期"
		s.Expired(workflow.Now(ctx))
		notices = append(notices, activities.Notice{ToStudent: true, Title: "申请已过期", Body: "项目申报已截止，未提交的申请已过期"})
	case DeadlineReviewReminder:
		s.ReminderSent = true
		ev.Kind, ev.Step = EventReminder, s.review().Label+"待处理提醒"
		notices = append(notices, w.reviewerNotice("有申请等待审核"))
	case DeadlineReviewOverdue:
		s.Overdue = true
		ev.Kind, ev.Step = EventOverdue, s.review().Label+"已超期"
		notices = append(notices, w.reviewerNotice("有申请审核已超期"))
	case DeadlineCorrectionReminder:
		s.ReminderSent = true
		ev.Kind, ev.Step = EventReminder, "修改期限提醒"
		notices = append(notices, activities.Notice{ToStudent: true, Title: "请尽快修改并重新提交申请",
			Body: "申请已被退回，请于 " + process.FormatTime(*s.correctionDue()) + " 前修改并重新提交，逾期申请将过期"})
	case DeadlineCorrectionExpired:
		ev.Kind, ev.Step = EventExpired, "退回后未在期限内重新提交，申请过期"
		s.Expired(workflow.Now(ctx))
		notices = append(notices, activities.Notice{ToStudent: true, Title: "申请已过期", Body: "申请退回后未在修改期限内重新提交，已过期"})
	case DeadlineReturnReminder:
		s.ReminderSent = true
		ev.Kind, ev.Step = EventReminder, "返校总结提交提醒"
		notices = append(notices, activities.Notice{ToStudent: true, Title: "请提交返校总结", Body: "返校总结即将到期"})
	case DeadlineReturnOverdue:
		s.Overdue = true
		ev.Kind, ev.Step = EventOverdue, "返校总结已超期"
		notices = append(notices, activities.Notice{ToStudent: true, Title: "返校总结已超期", Body: "请尽快提交返校总结"})
	case DeadlineCheckInReminder:
		s.Stay.Reminded = true
		ev.Kind, ev.Step = EventReminder, "报平安提醒"
		notices = append(notices, activities.Notice{ToStudent: true, Title: "请报平安",
			Body: "报平安已于 " + process.FormatTime(s.Stay.NextDue) + " 到期，请尽快报平安；逾期未报将通知外事部门"})
	case DeadlinePassportReminder:
		s.Passport.Reminded = true
		ev.Kind, ev.Step = EventReminder, "证照交还提醒"
		notices = append(notices, activities.Notice{ToStudent: true, Title: "请交还因公护照",
			Body: "请于 " + process.FormatTime(s.Passport.Due) + " 前将因公护照交还外事部门"})
	case DeadlinePassportOverdue:
		s.Passport.Overdue = true
		ev.Kind, ev.Step = EventPassportOverdue, "证照逾期未交还"
		who := s.Input.StudentName + "（项目编号 " + s.Input.ProjectCode + "）"
		notices = append(notices, activities.Notice{ToStudent: true, Title: "因公护照逾期未交还", Body: "请尽快将因公护照交还外事部门"},
			activities.Notice{ToRole: string(process.PassportKeeper), Title: "因公护照逾期未交还", Body: who + " 的因公护照应于 " + process.FormatTime(s.Passport.Due) + " 前交还"})
	case DeadlineCheckInMissed:
		notices = w.missedNotices()
		s.Stay.Missed = true
		ev.Kind, ev.Step = EventCheckInMissed, "未按时报平安"
	}
	return w.record(ctx, ev, notices, nil)
}
