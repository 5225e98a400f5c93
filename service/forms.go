package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"outbound/process"
	"outbound/storage"
)

// FormInput is a section of the forms as the student sends it: values by the names of process.Form.
type FormInput = process.Values

// checkSection keeps a section's own fields of the input, each checked by its entry in the
// catalogue (a step is saved whole, so its required fields are asked for here, not only at
// submit); derived fields and names the section does not have are dropped.
func checkSection(section string, in FormInput) (process.Values, fields) {
	out, f := process.Values{}, fields{}
	for _, field := range process.FieldsOf(section) {
		if field.Derived {
			continue
		}
		v := in[field.Name]
		if s, ok := v.(string); ok {
			v = strings.TrimSpace(s)
		}
		if msg := field.Problem(v, in); msg != "" {
			f.add(field.Name, msg)
		}
		out[field.Name] = v
	}
	for _, field := range process.MissingIn(section, out) {
		f.add(field.Name, field.Label+"不能为空")
	}
	return out, f
}

// checkApplyDates checks step 2 against the project's dates: travel lies within them unless the project allows otherwise.
func checkApplyDates(f fields, values process.Values, app *storage.Application, allowOutside bool) {
	dep, okDep := values.Date("departureDate")
	ret, okRet := values.Date("returnDate")
	label := func(name string) string { l, _ := process.FormFieldNamed(name); return l.Label }
	if okDep && okRet && !ret.After(dep) {
		f.add("returnDate", label("returnDate")+"应晚于"+label("departureDate"))
	}
	if allowOutside {
		return
	}
	start, _ := time.ParseInLocation("2006-01-02", app.ProjectStartDate, process.Zone)
	end, _ := time.ParseInLocation("2006-01-02", app.ProjectEndDate, process.Zone)
	if okDep && dep.Before(start) {
		f.add("departureDate", label("departureDate")+"不能早于项目开始日期 "+app.ProjectStartDate)
	}
	if okRet && ret.After(end) {
		f.add("returnDate", label("returnDate")+"不能晚于项目结束日期 "+app.ProjectEndDate)
	}
}

// LanguageScore is a row of 外语水平.
type LanguageScore struct {
	Language    string `json:"language"`
	Requirement string `json:"requirement"`
	Score       string `json:"score"`
	ExamDate    string `json:"examDate"`
}

func (in *LanguageScore) validate() error {
	f := fields{}
	f.requiredText("language", "外语语种", in.Language, 50)
	f.requiredText("requirement", "成绩要求", in.Requirement, 100)
	f.requiredText("score", "考试成绩", in.Score, 50)
	if d, ok := parseDate(in.ExamDate); !ok {
		f.add("examDate", "考试时间格式应为YYYY-MM-DD")
	} else if d.After(time.Now()) {
		f.add("examDate", "考试时间不能晚于今天")
	}
	return f.err()
}

// Award is a row of 获奖情况.
type Award struct {
	Name      string `json:"name"`
	Level     string `json:"level"`
	AwardedOn string `json:"awardedOn"`
	Issuer    string `json:"issuer"`
}

func (in *Award) validate() error {
	f := fields{}
	f.requiredText("name", "奖项名称", in.Name, 100)
	f.requiredText("level", "奖项级别", in.Level, 50)
	f.requiredText("issuer", "颁奖单位", in.Issuer, 100)
	if d, ok := parseDate(in.AwardedOn); !ok {
		f.add("awardedOn", "获奖时间格式应为YYYY-MM-DD")
	} else if d.After(time.Now()) {
		f.add("awardedOn", "获奖时间不能晚于今天")
	}
	return f.err()
}

