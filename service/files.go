package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"outbound/process"
	"outbound/storage"
	"outbound/storage/blob"
	"outbound/workflows"
)

// Upload is one file a client sends: its name and its content, read once.
type Upload struct {
	Name string
	Body io.Reader
	// Size is the length the client announced (Content-Length of a raw body); 0 when unknown
	// (a part of a multipart body).
	Size int64
}

// MaxRequirementBytes is the largest limit a project may set for a file.
const MaxRequirementBytes = 100 << 20

// MaxSupplementFiles bounds the files of one 补交材料附件.
const MaxSupplementFiles = 5

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

// storeFile streams one file to MinIO and records it. On any failure nothing
// remains: neither the object nor the row.
func (s *Service) storeFile(ctx context.Context, up Upload, rules fileRules) (*storedFile, error) {
	name, err := blob.CleanFileName(up.Name)
	if err != nil {
		return nil, Invalid(map[string]string{"file": "文件名无效"})
	}
	// An announced length past the limit is refused before a byte is read.
	tooLarge := func() error {
		msg := "文件大小超过限制（最大" + limitLabel(rules.limit) + "）"
		return TooLarge(msg, map[string]string{"file": msg})
	}
	if up.Size > rules.limit {
		return nil, tooLarge()
	}
	// Each person's files have a quota: checked before a byte is read (with the announced length) and
	// again with the stored size, so that a full quota stores nothing.
	used, err := s.Store.UsedBytes(ctx, rules.row.OwnerID)
	if err != nil {
		return nil, err
	}
	overQuota := func(size int64) error {
		if used+size <= s.Config.Upload.QuotaBytes {
			return nil
		}
		msg := "您上传的文件总量已达上限（" + limitLabel(s.Config.Upload.QuotaBytes) + "），请先删除不需要的文件"
		return TooLarge(msg, map[string]string{"file": msg})
	}
	if err := overQuota(max(up.Size, 0)); err != nil {
		return nil, err
	}
	in, err := blob.Receive(up.Body, name, rules.formats, rules.limit)
	switch {
	case errors.Is(err, blob.ErrFormat):
		return nil, Invalid(map[string]string{"file": "不支持的文件格式，允许：" + strings.Join(rules.formats, ",")})
	case errors.Is(err, blob.ErrContentFormat):
		return nil, Invalid(map[string]string{"file": "文件内容与扩展名不符，请上传真实的" + strings.ToUpper(blob.Extension(name)) + "文件"})
	case errors.Is(err, blob.ErrEmpty):
		return nil, Invalid(map[string]string{"file": "文件为空"})
	case err != nil:
		return nil, BadRequest("上传中断，请重试")
	}
	var head bytes.Buffer
	body := &bodyReader{r: in}
	if rules.keep > 0 {
		body.r = io.TeeReader(in, &capped{buf: &head, max: rules.keep})
	}
	key := fmt.Sprintf("%s/%d/%s/%s", rules.row.Kind, rules.row.OwnerID, time.Now().UTC().Format("2006/01"), uuid.NewString())
	size, err := s.put(ctx, key, body, up.Size, in.ContentType)
	switch {
	case err == nil:
	case errors.Is(body.err, blob.ErrTooLarge):
		return nil, tooLarge()
	case body.err != nil || ctx.Err() != nil:
		return nil, BadRequest("上传中断，请重试")
	default:
		return nil, errors.Join(blob.ErrUnavailable, err)
	}
	if err := overQuota(size); err != nil {
		s.removeObject(key)
		return nil, err
	}
	row := rules.row
	row.ObjectKey, row.FileName, row.SizeBytes, row.ContentType, row.SHA256 = key, name, size, in.ContentType, in.SHA256()
	if err := s.Store.InsertAttachment(ctx, &row, rules.stages); err != nil {
		s.removeObject(key)
		return nil, err
	}
	return &storedFile{row: &row, head: head.Bytes()}, nil
}

