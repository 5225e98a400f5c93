package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"outbound/storage"
	"outbound/workflows"
)

// editable answers 409 unless the student is working on the application's draft.
func editable(c *gin.Context, app *storage.Application) bool {
	if app.Stage != process.EditableStage(workflows.PhaseApplication) {
		fail(c, errConflict("not_editable", "当前状态（"+app.Status+"）不能修改申请，请先撤回修改"))
		return false
	}
	return true
}

// saveResult turns a store conflict (the application moved on meanwhile) into the same answer.
func saveResult(c *gin.Context, err error) bool {
	if errors.Is(err, storage.ErrConflict) {
		fail(c, errConflict("not_editable", "申请已提交或不在可修改状态，请刷新后重试"))
		return false
	}
	if err != nil {
		fail(c, err)
		return false
	}
	return true
}

type basicInfoInput struct {
	storage.BasicInfo
}

func (in *basicInfoInput) validate() error {
	b := &in.BasicInfo
	f := fields{}
	for _, r := range []struct{ field, label, value string }{
		{"nameCn", "姓名(中文)", b.NameCN}, {"studentNo", "学号", b.StudentNo}, {"idCardNo", "身份证号", b.IDCardNo},
		{"gender", "性别", b.Gender}, {"politicalStatus", "政治面貌", b.PoliticalStatus}, {"hukouLocation", "户口所在地", b.HukouLocation},
		{"birthDate", "出生日期", deref(b.BirthDate)}, {"ethnicity", "民族", b.Ethnicity}, {"major", "专业", b.Major},
		{"cohort", "所属类别", b.Cohort}, {"degreeLevel", "在读学历", b.DegreeLevel}, {"grade", "当前年级", b.Grade},
		{"schoolingLength", "学制", b.SchoolingLength}, {"phone", "手机号", b.Phone}, {"email", "电子邮箱", b.Email},
		{"emergencyName", "紧急联系人姓名", b.EmergencyName}, {"emergencyPhone", "紧急联系人手机号", b.EmergencyPhone},
		{"supervisorName", "导师姓名", b.SupervisorName}, {"supervisorPhone", "导师联系电话", b.SupervisorPhone},
	} {
		if f.required(r.field, r.label, r.value) {
			f.maxLen(r.field, r.label, r.value, 100)
		}
	}
	f.maxLen("familyAddress", "家庭地址", b.FamilyAddress, 200)
	if b.Gender != "" && b.Gender != "男" && b.Gender != "女" {
		f.add("gender", "性别应为“男”或“女”")
	}
	if b.BirthDate != nil && *b.BirthDate != "" {
		if _, ok := ParseDate(*b.BirthDate); !ok {
			f.add("birthDate", "出生日期格式应为YYYY-MM-DD")
		}
	}
	if b.IDCardNo != "" {
		if msg := IDCardProblem(b.IDCardNo, deref(b.BirthDate), b.Gender); msg != "" {
			f.add("idCardNo", msg)
		}
	}
	if b.PassportNo != "" && !passportRE.MatchString(b.PassportNo) {
		f.add("passportNo", "护照号应为5至20位字母或数字")
	}
	if b.DegreeLevel != "" {
		valid := false
		for _, d := range degreeLevels {
			valid = valid || d == b.DegreeLevel
		}
		if !valid {
			f.add("degreeLevel", "在读学历应为本科生、硕士研究生或博士研究生")
		}
	}
	if b.Phone != "" && !ValidMobile(b.Phone) {
		f.add("phone", "手机号应为11位大陆手机号")
	}
	if b.EmergencyPhone != "" && !ValidMobile(b.EmergencyPhone) {
		f.add("emergencyPhone", "紧急联系人手机号应为11位大陆手机号")
	}
	if b.SupervisorPhone != "" && !ValidMobile(b.SupervisorPhone) && !ValidPhone(b.SupervisorPhone) {
		f.add("supervisorPhone", "导师联系电话格式不正确")
	}
	if b.Email != "" && !ValidEmail(b.Email) {
		f.add("email", "电子邮箱格式不正确")
	}
	return f.err()
}

