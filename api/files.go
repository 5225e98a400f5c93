package api

import (
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"outbound/service"
	"outbound/storage"
)

// multipartReader reads a multipart body of at most limit bytes of files.
func multipartReader(c *gin.Context, limit int64) (*multipart.Reader, error) {
	// The whole body may be a little larger than the files it carries.
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit+1<<20)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, service.BadRequest("请使用 multipart/form-data 上传文件（字段名 file）")
	}
	return mr, nil
}

// nextFile returns the next file part of a multipart body, or nil at the end.
func nextFile(mr *multipart.Reader) (*service.Upload, error) {
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			return nil, service.BadRequest("上传内容格式不正确")
		}
		if part.FileName() != "" {
			return &service.Upload{Name: part.FileName(), Body: part}, nil
		}
		part.Close()
	}
}

// oneFile reads the single file of an upload: the request body itself (the file's bytes, its name
// URL-encoded in X-File-Name, its length in Content-Length), which goes to the object store as it
// arrives, or one file of a multipart/form-data body.
func oneFile(c *gin.Context, limit int64, missing string) (service.Upload, error) {
	if !isMultipart(c) {
		return rawFile(c, limit, missing)
	}
	mr, err := multipartReader(c, limit)
	if err != nil {
		return service.Upload{}, err
	}
	up, err := nextFile(mr)
	if err == nil && up == nil {
		err = service.Invalid(map[string]string{"file": missing})
	}
	if err != nil {
		return service.Upload{}, err
	}
	return *up, nil
}

func isMultipart(c *gin.Context) bool {
	return strings.HasPrefix(c.ContentType(), "multipart/")
}

// rawFile is a file sent as the whole request body.
func rawFile(c *gin.Context, limit int64, missing string) (service.Upload, error) {
	name, err := url.PathUnescape(c.GetHeader("X-File-Name"))
	if err != nil || strings.TrimSpace(name) == "" {
		return service.Upload{}, service.Invalid(map[string]string{"file": "请在 X-File-Name 中给出文件名（URL 编码）"})
	}
	switch n := c.Request.ContentLength; {
	case n == 0:
		return service.Upload{}, service.Invalid(map[string]string{"file": missing})
	case n < 0:
		return service.Upload{}, service.BadRequest("请给出文件的长度（Content-Length），或使用 multipart/form-data 上传")
	case n > limit:
		msg := "文件大小超过限制"
		return service.Upload{}, service.TooLarge(msg, map[string]string{"file": msg})
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	return service.Upload{Name: name, Body: c.Request.Body, Size: c.Request.ContentLength}, nil
}

func (s *Server) uploadAttachment(c *gin.Context) (any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	// The body is read only once the service has checked who may upload here.
	file := func() (service.Upload, error) {
		return oneFile(c, service.MaxRequirementBytes, "请选择要上传的文件")
	}
	return s.Service.UploadAttachment(c.Request.Context(), caller(c), id, c.DefaultQuery("kind", "required"), c.Query("requirementId"), file)
}

func (s *Server) supplement(c *gin.Context) (any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	// The body is read only once the service has checked who may upload here. A raw body is one file.
	var mr *multipart.Reader
	raw, rawTaken := !isMultipart(c), false
	next := func() (*service.Upload, error) {
		if raw {
			if rawTaken {
				return nil, nil
			}
			rawTaken = true
			up, err := rawFile(c, s.Config.Upload.MaxBytes, "请选择要补交的文件")
			return &up, err
		}
		if mr == nil {
			if mr, err = multipartReader(c, service.MaxSupplementFiles*s.Config.Upload.MaxBytes); err != nil {
				return nil, err
			}
		}
		return nextFile(mr)
	}
	return s.Service.Supplement(c.Request.Context(), caller(c), id, next, idempotencyKey(c))
}

func (s *Server) deleteAttachment(c *gin.Context) (any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	aid, err := pathID(c, "aid")
	if err != nil {
		return nil, err
	}
	return nil, s.Service.DeleteAttachment(c.Request.Context(), caller(c), id, aid)
}

func (s *Server) putPhoto(c *gin.Context) (any, error) {
	up, err := oneFile(c, service.PhotoMaxBytes, "请选择照片文件")
	if err != nil {
		return nil, err
	}
	return s.Service.SavePhoto(c.Request.Context(), caller(c), up)
}

func (s *Server) downloadAttachment(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, err)
		return
	}
	aid, err := pathID(c, "aid")
	if err != nil {
		fail(c, err)
		return
	}
	a, err := s.Service.Attachment(c.Request.Context(), caller(c), id, aid)
	if err != nil {
		fail(c, err)
		return
	}
	s.serveFile(c, a, c.Query("inline") == "1")
}

func (s *Server) applicantPhoto(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, err)
		return
	}
	a, err := s.Service.ApplicantPhoto(c.Request.Context(), caller(c), id)
	if err != nil {
		fail(c, err)
		return
	}
	s.serveFile(c, a, true)
}

func (s *Server) applicationQR(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		fail(c, err)
		return
	}
	png, err := s.Service.ApplicationQR(c.Request.Context(), caller(c), id)
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "image/png", png)
}

func (s *Server) getPhoto(c *gin.Context) {
	a, err := s.Service.Photo(c.Request.Context(), caller(c))
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
	r, size, err := s.Service.Open(c.Request.Context(), a)
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
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'self'")
	if disposition == "inline" && a.ContentType == "application/pdf" {
		// Chrome will not start its PDF viewer in a sandboxed document, nor draw it under
		// default-src 'none'. The type is fixed and nosniff set, so the bytes can only be shown
		// as a PDF, whose viewer runs apart from this origin; only framing stays limited.
		h.Set("Content-Security-Policy", "frame-ancestors 'self'")
	}
	// The web UI previews a file in place, in a frame of its own origin.
	h.Set("X-Frame-Options", "SAMEORIGIN")
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

// exportApplications sends the filtered list, in the caller's scope, as an Excel workbook.
func (s *Server) exportApplications(c *gin.Context) {
	book, name, err := s.Service.Export(c.Request.Context(), caller(c), listFilter(c))
	sendWorkbook(c, book, name, err)
}

// sendWorkbook sends an export as an Excel file to download, never kept by a cache, or its error.
func sendWorkbook(c *gin.Context, book *excelize.File, name string, err error) {
	if err != nil {
		fail(c, err)
		return
	}
	defer book.Close()
	c.Header("Content-Disposition", contentDisposition("attachment", name))
	c.Header("Cache-Control", "private, no-store")
	c.Header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Status(http.StatusOK)
	if err := book.Write(c.Writer); err != nil {
		slog.Warn("export interrupted", "error", err)
	}
}
