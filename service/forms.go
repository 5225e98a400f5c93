package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"outbound/process"
	"outbound/storage"
)

// BasicInfo is step 1 of the form, 基本信息.
type BasicInfo struct {
	storage.BasicInfo
}

func (in *BasicInfo) validate() error {
	b := &in.BasicInfo
	f := fields{}
	value := process.ValuesOf(b)
	for _, r := range process.BasicInfoRequired {
		f.requiredText(r.Name, r.Label, value(r.Name), 100)
	}
	f.text("familyAddress", "家庭地址", b.FamilyAddress, 200)
	if b.Gender != "" && b.Gender != "男" && b.Gender != "女" {
		f.add("gender", "性别应为“男”或“女”")
	}
	if b.BirthDate != nil && *b.BirthDate != "" {
		if _, ok := parseDate(*b.BirthDate); !ok {
			f.add("birthDate", "出生日期格式应为YYYY-MM-DD")
		}
	}
	if b.IDCardNo != "" {
		if msg := idCardProblem(b.IDCardNo, deref(b.BirthDate), b.Gender); msg != "" {
			f.add("idCardNo", msg)
		}
	}
	if b.PassportNo != "" && !passportRE.MatchString(b.PassportNo) {
		f.add("passportNo", "护照号应为5至20位字母或数字")
	}
	if b.DegreeLevel != "" && !slices.Contains(process.DegreeLevels, b.DegreeLevel) {
		f.add("degreeLevel", "在读学历应为本科生、硕士研究生或博士研究生")
	}
	if b.Phone != "" && !validMobile(b.Phone) {
		f.add("phone", "手机号应为11位大陆手机号")
	}
	if b.EmergencyPhone != "" && !validMobile(b.EmergencyPhone) {
		f.add("emergencyPhone", "紧急联系人手机号应为11位大陆手机号")
	}
	if b.SupervisorPhone != "" && !validMobile(b.SupervisorPhone) && !validPhone(b.SupervisorPhone) {
		f.add("supervisorPhone", "导师联系电话格式不正确")
	}
	if b.Email != "" && !validEmail(b.Email) {
		f.add("email", "电子邮件格式不正确")
	}
	return f.err()
}

// ApplyInfo is step 2 of the form, 申请信息.
type ApplyInfo struct {
	DepartureDate   string   `json:"departureDate"`
	ReturnDate      string   `json:"returnDate"`
	GPA             *float64 `json:"gpa"`
	WeightedAverage *float64 `json:"weightedAverage"`
}

// validate checks step 2 against the project's dates: travel lies within them unless the project allows otherwise.
func (in *ApplyInfo) validate(app *storage.Application, allowOutside bool) error {
	f := fields{}
	dep, okDep := parseDate(in.DepartureDate)
	ret, okRet := parseDate(in.ReturnDate)
	if !okDep {
		f.add("departureDate", "出国(境)时间格式应为YYYY-MM-DD")
	}
	if !okRet {
		f.add("returnDate", "回国(入境)时间格式应为YYYY-MM-DD")
	}
	if okDep && okRet && !ret.After(dep) {
		f.add("returnDate", "回国(入境)时间应晚于出国(境)时间")
	}
	if !allowOutside {
		start, _ := time.Parse("2006-01-02", app.ProjectStartDate)
		end, _ := time.Parse("2006-01-02", app.ProjectEndDate)
		if okDep && dep.Before(start) {
			f.add("departureDate", "出国(境)时间不能早于项目开始日期 "+app.ProjectStartDate)
		}
		if okRet && ret.After(end) {
			f.add("returnDate", "回国(入境)时间不能晚于项目结束日期 "+app.ProjectEndDate)
		}
	}
	if in.GPA == nil {
		f.add("gpa", "GPA不能为空")
	} else if *in.GPA < 0 || *in.GPA > 5 {
		f.add("gpa", "GPA应在0到5之间")
	}
	if in.WeightedAverage == nil {
		f.add("weightedAverage", "加权平均分不能为空")
	} else if *in.WeightedAverage < 0 || *in.WeightedAverage > 100 {
		f.add("weightedAverage", "加权平均分应在0到100之间")
	}
	return f.err()
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
func (s *Service) SaveBasicInfo(ctx context.Context, who Caller, id int64, in BasicInfo) (*ApplicationDetail, error) {
	app, err := s.editableApplication(ctx, who, id)
	if err != nil {
		return nil, err
	}
	// The number and the postgraduate flag follow the account and the degree, not the form.
	in.StudentNo = who.Username
	in.IsPostgraduate = in.DegreeLevel != "本科生"
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := saved(s.Store.SaveBasicInfo(ctx, app.ID, &in.BasicInfo)); err != nil {
		return nil, err
	}
	return s.detailOf(ctx, who, app.ID, nil)
}

// SaveApplyInfo writes step 2, within the project's dates unless it allows otherwise.
func (s *Service) SaveApplyInfo(ctx context.Context, who Caller, id int64, in ApplyInfo) (*ApplicationDetail, error) {
	app, err := s.editableApplication(ctx, who, id)
	if err != nil {
		return nil, err
	}
	project, err := s.Store.ProjectByID(ctx, app.ProjectID)
	if err != nil {
		return nil, err
	}
	if err := in.validate(app, project.AllowDatesOutside); err != nil {
		return nil, err
	}
	// Said here, not only at submit: the student learns it while filling in step 2.
	if project.MinGPA != nil && in.GPA != nil && *in.GPA < *project.MinGPA {
		return nil, Invalid(map[string]string{"gpa": fmt.Sprintf("GPA 低于本项目要求的最低 GPA %.2f，不能申报该项目", *project.MinGPA)})
	}
	info := &storage.ApplyInfo{DepartureDate: &in.DepartureDate, ReturnDate: &in.ReturnDate, GPA: in.GPA, WeightedAverage: in.WeightedAverage}
	if err := saved(s.Store.SaveApplyInfo(ctx, app.ID, info)); err != nil {
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
