package process

import (
	"slices"
	"strconv"
)

// FieldKind is what a form field holds, and so how it is checked, stored and shown.
type FieldKind string

const (
	FieldText     FieldKind = "text"
	FieldDate     FieldKind = "date"   // YYYY-MM-DD
	FieldNumber   FieldKind = "number" // within Range
	FieldChoice   FieldKind = "choice" // one of Options
	FieldMobile   FieldKind = "mobile" // a mainland mobile number
	FieldPhone    FieldKind = "phone"  // a mobile or a landline
	FieldEmail    FieldKind = "email"
	FieldIDCard   FieldKind = "idcard" // 身份证号, checked against 出生日期 and 性别
	FieldPassport FieldKind = "passport"
	FieldBool     FieldKind = "bool"
)

// Sections of the application's forms, each saved on its own step.
const (
	SectionBasic = "basicInfo" // step 1, 基本信息
	SectionApply = "applyInfo" // step 2, 申请信息
	// SectionTravel is 出行信息: the travel document, visa, insurance and flights, filled in with the
	// 行前材料 and checked against the stay (travel.go).
	SectionTravel = "travelInfo"
)

// SectionLabels name the sections.
var SectionLabels = map[string]string{SectionBasic: "基本信息", SectionApply: "申请信息", SectionTravel: "出行信息"}

// FormField is one field of the application's forms, declared once: the form, its check, the
// read model's column, the detail, the change list, the export and the printed 申请表 all
// derive from this entry.
type FormField struct {
	Name     string    `json:"name"` // JSON name in the API
	Label    string    `json:"label"`
	Section  string    `json:"section"`
	Kind     FieldKind `json:"kind"`
	Required bool      `json:"required,omitempty"` // needed to submit; saving may leave it empty
	Max      int       `json:"max,omitempty"`      // characters of a text
	Range    []float64 `json:"range,omitempty"`    // bounds of a number
	Options  []string  `json:"options,omitempty"`  // values of a choice
	Hint     string    `json:"hint,omitempty"`
	// DefaultFrom names the application's attribute a blank input starts from (the project's dates).
	DefaultFrom string `json:"defaultFrom,omitempty"`
	// Personal data is masked when shown and kept out of lists and events.
	Personal bool `json:"personal,omitempty"`
	// Sealed data (an identity document's number) is also encrypted at rest, in its column and in
	// the submitted snapshots.
	Sealed bool `json:"-"`
	// Derived values are set by the system (from the account, the profile, the college), shown read-only.
	Derived bool `json:"derived,omitempty"`
	// Export puts the field in the Excel export, under its label.
	Export bool `json:"export,omitempty"`
	// Column is the read model's column (applications.<Column>); Expr reads a derived value instead.
	Column string `json:"-"`
	Expr   string `json:"-"`
	// Prefill is the value a new draft starts with, as SQL over the student's profile p and account a.
	Prefill string `json:"-"`
}