// SaveAward adds a row of 获奖情况 (rowID 0) or changes one.
func (s *Service) SaveAward(ctx context.Context, who Caller, id, rowID int64, in Award) (*storage.Award, error) {
	app, err := s.editableApplication(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	row := &storage.Award{ID: rowID, ApplicationID: app.ID, Name: in.Name, Level: in.Level, AwardedOn: in.AwardedOn, Issuer: in.Issuer}
	if rowID == 0 {
		err = s.Store.AddAward(ctx, row)
	} else {
		err = s.Store.UpdateAward(ctx, row)
	}
	return row, saved(err)
}

// DeleteAward removes a row of 获奖情况.
func (s *Service) DeleteAward(ctx context.Context, who Caller, id, rowID int64) error {
	app, err := s.editableApplication(ctx, who, id)
	if err != nil {
		return err
	}
	return saved(s.Store.DeleteAward(ctx, app.ID, rowID))
}

// editableApplication loads the student's own application while its forms may change.
func (s *Service) editableApplication(ctx context.Context, who Caller, id int64) (*storage.Application, error) {
	app, err := s.ownApplication(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if app.Stage != s.Process.FormStage() {
		return nil, conflict("not_editable", "当前状态（"+app.Status+"）不能修改申请，请先撤回修改")
	}
	return app, nil
}

// saved turns a store conflict (the application moved on meanwhile) into the same answer.
func saved(err error) error {
	if errors.Is(err, storage.ErrConflict) {
		return conflict("not_editable", "申请已提交或不在可修改状态，请刷新后重试")
	}
	return err
}

// SaveBasicInfo writes step 1.
func (s *Service) SaveBasicInfo(ctx context.Context, who Caller, id int64, in FormInput) (*ApplicationDetail, error) {
	app, err := s.editableApplication(ctx, who, id)
	if err != nil {
		return nil, err
	}
	values, problems := checkSection(process.SectionBasic, in)
	if err := problems.err(); err != nil {
		return nil, err
	}
	// The number and the postgraduate flag follow the account and the degree, not the form.
	values["studentNo"] = who.Username
	values["isPostgraduate"] = process.IsGraduate(values.Text("degreeLevel"))
	if err := saved(s.Store.SaveForm(ctx, app.ID, process.SectionBasic, values)); err != nil {
		return nil, err
	}
	return s.detailOf(ctx, who, app.ID, nil)
}

// SaveApplyInfo writes step 2, within the project's dates unless it allows otherwise.
func (s *Service) SaveApplyInfo(ctx context.Context, who Caller, id int64, in FormInput) (*ApplicationDetail, error) {
	app, err := s.editableApplication(ctx, who, id)
	if err != nil {
		return nil, err
	}
	project, err := s.Store.ProjectByID(ctx, app.ProjectID)
	if err != nil {
		return nil, err
	}
	values, problems := checkSection(process.SectionApply, in)
	checkApplyDates(problems, values, app, project.AllowDatesOutside)
	if err := problems.err(); err != nil {
		return nil, err
	}
	// Said here, not only at submit: the student learns it while filling in step 2.
	if gpa := values.Number("gpa"); project.MinGPA != nil && gpa != nil && *gpa < *project.MinGPA {
		return nil, Invalid(map[string]string{"gpa": fmt.Sprintf("GPA 低于本项目要求的最低 GPA %.2f，不能申报该项目", *project.MinGPA)})
	}
	if err := saved(s.Store.SaveForm(ctx, app.ID, process.SectionApply, values)); err != nil {
		return nil, err
	}
	return s.detailOf(ctx, who, app.ID, nil)
}

// SaveLanguageScore adds a row of 外语水平 (rowID 0) or changes one.
func (s *Service) SaveLanguageScore(ctx context.Context, who Caller, id, rowID int64, in LanguageScore) (*storage.LanguageScore, error) {
	app, err := s.editableApplication(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	row := &storage.LanguageScore{ID: rowID, ApplicationID: app.ID, Language: in.Language, Requirement: in.Requirement, Score: in.Score, ExamDate: in.ExamDate}
	if rowID == 0 {
		err = s.Store.AddLanguageScore(ctx, row)
	} else {
		err = s.Store.UpdateLanguageScore(ctx, row)
	}
	return row, saved(err)
}

// DeleteLanguageScore removes a row of 外语水平.
func (s *Service) DeleteLanguageScore(ctx context.Context, who Caller, id, rowID int64) error {
	app, err := s.editableApplication(ctx, who, id)
	if err != nil {
		return err
	}
	return saved(s.Store.DeleteLanguageScore(ctx, app.ID, rowID))
}
