package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/lib/pq"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"

	"outbound/mailer"
	"outbound/process"
	"outbound/storage"
	"outbound/storage/blob"
	"outbound/webhook"
)

// Activities carries what the side effects need.
type Activities struct {
	Store *storage.Store
	// Files is used by housekeeping only.
	Files *blob.Store
	// Mail e-mails notifications; nil sends none.
	Mail *mailer.Sender
	// PublicityWorkingDay, when set, replaces the calendar's working days of a 公示 (drills and tests).
	PublicityWorkingDay time.Duration
	// KeepClosedFor is how long a closed application's personal data is kept; zero keeps it.
	KeepClosedFor time.Duration
	// Events posts events to campus systems; nil uses a sender with a 10 s timeout.
	Events *webhook.Sender
}

// Register adds every activity to a worker under its stable name.
func (a *Activities) Register(w worker.Registry) {
	w.RegisterActivityWithOptions(a.RecordEvent, activity.RegisterOptions{Name: NameRecordEvent})
	w.RegisterActivityWithOptions(a.CheckSubmission, activity.RegisterOptions{Name: NameCheckSubmission})
	w.RegisterActivityWithOptions(a.TakeSnapshot, activity.RegisterOptions{Name: NameTakeSnapshot})
	w.RegisterActivityWithOptions(a.Submit, activity.RegisterOptions{Name: NameSubmit})
	w.RegisterActivityWithOptions(a.ReserveQuota, activity.RegisterOptions{Name: NameReserveQuota})
	w.RegisterActivityWithOptions(a.VerifyActor, activity.RegisterOptions{Name: NameVerifyActor})
	w.RegisterActivityWithOptions(a.ReleaseQuota, activity.RegisterOptions{Name: NameReleaseQuota})
	w.RegisterActivityWithOptions(a.DiscardSnapshot, activity.RegisterOptions{Name: NameDiscardSnapshot})
	w.RegisterActivityWithOptions(a.SendMail, activity.RegisterOptions{Name: NameSendMail})
	w.RegisterActivityWithOptions(a.PassportDue, activity.RegisterOptions{Name: NamePassportDue})
	w.RegisterActivityWithOptions(a.PublicityEnd, activity.RegisterOptions{Name: NamePublicityEnd})
	w.RegisterActivityWithOptions(a.RecordRound, activity.RegisterOptions{Name: NameRecordRound})
	w.RegisterActivityWithOptions(a.SweepOrphans, activity.RegisterOptions{Name: NameSweepOrphans})
	w.RegisterActivityWithOptions(a.PurgeSessions, activity.RegisterOptions{Name: NamePurgeSessions})
	w.RegisterActivityWithOptions(a.EraseExpiredPersonalData, activity.RegisterOptions{Name: NameEraseExpiredPersonalData})
	w.RegisterActivityWithOptions(a.SealIdentityNumbers, activity.RegisterOptions{Name: NameSealIdentityNumbers})
	w.RegisterActivityWithOptions(a.DeliverEvents, activity.RegisterOptions{Name: NameDeliverEvents})
}

// RecordEvent writes the read model for one event; a repeat of the same sequence is a no-op.
// A record the database refuses for its content is refused for good (CodeRecordRefused): trying
// again cannot help, and the workflow undoes the transition instead.
func (a *Activities) RecordEvent(ctx context.Context, e EventRecord) error {
	return dataErrorsFinal(a.Store.RecordEvent(ctx, storedEvent(e)))
}

func storedEvent(e EventRecord) storage.Event {
	return storage.Event{
		ApplicationID: e.ApplicationID, Seq: e.Seq, Projection: storage.Projection(e.Projection),
		Kind: e.Kind, Step: e.Step, ActorID: e.ActorID, ActorName: e.ActorName, ActorRole: e.ActorRole,
		ActorCollege: e.ActorCollege, VerifyActor: e.VerifyActor, Opinion: e.Opinion, Detail: e.Detail, OccurredAt: e.OccurredAt,
		Funding: (*storage.Funding)(e.Funding), Notices: notices(e.Notices), CheckIn: e.CheckIn,
		CreditDecisions: e.CreditDecisions, DecisionStage: e.DecisionStage,
	}
}

