package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"outbound/service"
	"outbound/storage"
)

// maxJSONBody bounds every JSON request.
const maxJSONBody = 256 << 10

// bindJSON decodes the body into v.
func bindJSON(c *gin.Context, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxJSONBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return service.TooLarge("请求内容过大", nil)
	case err != nil:
		return service.BadRequest("请求内容读取失败")
	case !utf8.Valid(body):
		return service.BadRequest("请求内容不是有效的UTF-8文本")
	case len(body) > 0 && c.ContentType() != "application/json":
		// A form on another site may send text/plain without the browser asking us first; read as
		// JSON it could sign a victim in to the sender's account or act in their session.
		return service.UnsupportedMedia("请求内容类型应为 application/json")
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return service.Invalid(map[string]string{typeErr.Field: "格式不正确"})
		}
		return service.BadRequest("请求内容不是有效的JSON")
	}
	return nil
}

// body decodes the request's JSON body into a new T.
func body[T any](c *gin.Context) (T, error) {
	var v T
	err := bindJSON(c, &v)
	return v, err
}

// idAndBody reads the path's id and decodes the body: the start of most writes.
func idAndBody[T any](c *gin.Context, param string) (int64, T, error) {
	var in T
	id, err := pathID(c, param)
	if err == nil {
		err = bindJSON(c, &in)
	}
	return id, in, err
}

// optionalID reads an id parameter that only some routes of a handler have
// (PUT …/:eid changes a row, POST adds one): 0 when the route has none.
func optionalID(c *gin.Context, param string) (int64, error) {
	if c.Param(param) == "" {
		return 0, nil
	}
	return pathID(c, param)
}

// pathID reads a positive integer path parameter.
func pathID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, service.NotFound("记录")
	}
	return id, nil
}

// paging reads page and pageSize; the service bounds them.
func paging(c *gin.Context) service.Paging {
	p, _ := strconv.Atoi(c.DefaultQuery("page", "1"))
	size, _ := strconv.Atoi(c.DefaultQuery("pageSize", "20"))
	return service.Paging{Page: p, Size: size}
}

// listFilter reads the filters of a list of applications.
func listFilter(c *gin.Context) service.ListFilter {
	f := service.ListFilter{Stage: c.Query("stage"), College: c.Query("college"), Role: c.Query("role"), Query: c.Query("q"),
		OverdueOnly: c.Query("overdue") == "true", Paging: paging(c)}
	f.ProjectID, _ = strconv.ParseInt(c.Query("projectId"), 10, 64)
	f.PartnerID, _ = strconv.ParseInt(c.Query("partnerId"), 10, 64)
	f.Country = c.Query("country")
	f.Year, _ = strconv.Atoi(c.Query("year"))
	return f
}

// caller is the signed-in account of a request.
func caller(c *gin.Context) service.Caller {
	return service.Caller{Account: c.MustGet(ctxAccount).(*storage.Account), Addr: c.ClientIP()}
}

// idempotencyKey names a request that a client may retry; the same key is applied once.
func idempotencyKey(c *gin.Context) string { return c.GetHeader("Idempotency-Key") }
