package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"outbound/storage"
)

// degreeLevels are the 在读学历 values.
var degreeLevels = []string{"本科生", "硕士研究生", "博士研究生"}

// profileInput is what a student may change in 我的个人资料.
type profileInput struct {
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

func (in *profileInput) validate() error {
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
		f.maxLen(t.field, t.label, t.value, 100)
	}
	if in.NamePinyin != "" && !pinyinRE.MatchString(in.NamePinyin) {
		f.add("namePinyin", "姓名(拼音)只能包含英文字母和空格")
	}
	if in.Gender != "" && in.Gender != "男" && in.Gender != "女" {
		f.add("gender", "性别应为“男”或“女”")
	}
	if in.BirthDate != "" {
		if d, ok := ParseDate(in.BirthDate); !ok || d.After(time.Now()) {
			f.add("birthDate", "出生日期格式应为YYYY-MM-DD，且不晚于今天")
		}
	}
	if in.IDCardNo != "" {
		birth := in.BirthDate
		if _, ok := f["birthDate"]; ok {
			birth = ""
		}
		if msg := IDCardProblem(in.IDCardNo, birth, in.Gender); msg != "" {
			f.add("idCardNo", msg)
		}
	}
	if in.EnrollmentYear != nil && (*in.EnrollmentYear < 1950 || *in.EnrollmentYear > time.Now().Year()+1) {
		f.add("enrollmentYear", "入学年份不正确")
	}
	if in.DegreeLevel != "" && !slices.Contains(degreeLevels, in.DegreeLevel) {
		f.add("degreeLevel", "在读学历应为本科生、硕士研究生或博士研究生")
	}
	if in.Phone != "" && !ValidMobile(in.Phone) {
		f.add("phone", "手机号码应为11位大陆手机号")
	}
	if in.EmergencyPhone != "" && !ValidMobile(in.EmergencyPhone) {
		f.add("emergencyPhone", "紧急联系人手机应为11位大陆手机号")
	}
	if in.Email != "" && !ValidEmail(in.Email) {
		f.add("email", "电子邮件格式不正确")
	}
	if in.QQ != "" && !qqRE.MatchString(in.QQ) {
		f.add("qq", "QQ号码应为5至12位数字")
	}
	if in.Fax != "" && !ValidPhone(in.Fax) {
		f.add("fax", "Fax号码格式不正确")
	}
	if in.HomePhone != "" && !ValidPhone(in.HomePhone) {
		f.add("homePhone", "家庭电话格式不正确")
	}
	return f.err()
}

// completeness names what the profile still lacks; projects are listed only once nothing is missing.
func completeness(p *storage.Profile, experiences int) []string {
	var missing []string
	for _, r := range []struct{ label, value string }{
		{"姓名(中文)", p.NameCN}, {"姓名(拼音)", p.NamePinyin}, {"性别", p.Gender}, {"出生日期", deref(p.BirthDate)},
		{"身份证号码", p.IDCardNo}, {"户口所在地", p.HukouLocation}, {"政治面貌", p.PoliticalStatus}, {"民族", p.Ethnicity},
		{"在读学历", p.DegreeLevel}, {"专业", p.Major}, {"年级", p.Grade}, {"手机号码", p.Phone}, {"电子邮件", p.Email},
		{"紧急联系人姓名", p.EmergencyName}, {"紧急联系人手机", p.EmergencyPhone},
	} {
		if r.value == "" {
			missing = append(missing, r.label)
		}
	}
	if p.EnrollmentYear == nil {
		missing = append(missing, "入学年份")
	}
	if p.PhotoAttachmentID == nil || p.PhotoCheckResult != photoOK {
		missing = append(missing, "照片")
	}
	if experiences == 0 {
		missing = append(missing, "学习经历")
	}
	return missing
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (s *Server) loadProfile(c *gin.Context) (*storage.Profile, []storage.LearningExperience, []string, bool) {
	ctx := c.Request.Context()
	p, err := s.Store.ProfileByAccount(ctx, account(c).ID)
	if err != nil {
		fail(c, err)
		return nil, nil, nil, false
	}
	exps, err := s.Store.LearningExperiences(ctx, p.AccountID)
	if err != nil {
		fail(c, err)
		return nil, nil, nil, false
	}
	return p, exps, completeness(p, len(exps)), true
}

func (s *Server) getProfile(c *gin.Context) {
	p, exps, missing, ok := s.loadProfile(c)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, gin.H{"profile": p, "learningExperiences": exps,
		"completeness": gin.H{"complete": len(missing) == 0, "missing": nonNil(missing)}})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (s *Server) putProfile(c *gin.Context) {
	var in profileInput
	if !bindValid(c, &in) {
		return
	}
	p := &storage.Profile{
		AccountID: account(c).ID, NameCN: in.NameCN, NamePinyin: in.NamePinyin, Gender: in.Gender, IDCardNo: in.IDCardNo,
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
	if err := s.Store.SaveProfile(c.Request.Context(), p); err != nil {
		fail(c, err)
		return
	}
	s.getProfile(c)
}

type learningInput struct {
	StartDate     string `json:"startDate"`
	EndDate       string `json:"endDate"`
	SchoolName    string `json:"schoolName"`
	SchoolAddress string `json:"schoolAddress"`
	Degree        string `json:"degree"`
}

func (in *learningInput) validate() error {
	f := fields{}
	start, okStart := ParseDate(in.StartDate)
	end, okEnd := ParseDate(in.EndDate)
	if !okStart {
		f.add("startDate", "开始时间格式应为YYYY-MM-DD")
	}
	if !okEnd {
		f.add("endDate", "结束时间格式应为YYYY-MM-DD")
	}
	if okStart && okEnd && end.Before(start) {
		f.add("endDate", "结束时间不能早于开始时间")
	}
	f.required("schoolName", "学校名称", in.SchoolName)
	f.maxLen("schoolName", "学校名称", in.SchoolName, 200)
	f.maxLen("schoolAddress", "学校地址", in.SchoolAddress, 200)
	f.required("degree", "学历", in.Degree)
	f.maxLen("degree", "学历", in.Degree, 50)
	return f.err()
}

func (in *learningInput) row(accountID int64) *storage.LearningExperience {
	return &storage.LearningExperience{AccountID: accountID, StartDate: in.StartDate, EndDate: in.EndDate,
		SchoolName: in.SchoolName, SchoolAddress: in.SchoolAddress, Degree: in.Degree}
}

func (s *Server) addLearning(c *gin.Context) {
	var in learningInput
	if !bindValid(c, &in) {
		return
	}
	row := in.row(account(c).ID)
	if err := s.Store.AddLearningExperience(c.Request.Context(), row); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, row)
}

func (s *Server) putLearning(c *gin.Context) {
	id, ok := pathID(c, "eid")
	if !ok {
		return
	}
	var in learningInput
	if !bindValid(c, &in) {
		return
	}
	row := in.row(account(c).ID)
	row.ID = id
	if err := s.Store.UpdateLearningExperience(c.Request.Context(), row); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, row)
}

func (s *Server) deleteLearning(c *gin.Context) {
	id, ok := pathID(c, "eid")
	if !ok {
		return
	}
	if err := s.Store.DeleteLearningExperience(c.Request.Context(), account(c).ID, id); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
