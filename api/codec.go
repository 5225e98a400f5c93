package api

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/converter"

	"outbound/service"
)

// The Temporal UI's remote codec: the UI sends the payloads it shows to
// /api/v1/temporal-codec/decode, from the administrator's browser, with the
// session cookie ("include cross-origin credentials" in its Data Encoder
// settings). Only administrators get payloads decoded; anyone else sees the
// encrypted bytes.

// temporalUIOrigin is the origin the Temporal UI is served from, the only one whose calls are answered.
func (s *Server) temporalUIOrigin() string {
	u, err := url.Parse(s.Config.Temporal.UIURL)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

func (s *Server) corsForTemporalUI(c *gin.Context) {
	if origin := s.temporalUIOrigin(); origin != "" && c.GetHeader("Origin") == origin {
		h := c.Writer.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Set("Vary", "Origin")
	}
}

func (s *Server) codecPreflight(c *gin.Context) {
	s.corsForTemporalUI(c)
	c.Header("Access-Control-Allow-Methods", "POST")
	c.Header("Access-Control-Allow-Headers", "Content-Type, X-Namespace, Authorization")
	c.Status(http.StatusNoContent)
}

func (s *Server) temporalCodec(c *gin.Context) {
	s.corsForTemporalUI(c)
	if s.Codec == nil {
		fail(c, service.NotFound("负载编解码（未配置 temporal.codec_keys）"))
		return
	}
	if op := c.Param("op"); op != "decode" && op != "encode" {
		fail(c, service.NotFound("接口"))
		return
	}
	if c.Param("op") == "decode" {
		// What the Temporal UI shows decoded is personal data like any export: on record first.
		if err := s.Service.RecordDecode(c.Request.Context(), caller(c)); err != nil {
			fail(c, err)
			return
		}
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 8<<20)
	converter.NewPayloadCodecHTTPHandler(s.Codec).ServeHTTP(c.Writer, c.Request)
}
