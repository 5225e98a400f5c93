package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"outbound/service"
)

// statusOf maps each kind of error to its HTTP status: the one place where this is decided.
var statusOf = map[service.Kind]int{
	service.KindInternal:         http.StatusInternalServerError,
	service.KindInvalid:          http.StatusUnprocessableEntity,
	service.KindBadRequest:       http.StatusBadRequest,
	service.KindNotFound:         http.StatusNotFound,
	service.KindForbidden:        http.StatusForbidden,
	service.KindConflict:         http.StatusConflict,
	service.KindTooLarge:         http.StatusRequestEntityTooLarge,
	service.KindUnauthenticated:  http.StatusUnauthorized,
	service.KindTooMany:          http.StatusTooManyRequests,
	service.KindUnavailable:      http.StatusServiceUnavailable,
	service.KindUnsupportedMedia: http.StatusUnsupportedMediaType,
	service.KindPending:          http.StatusAccepted,
}

// errorBody is the one shape every error answer has: {"error": {"code", "message", "fields"}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

var errMethodNotAllowed = &service.Error{Kind: service.KindBadRequest, Code: "method_not_allowed", Message: "不支持该请求方法"}

// pendingBody answers a message whose outcome is not known yet (202): repeat the request with
// the key to learn it.
type pendingBody struct {
	Status         string `json:"status"`
	Message        string `json:"message"`
	IdempotencyKey string `json:"idempotencyKey"`
}

// fail answers with the error's shape; unknown errors are logged and hidden.
func fail(c *gin.Context, err error) {
	var pending *service.Pending
	if errors.As(err, &pending) {
		c.Header("Idempotency-Key", pending.Key)
		c.AbortWithStatusJSON(statusOf[service.KindPending], pendingBody{Status: "processing", Message: pending.Error(), IdempotencyKey: pending.Key})
		return
	}
	e := service.AsError(err)
	if e == nil {
		slog.ErrorContext(c.Request.Context(), "request failed", "error", err, "path", c.FullPath(), "request_id", c.GetString(ctxRequestID))
		e = service.ErrInternal
	}
	status := statusOf[e.Kind]
	if e == errMethodNotAllowed {
		status = http.StatusMethodNotAllowed
	}
	if status >= 500 && e != service.ErrInternal {
		slog.WarnContext(c.Request.Context(), "dependency unavailable", "error", err, "path", c.FullPath(), "request_id", c.GetString(ctxRequestID))
	}
	if e.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())))
	}
	c.AbortWithStatusJSON(status, errorBody{errorDetail{Code: e.Code, Message: e.Message, Fields: e.Fields}})
}

// handler is the shape of every JSON endpoint: it returns the answer's body or an error.
type handler func(c *gin.Context) (any, error)

// answer runs a handler and encodes its result with the given status.
func answer(status int, h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		out, err := h(c)
		if err != nil {
			fail(c, err)
			return
		}
		if _, none := out.(emptyAnswer); none || status == http.StatusNoContent {
			c.Status(http.StatusNoContent)
			return
		}
		c.JSON(status, out)
	}
}

// emptyAnswer is an answer without a body (204), whatever the route answers otherwise.
type emptyAnswer struct{}

func ok(h handler) gin.HandlerFunc        { return answer(http.StatusOK, h) }
func created(h handler) gin.HandlerFunc   { return answer(http.StatusCreated, h) }
func noContent(h handler) gin.HandlerFunc { return answer(http.StatusNoContent, h) }
