package process

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Field is a form field: its JSON name and its label.
type Field struct {
	Name  string `json:"name"`
	Label string `json:"label"`
}

// ProfileRequired are the fields of 我的个人资料 that must be filled before
// projects are listed; the photo and a 学习经历 are required besides.
var ProfileRequired = []Field{
	{"nameCn", "姓名(中文)"}, {"namePinyin", "姓名(拼音)"}, {"gender", "性别"}, {"birthDate", "出生日期"},
	{"idCardNo", "身份证号码"}, {"hukouLocation", "户口所在地"}, {"politicalStatus", "政治面貌"},
	{"ethnicity", "民族"}, {"degreeLevel", "在读学历"}, {"major", "专业"}, {"grade", "年级"},
	{"phone", "手机号码"}, {"email", "电子邮件"}, {"emergencyName", "紧急联系人姓名"},
	{"emergencyPhone", "紧急联系人手机"}, {"enrollmentYear", "入学年份"},
}

// Missing lists the fields whose value is empty; value reads a field by its name.
func Missing(fields []Field, value func(name string) string) []Field {
	var out []Field
	for _, f := range fields {
		if value(f.Name) == "" {
			out = append(out, f)
		}
	}
	return out
}

// Grades are the 年级 of students, as the roster, the profile and a project's 申请年级 write them.
var Grades = []string{"大一", "大二", "大三", "大四", "大五", "研一", "研二", "研三", "博一", "博二", "博三", "博四"}

// ProjectChoices are the words a project's descriptive fields are chosen from (a value written
// before the lists existed is kept as it is).
var ProjectChoices = map[string][]string{
	"nature":       {"交换学习", "双学位", "暑期学校", "短期访学", "科研实习", "实习实践", "国际会议", "其他"},
	"feeMode":      {"免学费", "学生自付", "学校资助", "部分资助", "对方资助", "其他"},
	"teachingMode": {"线下", "线上", "线上线下结合"},
}

// ProjectCategories are a project's 项目类型.
var ProjectCategories = []string{"校际交流学分项目", "校际交流双学位项目", "实习项目", "其他"}

// FundingKinds are a project's 经费类别; lists mark a SelfFunded project's category, as the manual does:
// 校际交流学分项目 (自费).
var FundingKinds = []string{SelfFunded, "公派"}

// SelfFunded is the 经费类别 whose projects are marked in lists.
const SelfFunded = "自费"

// DefaultOpinionPhrases are the opinions a reviewer most often writes, offered to pick and then
// edit, until the office keeps its own: for approving, returning and refusing.
var DefaultOpinionPhrases = map[string][]string{
	"approve": {"同意", "材料齐全，同意推荐", "同意录取"},
	"return":  {"材料不全，请补充后重新提交", "请按审核意见修改后重新提交"},
	"reject":  {"不符合项目申请条件", "名额已满，未予通过"},
}

// TermLengths are a project's 项目期限.
var TermLengths = []string{"长期", "短期"}

// DegreeLevels are the 在读学历 values.
var DegreeLevels = []string{"本科生", "硕士研究生", "博士研究生"}

// DefaultFormats are the manual's 附件格式 for files without a requirement of their own.
var DefaultFormats = []string{"pdf", "png", "jpg", "tiff", "doc", "docx"}

// PhotoFormats are the formats of the profile's photo.
var PhotoFormats = []string{"jpg", "jpeg", "png"}

// MaxOpinionRunes bounds a reviewer's opinion.
const MaxOpinionRunes = 1000

// MaxFundingRunes bounds the texts of 资助情况.
const MaxFundingRunes = 200

// MaxNameRunes bounds a person's name (accounts.display_name).
const MaxNameRunes = 64

// MaxAmount is the largest sum of money the read model holds (NUMERIC(12,2)).
const MaxAmount = 9_999_999_999.99

// TextProblem says what is wrong with a free text, or "" when nothing is:
// at most max characters, and no control characters but line breaks and tabs
// (PostgreSQL refuses NUL outright; the others are never meant). The API's
// checks and the workflow's own use it alike, so that nothing the database
// would refuse reaches a workflow.
func TextProblem(label, value string, max int) string {
	if utf8.RuneCountInString(value) > max {
		return label + "不能超过" + strconv.Itoa(max) + "个字"
	}
	if strings.IndexFunc(value, unwanted) >= 0 {
		return label + "含有不可见的控制字符"
	}
	return ""
}

// unwanted is a control character other than a line break or a tab.
func unwanted(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }

// CleanText drops what TextProblem refuses: control characters, and what is past max characters.
func CleanText(value string, max int) string {
	out := []rune{}
	for _, r := range value {
		if unwanted(r) {
			continue
		}
		if len(out) == max {
			break
		}
		out = append(out, r)
	}
	return string(out)
}

// Action is an entry of the manual's 操作 menu.
type Action string

const (
	ActionView               Action = "view"                 // 申请查看
	ActionEdit               Action = "edit"                 // 申请修改
	ActionDelete             Action = "delete"               // 申请删除
	ActionWithdraw           Action = "withdraw"             // 撤回修改
	ActionUploadPredeparture Action = "upload-predeparture"  // 上传行前材料
	ActionDeletePredeparture Action = "delete-predeparture"  // 行前材料删除
	ActionSupplement         Action = "supplement"           // 补交材料附件
	ActionSubmitReturnReport Action = "submit-return-report" // 返校总结提交
	ActionTrack              Action = "track"                // 进度跟踪
	ActionDecide             Action = "decide"               // 审核
	ActionGiveUp             Action = "give-up"              // 放弃录取
)

// ActionLabels are the menu's words.
var ActionLabels = map[Action]string{
	ActionView:               "申请查看",
	ActionEdit:               "申请修改",
	ActionDelete:             "申请删除",
	ActionWithdraw:           "撤回修改",
	ActionUploadPredeparture: "上传行前材料",
	ActionDeletePredeparture: "行前材料删除",
	ActionSupplement:         "补交材料附件",
	ActionSubmitReturnReport: "返校总结提交",
	ActionTrack:              "进度跟踪",
	ActionCredits:            "学分认定",
	ActionDecide:             "审核",
	ActionGiveUp:             "放弃录取",
	ActionCheckIn:            "报平安",
	ActionRequestChange:      "变更申请",
	ActionDecideChange:       "变更审核",
	ActionPassportReturned:   "证照交还登记",
	ActionReportReturn:       "回国报到",
}

// Zone is the university's time zone: deadlines, dates and times people read are in it.
var Zone = time.FixedZone("CST", 8*3600)

// FormatTime writes a time as people read it, e.g. 2024-03-01 17:00.
func FormatTime(t time.Time) string { return t.In(Zone).Format("2006-01-02 15:04") }

// ValuesOf reads the fields of a form by their JSON names, for Missing.
// Absent and null values read as "".
func ValuesOf(form any) func(name string) string {
	var values map[string]any
	if b, err := json.Marshal(form); err == nil {
		_ = json.Unmarshal(b, &values)
	}
	return func(name string) string {
		switch v := values[name].(type) {
		case nil:
			return ""
		case string:
			return v
		default:
			return fmt.Sprint(v)
		}
	}
}
