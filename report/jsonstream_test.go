package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzAppendIndented: appendIndented indents compact JSON as json.Indent does, byte for
// byte: punctuation inside strings, escaped quotes and backslashes, empty objects and arrays,
// nesting. It is seeded with the reports in testdata and a few edge cases.
func FuzzAppendIndented(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `[{}]`, `{"a":[]}`, `{"a":{"b":[1,2,{"c":null}]},"d":"e"}`,
		`"a\"b\\"`, `{"k\"{[,:":"v\\\"]}"}`, `[true,false,null,-1.5e3]`, `"<&>\u2028"`,
	} {
		f.Add([]byte(s), uint8(0))
	}
	golden, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, g := range golden {
		if data, err := os.ReadFile(g); err == nil && json.Valid(data) {
			f.Add(data, uint8(1))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, style uint8) {
		if len(data) > 1<<12 && !bytes.HasPrefix(data, []byte("{\n")) {
			// Indented output grows with the square of the nesting: deep inputs only slow the
			// fuzzer down. The reports in testdata are bigger, and shallow.
			return
		}
		var compact bytes.Buffer
		if json.Compact(&compact, data) != nil {
			return
		}
		prefix, indent := []string{"", "  ", "\t"}[int(style)%3], []string{"  ", "\t", ""}[int(style/3)%3]
		var want bytes.Buffer
		if err := json.Indent(&want, compact.Bytes(), prefix, indent); err != nil {
			t.Fatal(err)
		}
		if got := appendIndented([]byte("x"), compact.Bytes(), prefix, indent); !bytes.Equal(got[1:], want.Bytes()) || got[0] != 'x' {
			t.Fatalf("appendIndented(%q, %q, %q):\n%s\njson.Indent:\n%s", compact.Bytes(), prefix, indent, got, want.Bytes())
		}
	})
}