// Form is the catalogue of the application's forms, in the order the manual shows them.
var Form = []FormField{
	{Name: "nameCn", Label: "姓名(中文)", Kind: FieldText, Required: true, Max: 100, Export: true, Column: "name_cn", Prefill: "p.name_cn"},
	{Name: "studentNo", Label: "学号", Kind: FieldText, Required: true, Max: 100, Derived: true, Export: true, Column: "student_no", Prefill: "a.username"},
	{Name: "idCardNo", Label: "身份证号", Kind: FieldIDCard, Required: true, Personal: true, Sealed: true, Column: "id_card_no", Prefill: "p.id_card_no"},
	{Name: "gender", Label: "性别", Kind: FieldChoice, Required: true, Options: []string{"男", "女"}, Column: "gender", Prefill: "p.gender"},
	{Name: "politicalStatus", Label: "政治面貌", Kind: FieldChoice, Required: true, Options: PoliticalStatuses, Column: "political_status", Prefill: "p.political_status"},
	{Name: "hukouLocation", Label: "户口所在地", Kind: FieldText, Required: true, Max: 100, Column: "hukou_location", Prefill: "p.hukou_location"},
	{Name: "birthDate", Label: "出生日期", Kind: FieldDate, Required: true, Personal: true, Column: "birth_date", Prefill: "p.birth_date"},
	{Name: "ethnicity", Label: "民族", Kind: FieldText, Required: true, Max: 100, Column: "ethnicity", Prefill: "p.ethnicity"},
	{Name: "passportNo", Label: "护照号", Kind: FieldPassport, Personal: true, Sealed: true, Column: "passport_no"},
	{Name: "predepartureDate", Label: "行前出发时间", Kind: FieldDate, Export: true, Column: "predeparture_date"},
	{Name: "collegeName", Label: "院系", Kind: FieldText, Derived: true, Export: true, Expr: "c.name"},
	{Name: "major", Label: "专业", Kind: FieldText, Required: true, Max: 100, Export: true, Column: "major", Prefill: "p.major"},
	{Name: "isPostgraduate", Label: "是否为研究生", Kind: FieldBool, Derived: true, Column: "is_postgraduate",
		Prefill: "p.degree_level <> '本科生' AND p.degree_level <> ''"},
	{Name: "cohort", Label: "所属类别", Kind: FieldText, Required: true, Max: 100, Hint: "入学年份，如 2021", Column: "cohort",
		Prefill: "coalesce(p.enrollment_year::text, '')"},
	{Name: "degreeLevel", Label: "在读学历", Kind: FieldChoice, Required: true, Options: DegreeLevels, Export: true, Column: "degree_level", Prefill: "p.degree_level"},
	{Name: "grade", Label: "当前年级", Kind: FieldText, Required: true, Max: 100, Export: true, Column: "grade", Prefill: "p.grade"},
	{Name: "schoolingLength", Label: "学制", Kind: FieldText, Required: true, Max: 100, Column: "schooling_length", Prefill: "p.schooling_length"},
	{Name: "phone", Label: "手机号码", Kind: FieldMobile, Required: true, Personal: true, Column: "phone", Prefill: "p.phone"},
	{Name: "email", Label: "电子邮件", Kind: FieldEmail, Required: true, Personal: true, Column: "email", Prefill: "p.email"},
	{Name: "emergencyName", Label: "紧急联系人姓名", Kind: FieldText, Required: true, Max: 100, Personal: true, Column: "emergency_name", Prefill: "p.emergency_name"},
	{Name: "emergencyPhone", Label: "紧急联系人手机号", Kind: FieldMobile, Required: true, Personal: true, Column: "emergency_phone", Prefill: "p.emergency_phone"},
	{Name: "familyAddress", Label: "家庭地址", Kind: FieldText, Max: 200, Personal: true, Column: "family_address", Prefill: "p.family_address"},
	{Name: "supervisorName", Label: "导师姓名", Kind: FieldText, Required: true, Max: 100, Hint: "本科生暂无导师可填写辅导员姓名", Column: "supervisor_name"},
	{Name: "supervisorPhone", Label: "导师联系电话", Kind: FieldPhone, Required: true, Column: "supervisor_phone"},

	{Name: "departureDate", Label: "出国(境)时间", Section: SectionApply, Kind: FieldDate, Required: true, Export: true, Column: "departure_date",
		DefaultFrom: "projectStartDate"},
	{Name: "returnDate", Label: "回国(入境)时间", Section: SectionApply, Kind: FieldDate, Required: true, Export: true, Column: "return_date",
		DefaultFrom: "projectEndDate"},
	{Name: "gpa", Label: "GPA", Section: SectionApply, Kind: FieldNumber, Required: true, Range: []float64{0, 5}, Export: true, Column: "gpa"},
	{Name: "weightedAverage", Label: "加权平均分", Section: SectionApply, Kind: FieldNumber, Required: true, Range: []float64{0, 100}, Export: true, Column: "weighted_average"},

	{Name: "travelDocType", Label: "证件类型", Section: SectionTravel, Kind: FieldChoice, Required: true, Options: TravelDocTypes, Export: true, Column: "travel_doc_type"},
	{Name: "travelDocNo", Label: "证件号码", Section: SectionTravel, Kind: FieldText, Required: true, Max: 30, Personal: true, Sealed: true, Column: "travel_doc_no"},
	{Name: "travelDocExpiry", Label: "证件有效期至", Section: SectionTravel, Kind: FieldDate, Required: true, Column: "travel_doc_expiry",
		Hint: "护照须在回国(入境)时间后仍有6个月以上有效期"},
	{Name: "visaType", Label: "签证(签注)类型", Section: SectionTravel, Kind: FieldText, Required: true, Max: 50, Export: true, Column: "visa_type"},
	{Name: "visaNo", Label: "签证(签注)号码", Section: SectionTravel, Kind: FieldText, Max: 30, Column: "visa_no"},
	{Name: "visaFrom", Label: "签证(签注)有效期自", Section: SectionTravel, Kind: FieldDate, Required: true, Column: "visa_from"},
	{Name: "visaTo", Label: "签证(签注)有效期至", Section: SectionTravel, Kind: FieldDate, Required: true, Column: "visa_to"},
	{Name: "visaEntries", Label: "入境次数", Section: SectionTravel, Kind: FieldChoice, Options: []string{"单次", "两次", "多次"}, Column: "visa_entries"},
	{Name: "insurer", Label: "保险公司", Section: SectionTravel, Kind: FieldText, Required: true, Max: 100, Column: "insurer"},
	{Name: "policyNo", Label: "保单号", Section: SectionTravel, Kind: FieldText, Required: true, Max: 50, Column: "policy_no"},
	{Name: "insuranceFrom", Label: "保险生效日期", Section: SectionTravel, Kind: FieldDate, Required: true, Column: "insurance_from"},
	{Name: "insuranceTo", Label: "保险截止日期", Section: SectionTravel, Kind: FieldDate, Required: true, Column: "insurance_to"},
	{Name: "insuranceAmount", Label: "保险金额(元)", Section: SectionTravel, Kind: FieldNumber, Range: []float64{0, 1e9}, Column: "insurance_amount"},
	{Name: "outboundFlightDate", Label: "去程航班日期", Section: SectionTravel, Kind: FieldDate, Required: true, Export: true, Column: "outbound_flight_date"},
	{Name: "outboundFlightNo", Label: "去程航班号", Section: SectionTravel, Kind: FieldText, Max: 20, Column: "outbound_flight_no"},
	{Name: "returnFlightDate", Label: "返程航班日期", Section: SectionTravel, Kind: FieldDate, Export: true, Column: "return_flight_date"},
	{Name: "returnFlightNo", Label: "返程航班号", Section: SectionTravel, Kind: FieldText, Max: 20, Column: "return_flight_no"},
	{Name: "hostContact", Label: "接待单位联系人及联系方式", Section: SectionTravel, Kind: FieldText, Required: true, Max: 200, Column: "host_contact"},
	{Name: "addressAbroad", Label: "境外住址", Section: SectionTravel, Kind: FieldText, Required: true, Max: 200, Personal: true, Column: "address_abroad"},
}