// put writes one object and answers its size; on failure no object remains. A body of known
// length goes straight to MinIO as it arrives, hashed and checked on the way. One of unknown
// length (a multipart part) is spooled to disk first, so that MinIO receives it with its length
// known and no upload holds a file in memory.
func (s *Service) put(ctx context.Context, key string, body io.Reader, size int64, contentType string) (int64, error) {
	if size <= 0 {
		spool, err := os.CreateTemp("", "outbound-upload-")
		if err != nil {
			return 0, err
		}
		defer os.Remove(spool.Name())
		defer spool.Close()
		if size, err = io.Copy(spool, body); err != nil {
			return 0, err
		}
		if _, err := spool.Seek(0, io.SeekStart); err != nil {
			return 0, err
		}
		body = spool
	}
	if _, err := s.Files.Put(ctx, key, body, size, contentType); err != nil {
		s.removeObject(key)
		return 0, err
	}
	return size, nil
}

// bodyReader remembers the first error reading the upload, to tell the client's fault (too large,
// cut off) from the object store's.
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

// removeObject deletes an object whose row did not commit; a failure is left to the sweeper.
func (s *Service) removeObject(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Files.Remove(ctx, key); err != nil {
		slog.Warn("could not remove object of a failed upload", "key", key, "error", err)
	}
}