// Submit hands a phase in, in one transaction: the check, the snapshot and the record of the
// submission. Either all are written or none; problems are answers, and write nothing. A record
// the database refuses for its content is refused for good, as in RecordEvent.
func (a *Activities) Submit(ctx context.Context, r SubmitRequest) (SubmitResult, error) {
	sub, err := a.Store.BeginSubmission(ctx, r.Record.ApplicationID, r.Record.Seq)
	if err != nil {
		return SubmitResult{}, err
	}
	defer sub.Rollback()
	res := SubmitResult{ReturnDate: returnDate(r.Phase, sub.Facts), DepartureDate: departureDate(r.Phase, sub.Facts),
		OfficialPassport: r.Phase == process.PhasePredeparture && sub.Facts.Application.Form.Text("travelDocType") == process.OfficialPassport}
	if sub.Recorded {
		res.SHA256 = sub.RecordedSHA256 // an earlier attempt recorded it; its answer was lost
		return res, nil
	}
	if res.Problems, err = Missing(r.Phase, sub.Facts); err != nil || len(res.Problems) > 0 {
		return res, err
	}
	content, err := snapshotContent(sub.Facts)
	if err != nil {
		return SubmitResult{}, err
	}
	res.SHA256, err = sub.Record(ctx, content, storedEvent(r.Record))
	return res, dataErrorsFinal(err)
}

// CodeRecordRefused is the error type of a record the database refused for its content;
// CodeActorUnverified of one whose claimed actor the accounts do not vouch for.
const (
	CodeRecordRefused   = "record_refused"
	CodeActorUnverified = "actor_unverified"
)

