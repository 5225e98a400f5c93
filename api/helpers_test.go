//go:build integration

package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"

	"outbound/api"
	"outbound/apiclient"
	"outbound/config"
	"outbound/storage/demo"
	"outbound/testenv"
)

var (
	env    *testenv.Env
	router routers.Router
)

func TestMain(m *testing.M) {
	var err error
	// A 公示's working day lasts seconds here, so that a round runs its course within a test.
	env, err = testenv.Start(testenv.Options{Configure: func(c *config.Config) { c.Process.PublicityWorkingDay = 3 * time.Second }})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if router, err = specRouter(env.URL); err != nil {
		fmt.Fprintln(os.Stderr, "openapi:", err)
		env.Close()
		os.Exit(1)
	}
	code := m.Run()
	env.Close()
	os.Exit(code)
}

// specRouter loads api/openapi.yaml, checks it, and routes requests of the test server through it.
func specRouter(base string) (routers.Router, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPI)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	doc.Servers = openapi3.Servers{{URL: base + "/api/v1"}}
	return gorillamux.NewRouter(doc)
}

// client is a signed-in user of the API; every call is checked against the OpenAPI document.
type client struct {
	t     *testing.T
	token string
	// cookies: a browser-like client that signs in with the cookie and must send the CSRF token.
	http *http.Client
	csrf string
	// base, when set, is another API server than the suite's; requests are checked against the
	// document as the suite's server's would be.
	base string
}

func newClient(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, http: &http.Client{Jar: jar, Timeout: 60 * time.Second}}
}

// login signs a demo account in with a bearer token.
func login(t *testing.T, username string) *client {
	c := newClient(t)
	r := c.call("POST", "/auth/login", map[string]string{"username": username, "password": demo.Password})
	require.Equal(t, 200, r.status, string(r.body))
	c.token = r.str("token")
	c.csrf = r.str("csrfToken")
	return c
}

type response struct {
	status int
	header http.Header
	body   []byte
	json   map[string]any
}

// get walks a path like "application.status" or "items.0.application.id".
func (r *response) get(path string) any {
	var cur any = r.json
	for _, k := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			cur = v[k]
		case []any:
			var i int
			fmt.Sscan(k, &i)
			if i >= len(v) {
				return nil
			}
			cur = v[i]
		default:
			return nil
		}
	}
	return cur
}

func (r *response) str(path string) string {
	s, _ := r.get(path).(string)
	return s
}

func (r *response) num(path string) int64 {
	f, _ := r.get(path).(float64)
	return int64(f)
}

func (r *response) list(path string) []any {
	l, _ := r.get(path).([]any)
	return l
}

// errField is the message of a field error.
func (r *response) errField(field string) string {
	fields, _ := r.get("error.fields").(map[string]any)
	s, _ := fields[field].(string)
	return s
}

func (c *client) call(method, path string, body any, headers ...string) *response {
	var reader io.Reader
	contentType := ""
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(c.t, err)
		reader = bytes.NewReader(b)
		contentType = "application/json"
	}
	return c.send(method, path, reader, contentType, headers...)
}

// api is the client generated from the contract (package apiclient), sending as this client:
// its requests and answers are checked against openapi.yaml like every other call.
func (c *client) api() *apiclient.ClientWithResponses {
	generated, err := apiclient.NewClientWithResponses(env.URL+"/api/v1", apiclient.WithHTTPClient(contractDoer{c}))
	require.NoError(c.t, err)
	return generated
}

// contractDoer carries the generated client's requests through send.
type contractDoer struct{ c *client }

func (d contractDoer) Do(req *http.Request) (*http.Response, error) {
	var body io.Reader
	if req.Body != nil {
		body = req.Body
	}
	var headers []string
	for name, values := range req.Header {
		if name != "Content-Type" {
			headers = append(headers, name, values[0])
		}
	}
	r := d.c.send(req.Method, strings.TrimPrefix(req.URL.RequestURI(), "/api/v1"), body, req.Header.Get("Content-Type"), headers...)
	return &http.Response{StatusCode: r.status, Header: r.header, Body: io.NopCloser(bytes.NewReader(r.body)), Request: req}, nil
}

