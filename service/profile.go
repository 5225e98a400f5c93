package service

import (
	"context"
	"slices"
	"time"

	"outbound/process"
	"outbound/storage"
)

// ProfileInput is what a student may change in 我的个人资料.
type ProfileInput struct {
	NameCN            string `json:"nameCn"`
	NamePinyin        string `json:"namePinyin"`
	Gender            string `json:"gender"`
	BirthDate         string `json:"birthDate"`
	IDCardNo          string `json:"idCardNo"`
	HukouLocation     string `json:"hukouLocation"`
	PoliticalStatus   string `json:"politicalStatus"`
	HealthStatus      string `json:"healthStatus"`
	Birthplace        string `json:"birthplace"`
	NativePlace       string `json:"nativePlace"`
	FamilyAddress     string `json:"familyAddress"`
	Ethnicity         string `json:"ethnicity"`
	AdmissionCategory string `json:"admissionCategory"`
	EnrollmentYear    *int   `json:"enrollmentYear"`
	DegreeLevel       string `json:"degreeLevel"`
	Major             string `json:"major"`
	Grade             string `json:"grade"`
	SchoolingLength   string `json:"schoolingLength"`
	Phone             string `json:"phone"`
	Email             string `json:"email"`
	QQ                string `json:"qq"`
	WeChat            string `json:"wechat"`
	Fax               string `json:"fax"`
	HomeAddress       string `json:"homeAddress"`
	HomePhone         string `json:"homePhone"`
	EmergencyName     string `json:"emergencyName"`
	EmergencyPhone    string `json:"emergencyPhone"`
	EmergencyRelation string `json:"emergencyRelation"`
}

func (in *ProfileInput) validate() error {
	f := fields{}
	for _, t := range []struct{ field, label, value string }{
		{"nameCn", "姓名(中文)", in.NameCN}, {"namePinyin", "姓名(拼音)", in.NamePinyin}, {"hukouLocation", "户口所在地", in.HukouLocation},
		{"politicalStatus", "政治面貌", in.PoliticalStatus}, {"healthStatus", "健康状况", in.HealthStatus},
		{"birthplace", "出生地", in.Birthplace}, {"nativePlace", "籍贯", in.NativePlace}, {"familyAddress", "家庭地址", in.FamilyAddress},
		{"ethnicity", "民族", in.Ethnicity}, {"admissionCategory", "录取类别", in.AdmissionCategory}, {"major", "专业", in.Major},
		{"grade", "年级", in.Grade}, {"schoolingLength", "学制", in.SchoolingLength}, {"wechat", "微信号码", in.WeChat},
		{"homeAddress", "家庭住址", in.HomeAddress}, {"emergencyName", "紧急联系人姓名", in.EmergencyName},
		{"emergencyRelation", "紧急联系人与本人关系", in.EmergencyRelation},
	} {
		f.text(t.field, t.label, t.value, 100)
	}
	if in.NamePinyin != "" && !pinyinRE.MatchString(in.NamePinyin) {
		f.add("namePinyin", "姓名(拼音)只能包含英文字母和空格")
	}
	if in.Gender != "" && in.Gender != "男" && in.Gender != "女" {
		f.add("gender", "性别应为“男”或“女”")
	}
	if in.BirthDate != "" {
		if d, ok := parseDate(in.BirthDate); !ok || d.After(time.Now()) {
			f.add("birthDate", "出生日期格式应为YYYY-MM-DD，且不晚于今天")
		}
	}
	if in.IDCardNo != "" {
		birth := in.BirthDate
		if _, ok := f["birthDate"]; ok {
			birth = ""
		}
		if msg := idCardProblem(in.IDCardNo, birth, in.Gender); msg != "" {
			f.add("idCardNo", msg)
		}
	}
	if in.EnrollmentYear != nil && (*in.EnrollmentYear < 1950 || *in.EnrollmentYear > time.Now().Year()+1) {
		f.add("enrollmentYear", "入学年份不正确")
	}
	if in.DegreeLevel != "" && !slices.Contains(process.DegreeLevels, in.DegreeLevel) {
		f.add("degreeLevel", "在读学历应为本科生、硕士研究生或博士研究生")
	}
	if in.Phone != "" && !validMobile(in.Phone) {
		f.add("phone", "手机号码应为11位大陆手机号")
	}
	if in.EmergencyPhone != "" && !validMobile(in.EmergencyPhone) {
		f.add("emergencyPhone", "紧急联系人手机应为11位大陆手机号")
	}
	if in.Email != "" && !validEmail(in.Email) {
		f.add("email", "电子邮件格式不正确")
	}
	if in.QQ != "" && !qqRE.MatchString(in.QQ) {
		f.add("qq", "QQ号码应为5至12位数字")
	}
	if in.Fax != "" && !validPhone(in.Fax) {
		f.add("fax", "Fax号码格式不正确")
	}
	if in.HomePhone != "" && !validPhone(in.HomePhone) {
		f.add("homePhone", "家庭电话格式不正确")
	}
	return f.err()
}

