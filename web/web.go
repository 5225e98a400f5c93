// Package web is the browser UI: plain HTML, CSS and JavaScript modules,
// embedded in the binary and served by the API's router. There is no build
// step; the modules import each other in one direction (app → pages → lib).
package web

import (
	"embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

//go:embed index.html assets
var files embed.FS

// Mount serves the UI's files: / is the single page, /assets/ its files.
func Mount(r *gin.Engine) {
	static := http.FS(files)
	server := http.FileServer(static)
	r.GET("/", func(c *gin.Context) { c.FileFromFS("/", static) })
	r.GET("/assets/*path", func(c *gin.Context) { server.ServeHTTP(c.Writer, c.Request) })
}