// fileName names an uploaded file as the browser does (X-File-Name).
func fileName(name string) apiclient.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("X-File-Name", url.PathEscape(name))
		return nil
	}
}

func (c *client) raw(method, path, contentType string, body []byte, headers ...string) *response {
	return c.send(method, path, bytes.NewReader(body), contentType, headers...)
}

// upload sends a file as the browser does: the file as the body, its name in X-File-Name.
func (c *client) upload(path, fileName string, content []byte) *response {
	return c.raw("POST", path, "application/octet-stream", content, "X-File-Name", url.PathEscape(fileName))
}

func (c *client) send(method, path string, body io.Reader, contentType string, headers ...string) *response {
	c.t.Helper()
	var payload []byte
	if body != nil {
		payload, _ = io.ReadAll(body)
	}
	req, err := http.NewRequest(method, env.URL+"/api/v1"+path, bytes.NewReader(payload))
	require.NoError(c.t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	route, params, err := router.FindRoute(req)
	require.NoError(c.t, err, "%s %s is not in openapi.yaml", method, path)
	input := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	sent := req
	if c.base != "" {
		sent = req.Clone(context.Background())
		sent.URL, err = url.Parse(c.base + "/api/v1" + path)
		require.NoError(c.t, err)
		sent.Host, sent.Body = sent.URL.Host, io.NopCloser(bytes.NewReader(payload))
	}
	resp, err := c.http.Do(sent)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	out := &response{status: resp.StatusCode, header: resp.Header}
	out.body, err = io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		require.NoError(c.t, json.Unmarshal(out.body, &out.json), "the body is JSON: %s", out.body)
	}
	require.NotEqual(c.t, 500, out.status, "no 500 for %s %s: %s", method, path, out.body)
	// Requests the server accepted must be ones the document allows.
	if out.status < 400 {
		again := req.Clone(context.Background())
		again.Body = io.NopCloser(bytes.NewReader(payload))
		input.Request = again
		require.NoError(c.t, openapi3filter.ValidateRequest(context.Background(), input), "request %s %s matches openapi.yaml", method, path)
	}
	respInput := &openapi3filter.ResponseValidationInput{RequestValidationInput: input, Status: resp.StatusCode, Header: resp.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	respInput.SetBodyBytes(out.body)
	require.NoError(c.t, openapi3filter.ValidateResponse(context.Background(), respInput), "response of %s %s (%d) matches openapi.yaml: %s", method, path, out.status, out.body)
	return out
}

// Files of each allowed format, made by the libraries that read them.

func pdfFile() []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

func pngFile(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

func jpegFile() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 40, 40))
	img.Set(1, 1, color.White)
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, nil)
	return buf.Bytes()
}

// tiffFile is a minimal little-endian TIFF: header and one empty directory.
func tiffFile() []byte {
	return append([]byte{'I', 'I', 42, 0, 8, 0, 0, 0}, make([]byte, 64)...)
}

// docFile starts like every OLE2 compound document (Word 97-2003).
func docFile() []byte {
	head := []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	return append(head, make([]byte, 1024)...)
}

func docxFile() []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"word/document.xml":   `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>个人陈述</w:t></w:r></w:p></w:body></w:document>`,
	} {
		f, _ := z.Create(name)
		_, _ = f.Write([]byte(body))
	}
	_ = z.Close()
	return buf.Bytes()
}

// elfFile looks like an executable.
func elfFile() []byte {
	return append([]byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0}, make([]byte, 512)...)
}

// pathf formats an API path.
func pathf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// multipart sends one file with any method.
func (c *client) multipart(method, path, fileName string, content []byte) *response {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, err := w.CreateFormFile("file", fileName)
	require.NoError(c.t, err)
	_, _ = part.Write(content)
	require.NoError(c.t, w.Close())
	return c.send(method, path, &buf, w.FormDataContentType())
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func urlQuery(s string) string { return url.QueryEscape(s) }

// countObjects counts the objects in the bucket.
func countObjects(t *testing.T) int {
	n := 0
	for obj := range env.Services.Files.List(context.Background(), "") {
		require.NoError(t, obj.Err)
		n++
	}
	return n
}

// idCard is a valid number for the region, birth date and sequence.
func idCard(region, birth string, seq int) string { return demo.IDCard(region, birth, seq) }
