package blob

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReceiveChecksContentAndLimit(t *testing.T) {
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	in, err := Receive(bytes.NewReader(pdf), "a.pdf", []string{"pdf"}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := io.Copy(io.Discard, in); n != int64(len(pdf)) || in.Size() != n {
		t.Fatalf("read %d of %d", n, len(pdf))
	}
	if _, err := Receive(bytes.NewReader([]byte("\x7fELF\x02\x01\x01")), "a.pdf", []string{"pdf"}, 100); !errors.Is(err, ErrContentFormat) {
		t.Fatalf("an executable named .pdf: %v", err)
	}
	if _, err := Receive(bytes.NewReader(pdf), "a.exe", []string{"pdf"}, 100); !errors.Is(err, ErrFormat) {
		t.Fatalf("an .exe: %v", err)
	}
	in, _ = Receive(bytes.NewReader(append(pdf, make([]byte, 200)...)), "a.pdf", []string{"pdf"}, 100)
	if _, err := io.Copy(io.Discard, in); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
}

func TestCleanFileName(t *testing.T) {
	for in, want := range map[string]string{"../../etc/passwd": "passwd", `C:\Users\a\成绩单.pdf`: "成绩单.pdf", "a\"b\r\n.pdf": "ab.pdf"} {
		got, err := CleanFileName(in)
		if err != nil || got != want {
			t.Errorf("%q → %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "..", "/", "\xff.pdf", strings.Repeat("a", 300)} {
		if _, err := CleanFileName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzReceive(f *testing.F) {
	f.Add([]byte("%PDF-1.4"), "a.pdf")
	f.Add([]byte("\x89PNG\r\n\x1a\n"), "a.png")
	f.Add([]byte("PK\x03\x04"), "a.docx")
	f.Add([]byte("<html>"), "a.pdf")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		formats := []string{"pdf", "png", "jpg", "jpeg", "tiff", "doc", "docx"}
		in, err := Receive(bytes.NewReader(data), name, formats, 1<<20)
		if err != nil {
			return
		}
		if _, known := Formats[Extension(name)]; !known {
			t.Fatalf("accepted unknown extension %q", name)
		}
		if in.ContentType == "text/html" || strings.Contains(in.ContentType, "script") {
			t.Fatalf("%q stored as %s", name, in.ContentType)
		}
		if _, err := io.Copy(io.Discard, in); err != nil {
			t.Fatal(err)
		}
		if in.Size() != int64(len(data)) || len(in.SHA256()) != 64 {
			t.Fatalf("size %d of %d", in.Size(), len(data))
		}
	})
}
