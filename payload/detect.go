package payload

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// detectPeek is how many bytes Detect looks at, at most.
const detectPeek = 64 << 10

// Detect picks the format of an input. The extension of name decides first: .json is JSON,
// .csv CSV, .jsonl and .ndjson JSON Lines (in any letter case). Otherwise Detect looks at the
// start of the content, after a UTF-8 byte order mark and whitespace:
//
//   - '[' is JSON (a v2 body);
//   - '{' is JSON Lines when the first object ends (or breaks) on the first line and the next
//     non-blank line starts with '{', or when the first object spans several lines and another
//     object follows it; otherwise it is JSON (a legacy body, or a single object, which
//     ReadJSON reports). An object whose first key is "integrationUsers" is always JSON;
//   - anything else, and an empty input, is CSV.
//
// It reads at most 64 KiB ahead. The returned reader yields all the bytes of r, including
// those Detect looked at: r itself when the name decided, else a *bufio.Reader over r.
func Detect(name string, r io.Reader) (Format, io.Reader) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return FormatJSON, r
	case ".csv":
		return FormatCSV, r
	case ".jsonl", ".ndjson":
		return FormatJSONL, r
	}
	br := bufio.NewReaderSize(r, detectPeek)
	for n := 1 << 10; ; n *= 8 {
		n = min(n, detectPeek)
		b, err := br.Peek(n)
		if f, ok := detectContent(b, err != nil || n == detectPeek); ok {
			return f, br
		}
	}
}

// detectContent decides the format from the first bytes b of an input. final means that b is
// all there is to look at; otherwise ok may be false: more bytes are needed.
func detectContent(b []byte, final bool) (f Format, ok bool) {
	i := 0
	if bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		i = 3
	}
	for i < len(b) && isJSONSpace(b[i]) {
		i++
	}
	if i == len(b) {
		return FormatCSV, final
	}
	switch b[i] {
	case '[':
		return FormatJSON, true
	case '{':
		return detectObject(b, i, final)
	}
	return FormatCSV, true
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// detectObject tells a legacy body from JSON Lines; b[i] is the first '{'.
func detectObject(b []byte, i int, final bool) (Format, bool) {
	k := i + 1
	for k < len(b) && isJSONSpace(b[k]) {
		k++
	}
	const iu = `"integrationUsers"`
	if bytes.HasPrefix(b[k:], []byte(iu)) {
		return FormatJSON, true
	}
	if !final && len(b)-k < len(iu) && bytes.HasPrefix([]byte(iu), b[k:]) {
		return 0, false
	}
	p := newBytesParser(b[i:])
	parsed := p.parseValue('{', 1)
	end := i + p.i // just after the object, if parsed
	if !parsed {
		end = i + p.errAbs
		if end >= len(b) { // cut off: the object goes on past what we have
			return FormatJSON, final
		}
	}
	line1 := bytes.IndexByte(b[i:], '\n')
	if line1 < 0 {
		// One line so far: a single object, unless more lines follow.
		return FormatJSON, final
	}
	line1 += i
	from := end
	if end <= line1 {
		// The first line holds a whole object (or a broken one): JSON Lines if the next
		// non-blank line starts an object too.
		from = line1
	} else if !parsed {
		return FormatJSON, true
	}
	for from < len(b) && isJSONSpace(b[from]) {
		from++
	}
	if from == len(b) {
		return FormatJSON, final
	}
	if b[from] == '{' {
		return FormatJSONL, true
	}
	return FormatJSON, true
}

// Read reads one input in the given format, or in the one Detect picks from name and the
// content when format is FormatUnknown.
func Read(r io.Reader, name string, format Format, h Handler) (Summary, error) {
	if format == FormatUnknown {
		format, r = Detect(name, r)
	}
	switch format {
	case FormatJSON:
		return ReadJSON(r, h)
	case FormatJSONL:
		return ReadJSONL(r, h)
	case FormatCSV:
		return ReadCSV(r, h)
	}
	return Summary{Format: format}, fmt.Errorf("payload: unknown input format %d", int(format))
}
