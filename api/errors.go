package api

import (
	"context"
	"database/sql/driver"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"syscall"

	"github.com/gin-gonic/gin"
	"github.com/lib/pq"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"outbound/storage"
	"outbound/storage/blob"
	"outbound/workflows"
)

// Error is the one shape every error answer has: {"error": {"code", "message", "fields"}}.
type Error struct {
	Status  int               `json:"-"`
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func (e *Error) Error() string { return e.Message }

// Errors the handlers return.
func errInvalid(fields map[string]string) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: "提交的内容有误，请检查标出的字段", Fields: fields}
}
func errBadRequest(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: msg}
}
func errNotFound(what string) *Error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Message: what + "不存在"}
}
func errForbidden(msg string) *Error {
	return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: msg}
}
func errConflict(code, msg string) *Error {
	return &Error{Status: http.StatusConflict, Code: code, Message: msg}
}

var (
	errUnauthenticated = &Error{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "请先登录"}
	errUnavailable     = &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "服务暂时不可用，请稍后重试"}
	errFilesDown       = &Error{Status: http.StatusServiceUnavailable, Code: "files_unavailable", Message: "文件服务暂时不可用，请稍后重新上传"}
	errInternal        = &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "服务器内部错误，请稍后重试"}
)

// refusalStatus maps the workflow's refusal codes to HTTP.
var refusalStatus = map[string]int{
	workflows.CodeNotOwner:          http.StatusForbidden,
	workflows.CodeWrongRole:         http.StatusForbidden,
	workflows.CodeWrongCollege:      http.StatusForbidden,
	workflows.CodeSameReviewer:      http.StatusForbidden,
	workflows.CodeWrongStage:        http.StatusConflict,
	workflows.CodeClosed:            http.StatusConflict,
	workflows.CodeWindowNotOpen:     http.StatusConflict,
	workflows.CodeWindowClosed:      http.StatusConflict,
	workflows.CodeReturnNotReached:  http.StatusConflict,
	workflows.CodeQuotaFull:         http.StatusConflict,
	workflows.CodeOpinionRequired:   http.StatusUnprocessableEntity,
	workflows.CodeOpinionTooLong:    http.StatusUnprocessableEntity,
	workflows.CodeInvalidDecision:   http.StatusUnprocessableEntity,
	workflows.CodeNoAttachments:     http.StatusUnprocessableEntity,
	workflows.CodeIncomplete:        http.StatusUnprocessableEntity,
	workflows.CodeFundingNotAllowed: http.StatusUnprocessableEntity,
	workflows.CodeUnknownMessage:    http.StatusBadRequest,
}

// toError is the single mapping from any error to an answer.
func toError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		if status, ok := refusalStatus[appErr.Type()]; ok {
			out := &Error{Status: status, Code: appErr.Type(), Message: appErr.Message()}
			if appErr.Type() == workflows.CodeIncomplete && appErr.HasDetails() {
				var problems []struct{ Field, Message string }
				if appErr.Details(&problems) == nil {
					out.Fields = map[string]string{}
					for _, p := range problems {
						out.Fields[p.Field] = p.Message
					}
				}
			}
			return out
		}
	}
	var missingWorkflow *serviceerror.NotFound
	switch {
	case errors.Is(err, storage.ErrNotFound), errors.As(err, &missingWorkflow):
		return errNotFound("记录")
	case errors.Is(err, storage.ErrOpenApplication):
		return errConflict("open_application_exists", "每人限报1个项目：您已有进行中的申请")
	case errors.Is(err, storage.ErrDuplicateUsername):
		return &Error{Status: http.StatusConflict, Code: "duplicate_username", Message: "该用户名（学号/工号）已存在", Fields: map[string]string{"username": "该用户名已存在"}}
	case errors.Is(err, storage.ErrDuplicateProject):
		return &Error{Status: http.StatusConflict, Code: "duplicate_project", Message: "同一年度已有相同项目编号的项目", Fields: map[string]string{"code": "同一年度已有相同项目编号的项目"}}
	case errors.Is(err, storage.ErrDuplicateRequirement):
		return errInvalid(map[string]string{"requirements": "附件类型不能重复"})
	case errors.Is(err, storage.ErrQuotaBelowAdmitted):
		return errInvalid(map[string]string{"quota": "推荐名额不能少于已录取人数"})
	case errors.Is(err, storage.ErrConflict):
		return errConflict("not_editable", "当前状态不允许此操作")
	case errors.Is(err, blob.ErrUnavailable):
		return errFilesDown
	case unavailable(err):
		return errUnavailable
	}
	return nil
}

// unavailable reports errors of a dependency that is down or slow: the answer is 503, not 500.
func unavailable(err error) bool {
	var netErr net.Error
	var pqErr *pq.Error
	var unavailableTemporal *serviceerror.Unavailable
	var deadline *serviceerror.DeadlineExceeded
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, driver.ErrBadConn),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.As(err, &netErr), errors.As(err, &unavailableTemporal), errors.As(err, &deadline):
		return true
	case errors.As(err, &pqErr):
		// Class 08: connection exceptions; 57P: the server is shutting down.
		return pqErr.Code.Class() == "08" || pqErr.Code.Class() == "57"
	}
	return false
}

// fail answers with the error's shape; unknown errors are logged and hidden.
func fail(c *gin.Context, err error) {
	e := toError(err)
	if e == nil {
		slog.ErrorContext(c.Request.Context(), "request failed", "error", err, "path", c.FullPath(), "request_id", c.GetString(ctxRequestID))
		e = errInternal
	} else if e.Status >= 500 {
		slog.WarnContext(c.Request.Context(), "dependency unavailable", "error", err, "path", c.FullPath(), "request_id", c.GetString(ctxRequestID))
	}
	c.AbortWithStatusJSON(e.Status, gin.H{"error": e})
}
