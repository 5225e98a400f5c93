package api

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"
)

//go:embed openapi.yaml
var OpenAPI []byte

//go:embed web
var webFiles embed.FS

// mountWeb serves the web UI's files; every other path of the UI gets index.html.
func (s *Server) mountWeb(r *gin.Engine) {
	sub, _ := fs.Sub(webFiles, "web")
	files := http.FileServer(http.FS(sub))
	r.GET("/", func(c *gin.Context) { c.FileFromFS("/", http.FS(sub)) })
	r.GET("/assets/*path", func(c *gin.Context) { files.ServeHTTP(c.Writer, c.Request) })
}
