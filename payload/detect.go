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
// content when format is FormatUnknown. Before any reader, it looks at the first bytes: a
// UTF-8 byte order mark is reported (CodeBOM) and skipped by the readers; UTF-16 input, which
// spreadsheets save as "Unicode text", is named (CodeEncoding) and not read, since every byte
// of it would otherwise be a confusing syntax error.
func Read(r io.Reader, name string, format Format, h Handler) (Summary, error) {
	br := bufio.NewReaderSize(r, detectPeek)
	start, err := br.Peek(4)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return Summary{Format: format}, err
	}
	if order := utf16Order(start); order != "" {
		h.Diag(Diag{Code: CodeEncoding, Pos: Pos{Line: 1, Col: 1}, Message: fmt.Sprintf(
			"the file is UTF-16 (%s), not UTF-8; idlint and the API read UTF-8: save it as UTF-8 (in Excel: \"CSV UTF-8\")", order)})
		return Summary{Format: format}, nil
	}
	if bytes.HasPrefix(start, []byte("\xEF\xBB\xBF")) {
		h.Diag(Diag{Code: CodeBOM, Pos: Pos{Line: 1, Col: 1}, Message: "the file starts with a UTF-8 byte order mark; idlint skips it, but some tools take it as part of the first column's name — save the file without one if an upload fails"})
	}
	r = br
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

// utf16Order recognises UTF-16 by its byte order mark, or by the NUL bytes that ASCII text has
// in every other position. It returns "little-endian", "big-endian" or "".
func utf16Order(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return "little-endian"
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return "big-endian"
	case len(b) >= 4 && b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0:
		return "little-endian, without a byte order mark"
	case len(b) >= 4 && b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0:
		return "big-endian, without a byte order mark"
	}
	return ""
}
