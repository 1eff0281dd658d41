package validate

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSourceOf: the sieve reads again a regular file, by its path, and a reader in memory; not
// a pipe, nor a reader it cannot tell will stay readable.
func TestSourceOf(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ids.csv")
	if err := os.WriteFile(path, []byte("email,applicationType,cloudId\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if _, err := file.Seek(6, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	mem := bytes.NewReader([]byte("0123456789"))
	mem.Seek(3, io.SeekStart)
	for _, tc := range []struct {
		name       string
		r          io.Reader
		path       string
		inMemory   bool
		base       int64
		rereadable bool
	}{
		{"file", file, path, false, 6, true},
		{"bytes", mem, "", true, 3, true},
		{"string", strings.NewReader("x"), "", true, 0, true},
		{"pipe", pr, "", false, 0, false},
		{"closer", io.NopCloser(bytes.NewReader(nil)), "", false, 0, false},
		{"stream", struct{ io.Reader }{bytes.NewReader(nil)}, "", false, 0, false},
	} {
		src := sourceOf(tc.r)
		if src.path != tc.path || (src.ra != nil) != tc.inMemory || src.base != tc.base || src.rereadable() != tc.rereadable {
			t.Errorf("%s: sourceOf = %+v", tc.name, src)
		}
	}
}

// TestRereader reads back in blocks, across them and past the end of the input.
func TestRereader(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), rereadBlock/5) // two blocks
	rr := openRereader(source{ra: bytes.NewReader(data)}, 0)
	for _, c := range []struct {
		off int64
		n   int
	}{{0, 10}, {5, 3}, {rereadBlock - 4, 8}, {3, 2}, {int64(len(data)) - 10, 10}, {0, rereadBlock + 10}} {
		b, err := rr.read(c.off, c.n)
		if err != nil || !bytes.Equal(b, data[c.off:c.off+int64(c.n)]) {
			t.Fatalf("read(%d, %d) = %q, %v", c.off, c.n, b, err)
		}
	}
	if _, err := rr.read(int64(len(data))-2, 3); err != errChanged {
		t.Fatalf("reading past the end: %v, want errChanged", err)
	}
	if _, err := rr.read(0, 1); err != errChanged {
		t.Fatalf("after a failure: %v, want it again", err)
	}
}
