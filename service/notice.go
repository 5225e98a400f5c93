package service

import (
	"context"

	"outbound/storage"
)

// Notice is 申报须知 and 本人承诺 as shown before the form opens, with the version a student accepts.
type Notice struct {
	storage.NoticeText
	Warning string `json:"warning"`
}

// noticeWarning is said beside the notice and on every step of the form.
const noticeWarning = "请勿上传涉密材料"

// Limits of the texts, as the read model holds them.
const (
	maxNoticeRunes     = 5000
	maxCommitmentRunes = 2000
	maxReadSeconds     = 60
)

// Notice is the version students accept now.
func (s *Service) Notice(ctx context.Context) (*Notice, error) {
	n, err := s.Store.CurrentNotice(ctx)
	if err != nil {
		return nil, err
	}
	return &Notice{NoticeText: *n, Warning: noticeWarning}, nil
}

// NoticeInput is a new version of the texts.
type NoticeInput struct {
	Notice      string `json:"notice"`
	Commitment  string `json:"commitment"`
	ReadSeconds int    `json:"readSeconds"`
}

// SaveNotice publishes a new version: students who open the form from now on accept it, and an
// application started on the page of an earlier version is asked to read it again.
func (s *Service) SaveNotice(ctx context.Context, who Caller, in NoticeInput) (*Notice, error) {
	f := fields{}
	f.requiredText("notice", "申报须知", in.Notice, maxNoticeRunes)
	f.requiredText("commitment", "本人承诺", in.Commitment, maxCommitmentRunes)
	if in.ReadSeconds < 0 || in.ReadSeconds > maxReadSeconds {
		f.add("readSeconds", "阅读时间应在0到60秒之间")
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	n := &storage.NoticeText{Notice: in.Notice, Commitment: in.Commitment, ReadSeconds: in.ReadSeconds}
	if err := s.Store.AddNotice(ctx, n, who.ID); err != nil {
		return nil, err
	}
	s.audit(ctx, who, "notice.publish", "notice", n.Version, nil, map[string]any{"version": n.Version})
	return &Notice{NoticeText: *n, Warning: noticeWarning}, nil
}
