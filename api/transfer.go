package api

import (
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// progressDeadlines serves a file transfer. A 10 MB file over a slow campus or
// phone link can take minutes, so no deadline bounds the whole request;
// instead each byte read or written moves the connection's deadline on by
// http.request_timeout. A client that keeps sending or receiving is served;
// one that stops is cut after that long.
func (s *Server) progressDeadlines(c *gin.Context) {
	idle := s.Config.HTTP.RequestTimeout
	rc := http.NewResponseController(c.Writer)
	readOn := func() { _ = rc.SetReadDeadline(time.Now().Add(idle)) }
	writeOn := func() { _ = rc.SetWriteDeadline(time.Now().Add(idle)) }
	readOn()
	writeOn()
	c.Request.Body = &progressReader{ReadCloser: c.Request.Body, progress: readOn}
	c.Writer = &progressWriter{ResponseWriter: c.Writer, progress: writeOn}
	c.Next()
}

type progressReader struct {
	io.ReadCloser
	progress func()
}

func (r *progressReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if n > 0 {
		r.progress()
	}
	return n, err
}

type progressWriter struct {
	gin.ResponseWriter
	progress func()
}

func (w *progressWriter) Write(p []byte) (int, error) {
	w.progress()
	return w.ResponseWriter.Write(p)
}
