package service

import (
	"encoding/json"
	"fmt"
	"slices"

	"outbound/storage"
)

// Change is one difference between a resubmission and the submission before it, as reviewers read it.
type Change struct {
	Section string `json:"section"`
	Field   string `json:"field"`
	Before  string `json:"before"`
	After   string `json:"after"`
}

// changeLabels name the snapshot's fields in 申请查看's words; fields not named are not compared.
var changeLabels = map[string]map[string]string{
	"basicInfo": {"nameCn": "姓名", "studentNo": "学号", "idCardNo": "身份证号", "gender": "性别", "politicalStatus": "政治面貌",
		"hukouLocation": "户口所在地", "birthDate": "出生日期", "ethnicity": "民族", "passportNo": "护照号", "major": "专业",
		"cohort": "所属届别", "degreeLevel": "在读学历", "grade": "当前年级", "schoolingLength": "学制", "phone": "手机",
		"email": "电子邮件", "emergencyName": "紧急联系人姓名", "emergencyPhone": "紧急联系人电话", "familyAddress": "家庭地址",
		"supervisorName": "导师姓名", "supervisorPhone": "导师联系电话"},
	"applyInfo": {"departureDate": "出国(境)时间", "returnDate": "回国(入境)时间", "gpa": "GPA", "weightedAverage": "加权平均分"},
}

var sectionLabels = map[string]string{"basicInfo": "基本信息", "applyInfo": "申请信息"}

type snapshotContent struct {
	BasicInfo      map[string]any   `json:"basicInfo"`
	ApplyInfo      map[string]any   `json:"applyInfo"`
	LanguageScores []map[string]any `json:"languageScores"`
	Awards         []map[string]any `json:"awards"`
	Attachments    []struct {
		ID       int64  `json:"id"`
		Label    string `json:"label"`
		FileName string `json:"fileName"`
		SHA256   string `json:"sha256"`
	} `json:"attachments"`
}

// changesBetween lists what differs from the previous submission to the latest: the fields of
// steps 1 and 2, the rows of 外语水平 and 获奖情况, and the files added, replaced or removed.
func changesBetween(previous, latest storage.Snapshot) ([]Change, error) {
	var before, after snapshotContent
	if err := json.Unmarshal(previous.Content, &before); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(latest.Content, &after); err != nil {
		return nil, err
	}
	out := []Change{}
	for _, section := range []string{"basicInfo", "applyInfo"} {
		old, now := map[string]map[string]any{"basicInfo": before.BasicInfo, "applyInfo": before.ApplyInfo}[section],
			map[string]map[string]any{"basicInfo": after.BasicInfo, "applyInfo": after.ApplyInfo}[section]
		labels := changeLabels[section]
		keys := make([]string, 0, len(labels))
		for k := range labels {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if b, a := text(old[k]), text(now[k]); b != a {
				out = append(out, Change{Section: sectionLabels[section], Field: labels[k], Before: b, After: a})
			}
		}
	}
	rows := func(section string, old, now []map[string]any, describe func(map[string]any) string) {
		was, is := map[string]bool{}, map[string]bool{}
		for _, r := range old {
			was[describe(r)] = true
		}
		for _, r := range now {
			is[describe(r)] = true
			if !was[describe(r)] {
				out = append(out, Change{Section: section, Field: "新增", After: describe(r)})
			}
		}
		for _, r := range old {
			if !is[describe(r)] {
				out = append(out, Change{Section: section, Field: "删除", Before: describe(r)})
			}
		}
	}
	rows("外语水平", before.LanguageScores, after.LanguageScores, func(r map[string]any) string {
		return fmt.Sprintf("%s %s（%s，%s）", text(r["language"]), text(r["score"]), text(r["requirement"]), text(r["examDate"]))
	})
	rows("获奖情况", before.Awards, after.Awards, func(r map[string]any) string {
		return fmt.Sprintf("%s（%s，%s，%s）", text(r["name"]), text(r["level"]), text(r["awardedOn"]), text(r["issuer"]))
	})
	files := map[string]string{} // label → file name, in the previous submission
	for _, f := range before.Attachments {
		files[f.Label+"|"+f.SHA256] = f.FileName
	}
	kept := map[string]bool{}
	for _, f := range after.Attachments {
		if _, ok := files[f.Label+"|"+f.SHA256]; ok {
			kept[f.Label+"|"+f.SHA256] = true
			continue
		}
		out = append(out, Change{Section: "附件", Field: f.Label, After: f.FileName + "（新上传）"})
	}
	for _, f := range before.Attachments {
		if !kept[f.Label+"|"+f.SHA256] {
			out = append(out, Change{Section: "附件", Field: f.Label, Before: f.FileName, After: "（已不在本次提交中）"})
		}
	}
	return out, nil
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return fmt.Sprint(x)
	case bool:
		if x {
			return "是"
		}
		return "否"
	}
	return fmt.Sprint(v)
}