func (s *Server) putBasicInfo(c *gin.Context) {
	app, ok := s.loadOwnApplication(c)
	if !ok || !editable(c, app) {
		return
	}
	var in basicInfoInput
	if !bindJSON(c, &in) {
		return
	}
	// The number and the postgraduate flag follow the account and the degree, not the form.
	in.StudentNo = account(c).Username
	in.IsPostgraduate = in.DegreeLevel != "本科生"
	if err := in.validate(); err != nil {
		fail(c, err)
		return
	}
	if !saveResult(c, s.Store.SaveBasicInfo(c.Request.Context(), app.ID, &in.BasicInfo)) {
		return
	}
	s.answerApplication(c, app.ID, http.StatusOK, nil)
}

type applyInfoInput struct {
	DepartureDate   string   `json:"departureDate"`
	ReturnDate      string   `json:"returnDate"`
	GPA             *float64 `json:"gpa"`
	WeightedAverage *float64 `json:"weightedAverage"`
}

// validate checks step 2 against the project's dates: travel lies within them unless the project allows otherwise.
func (in *applyInfoInput) validate(app *storage.Application, allowOutside bool) error {
	f := fields{}
	dep, okDep := ParseDate(in.DepartureDate)
	ret, okRet := ParseDate(in.ReturnDate)
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

func (s *Server) putApplyInfo(c *gin.Context) {
	app, ok := s.loadOwnApplication(c)
	if !ok || !editable(c, app) {
		return
	}
	var in applyInfoInput
	if !bindJSON(c, &in) {
		return
	}
	project, err := s.Store.ProjectByID(c.Request.Context(), app.ProjectID)
	if err != nil {
		fail(c, err)
		return
	}
	if err := in.validate(app, project.AllowDatesOutside); err != nil {
		fail(c, err)
		return
	}
	info := &storage.ApplyInfo{DepartureDate: &in.DepartureDate, ReturnDate: &in.ReturnDate, GPA: in.GPA, WeightedAverage: in.WeightedAverage}
	if !saveResult(c, s.Store.SaveApplyInfo(c.Request.Context(), app.ID, info)) {
		return
	}
	s.answerApplication(c, app.ID, http.StatusOK, nil)
}

type languageInput struct {
	Language    string `json:"language"`
	Requirement string `json:"requirement"`
	Score       string `json:"score"`
	ExamDate    string `json:"examDate"`
}

func (in *languageInput) validate() error {
	f := fields{}
	if f.required("language", "外语语种", in.Language) {
		f.maxLen("language", "外语语种", in.Language, 50)
	}
	if f.required("requirement", "成绩要求", in.Requirement) {
		f.maxLen("requirement", "成绩要求", in.Requirement, 100)
	}
	if f.required("score", "考试成绩", in.Score) {
		f.maxLen("score", "考试成绩", in.Score, 50)
	}
	if d, ok := ParseDate(in.ExamDate); !ok {
		f.add("examDate", "考试时间格式应为YYYY-MM-DD")
	} else if d.After(time.Now()) {
		f.add("examDate", "考试时间不能晚于今天")
	}
	return f.err()
}

func (s *Server) languageRow(c *gin.Context) (*storage.LanguageScore, bool) {
	app, ok := s.loadOwnApplication(c)
	if !ok || !editable(c, app) {
		return nil, false
	}
	var in languageInput
	if !bindValid(c, &in) {
		return nil, false
	}
	return &storage.LanguageScore{ApplicationID: app.ID, Language: in.Language, Requirement: in.Requirement, Score: in.Score, ExamDate: in.ExamDate}, true
}

func (s *Server) addLanguageScore(c *gin.Context) {
	row, ok := s.languageRow(c)
	if !ok || !saveResult(c, s.Store.AddLanguageScore(c.Request.Context(), row)) {
		return
	}
	c.JSON(http.StatusCreated, row)
}

func (s *Server) putLanguageScore(c *gin.Context) {
	sid, ok := pathID(c, "sid")
	if !ok {
		return
	}
	row, ok := s.languageRow(c)
	if !ok {
		return
	}
	row.ID = sid
	if !saveResult(c, s.Store.UpdateLanguageScore(c.Request.Context(), row)) {
		return
	}
	c.JSON(http.StatusOK, row)
}

func (s *Server) deleteLanguageScore(c *gin.Context) {
	app, ok := s.loadOwnApplication(c)
	if !ok || !editable(c, app) {
		return
	}
	sid, ok := pathID(c, "sid")
	if !ok || !saveResult(c, s.Store.DeleteLanguageScore(c.Request.Context(), app.ID, sid)) {
		return
	}
	c.Status(http.StatusNoContent)
}
