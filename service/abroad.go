package service

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"outbound/process"
	"outbound/storage"
	"outbound/workflows"
)

// SaveTravelInfo writes 出行信息 while the student works on the 行前材料: each field by its entry in
// the catalogue, then the whole against the stay (a passport valid six months past the return, a visa
// and an insurance covering the stay), each problem named by its field.
func (s *Service) SaveTravelInfo(ctx context.Context, who Caller, id int64, in FormInput) (*ApplicationDetail, error) {
	app, err := s.ownApplication(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if app.Stage != s.Process.SectionStage(process.SectionTravel) {
		return nil, conflict("not_editable", "当前状态（"+app.Status+"）不能修改出行信息：录取后、提交行前材料前可以填写")
	}
	values, problems := checkSection(process.SectionTravel, in)
	if len(problems) == 0 {
		for field, msg := range process.TravelProblems(values, process.StayDeparture(mergedForm(app.Form, values)), app.ReturnDate()) {
			problems.add(field, msg)
		}
	}
	if err := problems.err(); err != nil {
		return nil, err
	}
	if err := saved(s.Store.SaveForm(ctx, app.ID, process.SectionTravel, values)); err != nil {
		return nil, err
	}
	return s.detailOf(ctx, who, app.ID, nil)
}

// mergedForm is the application's form with a section's new values over it.
func mergedForm(form, values process.Values) process.Values {
	out := process.Values{}
	maps.Copy(out, form)
	maps.Copy(out, values)
	return out
}

// CheckIn sends the student's 报平安 to the application's workflow.
func (s *Service) CheckIn(ctx context.Context, who Caller, id int64, in process.CheckIn, key string, reply Reply) (*ApplicationDetail, error) {
	app, err := s.ownApplication(ctx, who, id)
	if err != nil {
		return nil, err
	}
	in.Country, in.City, in.Note = strings.TrimSpace(in.Country), strings.TrimSpace(in.City), strings.TrimSpace(in.Note)
	if field, msg := in.Problem(); msg != "" {
		return nil, Invalid(map[string]string{field: msg})
	}
	v, err := s.send(ctx, app.ID, process.MsgCheckIn, key, workflows.Request{Actor: who.Actor(), CheckIn: &in})
	if err != nil {
		return nil, err
	}
	return s.replied(ctx, who, app.ID, v, reply)
}

// AbroadFilter is 在外学生's filter, as the office sets it.
type AbroadFilter struct {
	College string `form:"college"`
	Country string `form:"country"`
	Alert   string `form:"alert"`
	Query   string `form:"q"`
}

// AbroadList is 在外学生: the students abroad now, and how many are in each country.
type AbroadList struct {
	Items     []storage.AbroadRow `json:"items"`
	Countries []CountryCount      `json:"countries"`
}

// CountryCount is how many students are in a country (where they last checked in, else the project's).
type CountryCount struct {
	Country string `json:"country"`
	Count   int    `json:"count"`
}

// Abroad lists the students abroad now in the caller's scope: a college reviewer's own college.
func (s *Service) Abroad(ctx context.Context, who Caller, in AbroadFilter) (*AbroadList, error) {
	if in.Alert != "" && process.AlertLabels[in.Alert] == "" {
		return nil, Invalid(map[string]string{"alert": "提醒类型应为 missed_check_in（未按时报平安）、needs_help（需要帮助）、change_pending（变更待审核）或 passport_overdue（证照逾期未交还）"})
	}
	f := fields{}
	for _, t := range []struct{ field, label, value string }{{"college", "学院", in.College}, {"country", "国家(地区)", in.Country}, {"q", "关键词", in.Query}} {
		f.text(t.field, t.label, t.value, process.MaxPlaceRunes)
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	filter := storage.AbroadFilter{College: in.College, Country: in.Country, Alert: in.Alert, Query: in.Query}
	if who.Role().Spec().Scope == process.ScopeCollege {
		filter.CollegeCode = who.College()
	}
	rows, err := s.Store.Abroad(ctx, filter)
	if err != nil {
		return nil, err
	}
	out := &AbroadList{Items: rows, Countries: []CountryCount{}}
	index := map[string]int{}
	for _, r := range rows {
		c := r.Country()
		if i, ok := index[c]; ok {
			out.Countries[i].Count++
			continue
		}
		index[c] = len(out.Countries)
		out.Countries = append(out.Countries, CountryCount{Country: c, Count: 1})
	}
	return out, nil
}

// abroadHeaders are 在外学生's columns in the export.
var abroadHeaders = []any{"姓名", "学号", "学院", "项目编号", "项目名称", "所在国家(地区)", "所在城市", "最近报平安时间", "最近状态", "说明",
	"下次报平安期限", "回国(入境)时间", "提醒"}

// ExportAbroad is 在外学生 as an Excel workbook, in the caller's scope, with its file name.
func (s *Service) ExportAbroad(ctx context.Context, who Caller, in AbroadFilter) (*excelize.File, string, error) {
	list, err := s.Abroad(ctx, who, in)
	if err != nil {
		return nil, "", err
	}
	rows := [][]any{abroadHeaders}
	for _, r := range list.Items {
		var alerts []string
		for _, a := range r.Alerts {
			alerts = append(alerts, process.AlertLabels[a])
		}
		last, status, due := "", "", "已回国"
		if r.CheckInDue != nil {
			due = process.FormatTime(*r.CheckInDue)
		}
		if r.LastAt != nil {
			last, status = process.FormatTime(*r.LastAt), process.CheckInStatusLabel(deref(r.LastStatus))
		}
		rows = append(rows, []any{r.StudentName, r.StudentNo, r.CollegeName, r.ProjectCode, r.ProjectName, r.Country(), deref(r.LastCity),
			last, status, deref(r.LastNote), due, deref(r.ReturnDate), strings.Join(alerts, "、")})
	}
	book, err := workbook("在外学生", rows)
	if err != nil {
		return nil, "", err
	}
	if err := s.recordAccess(ctx, who, "abroad.export", "abroad", strconv.Itoa(len(list.Items)), map[string]any{"filter": in}); err != nil {
		book.Close()
		return nil, "", err
	}
	return book, fmt.Sprintf("在外学生-%s.xlsx", time.Now().In(process.Zone).Format("20060102")), nil
}

// maxDutyContacts bounds the duty list.
const maxDutyContacts = 20

// DutyContacts is the foreign affairs office's duty list.
func (s *Service) DutyContacts(ctx context.Context) (*DutyList, error) {
	contacts, err := s.Store.DutyContacts(ctx)
	if err != nil {
		return nil, err
	}
	return &DutyList{Contacts: contacts}, nil
}

// DutyList is the duty list as it is saved.
type DutyList struct {
	Contacts []storage.DutyContact `json:"contacts"`
}

// SetDutyContacts replaces the duty list: who is e-mailed at once when a student abroad asks for
// help or misses a check-in.
func (s *Service) SetDutyContacts(ctx context.Context, who Caller, in DutyList) (*DutyList, error) {
	f := fields{}
	// An absent list is a mistake, not a wish to empty it: emptying it is sending [].
	if in.Contacts == nil {
		f.add("contacts", "请提供值班名单（contacts）；清空名单请提交空列表")
	}
	if len(in.Contacts) > maxDutyContacts {
		f.add("contacts", "值班名单最多"+strconv.Itoa(maxDutyContacts)+"人")
	}
	seen := map[string]bool{}
	for i, c := range in.Contacts {
		at := "contacts." + strconv.Itoa(i)
		c.Name, c.Email = strings.TrimSpace(c.Name), strings.TrimSpace(c.Email)
		in.Contacts[i] = c
		f.requiredText(at+".name", "姓名", c.Name, process.MaxNameRunes)
		switch key := strings.ToLower(c.Email); {
		case !process.ValidEmail(c.Email) || len(c.Email) > 254:
			f.add(at+".email", "电子邮件格式不正确")
		case seen[key]:
			f.add(at+".email", "电子邮件重复："+c.Email)
		default:
			seen[key] = true
		}
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	before, err := s.Store.DutyContacts(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.Store.SetDutyContacts(ctx, in.Contacts); err != nil {
		return nil, err
	}
	s.audit(ctx, who, "duty_contacts.update", "duty_contacts", "all", before, in.Contacts)
	return s.DutyContacts(ctx)
}

// RequestChange sends the student's change request (延期, 提前回国, 变更行程) while abroad.
func (s *Service) RequestChange(ctx context.Context, who Caller, id int64, in process.ChangeRequest, key string, reply Reply) (*ApplicationDetail, error) {
	app, err := s.ownApplication(ctx, who, id)
	if err != nil {
		return nil, err
	}
	in.Reason, in.Country, in.City, in.ReturnDate = strings.TrimSpace(in.Reason), strings.TrimSpace(in.Country), strings.TrimSpace(in.City), strings.TrimSpace(in.ReturnDate)
	facts := app.StudentFacts()
	if field, msg := in.Problem(facts.ReturnDate, process.DayOf(time.Now())); msg != "" {
		return nil, Invalid(map[string]string{field: msg})
	}
	if len(in.AttachmentIDs) > 10 {
		return nil, Invalid(map[string]string{"attachmentIds": "变更申请材料最多10个"})
	}
	if len(in.AttachmentIDs) > 0 {
		files, err := s.Store.Attachments(ctx, app.ID)
		if err != nil {
			return nil, err
		}
		for _, fid := range in.AttachmentIDs {
			if !slices.ContainsFunc(files, func(f storage.Attachment) bool { return f.ID == fid && f.Kind == process.KindChange }) {
				return nil, Invalid(map[string]string{"attachmentIds": "变更申请材料不存在，请重新上传"})
			}
		}
	}
	v, err := s.send(ctx, app.ID, process.MsgRequestChange, key, workflows.Request{Actor: who.Actor(), Change: &in})
	if err != nil {
		return nil, err
	}
	return s.replied(ctx, who, app.ID, v, reply)
}

// ChangeDecision is a reviewer's decision on a change request.
type ChangeDecision struct {
	Decision string `json:"decision"`
	Opinion  string `json:"opinion"`
}

// DecideChange sends a reviewer's decision on the change request under review.
func (s *Service) DecideChange(ctx context.Context, who Caller, id int64, in ChangeDecision, key string, reply Reply) (*ApplicationDetail, error) {
	app, err := s.Application(ctx, who, id)
	if err != nil {
		return nil, err
	}
	f := fields{}
	switch in.Decision {
	case process.DecisionApprove:
	case process.DecisionReject:
		f.required("opinion", "审核意见", in.Opinion)
	case "":
		f.add("decision", "请选择审核结果")
	default:
		f.add("decision", "审核结果应为 approve（通过）或 reject（不通过）")
	}
	f.text("opinion", "审核意见", in.Opinion, process.MaxOpinionRunes)
	if err := f.err(); err != nil {
		return nil, err
	}
	in.Opinion = strings.TrimSpace(in.Opinion)
	v, err := s.send(ctx, app.ID, process.MsgDecideChange, key, workflows.Request{Actor: who.Actor(), Decision: in.Decision, Opinion: in.Opinion})
	if err != nil {
		return nil, err
	}
	s.audit(ctx, who, "application.decide_change", "application", app.ID, nil, in)
	return s.replied(ctx, who, app.ID, v, reply)
}

// PassportReturned records that the student handed the 因公护照 back (证照交还).
func (s *Service) PassportReturned(ctx context.Context, who Caller, id int64, key string, reply Reply) (*ApplicationDetail, error) {
	app, err := s.Application(ctx, who, id)
	if err != nil {
		return nil, err
	}
	v, err := s.send(ctx, app.ID, process.MsgPassportReturned, key, workflows.Request{Actor: who.Actor()})
	if err != nil {
		return nil, err
	}
	s.audit(ctx, who, "application.passport_returned", "application", app.ID, nil, nil)
	return s.replied(ctx, who, app.ID, v, reply)
}

// Calendar is a year's exceptions to the working week.
type Calendar struct {
	Days []storage.CalendarDay `json:"days"`
}

// CalendarDays lists a year's exceptions to the working week.
func (s *Service) CalendarDays(ctx context.Context, year int) (*Calendar, error) {
	if year < 2000 || year > 2100 {
		return nil, Invalid(map[string]string{"year": "年份应在2000到2100之间"})
	}
	days, err := s.Store.CalendarDays(ctx, year)
	if err != nil {
		return nil, err
	}
	return &Calendar{Days: days}, nil
}

// SetCalendarDays replaces a year's exceptions: holidays on weekdays and 调休 weekend days that work.
func (s *Service) SetCalendarDays(ctx context.Context, who Caller, year int, in Calendar) (*Calendar, error) {
	f := fields{}
	if year < 2000 || year > 2100 {
		f.add("year", "年份应在2000到2100之间")
	}
	if in.Days == nil {
		f.add("days", "请提供该年的节假日与调休（days）；清空请提交空列表")
	}
	seen := map[string]bool{}
	for i, d := range in.Days {
		at := "days." + strconv.Itoa(i)
		day, ok := process.ParseDate(d.Day)
		switch {
		case !ok:
			f.add(at+".day", "日期格式应为YYYY-MM-DD")
		case day.Year() != year:
			f.add(at+".day", "日期 "+d.Day+" 不在"+strconv.Itoa(year)+"年")
		case seen[d.Day]:
			f.add(at+".day", "日期重复："+d.Day)
		}
		seen[d.Day] = true
		f.text(at+".note", "说明", d.Note, 50)
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	if err := s.Store.SetCalendarDays(ctx, year, in.Days); err != nil {
		return nil, err
	}
	s.audit(ctx, who, "calendar.update", "calendar", year, nil, in.Days)
	return s.CalendarDays(ctx, year)
}

// ReportReturn is 回国报到: the student records the day they came back.
func (s *Service) ReportReturn(ctx context.Context, who Caller, id int64, in process.ReturnReport, key string, reply Reply) (*ApplicationDetail, error) {
	app, err := s.ownApplication(ctx, who, id)
	if err != nil {
		return nil, err
	}
	in.Date = strings.TrimSpace(in.Date)
	if msg := in.Problem(time.Time{}, process.DayOf(time.Now())); msg != "" {
		return nil, Invalid(map[string]string{"date": msg})
	}
	v, err := s.send(ctx, app.ID, process.MsgReportReturn, key, workflows.Request{Actor: who.Actor(), Return: &in})
	if err != nil {
		return nil, err
	}
	return s.replied(ctx, who, app.ID, v, reply)
}