// TravelDocTypes are 证件类型: passports, and the permits trips to 港澳台 use instead.
var TravelDocTypes = []string{"因公护照", "因私护照", "往来港澳通行证", "往来台湾通行证"}

// PoliticalStatuses are the 政治面貌 values.
var PoliticalStatuses = []string{"中共党员", "中共预备党员", "共青团员", "群众", "其他"}

func init() {
	// A field without a section is of 基本信息, so that the catalogue reads as the form does.
	for i := range Form {
		if Form[i].Section == "" {
			Form[i].Section = SectionBasic
		}
	}
}

// FieldsOf lists a section's fields in order.
func FieldsOf(section string) []FormField {
	var out []FormField
	for _, f := range Form {
		if f.Section == section {
			out = append(out, f)
		}
	}
	return out
}

// FormFieldNamed finds a field of the catalogue.
func FormFieldNamed(name string) (FormField, bool) {
	i := slices.IndexFunc(Form, func(f FormField) bool { return f.Name == name })
	if i < 0 {
		return FormField{}, false
	}
	return Form[i], true
}

// Problem says what is wrong with a value of the field in a form, or "" when nothing is; an
// empty value is a problem only at submission (Required), not when a step is saved.
func (f FormField) Problem(v any, form Values) string {
	if v == nil || v == "" {
		return ""
	}
	if f.Kind == FieldNumber {
		n, ok := v.(float64)
		if !ok {
			return f.Label + "应为数字"
		}
		if n < f.Range[0] || n > f.Range[1] {
			return f.Label + "应在" + strconv.FormatFloat(f.Range[0], 'f', -1, 64) + "到" + strconv.FormatFloat(f.Range[1], 'f', -1, 64) + "之间"
		}
		return ""
	}
	if f.Kind == FieldBool {
		if _, ok := v.(bool); !ok {
			return f.Label + "应为是或否"
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		return f.Label + "应为文字"
	}
	max := f.Max
	if max == 0 {
		max = 100
	}
	if msg := TextProblem(f.Label, s, max); msg != "" {
		return msg
	}
	switch f.Kind {
	case FieldDate:
		if _, ok := ParseDate(s); !ok {
			return f.Label + "格式应为YYYY-MM-DD"
		}
	case FieldChoice:
		if !slices.Contains(f.Options, s) {
			return f.Label + "应为" + joinOr(f.Options)
		}
	case FieldMobile:
		if !ValidMobile(s) {
			return f.Label + "应为11位大陆手机号"
		}
	case FieldPhone:
		if !ValidMobile(s) && !ValidPhone(s) {
			return f.Label + "格式不正确"
		}
	case FieldEmail:
		if !ValidEmail(s) {
			return f.Label + "格式不正确"
		}
	case FieldPassport:
		if !ValidPassport(s) {
			return f.Label + "应为5至20位字母或数字"
		}
	case FieldIDCard:
		return IDCardProblem(s, form.Text("birthDate"), form.Text("gender"))
	}
	return ""
}

func joinOr(options []string) string {
	out := ""
	for i, o := range options {
		switch {
		case i == 0:
		case i == len(options)-1:
			out += "或"
		default:
			out += "、"
		}
		out += "“" + o + "”"
	}
	return out
}

// MissingIn lists a section's required fields that are empty in a form; derived fields are the
// system's to fill, not the student's.
func MissingIn(section string, form Values) []FormField {
	var out []FormField
	for _, f := range FieldsOf(section) {
		if f.Required && !f.Derived && form.Empty(f.Name) {
			out = append(out, f)
		}
	}
	return out
}

// SealedNames are the names of the fields encrypted at rest.
func SealedNames() []string {
	var out []string
	for _, f := range Form {
		if f.Sealed {
			out = append(out, f.Name)
		}
	}
	return out
}
