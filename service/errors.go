package service

import (
	"context"
	"database/sql/driver"
	"errors"
	"net"
	"syscall"
	"time"

	"github.com/lib/pq"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"outbound/storage"
	"outbound/storage/blob"
	"outbound/workflows"
)

// Kind is what went wrong, as a client must understand it. The HTTP layer
// maps each kind to a status in one place.
type Kind int

const (
	KindInternal         Kind = iota
	KindInvalid               // the request's content is wrong; Fields says where
	KindBadRequest            // the request cannot be read at all
	KindNotFound              // absent, or not the caller's to see
	KindForbidden             // the caller's role or scope does not allow it
	KindConflict              // not now: the state of things does not allow it
	KindTooLarge              // a body or a file over its limit
	KindUnauthenticated       // no valid session
	KindTooMany               // throttled or locked
	KindUnavailable           // a dependency is down or slow
	KindUnsupportedMedia      // a body of another type than the route reads
	KindPending               // handed over, its outcome not known within the request's time
)

// Error is an answer a person can read: a stable code, a Chinese message and
// the fields it concerns.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Fields  map[string]string
	// RetryAfter, when set, is how long to wait before asking again.
	RetryAfter time.Duration
}

func (e *Error) Error() string { return e.Message }

// Pending says that a message was handed to its workflow but that its outcome did not come within
// the request's time. The message is not lost: repeating the request with the same Key (the
// Idempotency-Key header) applies it at most once and answers its real outcome.
type Pending struct{ Key string }

func (p *Pending) Error() string { return msgPending }

const msgPending = "正在处理，请稍候：结果将在几秒内确定，请勿关闭页面（重复提交不会重复办理）"

// Invalid is the error of request fields, keyed by their JSON names.
func Invalid(fields map[string]string) *Error {
	return &Error{Kind: KindInvalid, Code: "invalid", Message: "提交的内容有误，请检查标出的字段", Fields: fields}
}

// UnsupportedMedia refuses a body that does not say it is what the route reads.
func UnsupportedMedia(msg string) *Error {
	return &Error{Kind: KindUnsupportedMedia, Code: "unsupported_media_type", Message: msg}
}

// BadRequest is a request that cannot be read.
func BadRequest(msg string) *Error {
	return &Error{Kind: KindBadRequest, Code: "bad_request", Message: msg}
}

// NotFound says that what was asked for does not exist (or is not the caller's to see).
func NotFound(what string) *Error {
	return &Error{Kind: KindNotFound, Code: "not_found", Message: what + "不存在"}
}

// Forbidden refuses the caller.
func Forbidden(msg string) *Error {
	return &Error{Kind: KindForbidden, Code: "forbidden", Message: msg}
}

// conflict refuses what the current state does not allow.
func conflict(code, msg string) *Error { return &Error{Kind: KindConflict, Code: code, Message: msg} }

// TooLarge refuses a body or file over its limit.
func TooLarge(msg string, fields map[string]string) *Error {
	return &Error{Kind: KindTooLarge, Code: "too_large", Message: msg, Fields: fields}
}

var (
	ErrUnauthenticated = &Error{Kind: KindUnauthenticated, Code: "unauthenticated", Message: "请先登录"}
	errUnavailable     = &Error{Kind: KindUnavailable, Code: "unavailable", Message: "服务暂时不可用，请稍后重试"}
	errFilesDown       = &Error{Kind: KindUnavailable, Code: "files_unavailable", Message: "文件服务暂时不可用，请稍后重新上传"}
	// ErrInternal hides an unexpected failure; the log has it.
	ErrInternal = &Error{Kind: KindInternal, Code: "internal", Message: "服务器内部错误，请稍后重试"}
)

// refusalKinds classifies the workflow's refusal codes.
var refusalKinds = map[string]Kind{
	workflows.CodeNotOwner:          KindForbidden,
	workflows.CodeWrongRole:         KindForbidden,
	workflows.CodeWrongCollege:      KindForbidden,
	workflows.CodeSameReviewer:      KindForbidden,
	workflows.CodeWrongStage:        KindConflict,
	workflows.CodeClosed:            KindConflict,
	workflows.CodeWindowNotOpen:     KindConflict,
	workflows.CodeWindowClosed:      KindConflict,
	workflows.CodeReturnNotReached:  KindConflict,
	workflows.CodeQuotaFull:         KindConflict,
	workflows.CodeOpinionRequired:   KindInvalid,
	workflows.CodeOpinionTooLong:    KindInvalid,
	workflows.CodeInvalidDecision:   KindInvalid,
	workflows.CodeNoAttachments:     KindInvalid,
	workflows.CodeIncomplete:        KindInvalid,
	workflows.CodeFundingNotAllowed: KindInvalid,
	workflows.CodeInvalidText:       KindInvalid,
	workflows.CodeInvalidCheckIn:    KindInvalid,
	workflows.CodeInvalidChange:     KindInvalid,
	workflows.CodePassportOwed:      KindConflict,
	workflows.CodeUnknownMessage:    KindBadRequest,
	workflows.CodeActorUnverified:   KindForbidden,
	workflows.CodeRecordRefused:     KindInvalid,
}

// AsError turns any error of the layers below into an Error; nil when it is
// unexpected (the caller logs it and answers ErrInternal).
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		if kind, ok := refusalKinds[appErr.Type()]; ok {
			out := &Error{Kind: kind, Code: appErr.Type(), Message: appErr.Message()}
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
	var pending *Pending
	if errors.As(err, &pending) {
		return &Error{Kind: KindPending, Code: "processing", Message: msgPending}
	}
	var missingWorkflow *serviceerror.NotFound
	switch {
	case errors.Is(err, storage.ErrNotFound), errors.As(err, &missingWorkflow):
		return NotFound("记录")
	case errors.Is(err, storage.ErrOpenApplication):
		return conflict("open_application_exists", "每人限报1个项目：您已有进行中的申请")
	case errors.Is(err, storage.ErrDuplicateUsername):
		return &Error{Kind: KindConflict, Code: "duplicate_username", Message: "该用户名（学号/工号）已存在", Fields: map[string]string{"username": "该用户名已存在"}}
	case errors.Is(err, storage.ErrDuplicateProject):
		return &Error{Kind: KindConflict, Code: "duplicate_project", Message: "同一年度已有相同项目编号的项目", Fields: map[string]string{"code": "同一年度已有相同项目编号的项目"}}
	case errors.Is(err, storage.ErrDuplicateRequirement):
		return Invalid(map[string]string{"requirements": "附件类型不能重复"})
	case errors.Is(err, storage.ErrDuplicatePartner):
		return &Error{Kind: KindConflict, Code: "duplicate_partner", Message: "已有同名的合作院校", Fields: map[string]string{"name": "已有同名的合作院校"}}
	case errors.Is(err, storage.ErrQuotaBelowAdmitted):
		return Invalid(map[string]string{"quota": "推荐名额不能少于已录取人数"})
	case errors.Is(err, storage.ErrConflict):
		return conflict("not_editable", "当前状态不允许此操作")
	case errors.Is(err, blob.ErrUnavailable):
		return errFilesDown
	case unavailable(err):
		return errUnavailable
	}
	return nil
}

// unavailable reports errors of a dependency that is down or slow: a 503, not a 500.
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
