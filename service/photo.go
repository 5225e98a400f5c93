package service

// The profile's photo (证件照): checked as a passport-style photo, stored like every file.

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // photo dimensions
	_ "image/png"

	"outbound/process"
	"outbound/storage"
)

// Photo rules: a passport-style photo.
const (
	PhotoMaxBytes  = 2 << 20
	photoMinWidth  = 295
	photoMinHeight = 413
	photoOK        = "合格"
)

// checkPhoto gives the 照片检测结果 for the photo's head.
func checkPhoto(head []byte) string {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(head))
	if err != nil {
		return "无法识别图片尺寸，请重新上传"
	}
	if cfg.Width < photoMinWidth || cfg.Height < photoMinHeight {
		return fmt.Sprintf("照片尺寸过小（%d×%d），应不小于%d×%d像素", cfg.Width, cfg.Height, photoMinWidth, photoMinHeight)
	}
	if cfg.Height <= cfg.Width {
		return "照片应为竖版证件照"
	}
	return photoOK
}

// PhotoResult is the stored photo and its check.
type PhotoResult struct {
	Photo            *storage.Attachment `json:"photo"`
	PhotoCheckResult string              `json:"photoCheckResult"`
}

// SavePhoto stores the student's photo and checks it.
func (s *Service) SavePhoto(ctx context.Context, who Caller, up Upload) (*PhotoResult, error) {
	f, err := s.storeFile(ctx, up, fileRules{
		formats: process.PhotoFormats, limit: PhotoMaxBytes, keep: 256 << 10,
		row: storage.Attachment{OwnerID: who.ID, Kind: process.KindPhoto, Label: "照片"},
	})
	if err != nil {
		return nil, err
	}
	result := checkPhoto(f.head)
	if result != photoOK {
		// A photo that fails the check never replaces one that passed.
		p, err := s.Store.ProfileByAccount(ctx, who.ID)
		if err != nil {
			s.forget(f.row)
			return nil, err
		}
		if p.PhotoAttachmentID != nil && p.PhotoCheckResult == photoOK {
			s.forget(f.row)
			return nil, Invalid(map[string]string{"file": "照片不合格（" + result + "），已保留原来的合格照片"})
		}
	}
	if err := s.Store.SetProfilePhoto(ctx, who.ID, f.row.ID, result); err != nil {
		s.forget(f.row)
		return nil, err
	}
	return &PhotoResult{Photo: f.row, PhotoCheckResult: result}, nil
}

// Photo is the student's own photo.
func (s *Service) Photo(ctx context.Context, who Caller) (*storage.Attachment, error) {
	p, err := s.Store.ProfileByAccount(ctx, who.ID)
	if err != nil {
		return nil, err
	}
	if p.PhotoAttachmentID == nil {
		return nil, NotFound("照片")
	}
	return s.Store.AttachmentByID(ctx, *p.PhotoAttachmentID)
}
