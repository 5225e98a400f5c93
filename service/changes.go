package service

import (
	"encoding/json"
	"fmt"

	"outbound/process"
	"outbound/storage"
)

// Change is one difference between a resubmission and the submission before it, as reviewers read it.
type Change struct {
	Section string `json:"section"`
	Field   string `json:"field"`
	Before  string `json:"before"`
	After   string `json:"after"`
}

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

// section is a section of the forms as the snapshot holds it.
func (c snapshotContent) section(name string) map[string]any {
	if name == process.SectionApply {
		return c.ApplyInfo
	}
	return c.BasicInfo
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
	// Fields are compared in the catalogue's order, under its labels; a field the earlier snapshot
	// did not have yet reads as empty there.
	for _, f := range process.Form {
		old, now := before.section(f.Section), after.section(f.Section)
		if b, a := text(old[f.Name]), text(now[f.Name]); b != a {
			out = append(out, Change{Section: process.SectionLabels[f.Section], Field: f.Label, Before: b, After: a})
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