// LearningExperience is a row of 学习经历.
type LearningExperience struct {
	StartDate     string `json:"startDate"`
	EndDate       string `json:"endDate"`
	SchoolName    string `json:"schoolName"`
	SchoolAddress string `json:"schoolAddress"`
	Degree        string `json:"degree"`
}

func (in *LearningExperience) validate() error {
	f := fields{}
	start, okStart := parseDate(in.StartDate)
	end, okEnd := parseDate(in.EndDate)
	if !okStart {
		f.add("startDate", "开始时间格式应为YYYY-MM-DD")
	}
	if !okEnd {
		f.add("endDate", "结束时间格式应为YYYY-MM-DD")
	}
	if okStart && okEnd && end.Before(start) {
		f.add("endDate", "结束时间不能早于开始时间")
	}
	f.requiredText("schoolName", "学校名称", in.SchoolName, 200)
	f.text("schoolAddress", "学校地址", in.SchoolAddress, 200)
	f.requiredText("degree", "学历", in.Degree, 50)
	return f.err()
}

// Completeness says whether the profile is complete, and if not what it lacks.
type Completeness struct {
	Complete bool     `json:"complete"`
	Missing  []string `json:"missing"`
}

// Profile is 我的个人资料 with its 学习经历.
type Profile struct {
	Profile             *storage.Profile             `json:"profile"`
	LearningExperiences []storage.LearningExperience `json:"learningExperiences"`
	Completeness        Completeness                 `json:"completeness"`
}

// completeness names what the profile still lacks; projects are listed only once nothing is missing.
func completeness(p *storage.Profile, experiences int) Completeness {
	missing := []string{}
	for _, f := range process.Missing(process.ProfileRequired, process.ValuesOf(p)) {
		missing = append(missing, f.Label)
	}
	if p.PhotoAttachmentID == nil || p.PhotoCheckResult != photoOK {
		missing = append(missing, "照片")
	}
	if experiences == 0 {
		missing = append(missing, "学习经历")
	}
	return Completeness{Complete: len(missing) == 0, Missing: missing}
}

// Profile is the calling student's profile.
func (s *Service) Profile(ctx context.Context, who Caller) (*Profile, error) {
	p, err := s.Store.ProfileByAccount(ctx, who.ID)
	if err != nil {
		return nil, err
	}
	exps, err := s.Store.LearningExperiences(ctx, p.AccountID)
	if err != nil {
		return nil, err
	}
	return &Profile{Profile: p, LearningExperiences: exps, Completeness: completeness(p, len(exps))}, nil
}

// SaveProfile writes the student's profile.
func (s *Service) SaveProfile(ctx context.Context, who Caller, in ProfileInput) (*Profile, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	p := &storage.Profile{
		AccountID: who.ID, NameCN: in.NameCN, NamePinyin: in.NamePinyin, Gender: in.Gender, IDCardNo: in.IDCardNo,
		HukouLocation: in.HukouLocation, PoliticalStatus: in.PoliticalStatus, HealthStatus: in.HealthStatus,
		Birthplace: in.Birthplace, NativePlace: in.NativePlace, FamilyAddress: in.FamilyAddress, Ethnicity: in.Ethnicity,
		AdmissionCategory: in.AdmissionCategory, EnrollmentYear: in.EnrollmentYear, DegreeLevel: in.DegreeLevel,
		Major: in.Major, Grade: in.Grade, SchoolingLength: in.SchoolingLength, Phone: in.Phone, Email: in.Email,
		QQ: in.QQ, WeChat: in.WeChat, Fax: in.Fax, HomeAddress: in.HomeAddress, HomePhone: in.HomePhone,
		EmergencyName: in.EmergencyName, EmergencyPhone: in.EmergencyPhone, EmergencyRelation: in.EmergencyRelation,
	}
	if in.BirthDate != "" {
		p.BirthDate = &in.BirthDate
	}
	if err := s.Store.SaveProfile(ctx, p); err != nil {
		return nil, err
	}
	return s.Profile(ctx, who)
}

// SaveLearningExperience adds a row of 学习经历 (rowID 0) or changes one of the student's own.
func (s *Service) SaveLearningExperience(ctx context.Context, who Caller, rowID int64, in LearningExperience) (*storage.LearningExperience, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	row := &storage.LearningExperience{ID: rowID, AccountID: who.ID, StartDate: in.StartDate, EndDate: in.EndDate,
		SchoolName: in.SchoolName, SchoolAddress: in.SchoolAddress, Degree: in.Degree}
	var err error
	if rowID == 0 {
		err = s.Store.AddLearningExperience(ctx, row)
	} else {
		err = s.Store.UpdateLearningExperience(ctx, row)
	}
	return row, err
}

// DeleteLearningExperience removes a row of the student's own 学习经历.
func (s *Service) DeleteLearningExperience(ctx context.Context, who Caller, rowID int64) error {
	return s.Store.DeleteLearningExperience(ctx, who.ID, rowID)
}
