package payload

import (
	"bytes"
	"io"
)

// ReadJSONL streams JSON Lines (.jsonl, .ndjson) from r to h: each non-blank line is one JSON
// value, a record. An object becomes a Record with its fields; any other value a Record of that
// Kind with Raw and no fields. The shape of each record comes from its own keys (the first key
// that ShapeOfKey knows). Blank lines are skipped. A syntax error, including a value that goes
// on past the end of its line, is a CodeSyntax diag at the fault, and reading goes on with the
// next line.
//
// As with ReadJSON, the *Record passed to h.Record, its Fields and its Text are valid only
// during the callback. Record.Index counts the non-blank lines before the record, so a line
// that could not be read still takes up its index. Summary.Shape is the shape of all the
// records that have one, ShapeUnknown if they disagree or none has one.
//
// The error is non-nil only when reading r fails.
func ReadJSONL(r io.Reader, h Handler) (Summary, error) {
	return readJSONL(r, h, defaultBufSize)
}

func readJSONL(r io.Reader, h Handler, bufSize int) (Summary, error) {
	return newParser(r, h, bufSize).readJSONL()
}

func (p *parser) readJSONL() (Summary, error) {
	p.lineMode = true
	p.skipBOM()
	sum := Summary{Format: FormatJSONL}
	var shapes [3]bool
	for {
		// Blank lines and the line break that ended the previous line.
		p.lineMode = false
		c, ok := p.skipWS()
		p.lineMode = true
		if !ok {
			break
		}
		if p.readRecord(c, 1) && p.restOfLine() {
			if shape, ok := p.emit(ShapeUnknown); ok {
				shapes[shape] = true
			}
			continue
		}
		p.endRecord()
		if p.ioErr != nil {
			break
		}
		p.skipLine()
	}
	sum.Records = p.emitted
	switch {
	case shapes[ShapeV2] && !shapes[ShapeLegacy]:
		sum.Shape = ShapeV2
	case shapes[ShapeLegacy] && !shapes[ShapeV2]:
		sum.Shape = ShapeLegacy
	}
	return sum, p.ioErr
}

// restOfLine checks what follows a record on its line, as endOfLine. When that is more than
// the buffer holds, the record's text is copied first, so that it need not be kept.
func (p *parser) restOfLine() bool {
	i := p.i
	for i < p.n && (p.buf[i] == ' ' || p.buf[i] == '\t' || p.buf[i] == '\r') {
		i++
	}
	if i == p.n && !p.eof {
		p.detach()
	}
	return p.endOfLine()
}

// endOfLine checks that only whitespace follows the value on its line. It leaves the line
// break unread.
func (p *parser) endOfLine() bool {
	c, ok := p.skipWS()
	if !ok || c == '\n' {
		return true
	}
	return p.unexpected(c, "", Pos{}, "%s after the value; a JSON Lines line holds a single JSON value")
}

// skipLine skips the rest of the current line and its line break.
func (p *parser) skipLine() {
	for {
		if j := bytes.IndexByte(p.buf[p.i:p.n], '\n'); j >= 0 {
			p.newline(p.i + j)
			p.i += j + 1
			return
		}
		p.i = p.n
		if !p.fill() {
			return
		}
	}
}