// dataErrorsFinal makes an error of the data (PostgreSQL classes 22, data exception, and 23,
// integrity constraint violation) non-retryable; every other error, the database or the network
// being down, is retried.
func dataErrorsFinal(err error) error {
	if errors.Is(err, storage.ErrNoSuchLine) {
		return temporal.NewNonRetryableApplicationError(err.Error(), CodeRecordRefused, err)
	}
	if errors.Is(err, storage.ErrActorUnverified) {
		return temporal.NewNonRetryableApplicationError(err.Error(), CodeActorUnverified, err)
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && (pqErr.Code.Class() == "22" || pqErr.Code.Class() == "23") {
		return temporal.NewNonRetryableApplicationError("the read model refused the record: "+pqErr.Message, CodeRecordRefused, err)
	}
	return err
}

// ReleaseQuota gives back the place an admission took, when its record was refused.
func (a *Activities) ReleaseQuota(ctx context.Context, r QuotaRequest) error {
	return a.Store.ReleaseQuota(ctx, r.ApplicationID)
}

// DiscardSnapshot removes the snapshot of a submission whose record was refused, so that the next
// submission at the same sequence takes its own.
func (a *Activities) DiscardSnapshot(ctx context.Context, r SnapshotRequest) error {
	return a.Store.DiscardSnapshot(ctx, r.ApplicationID, r.Seq)
}

func notices(in []Notice) []storage.Notice {
	out := make([]storage.Notice, len(in))
	for i, n := range in {
		out[i] = storage.Notice(n)
	}
	return out
}

// VerifyActor checks a Signal's actor against the accounts: it exists, is
// enabled, and holds the role and the college it claims.
func (a *Activities) VerifyActor(ctx context.Context, c ActorClaim) (ActorVerdict, error) {
	acc, err := a.Store.AccountByID(ctx, c.ID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return ActorVerdict{Problem: fmt.Sprintf("账号 %d 不存在", c.ID)}, nil
	case err != nil:
		return ActorVerdict{}, err
	case acc.Disabled:
		return ActorVerdict{Problem: "账号 " + acc.Username + " 已停用"}, nil
	case acc.Role != c.Role:
		return ActorVerdict{Problem: "账号 " + acc.Username + " 的角色是 " + process.RoleLabels[process.Role(acc.Role)] + "，不是所声称的角色"}, nil
	case process.Role(acc.Role).Scoped() && acc.College() != c.College:
		return ActorVerdict{Problem: "账号 " + acc.Username + " 不属于所声称的学院"}, nil
	}
	return ActorVerdict{Name: acc.DisplayName}, nil
}

// ReserveQuota takes a place of the project's 推荐名额; false when none is left.
func (a *Activities) ReserveQuota(ctx context.Context, r QuotaRequest) (bool, error) {
	return a.Store.ReserveQuota(ctx, r.ApplicationID)
}

// TakeSnapshot records what is being submitted, with its SHA-256.
func (a *Activities) TakeSnapshot(ctx context.Context, r SnapshotRequest) (string, error) {
	f, err := a.submissionFacts(ctx, r.ApplicationID)
	if err != nil {
		return "", err
	}
	content, err := snapshotContent(f)
	if err != nil {
		return "", err
	}
	return a.Store.SaveSnapshot(ctx, r.ApplicationID, r.Seq, content)
}

func (a *Activities) submissionFacts(ctx context.Context, applicationID int64) (*storage.SubmissionFacts, error) {
	app, err := a.Store.ApplicationByID(ctx, applicationID)
	if err != nil {
		return nil, err
	}
	return a.Store.SubmissionFacts(ctx, app)
}

// snapshotContent is what reviewers will see of a submission, as JSON: its hash is the submission's.
func snapshotContent(f *storage.SubmissionFacts) ([]byte, error) {
	type file struct {
		ID       int64  `json:"id"`
		Kind     string `json:"kind"`
		Label    string `json:"label"`
		FileName string `json:"fileName"`
		Size     int64  `json:"size"`
		SHA256   string `json:"sha256"`
		Version  int    `json:"version"`
	}
	files := make([]file, 0, len(f.Attachments))
	for _, at := range f.Attachments {
		files = append(files, file{at.ID, at.Kind, at.Label, at.FileName, at.SizeBytes, at.SHA256, at.Version})
	}
	return json.Marshal(struct {
		ApplicationID  int64                   `json:"applicationId"`
		ProjectCode    string                  `json:"projectCode"`
		ProjectYear    int                     `json:"projectYear"`
		BasicInfo      process.Values          `json:"basicInfo"`
		ApplyInfo      process.Values          `json:"applyInfo"`
		TravelInfo     process.Values          `json:"travelInfo,omitempty"`
		LanguageScores []storage.LanguageScore `json:"languageScores"`
		Awards         []storage.Award         `json:"awards"`
		Attachments    []file                  `json:"attachments"`
	}{f.Application.ID, f.Project.Code, f.Project.Year, sectionOf(f.Application.Form, process.SectionBasic),
		sectionOf(f.Application.Form, process.SectionApply), travelOf(f.Application), f.LanguageScores, f.Awards, files})
}

// travelOf is 出行信息 as a snapshot keeps it, once saved (snapshots from before it have none).
func travelOf(app *storage.Application) process.Values {
	if app.TravelSavedAt == nil {
		return nil
	}
	return sectionOf(app.Form, process.SectionTravel)
}

// sectionOf picks a section's values out of a form, as the snapshot keeps them.
func sectionOf(form process.Values, section string) process.Values {
	out := process.Values{}
	for _, f := range process.FieldsOf(section) {
		out[f.Name] = form[f.Name]
	}
	return out
}

// CheckSubmission applies the rules at submit: complete forms, eligibility,
// required attachments, one open application. Problems are answers, not errors.
func (a *Activities) CheckSubmission(ctx context.Context, c SubmissionCheck) (res SubmissionResult, err error) {
	// From here until the submission is recorded (or refused) edits are held back, so that what is
	// checked and then snapshotted is what reviewers will see.
	if err := a.Store.MarkSubmitting(ctx, c.ApplicationID); err != nil {
		return res, err
	}
	defer func() {
		if err == nil && len(res.Problems) > 0 {
			err = a.Store.ClearSubmitting(ctx, c.ApplicationID)
		}
	}()
	f, err := a.submissionFacts(ctx, c.ApplicationID)
	if err != nil {
		return SubmissionResult{}, err
	}
	if res.Problems, err = Missing(c.Phase, f); err != nil {
		return SubmissionResult{}, err
	}
	res.ReturnDate, res.DepartureDate = returnDate(c.Phase, f), departureDate(c.Phase, f)
	return res, nil
}

// departureDate is when the stay's clocks start, as a phase hands it in: the application phase
// 行前出发时间, else 出国(境)时间; the 行前 phase the confirmed outbound flight, when given.
func departureDate(phase string, f *storage.SubmissionFacts) time.Time {
	switch phase {
	case process.PhaseApplication:
		return process.StayDeparture(f.Application.Form)
	case process.PhasePredeparture:
		t, _ := f.Application.Form.Date("outboundFlightDate")
		return t
	}
	return time.Time{}
}

// returnDate is 回国(入境)时间 as the application phase hands it in: the return report is due after it.
func returnDate(phase string, f *storage.SubmissionFacts) time.Time {
	if t, ok := f.Application.Form.Date("returnDate"); phase == process.PhaseApplication && ok {
		return t
	}
	return time.Time{}
}

// Missing lists what a phase lacks before it may be handed in: the submission's check, and what
// a student's home shows as 下一步.
func Missing(phase string, f *storage.SubmissionFacts) ([]Problem, error) {
	switch phase {
	case process.PhaseApplication:
		return applicationProblems(f), nil
	case process.PhasePredeparture:
		return predepartureProblems(f)
	case process.PhaseReturn:
		return needKind(f.Attachments, process.KindReturnReport, "returnReport", "请先上传返校总结"), nil
	case process.PhaseCredits:
		out := needKind(f.Attachments, process.KindTranscript, "transcript", "请先上传境外成绩单")
		if f.CreditLines == 0 {
			out = append(out, Problem{Field: "creditLines", Message: "请至少填写一门境外课程"})
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown phase %q", phase)
}

// predepartureProblems lists the checklist's required items without a file; an application whose
// project had no checklist when it was created needs one 行前材料 of any sort.
func predepartureProblems(f *storage.SubmissionFacts) ([]Problem, error) {
	reqs, err := f.Application.CapturedRequirements()
	if err != nil {
		return nil, err
	}
	var out []Problem
	checklist := false
	for _, r := range reqs {
		if !r.ForPredeparture() {
			continue
		}
		checklist = true
		if r.Required && !slices.ContainsFunc(f.Attachments, func(a storage.Attachment) bool {
			return a.Kind == process.KindPredeparture && a.RequirementID != nil && *a.RequirementID == r.ID
		}) {
			out = append(out, Problem{Field: "predeparture." + strconv.FormatInt(r.ID, 10), Message: "请上传行前材料：" + r.Kind})
		}
	}
	if !checklist {
		out = needKind(f.Attachments, process.KindPredeparture, "predeparture", "请先上传行前材料")
	}
	return append(out, travelProblems(f.Application)...), nil
}

func needKind(files []storage.Attachment, kind, field, message string) []Problem {
	for _, f := range files {
		if f.Kind == kind {
			return nil
		}
	}
	return []Problem{{Field: field, Message: message}}
}

func applicationProblems(f *storage.SubmissionFacts) []Problem {
	var out []Problem
	add := func(field, msg string) { out = append(out, Problem{Field: field, Message: msg}) }
	app, p := f.Application, f.Project
	form := app.Form
	for _, section := range []string{process.SectionBasic, process.SectionApply} {
		saved := map[string]*time.Time{process.SectionBasic: app.BasicSavedAt, process.SectionApply: app.InfoSavedAt}[section]
		if saved == nil {
			add(section, "请先填写并保存"+process.SectionLabels[section])
			continue
		}
		for _, f := range process.MissingIn(section, form) {
			add(section+"."+f.Name, f.Label+"不能为空")
		}
	}
	// Eligibility against the project as it is now; its requirements were captured at creation.
	for _, e := range process.CheckEligibility(p.Eligibility(), process.Candidate{DegreeLevel: form.Text("degreeLevel"), Grade: form.Text("grade"),
		Major: form.Text("major"), GPA: form.Number("gpa")}) {
		add("eligibility."+e.Field, e.Message)
	}
	reqs, err := app.CapturedRequirements()
	if err != nil {
		add("attachments", "附件要求无法读取")
	}
	for _, r := range reqs {
		if !r.Required || r.ForPredeparture() {
			continue
		}
		present := false
		for _, at := range f.Attachments {
			if at.Kind == process.KindRequired && at.RequirementID != nil && *at.RequirementID == r.ID {
				present = true
				break
			}
		}
		if !present {
			add("attachments."+strconv.FormatInt(r.ID, 10), "请上传必需的附件："+r.Kind)
		}
	}
	if f.OtherOpenExists {
		add("application", "每人限报1个项目：您已有进行中的申请")
	}
	return out
}

// travelProblems lists what 出行信息 lacks or gets wrong against the stay, field by field; applications
// created before 出行信息 was part of the 行前材料 need none.
func travelProblems(app *storage.Application) []Problem {
	if !app.TravelRequired {
		return nil
	}
	if app.TravelSavedAt == nil {
		return []Problem{{Field: process.SectionTravel, Message: "请先填写并保存" + process.SectionLabels[process.SectionTravel]}}
	}
	var out []Problem
	for _, f := range process.MissingIn(process.SectionTravel, app.Form) {
		out = append(out, Problem{Field: process.SectionTravel + "." + f.Name, Message: f.Label + "不能为空"})
	}
	problems := app.TravelProblems()
	for _, name := range slices.Sorted(maps.Keys(problems)) {
		out = append(out, Problem{Field: process.SectionTravel + "." + name, Message: problems[name]})
	}
	return out
}

// PassportDue is when an 因公护照 is due back: the start of the day after the Days-th working day
// after the return date, in China time, by the calendar the office keeps (weekdays work unless it
// says otherwise).
func (a *Activities) PassportDue(ctx context.Context, r PassportDueRequest) (time.Time, error) {
	day, err := a.Store.WorkingDayAfter(ctx, r.ReturnDate, r.Days)
	if err != nil {
		return time.Time{}, err
	}
	y, m, d := day.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, process.Zone), nil
}
