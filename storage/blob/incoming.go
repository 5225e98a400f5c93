package blob

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
)

// Formats maps a file extension to the content types its bytes may have
// and the type the file is stored and served with.
var Formats = map[string]struct {
	Stored   string
	Detected []string
}{
	"pdf":  {"application/pdf", []string{"application/pdf"}},
	"png":  {"image/png", []string{"image/png"}},
	"jpg":  {"image/jpeg", []string{"image/jpeg"}},
	"jpeg": {"image/jpeg", []string{"image/jpeg"}},
	"tif":  {"image/tiff", []string{"image/tiff"}},
	"tiff": {"image/tiff", []string{"image/tiff"}},
	"doc":  {"application/msword", []string{"application/msword", "application/x-ole-storage"}},
	"docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		[]string{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"}},
	"xls": {"application/vnd.ms-excel", []string{"application/vnd.ms-excel", "application/x-ole-storage"}},
	"xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		[]string{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"}},
}

// Errors of an incoming file, each a person's mistake.
var (
	ErrTooLarge      = errors.New("file too large")
	ErrEmpty         = errors.New("file is empty")
	ErrFormat        = errors.New("format not allowed")
	ErrContentFormat = errors.New("content does not match the extension")
	ErrFileName      = errors.New("bad file name")
)

// CleanFileName keeps the last path element of a client's file name, without
// control characters, so it can never name a path or break a header.
func CleanFileName(name string) (string, error) {
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base(strings.TrimSpace(name))
	if !utf8.ValidString(name) {
		return "", ErrFileName
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" || name == ".." || len(name) > 255 {
		return "", ErrFileName
	}
	return name, nil
}

// Extension is the lower-case extension of a file name, without the dot.
func Extension(name string) string {
	return strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
}

// Incoming is a file being received: it checks the format by extension and by
// content, counts and hashes as it streams, and fails once the limit is passed.
type Incoming struct {
	r           io.Reader
	hash        hash.Hash
	limit       int64
	n           int64
	ContentType string
}

// sniffLen is how much of the head the content check reads.
const sniffLen = 3072

// Receive starts receiving body named fileName, allowed the formats and at most limit bytes.
func Receive(body io.Reader, fileName string, formats []string, limit int64) (*Incoming, error) {
	ext := Extension(fileName)
	allowed := false
	for _, f := range formats {
		if strings.EqualFold(strings.TrimPrefix(f, "."), ext) {
			allowed = true
		}
	}
	format, known := Formats[ext]
	if !allowed || !known {
		return nil, ErrFormat
	}
	br := bufio.NewReaderSize(body, sniffLen)
	head, err := br.Peek(sniffLen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	if len(head) == 0 {
		return nil, ErrEmpty
	}
	if !matches(mimetype.Detect(head), format.Detected) {
		return nil, ErrContentFormat
	}
	return &Incoming{r: br, hash: sha256.New(), limit: limit, ContentType: format.Stored}, nil
}

func matches(m *mimetype.MIME, accepted []string) bool {
	for ; m != nil; m = m.Parent() {
		for _, a := range accepted {
			if m.Is(a) {
				return true
			}
		}
	}
	return false
}

// Read passes the bytes on, hashing them, and fails with ErrTooLarge past the limit.
func (in *Incoming) Read(p []byte) (int, error) {
	n, err := in.r.Read(p)
	in.n += int64(n)
	in.hash.Write(p[:n])
	if in.n > in.limit {
		return n, ErrTooLarge
	}
	return n, err
}

// Size is the number of bytes read so far.
func (in *Incoming) Size() int64 { return in.n }

// SHA256 is the hex digest of the bytes read so far.
func (in *Incoming) SHA256() string { return hex.EncodeToString(in.hash.Sum(nil)) }