// forget removes a recorded file again (its message was refused).
func (s *Service) forget(row *storage.Attachment) {
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

// UploadAttachment stores a file of the kind the application's current phase
// takes: a required attachment against one of the captured requirements, or
// the phase's own materials. The stage is checked again in the row's insert.
// file reads the upload; it is called only once the caller may upload here.
func (s *Service) UploadAttachment(ctx context.Context, who Caller, id int64, kind string, requirementID string, file func() (Upload, error)) (*storage.Attachment, error) {
	app, err := s.ownApplication(ctx, who, id)
	if err != nil {
		return nil, err
	}
	rules := fileRules{formats: process.DefaultFormats, limit: s.Config.Upload.MaxBytes,
		row: storage.Attachment{OwnerID: app.StudentID, ApplicationID: &app.ID, Kind: kind, Label: process.UploadLabel(kind)}}
	switch kind {
	case process.KindRequired, process.KindPredeparture:
		// A required attachment is one of the application's requirements; a pre-departure file is
		// one of the checklist's, or, without requirementId, one more 行前材料.
		if kind == process.KindPredeparture && requirementID == "" {
			break
		}
		reqID, err := strconv.ParseInt(requirementID, 10, 64)
		if err != nil {
			return nil, Invalid(map[string]string{"requirementId": "请指明附件类型（requirementId）"})
		}
		reqs, err := app.CapturedRequirements()
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(reqs, func(r storage.Requirement) bool {
			return r.ID == reqID && r.ForPredeparture() == (kind == process.KindPredeparture)
		})
		if i < 0 {
			return nil, Invalid(map[string]string{"requirementId": "该项目没有这种附件类型"})
		}
		r := reqs[i]
		rules.formats, rules.limit = r.Formats, r.MaxBytes
		rules.row.RequirementID, rules.row.Label = &r.ID, r.Kind
	case process.KindReturnReport, process.KindChange, process.KindTranscript:
	default:
		return nil, Invalid(map[string]string{"kind": "附件种类应为 required、predeparture、return_report、change 或 transcript"})
	}
	rules.stages = s.Process.UploadStages(kind)
	up, err := file()
	if err != nil {
		return nil, err
	}
	f, err := s.storeFile(ctx, up, rules)
	if errors.Is(err, storage.ErrConflict) {
		return nil, conflict(workflows.CodeWrongStage, "当前状态（"+app.Status+"）不能上传此类附件")
	}
	if err != nil {
		return nil, err
	}
	return f.row, nil
}

// Supplement uploads 补交材料附件 and tells the workflow; files the workflow
// refuses are removed again. next yields the files one by one, nil at the end.
func (s *Service) Supplement(ctx context.Context, who Caller, id int64, next func() (*Upload, error), key string) (*ApplicationDetail, error) {
	app, err := s.ownApplication(ctx, who, id)
	if err != nil {
		return nil, err
	}
	var stored []*storage.Attachment
	undo := func() {
		for _, row := range stored {
			s.forget(row)
		}
	}
	for len(stored) < MaxSupplementFiles {
		up, err := next()
		if err != nil {
			undo()
			return nil, err
		}
		if up == nil {
			break
		}
		f, err := s.storeFile(ctx, *up, fileRules{
			formats: process.DefaultFormats, limit: s.Config.Upload.MaxBytes,
			row:    storage.Attachment{OwnerID: app.StudentID, ApplicationID: &app.ID, Kind: process.KindSupplement, Label: process.UploadLabel(process.KindSupplement)},
			stages: s.Process.UploadStages(process.KindSupplement),
		})
		if err != nil {
			undo()
			if errors.Is(err, storage.ErrConflict) {
				err = conflict(workflows.CodeWrongStage, "只有审核中的申请可以补交材料附件")
			}
			return nil, err
		}
		stored = append(stored, f.row)
	}
	if len(stored) == 0 {
		return nil, Invalid(map[string]string{"file": "请选择要补交的文件"})
	}
	ids := make([]int64, len(stored))
	for i, row := range stored {
		ids[i] = row.ID
	}
	v, err := s.send(ctx, app.ID, process.MsgSupplement, key, workflows.Request{Actor: who.Actor(), AttachmentIDs: ids})
	var pending *Pending
	if errors.As(err, &pending) {
		return nil, err // the workflow may still take these files: they stay
	}
	if err != nil {
		undo()
		return nil, err
	}
	return s.detailOf(ctx, who, app.ID, v)
}

// DeleteAttachment removes a file the student may still take back: only the
// current phase's own kind, while that phase is editable.
func (s *Service) DeleteAttachment(ctx context.Context, who Caller, id, aid int64) error {
	app, err := s.ownApplication(ctx, who, id)
	if err != nil {
		return err
	}
	kind, ok := s.Process.DeletableKind(app.Stage)
	if ok {
		err = s.Store.DeleteAttachment(ctx, aid, app.ID, kind, app.Stage)
	}
	if !ok || errors.Is(err, storage.ErrConflict) {
		return conflict("not_editable", "当前状态不能删除该附件（已提交审核的材料不能删除）")
	}
	return err
}

// Attachment is a file of an application the caller may see.
func (s *Service) Attachment(ctx context.Context, who Caller, id, aid int64) (*storage.Attachment, error) {
	app, err := s.Application(ctx, who, id)
	if err != nil {
		return nil, err
	}
	a, err := s.Store.AttachmentByID(ctx, aid)
	if err == nil && (a.ApplicationID == nil || *a.ApplicationID != app.ID) {
		err = storage.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if app.StudentID != who.ID {
		// Someone else's files are personal data: each reading by staff is audited.
		if err := s.recordAccess(ctx, who, "attachment.read", "attachment", a.ID, map[string]any{"application": app.ID, "kind": a.Kind}); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Open reads a stored file.
func (s *Service) Open(ctx context.Context, a *storage.Attachment) (io.ReadCloser, int64, error) {
	r, size, err := s.Files.Open(ctx, a.ObjectKey)
	if errors.Is(err, blob.ErrMissing) {
		// A row whose object is gone: the store lost it or a backup was restored out of order.
		slog.Error("attachment without its object", "attachment", a.ID, "key", a.ObjectKey)
		return nil, 0, &Error{Kind: KindNotFound, Code: "file_missing", Message: "文件已丢失，请重新上传或联系管理员"}
	}
	return r, size, err
}
