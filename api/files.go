package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // photo dimensions
	_ "image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"outbound/storage"
	"outbound/storage/blob"
)

// fileRules say what a file may be and where its row goes.
type fileRules struct {
	formats []string
	limit   int64
	row     storage.Attachment // owner, application, requirement, kind, label
	// stages the application must be in when the row is written.
	stages []string
	// keep captures the first bytes, for checks that need the file's head.
	keep int
}

// storedFile is a file written to MinIO and recorded.
type storedFile struct {
	row  *storage.Attachment
	head []byte
}

// limitLabel reads like the manual's 附件大小 column: 10M, 512K.
func limitLabel(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + "M"
	}
	return strconv.FormatInt(n>>10, 10) + "K"
}

// nextFile returns the next file part of a multipart body, or nil at the end.
func nextFile(mr *multipart.Reader) (*multipart.Part, error) {
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			return nil, errBadRequest("上传内容格式不正确")
		}
		if part.FileName() != "" {
			return part, nil
		}
		part.Close()
	}
}

func multipartReader(c *gin.Context, limit int64) (*multipart.Reader, error) {
	// The whole body may be a little larger than the files it carries.
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit+1<<20)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, errBadRequest("请使用 multipart/form-data 上传文件（字段名 file）")
	}
	return mr, nil
}

// storeFile streams one part to MinIO and records it. On any failure nothing
// remains: neither the object nor the row.
func (s *Server) storeFile(ctx context.Context, part *multipart.Part, rules fileRules) (*storedFile, error) {
	name, err := blob.CleanFileName(part.FileName())
	if err != nil {
		return nil, errInvalid(map[string]string{"file": "文件名无效"})
	}
	in, err := blob.Receive(part, name, rules.formats, rules.limit)
	switch {
	case errors.Is(err, blob.ErrFormat):
		return nil, errInvalid(map[string]string{"file": "不支持的文件格式，允许：" + strings.Join(rules.formats, ",")})
	case errors.Is(err, blob.ErrContentFormat):
		return nil, errInvalid(map[string]string{"file": "文件内容与扩展名不符，请上传真实的" + strings.ToUpper(blob.Extension(name)) + "文件"})
	case errors.Is(err, blob.ErrEmpty):
		return nil, errInvalid(map[string]string{"file": "文件为空"})
	case err != nil:
		return nil, errBadRequest("上传中断，请重试")
	}
	var head bytes.Buffer
	var body io.Reader = in
	if rules.keep > 0 {
		body = io.TeeReader(in, &capped{buf: &head, max: rules.keep})
	}
	// The file is spooled to disk while it is checked, counted and hashed, so that
	// MinIO receives it with its size known and no upload holds a file in memory.
	spool, err := os.CreateTemp("", "outbound-upload-")
	if err != nil {
		return nil, err
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	size, err := io.Copy(spool, body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, blob.ErrTooLarge) || errors.As(err, &tooLarge):
		msg := "文件大小超过限制（最大" + limitLabel(rules.limit) + "）"
		return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: msg, Fields: map[string]string{"file": msg}}
	case err != nil:
		return nil, errBadRequest("上传中断，请重试")
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	key := fmt.Sprintf("%s/%d/%s/%s", rules.row.Kind, rules.row.OwnerID, time.Now().UTC().Format("2006/01"), uuid.NewString())
	if _, err := s.Files.Put(ctx, key, spool, size, in.ContentType); err != nil {
		s.removeObject(key)
		if ctx.Err() != nil {
			return nil, errBadRequest("上传中断，请重试")
		}
		return nil, errors.Join(blob.ErrUnavailable, err)
	}
	row := rules.row
	row.ObjectKey, row.FileName, row.SizeBytes, row.ContentType, row.SHA256 = key, name, size, in.ContentType, in.SHA256()
	if err := s.Store.InsertAttachment(ctx, &row, rules.stages); err != nil {
		s.removeObject(key)
		return nil, err
	}
	return &storedFile{row: &row, head: head.Bytes()}, nil
}

// removeObject deletes an object whose row did not commit; a failure is left to the sweeper.
func (s *Server) removeObject(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Files.Remove(ctx, key); err != nil {
		slog.Warn("could not remove object of a failed upload", "key", key, "error", err)
	}
}

// forget removes a recorded file again (its message was refused).
func (s *Server) forget(row *storage.Attachment) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Store.ForgetAttachment(ctx, row.ID); err != nil {
		slog.Warn("could not remove attachment row", "id", row.ID, "error", err)
		return
	}
	s.removeObject(row.ObjectKey)
}

// capped keeps at most max bytes.
type capped struct {
	buf *bytes.Buffer
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); room > 0 {
		if len(p) > room {
			c.buf.Write(p[:room])
		} else {
			c.buf.Write(p)
		}
	}
	return len(p), nil
}

// Photo rules: a passport-style photo.
const (
	photoLimit     = 2 << 20
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

func (s *Server) putPhoto(c *gin.Context) {
	mr, err := multipartReader(c, photoLimit)
	if err != nil {
		fail(c, err)
		return
	}
	part, err := nextFile(mr)
	if err == nil && part == nil {
		err = errInvalid(map[string]string{"file": "请选择照片文件"})
	}
	if err != nil {
		fail(c, err)
		return
	}
	acc := account(c)
	f, err := s.storeFile(c.Request.Context(), part, fileRules{
		formats: []string{"jpg", "jpeg", "png"}, limit: photoLimit, keep: 256 << 10,
		row: storage.Attachment{OwnerID: acc.ID, Kind: "photo", Label: "照片"},
	})
	if err != nil {
		fail(c, err)
		return
	}
	result := checkPhoto(f.head)
	if err := s.Store.SetProfilePhoto(c.Request.Context(), acc.ID, f.row.ID, result); err != nil {
		s.forget(f.row)
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"photo": f.row, "photoCheckResult": result})
}

func (s *Server) getPhoto(c *gin.Context) {
	p, err := s.Store.ProfileByAccount(c.Request.Context(), account(c).ID)
	if err != nil {
		fail(c, err)
		return
	}
	if p.PhotoAttachmentID == nil {
		fail(c, errNotFound("照片"))
		return
	}
	a, err := s.Store.AttachmentByID(c.Request.Context(), *p.PhotoAttachmentID)
	if err != nil {
		fail(c, err)
		return
	}
	s.serveFile(c, a, true)
}

// inlineTypes may be shown in the browser; everything else is downloaded.
var inlineTypes = map[string]bool{"application/pdf": true, "image/png": true, "image/jpeg": true}

// serveFile streams a stored file with a safe Content-Disposition.
func (s *Server) serveFile(c *gin.Context, a *storage.Attachment, inline bool) {
	r, size, err := s.Files.Open(c.Request.Context(), a.ObjectKey)
	if err != nil {
		fail(c, err)
		return
	}
	defer r.Close()
	disposition := "attachment"
	if inline && inlineTypes[a.ContentType] {
		disposition = "inline"
	}
	h := c.Writer.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", contentDisposition(disposition, a.FileName))
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; plugin-types application/pdf; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	c.Status(http.StatusOK)
	if _, err := io.Copy(c.Writer, r); err != nil {
		slog.Warn("file download interrupted", "attachment", a.ID, "error", err)
	}
}

// contentDisposition gives an ASCII fallback and the UTF-8 name (RFC 6266 / 5987).
func contentDisposition(kind, name string) string {
	fallback := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == ';' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`%s; filename="%s"; filename*=UTF-8''%s`, kind, fallback, url.PathEscape(name))
}
