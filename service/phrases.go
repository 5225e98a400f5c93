package service

import (
	"context"
	"strconv"
	"strings"

	"outbound/process"
)

// OpinionPhrases are the ready-made 审核意见 offered for each decision: the office's own once it
// has saved a list, the process's until then.
type OpinionPhrases struct {
	Phrases map[string][]string `json:"phrases"`
	// Kept says whether the office has saved its own list.
	Kept bool `json:"kept"`
}

// OpinionPhrases reads the phrases offered to reviewers.
func (s *Service) OpinionPhrases(ctx context.Context) (*OpinionPhrases, error) {
	phrases, kept, err := s.Store.OpinionPhrases(ctx)
	if err != nil {
		return nil, err
	}
	if !kept {
		phrases = process.DefaultOpinionPhrases
	}
	out := &OpinionPhrases{Phrases: map[string][]string{}, Kept: kept}
	for _, d := range process.Decisions {
		out.Phrases[d.Value] = append([]string{}, phrases[d.Value]...)
	}
	return out, nil
}

// SetOpinionPhrases replaces the office's list: each decision's phrases in order, blank lines
// dropped, each checked like any text a reviewer writes.
func (s *Service) SetOpinionPhrases(ctx context.Context, who Caller, in OpinionPhrases) (*OpinionPhrases, error) {
	f := fields{}
	if in.Phrases == nil {
		f.add("phrases", "请提供各审核结果的常用意见（phrases）")
	}
	known := map[string]bool{}
	for _, d := range process.Decisions {
		known[d.Value] = true
	}
	clean := map[string][]string{}
	for decision, list := range in.Phrases {
		if !known[decision] {
			f.add("phrases."+decision, "审核结果"+strconv.Quote(decision)+"不存在")
			continue
		}
		seen := map[string]bool{}
		for i, p := range list {
			p = strings.TrimSpace(p)
			at := "phrases." + decision + "." + strconv.Itoa(i)
			switch {
			case p == "":
				continue
			case seen[p]:
				f.add(at, "常用意见重复："+p)
				continue
			}
			seen[p] = true
			f.text(at, "常用意见", p, process.MaxPhraseRunes)
			clean[decision] = append(clean[decision], p)
		}
		if len(clean[decision]) > process.MaxOpinionPhrases {
			f.add("phrases."+decision, "每种审核结果最多"+strconv.Itoa(process.MaxOpinionPhrases)+"条常用意见")
		}
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	before, err := s.OpinionPhrases(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.Store.SetOpinionPhrases(ctx, clean); err != nil {
		return nil, err
	}
	s.audit(ctx, who, "opinion_phrases.update", "opinion_phrases", "", before.Phrases, clean)
	return s.OpinionPhrases(ctx)
}
