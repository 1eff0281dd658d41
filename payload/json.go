package payload

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/idlint/idlint/internal/ascii"
)

// Limits of the JSON readers.
const (
	maxDepth       = 64       // nesting levels, counting the top-level array or object
	maxRecordBytes = 1 << 20  // bytes of one record; a larger one is reported and skipped
	maxStringBytes = 64 << 10 // decoded bytes of one key or value of a record
	maxNestedRaw   = 1 << 10  // bytes of a nested object or array kept in Field.Value
	maxElemRaw     = 100      // bytes of a non-object element kept in Record.Raw
	textContext    = 200      // bytes kept before and after a record or a fault on a long line
	defaultBufSize = 64 << 10 // initial read buffer; it grows only while a record needs it
)

// ReadJSON streams a v2 or legacy JSON payload from r to h.
//
// The top level must be an array (the v2 body: its elements are the records, ShapeV2) or an
// object whose "integrationUsers" array holds the records (the legacy body, ShapeLegacy).
// Each element of the records array is handed to h.Record as soon as it is complete; its
// Index is its index in the array. The *Record, its Fields slice and its Text are reused: they
// are valid only during the callback (the strings in it stay valid). The Text of a Diag is a
// copy.
//
// Problems with the envelope are CodeSchema diags and reading goes on. A syntax error is a
// CodeSyntax diag at the offending byte (at the comma, for a trailing comma) and ends the
// reading; the records before it have been handed over. A record larger than 1 MiB, or with a
// key or value longer than 64 KiB, is a CodeSyntax diag and is skipped (it keeps its index).
// Arrays and objects nested more than 64 deep are a syntax error. Empty input (whitespace, a
// byte order mark) gives no records and no diag.
//
// Summary.Shape is ShapeV2 for a top-level array and ShapeLegacy for a top-level object,
// ShapeUnknown otherwise; Summary.Records counts the records handed to h.Record.
//
// The error is non-nil only when reading r fails.
func ReadJSON(r io.Reader, h Handler) (Summary, error) {
	return readJSON(r, h, defaultBufSize)
}

func readJSON(r io.Reader, h Handler, bufSize int) (Summary, error) {
	return newParser(r, h, bufSize).readJSON()
}

func (p *parser) readJSON() (Summary, error) {
	sum := Summary{Format: FormatJSON}
	p.holdFatal = true
	p.skipBOM()
	c, ok := p.skipWS()
	if !ok {
		return sum, p.ioErr
	}
	switch c {
	case '[':
		sum.Shape = ShapeV2
		ok = p.parseRecords(ShapeV2, 1)
	case '{':
		sum.Shape = ShapeLegacy
		ok = p.parseEnvelope()
	default:
		if isValueStart(c) {
			p.schemaHere(`the payload must be a JSON array of identities (v2) or an object with "integrationUsers" (legacy)`)
		}
		ok = p.parseValue(c, 1)
	}
	if ok {
		p.checkEnd()
	}
	if p.fatal != nil {
		d := *p.fatal
		d.Message += p.unchecked(d.Pos.Line)
		p.h.Diag(d)
	}
	sum.Records = p.emitted
	return sum, p.ioErr
}

// unchecked reads what is left of the input after a syntax error that ended the reading, and
// words for the error's message what went unchecked: nothing, when only whitespace and
// closing brackets are left. So records after a syntax error are not lost silently: the
// finding names their lines.
func (p *parser) unchecked(errLine int) string {
	p.pin, p.softPin, p.inRec = -1, -1, false
	if p.errAbs == p.base+p.i && p.i < p.n && p.buf[p.i] != '\n' { // the offending character is the error's, not unread
		_, n := utf8.DecodeRune(p.buf[p.i:p.n])
		p.i += n
	}
	line, first, last, sameLine := p.line, 0, 0, false
	for {
		for ; p.i < p.n; p.i++ {
			switch p.buf[p.i] {
			case '\n':
				line++
			case ' ', '\t', '\r', ']', '}', ',':
			default:
				if line <= errLine {
					sameLine = true
				} else if last = line; first == 0 {
					first = line
				}
			}
		}
		if !p.fill() {
			break
		}
	}
	var what string
	switch {
	case first == 0 && !sameLine:
		return ""
	case first == 0:
		what = fmt.Sprintf("the rest of line %d is", errLine)
	case first == last:
		what = fmt.Sprintf("line %d is", first)
	default:
		what = fmt.Sprintf("lines %d-%d are", first, last)
	}
	if sameLine && first > 0 {
		what = fmt.Sprintf("the rest of line %d and %s", errLine, strings.TrimSuffix(strings.TrimSuffix(what, " is"), " are")) + " are"
	}
	return "; idlint reads no further, so " + what + " not checked: fix this and run it again"
}

// parser is the streaming JSON scanner shared by ReadJSON, ReadJSONL, Detect and the tests.
//
// It reads r into buf, which holds the input bytes from absolute offset base to base+n. i is
// the scan point. Bytes before the scan point are dropped when the buffer is refilled, except
// for what is needed for messages: textContext bytes of the current line, and everything from
// pin (the start of the text of the record being read) and softPin (a comma that may turn out
// to be a trailing one).
//
// Columns are computed, not counted: outside strings every byte of valid JSON is ASCII, so the
// column of the scan point is its offset in the line, less the UTF-8 continuation bytes the
// string scanner has seen on the line (lineCont).
type parser struct {
	r     io.Reader
	h     Handler
	buf   []byte
	i, n  int
	base  int
	eof   bool
	ioErr error

	lineMode bool // JSON Lines: a line break inside a value is an error

	line         int // line of the scan point
	lineStartAbs int // absolute offset of its first byte
	lineCont     int // continuation bytes between lineStartAbs and the scan point
	textFloor    int // absolute offset before which no text is shown (after a BOM)

	pin     int // absolute offset the buffer must keep, or -1
	softPin int // like pin, but dropped when more than maxRecordBytes behind; -1 if none

	// The record being read.
	inRec       bool
	recSkip     bool  // reported as too large: read on to its end, but do not hand it over
	discard     Field // where readFields reads the fields of a skipped record
	recStartAbs int
	recEndAbs   int
	recPos      Pos
	detached    bool // the record's text was copied to textCopy and the pin released
	textCopy    []byte
	tooLong     bool // set by scanString and scanNumber when a captured value passes maxStringBytes
	rec         Record
	scratch     []byte // decoded strings of the record, made into one string at the end
	spans       []span
	index       int // elements (records, attempted records) seen so far
	emitted     int

	keyBuf []byte // decoded key of the envelope object

	errAbs int // absolute offset of the last syntax error (Detect uses it)

	// A syntax error ends ReadJSON's reading. Its diag is held back until the rest of the input
	// has been read, so that its message can say which lines were left unchecked.
	holdFatal bool
	fatal     *Diag
}

// span locates a field's decoded name and value in parser.scratch; end -1: not there (the
// Field already holds a constant string).
type span struct {
	nOff, nEnd, vOff, vEnd int
}

func newParser(r io.Reader, h Handler, bufSize int) *parser {
	if bufSize < 16 {
		bufSize = 16
	}
	return &parser{r: r, h: h, buf: make([]byte, bufSize), line: 1, pin: -1, softPin: -1, errAbs: -1}
}

// newBytesParser scans b alone (no reader).
func newBytesParser(b []byte) *parser {
	return &parser{buf: b, n: len(b), eof: true, line: 1, pin: -1, softPin: -1, errAbs: -1}
}

// skipBOM skips a UTF-8 byte order mark at the start of the input.
func (p *parser) skipBOM() {
	p.ensure(3)
	if p.n-p.i >= 3 && p.buf[p.i] == 0xEF && p.buf[p.i+1] == 0xBB && p.buf[p.i+2] == 0xBF {
		p.i += 3
		p.lineStartAbs = p.base + p.i
		p.textFloor = p.lineStartAbs
	}
}

// fill reads more input into the buffer, keeping what the scan may still need. It returns
// false at the end of the input or on a read error (p.ioErr).
func (p *parser) fill() bool {
	if p.eof || p.ioErr != nil {
		return false
	}
	cur := p.base + p.i
	if p.inRec && !p.recSkip && cur-p.recStartAbs > maxRecordBytes {
		p.skipRecordAt(p.recStartAbs, p.recPos, "record is larger than 1 MiB; it is skipped", false)
		p.pin = -1
	}
	if p.n == len(p.buf) {
		keep := cur - textContext
		if keep < p.lineStartAbs {
			keep = p.lineStartAbs
		}
		if p.pin >= 0 && p.pin < keep {
			keep = p.pin
		}
		if p.softPin >= 0 && p.softPin < keep {
			if cur-p.softPin > maxRecordBytes {
				p.softPin = -1
			} else {
				keep = p.softPin
			}
		}
		if k := keep - p.base; k > 0 {
			copy(p.buf, p.buf[k:p.n])
			p.n -= k
			p.i -= k
			p.base += k
		}
		if p.n == len(p.buf) {
			nb := make([]byte, 2*len(p.buf))
			copy(nb, p.buf[:p.n])
			p.buf = nb
		}
	}
	for tries := 0; tries < 100; tries++ {
		m, err := p.r.Read(p.buf[p.n:])
		if m < 0 || m > len(p.buf)-p.n {
			p.ioErr = fmt.Errorf("read returned an invalid count %d", m)
			return false
		}
		p.n += m
		if err != nil {
			if err == io.EOF {
				p.eof = true
			} else {
				p.ioErr = err
			}
			return m > 0
		}
		if m > 0 {
			return true
		}
	}
	p.ioErr = io.ErrNoProgress
	return false
}

// ensure makes at least k bytes from the scan point available, if the input has them.
func (p *parser) ensure(k int) bool {
	for p.n-p.i < k {
		if !p.fill() {
			return false
		}
	}
	return true
}

// pos returns the position of buf[i], which must be on the current line at or before the
// scan point, with no string in between.
func (p *parser) pos(i int) Pos {
	return Pos{Line: p.line, Col: p.base + i - p.lineStartAbs + 1 - p.lineCont}
}

// newline accounts for the '\n' at buf[i].
func (p *parser) newline(i int) {
	p.line++
	p.lineStartAbs = p.base + i + 1
	p.lineCont = 0
}

// peek returns the byte at the scan point, 0 at the end of the buffer. Callers go on to skipWS
// when it is not above ' ': a fast path for when there is no whitespace.
func (p *parser) peek() byte {
	if p.i < p.n {
		return p.buf[p.i]
	}
	return 0
}

// skipWS skips whitespace and returns the next byte without consuming it; ok is false at the
// end of the input. In line mode a '\n' is returned rather than skipped.
func (p *parser) skipWS() (c byte, ok bool) {
	for {
		b := p.buf[:p.n]
		i := p.i
		for ; i < len(b); i++ {
			c := b[i]
			if c > ' ' {
				p.i = i
				return c, true
			}
			switch c {
			case ' ', '\t', '\r':
				continue
			case '\n':
				if !p.lineMode {
					p.line++
					p.lineStartAbs = p.base + i + 1
					p.lineCont = 0
					continue
				}
			}
			p.i = i
			return c, true
		}
		p.i = i
		if !p.fill() {
			return 0, false
		}
	}
}

// checkEnd reports anything but whitespace after the top-level value.
func (p *parser) checkEnd() bool {
	c, ok := p.skipWS()
	if !ok {
		return true
	}
	return p.unexpected(c, "", Pos{}, "%s after the top-level value; the payload must be a single JSON value")
}

// ---- records ----

// parseRecords reads the records array whose '[' is at the scan point.
func (p *parser) parseRecords(shape Shape, depth int) bool {
	openPos := p.pos(p.i)
	c, more, ok := p.open(']', "array", openPos, depth)
	if !ok || !more {
		return ok
	}
	for {
		if !p.readRecord(c, depth+1) {
			return false
		}
		p.emit(shape)
		if c, more, ok = p.nextMember(']', "array", openPos, "expected ',' or ']' after array element, found %s"); !ok || !more {
			return ok
		}
	}
}

// afterComma consumes the comma at the scan point and the whitespace after it, and reports a
// trailing comma (one followed by close).
func (p *parser) afterComma(close byte, what string, openPos Pos) (byte, bool) {
	commaAbs, commaPos := p.base+p.i, p.pos(p.i)
	p.softPin = p.contextStart(commaAbs)
	p.i++
	c, ok := p.peek(), true
	if c <= ' ' {
		c, ok = p.skipWS()
	}
	if !ok {
		p.softPin = -1
		return 0, p.eofIn(what, openPos)
	}
	if c == close {
		p.failAt(commaAbs, commaPos, fmt.Sprintf("trailing comma before '%c'", close))
		p.softPin = -1
		return 0, false
	}
	p.softPin = -1
	return c, true
}

// readRecord reads one element of the records array (or one JSON Lines value), starting with
// c at the scan point, into p.rec. The caller hands it over with emit.
func (p *parser) readRecord(c byte, depth int) bool {
	recAbs := p.base + p.i
	recPos := p.pos(p.i)
	st, stPos := p.textStart(recAbs, recPos)
	p.pin = st
	p.inRec, p.recSkip, p.tooLong = true, false, false
	p.recStartAbs, p.recPos = recAbs, recPos
	r := &p.rec
	r.Index = p.index
	p.index++
	r.Pos = recPos
	r.Fields = r.Fields[:0]
	r.Raw = ""
	r.Text, r.TextPos = nil, stPos
	p.spans = p.spans[:0]
	p.scratch = p.scratch[:0]
	var ok bool
	if c == '{' {
		r.Kind = KindObject
		ok = p.readFields(recPos, depth)
	} else {
		r.Kind = kindOf(c)
		ok = p.parseValue(c, depth)
		if ok && !p.recSkip {
			r.Raw = string(p.clip(recAbs, p.base+p.i, maxElemRaw))
		}
	}
	if !ok {
		p.endRecord()
		return false
	}
	if !p.recSkip && p.base+p.i-recAbs > maxRecordBytes {
		p.skipRecordAt(recAbs, recPos, "record is larger than 1 MiB; it is skipped", true)
	}
	r.End = p.pos(p.i)
	p.recEndAbs = p.base + p.i
	return true
}

// detach copies the text of the record just read, so that the scan can go on past its line
// without keeping the record in the buffer.
func (p *parser) detach() {
	if p.recSkip {
		p.inRec, p.pin = false, -1
		return
	}
	end := p.textEnd(p.recEndAbs, p.pin, true)
	p.textCopy = append(p.textCopy[:0], p.buf[p.pin-p.base:end-p.base]...)
	p.detached = true
	p.inRec, p.pin = false, -1
}

// emit hands the record read by readRecord to the handler, unless it was skipped (ok false).
// With ShapeUnknown, the record's shape is that of its first key that ShapeOfKey knows.
func (p *parser) emit(shape Shape) (_ Shape, ok bool) {
	r := &p.rec
	if p.recSkip {
		p.endRecord()
		return ShapeUnknown, false
	}
	p.emitted++
	if shape == ShapeUnknown {
		for k := range r.Fields {
			if s := ShapeOfKey(r.Fields[k].Name); s != ShapeUnknown {
				shape = s
				break
			}
		}
	}
	r.Shape = shape
	if p.h.Record == nil {
		p.endRecord()
		return shape, true
	}
	if len(p.scratch) > 0 {
		// One string holds the record's values and the keys not interned: a copy, unless the
		// handler takes values that live only as long as the call (Handler.TransientValues)
		// and every key is interned, since names are kept.
		transient := p.h.TransientValues
		for k := 0; k < len(p.spans) && transient; k++ {
			transient = p.spans[k].nEnd < 0
		}
		var s string
		if transient {
			s = unsafe.String(unsafe.SliceData(p.scratch), len(p.scratch))
		} else {
			s = string(p.scratch)
		}
		for k := range p.spans {
			sp := &p.spans[k]
			f := &r.Fields[k]
			if sp.nEnd >= 0 {
				f.Name = s[sp.nOff:sp.nEnd]
			}
			if sp.vEnd >= 0 {
				f.Value = s[sp.vOff:sp.vEnd]
			}
		}
	}
	r.indexFields()
	if p.detached {
		r.Text = p.textCopy
	} else {
		end := p.textEnd(p.recEndAbs, p.pin, true)
		r.Text = p.buf[p.pin-p.base : end-p.base]
	}
	p.h.Record(r)
	r.Text = nil
	p.endRecord()
	return shape, true
}

// endRecord releases what was kept for the record being read.
func (p *parser) endRecord() {
	p.inRec, p.pin, p.detached = false, -1, false
}

// readFields reads the record object whose '{' is at the scan point into p.rec.Fields.
func (p *parser) readFields(openPos Pos, depth int) bool {
	c, more, ok := p.open('}', "object", openPos, depth)
	if !ok || !more {
		return ok
	}
	for {
		if c != '"' {
			return p.badKey(c, openPos)
		}
		keyAbs, keyPos := p.base+p.i, p.pos(p.i)
		var dst *[]byte
		if !p.recSkip {
			dst = &p.scratch
		}
		sp := span{nOff: len(p.scratch), nEnd: -1, vEnd: -1}
		// The field is built where it is kept, not in a local copied there at the end: the
		// compiler copies a Field 16 bytes at a time, and each such load of members just
		// written one by one waits for the stores (a store-forwarding stall, 8 % of the
		// reader's time). A field of a skipped record is dropped at the end.
		f := &p.discard
		if p.recSkip {
			*f = Field{}
		} else {
			p.rec.Fields = append(p.rec.Fields, Field{})
			f = &p.rec.Fields[len(p.rec.Fields)-1]
		}
		if b, j := p.buf[:p.n], stringEnd(p.buf[:p.n], p.i+1); j < len(b) && b[j] == '"' && j-p.i <= maxStringBytes {
			// Fast path: a key without escapes or multi-byte characters, all in the buffer.
			key := b[p.i+1 : j]
			p.i = j + 1
			if dst != nil {
				if f.Name = internKey(key); f.Name == "" {
					p.scratch = append(p.scratch, key...)
					sp.nEnd = len(p.scratch)
				}
			}
		} else {
			if !p.scanString(dst) {
				return false
			}
			if dst != nil {
				if name := internKey(p.scratch[sp.nOff:]); name != "" {
					f.Name = name
					p.scratch = p.scratch[:sp.nOff]
				} else {
					sp.nEnd = len(p.scratch)
				}
			}
		}
		if p.tooLong {
			p.valueTooLong(keyAbs, keyPos, "key")
		}
		if c = p.peek(); c <= ' ' {
			c, ok = p.skipWS()
		}
		if !ok {
			return p.eofIn("object", openPos)
		}
		if c != ':' {
			return p.unexpected(c, "object", openPos, "expected ':' after object key, found %s")
		}
		p.i++
		if c = p.peek(); c <= ' ' {
			c, ok = p.skipWS()
		}
		if !ok {
			return p.eofIn("object", openPos)
		}
		valAbs := p.base + p.i
		f.KeyPos = keyPos
		f.Pos = p.pos(p.i)
		if p.recSkip {
			dst = nil
		}
		switch c {
		case '"':
			f.Kind = KindString
			sp.vOff = len(p.scratch)
			b := p.buf[:p.n]
			if j, plain := stringRun(b, p.i+1); j < len(b) && b[j] == '"' && j-p.i <= maxStringBytes {
				// Fast path, as for keys.
				if dst != nil {
					p.scratch = append(p.scratch, b[p.i+1:j]...)
				}
				f.Plain = plain && j > p.i+1
				p.i = j + 1
				f.Verbatim = dst != nil
			} else if !p.scanString(dst) {
				return false
			} else if dst != nil && valAbs >= p.base {
				// Escapes change the text; a string without any is as written.
				f.Verbatim = bytes.Equal(p.buf[valAbs+1-p.base:p.i-1], p.scratch[sp.vOff:])
			}
			f.Offset = int64(valAbs + 1)
			sp.vEnd = len(p.scratch)
		case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			f.Kind = KindNumber
			sp.vOff = len(p.scratch)
			if !p.scanNumber(dst) {
				return false
			}
			sp.vEnd = len(p.scratch)
		case 't':
			f.Kind, f.Value = KindBool, "true"
			if !p.scanLiteral("true") {
				return false
			}
		case 'f':
			f.Kind, f.Value = KindBool, "false"
			if !p.scanLiteral("false") {
				return false
			}
		case 'n':
			f.Kind, f.Value = KindNull, "null"
			if !p.scanLiteral("null") {
				return false
			}
		case '{', '[':
			f.Kind = kindOf(c)
			if !p.parseValue(c, depth+1) {
				return false
			}
			if !p.recSkip {
				sp.vOff = len(p.scratch)
				p.scratch = append(p.scratch, p.clip(valAbs, p.base+p.i, maxNestedRaw)...)
				sp.vEnd = len(p.scratch)
			}
		default:
			return p.badValue(c, "object", openPos)
		}
		if p.tooLong {
			what := "string"
			if f.Kind == KindNumber {
				what = "number"
			}
			p.valueTooLong(valAbs, f.Pos, what)
		}
		if !p.recSkip {
			p.spans = append(p.spans, sp)
		} else if f != &p.discard {
			p.rec.Fields = p.rec.Fields[:len(p.rec.Fields)-1] // skipped since it was added
		}
		if c, more, ok = p.nextMember('}', "object", openPos, "expected ',' or '}' after object member, found %s"); !ok || !more {
			return ok
		}
	}
}

// internKey returns the canonical constant for the common keys, "" for others.
func internKey(b []byte) string {
	switch string(b) {
	case FieldEmail:
		return FieldEmail
	case FieldIntegrationID:
		return FieldIntegrationID
	case FieldIdentity:
		return FieldIdentity
	case FieldApplicationType:
		return FieldApplicationType
	case FieldCloudID:
		return FieldCloudID
	}
	return ""
}

// valueTooLong reports a key or value longer than maxStringBytes at abs, or the record as too
// large if the value ends past maxRecordBytes (so that which one is reported does not depend
// on when the buffer is refilled).
func (p *parser) valueTooLong(abs int, pos Pos, what string) {
	p.tooLong = false
	if p.base+p.i-p.recStartAbs > maxRecordBytes {
		p.skipRecordAt(p.recStartAbs, p.recPos, "record is larger than 1 MiB; it is skipped", true)
		return
	}
	p.skipRecordAt(abs, pos, what+" is longer than 64 KiB; the record is skipped", true)
}

// skipRecordAt reports a record that is too large, at the given place, and marks it skipped.
func (p *parser) skipRecordAt(abs int, pos Pos, msg string, mayFill bool) {
	if p.recSkip {
		return
	}
	p.recSkip = true
	p.report(CodeSyntax, abs, pos, msg, mayFill)
}

// clip returns the input bytes from a to e (absolute), cut to at most max bytes at a character
// boundary.
func (p *parser) clip(a, e, max int) []byte {
	if e-a > max {
		e = a + max
		for e > a && isCont(p.buf[e-p.base]) {
			e--
		}
	}
	return p.buf[a-p.base : e-p.base]
}

// ---- the envelope ----

// parseEnvelope reads the top-level object whose '{' is at the scan point (the legacy body).
func (p *parser) parseEnvelope() bool {
	openPos := p.pos(p.i)
	p.i++
	seen := false
	// single is set when the object is one identity record rather than a body (its first key is
	// a record field): that is reported once, instead of once per key and again at the end.
	first, single := true, false
	c, ok := p.skipWS()
	if !ok {
		return p.eofIn("object", openPos)
	}
	if c == '}' {
		p.missingUsers()
		p.i++
		return true
	}
	for {
		if c != '"' {
			return p.badKey(c, openPos)
		}
		keyAbs, keyPos := p.base+p.i, p.pos(p.i)
		p.softPin = p.contextStart(keyAbs) // for a diag at the key, reported after ':'
		p.keyBuf = p.keyBuf[:0]
		if !p.scanString(&p.keyBuf) {
			return false
		}
		p.tooLong = false
		c, ok = p.skipWS()
		if !ok {
			return p.eofIn("object", openPos)
		}
		if c != ':' {
			return p.unexpected(c, "object", openPos, "expected ':' after object key, found %s")
		}
		p.i++
		c, ok = p.skipWS()
		if !ok {
			return p.eofIn("object", openPos)
		}
		key := string(p.keyBuf)
		isUsers := key == "integrationUsers"
		if first && (key == FieldEmail || ShapeOfKey(key) != ShapeUnknown) {
			single = true
			p.schemaAt(keyAbs, keyPos, `the payload is a single identity record, not an upload body; wrap it in [ ] for the v2 API or in {"integrationUsers": [ ]} for the legacy one`)
		}
		first = false
		switch {
		case single:
		case isUsers && seen:
			p.schemaAt(keyAbs, keyPos, `"integrationUsers" is repeated; only the first one is read: merge them into one array`)
		case equalFoldASCII(key, "integrationUsers") && !isUsers:
			p.schemaAt(keyAbs, keyPos, fmt.Sprintf(`unknown top-level field %q; did you mean "integrationUsers"? (keys are case-sensitive)`, key))
		case !isUsers:
			p.schemaAt(keyAbs, keyPos, fmt.Sprintf(`unknown top-level field %q; the legacy body has only "integrationUsers"`, clipString(key, 100)))
		}
		p.softPin = -1
		switch {
		case isUsers && !seen:
			seen = true
			if c == '[' {
				ok = p.parseRecords(ShapeLegacy, 2)
				break
			}
			if isValueStart(c) {
				p.schemaHere(fmt.Sprintf(`"integrationUsers" must be an array of identities, found %s`, kindPhrase(c)))
			}
			ok = p.parseValue(c, 2)
		default:
			ok = p.parseValue(c, 2)
		}
		if !ok {
			return false
		}
		c, ok = p.skipWS()
		if !ok {
			return p.eofIn("object", openPos)
		}
		switch c {
		case ',':
			if c, ok = p.afterComma('}', "object", openPos); !ok {
				return false
			}
			continue
		case '}':
			if !seen && !single {
				p.missingUsers()
			}
			p.i++
			return true
		}
		return p.unexpected(c, "object", openPos, "expected ',' or '}' after object member, found %s")
	}
}

// missingUsers reports, at the closing '}' of the top-level object, that it has no records.
func (p *parser) missingUsers() {
	p.schemaHere(`the object has no "integrationUsers" field: the legacy body is {"integrationUsers": [...]}, the v2 body a JSON array of identities`)
}

// ---- values ----

// parseValue checks the value that starts with c at the scan point; depth is its nesting level
// if it is an array or object.
func (p *parser) parseValue(c byte, depth int) bool {
	switch c {
	case '"':
		return p.scanString(nil)
	case '{':
		return p.parseObject(depth)
	case '[':
		return p.parseArray(depth)
	case 't':
		return p.scanLiteral("true")
	case 'f':
		return p.scanLiteral("false")
	case 'n':
		return p.scanLiteral("null")
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return p.scanNumber(nil)
	}
	return p.badValue(c, "", Pos{})
}

func (p *parser) parseObject(depth int) bool {
	openPos := p.pos(p.i)
	c, more, ok := p.open('}', "object", openPos, depth)
	if !ok || !more {
		return ok
	}
	for {
		if c != '"' {
			return p.badKey(c, openPos)
		}
		if !p.scanString(nil) {
			return false
		}
		c, ok = p.skipWS()
		if !ok {
			return p.eofIn("object", openPos)
		}
		if c != ':' {
			return p.unexpected(c, "object", openPos, "expected ':' after object key, found %s")
		}
		p.i++
		c, ok = p.skipWS()
		if !ok {
			return p.eofIn("object", openPos)
		}
		if c == '\n' && p.lineMode {
			return p.unexpected(c, "object", openPos, "")
		}
		if !p.parseValue(c, depth+1) {
			return false
		}
		if c, more, ok = p.nextMember('}', "object", openPos, "expected ',' or '}' after object member, found %s"); !ok || !more {
			return ok
		}
	}
}

func (p *parser) parseArray(depth int) bool {
	openPos := p.pos(p.i)
	c, more, ok := p.open(']', "array", openPos, depth)
	if !ok || !more {
		return ok
	}
	for {
		if c == '\n' && p.lineMode {
			return p.unexpected(c, "array", openPos, "")
		}
		if !p.parseValue(c, depth+1) {
			return false
		}
		if c, more, ok = p.nextMember(']', "array", openPos, "expected ',' or ']' after array element, found %s"); !ok || !more {
			return ok
		}
	}
}

// open consumes the '[' or '{' at the scan point (opened at openPos, nesting depth deep) and
// the whitespace after it. It returns the byte that starts the first member (more is true),
// or consumes close at once for an empty array or object (more is false). ok is false when a
// syntax error was reported.
func (p *parser) open(close byte, kind string, openPos Pos, depth int) (c byte, more, ok bool) {
	if depth > maxDepth {
		return 0, false, p.tooDeep()
	}
	p.i++
	if c, ok = p.peek(), true; c <= ' ' { // the buffer's end reads as 0, and skipWS refills
		c, ok = p.skipWS()
	}
	if !ok {
		return 0, false, p.eofIn(kind, openPos)
	}
	if c == close {
		p.i++
		return 0, false, true
	}
	return c, true, true
}

// nextMember moves past the whitespace after a member of an array or object. After a ',' it
// returns the byte that starts the next member (more is true); at the closing byte it consumes
// it (more is false). ok is false when a syntax error was reported.
func (p *parser) nextMember(close byte, kind string, openPos Pos, unexpected string) (c byte, more, ok bool) {
	if c, ok = p.peek(), true; c <= ' ' { // the buffer's end reads as 0, and skipWS refills
		c, ok = p.skipWS()
	}
	if !ok {
		return 0, false, p.eofIn(kind, openPos)
	}
	switch c {
	case ',':
		c, ok = p.afterComma(close, kind, openPos)
		return c, ok, ok
	case close:
		p.i++
		return 0, false, true
	}
	return 0, false, p.unexpected(c, kind, openPos, unexpected)
}

// strSpecial marks the bytes that end the fast path of scanString.
var strSpecial = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'] = true
	t['\\'] = true
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	return t
}()

// stringEnd is stringRun's end, for a caller that does not ask whether the run is plain.
func stringEnd(b []byte, i int) int {
	end, _ := stringRun(b, i)
	return end
}

// stringRun returns the index of the first byte at or after i in b that ends the fast path of
// a string: '"', '\\', a control character or a byte of a multi-byte character; len(b) if none.
// plain tells whether the bytes before it are plain text (see Field.Plain).
func stringRun(b []byte, i int) (end int, plain bool) {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	var odd uint64 // ascii.NotPlain of the words so far
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q := x ^ ('"' * ones)
		s := x ^ ('\\' * ones)
		// A byte is flagged if it is '"' or '\\' (q or s has a zero byte), less than 0x20, or
		// 0x80 or more. Borrows can flag bytes after a flagged one, never before.
		m := ((q - ones) &^ q) | ((s - ones) &^ s) | ((x - 0x20*ones) &^ x) | x
		if m &= highs; m != 0 {
			k := bits.TrailingZeros64(m) >> 3
			// Only the bytes before the flagged one (see ascii.NotPlain).
			return i + k, (odd | ascii.NotPlain(x)&(1<<(8*k)-1)) == 0
		}
		odd |= ascii.NotPlain(x)
	}
	for ; i < len(b) && !strSpecial[b[i]]; i++ {
		if b[i] == ' ' || b[i] == 0x7F {
			odd = highs
		}
	}
	return i, odd == 0
}

// scanString scans the string whose opening quote is at the scan point and appends its decoded
// bytes to *dst when dst is not nil. Past maxStringBytes it stops appending, restores *dst and
// sets p.tooLong. Invalid UTF-8 is passed through; lone surrogate escapes become U+FFFD.
func (p *parser) scanString(dst *[]byte) bool {
	quoteAbs := p.base + p.i
	cont0 := p.lineCont
	p.i++
	var d []byte
	d0 := 0
	if dst != nil {
		d = *dst
		d0 = len(d)
	}
	for {
		b := p.buf[:p.n]
		i := stringEnd(b, p.i)
		if dst != nil {
			d = append(d, b[p.i:i]...)
			if len(d)-d0 > maxStringBytes {
				p.tooLong = true
				d = d[:d0]
				*dst = d
				dst = nil
			}
		}
		p.i = i
		if i == len(b) {
			if !p.fill() {
				if dst != nil {
					*dst = d
				}
				return p.eofIn("string", Pos{p.line, quoteAbs - p.lineStartAbs + 1 - cont0})
			}
			continue
		}
		switch c := b[i]; {
		case c == '"':
			p.i = i + 1
			if dst != nil {
				*dst = d
			}
			return true
		case c >= 0x80:
			j := i
			for j < len(b) && b[j] >= 0x80 {
				if b[j]&0xC0 == 0x80 {
					p.lineCont++
				}
				j++
			}
			if dst != nil {
				d = append(d, b[i:j]...)
			}
			p.i = j
		case c == '\\':
			if !p.scanEscape(&d, dst != nil) {
				if dst != nil {
					*dst = d
				}
				return false
			}
		default: // control character
			if dst != nil {
				*dst = d
			}
			if c == '\n' && p.lineMode {
				return p.failHere(fmt.Sprintf("unexpected end of line: the string started at %s is not closed; a JSON Lines record must be on one line",
					Pos{p.line, quoteAbs - p.lineStartAbs + 1 - cont0}))
			}
			if c == '\n' {
				return p.failHere(fmt.Sprintf(`unexpected end of line: the string started at %s is not closed (a line break in a string must be written \n)`,
					Pos{p.line, quoteAbs - p.lineStartAbs + 1 - cont0}))
			}
			return p.failHere(fmt.Sprintf("invalid character %s in string: control characters must be escaped, as %s", p.describeHere(), escapeOf(c)))
		}
	}
}

// scanEscape decodes the escape sequence whose backslash is at the scan point.
func (p *parser) scanEscape(d *[]byte, capture bool) bool {
	p.ensure(2)
	if p.n-p.i < 2 {
		p.i = p.n
		return p.eofIn("escape", Pos{})
	}
	var r byte
	switch c := p.buf[p.i+1]; c {
	case '"', '\\', '/':
		r = c
	case 'b':
		r = '\b'
	case 'f':
		r = '\f'
	case 'n':
		r = '\n'
	case 'r':
		r = '\r'
	case 't':
		r = '\t'
	case 'u':
		p.ensure(6)
		x, ok := p.hex4(p.i + 2)
		if !ok {
			return false
		}
		p.i += 6
		rn := rune(x)
		if utf16IsSurrogate(rn) {
			rn = utf8.RuneError
			if x < 0xDC00 && p.ensure(6) && p.buf[p.i] == '\\' && p.buf[p.i+1] == 'u' {
				if y, ok := hex4(p.buf[p.i+2 : p.i+6]); ok && y >= 0xDC00 && y < 0xE000 {
					rn = 0x10000 + (rune(x)-0xD800)<<10 + (rune(y) - 0xDC00)
					p.i += 6
				}
			}
		}
		if capture {
			*d = utf8.AppendRune(*d, rn)
		}
		return true
	default:
		p.i++
		if c == '\n' && p.lineMode {
			return p.failHere("unexpected end of line after '\\' in string; a JSON Lines record must be on one line")
		}
		return p.failHere(fmt.Sprintf(`invalid escape '\' followed by %s in string; valid escapes are \" \\ \/ \b \f \n \r \t \uXXXX`, p.describeHere()))
	}
	if capture {
		*d = append(*d, r)
	}
	p.i += 2
	return true
}

func utf16IsSurrogate(r rune) bool { return r >= 0xD800 && r < 0xE000 }

// hex4 decodes the four hex digits at buf[j:], reporting the first bad one.
func (p *parser) hex4(j int) (uint32, bool) {
	var x uint32
	for k := 0; k < 4; k++ {
		if j+k >= p.n {
			p.i = p.n
			return 0, p.eofIn("escape", Pos{})
		}
		v := unhex(p.buf[j+k])
		if v < 0 {
			p.i = j + k
			if p.buf[p.i] == '\n' && p.lineMode {
				return 0, p.failHere("unexpected end of line in \\u escape; a JSON Lines record must be on one line")
			}
			return 0, p.failHere(fmt.Sprintf(`invalid \u escape: expected a hex digit, found %s`, p.describeHere()))
		}
		x = x<<4 | uint32(v)
	}
	return x, true
}

func hex4(b []byte) (uint32, bool) {
	var x uint32
	for _, c := range b {
		v := unhex(c)
		if v < 0 {
			return 0, false
		}
		x = x<<4 | uint32(v)
	}
	return x, true
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

func isDigit(c byte) bool { return c-'0' < 10 }

// scanNumber scans the number at the scan point, appending its text to *dst when dst is not nil.
func (p *parser) scanNumber(dst *[]byte) bool {
	// Fast path: an integer that is followed, inside the buffer, by something else.
	b := p.buf[:p.n]
	i := p.i
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	if j < len(b) && b[j]-'1' < 9 {
		j++
		for j < len(b) && isDigit(b[j]) {
			j++
		}
		if j < len(b) && b[j] != '.' && b[j] != 'e' && b[j] != 'E' && j-i <= maxStringBytes {
			if dst != nil {
				*dst = append(*dst, b[i:j]...)
			}
			p.i = j
			return true
		}
	}
	return p.scanNumberSlow(dst)
}

func (p *parser) scanNumberSlow(dst *[]byte) bool {
	const (
		stStart = iota // before an optional '-'
		stMinus        // after '-'
		stZero         // after a leading 0
		stInt          // in the integer digits
		stDot          // after '.'
		stFrac         // in the fraction digits
		stE            // after 'e'
		stESign        // after the exponent's sign
		stExp          // in the exponent digits
	)
	st := stStart
	mark := p.i
	length := 0
	flush := func() {
		if dst != nil {
			*dst = append(*dst, p.buf[mark:p.i]...)
			length += p.i - mark
			if length > maxStringBytes {
				p.tooLong = true
				dst = nil
			}
		}
	}
	for {
		if p.i == p.n {
			flush()
			if !p.fill() {
				break
			}
			mark = p.i
		}
		c := p.buf[p.i]
		switch st {
		case stStart:
			if c == '-' {
				st = stMinus
				p.i++
				continue
			}
			fallthrough
		case stMinus:
			switch {
			case c == '0':
				st = stZero
			case isDigit(c):
				st = stInt
			default:
				return p.failHere(fmt.Sprintf("invalid number: expected a digit after '-', found %s", p.describeHere()))
			}
		case stZero, stInt:
			switch {
			case isDigit(c):
				if st == stZero {
					return p.failHere("invalid number: a number must not have a leading zero")
				}
			case c == '.':
				st = stDot
			case c == 'e' || c == 'E':
				st = stE
			default:
				flush()
				return true
			}
		case stDot:
			if !isDigit(c) {
				return p.failHere(fmt.Sprintf("invalid number: expected a digit after '.', found %s", p.describeHere()))
			}
			st = stFrac
		case stFrac:
			switch {
			case isDigit(c):
			case c == 'e' || c == 'E':
				st = stE
			default:
				flush()
				return true
			}
		case stE:
			switch {
			case c == '+' || c == '-':
				st = stESign
			case isDigit(c):
				st = stExp
			default:
				return p.failHere(fmt.Sprintf("invalid number: expected a digit in the exponent, found %s", p.describeHere()))
			}
		case stESign:
			if !isDigit(c) {
				return p.failHere(fmt.Sprintf("invalid number: expected a digit in the exponent, found %s", p.describeHere()))
			}
			st = stExp
		case stExp:
			if !isDigit(c) {
				flush()
				return true
			}
		}
		p.i++
	}
	// End of input.
	switch st {
	case stZero, stInt, stFrac, stExp:
		return true
	case stMinus:
		return p.failEOF("unexpected end of input: expected a digit after '-'")
	case stDot:
		return p.failEOF("unexpected end of input: expected a digit after '.'")
	}
	return p.failEOF("unexpected end of input: expected a digit in the exponent")
}

// scanLiteral scans true, false or null at the scan point.
func (p *parser) scanLiteral(lit string) bool {
	if p.n-p.i >= len(lit) && string(p.buf[p.i:p.i+len(lit)]) == lit {
		p.i += len(lit)
		return true
	}
	for k := 0; k < len(lit); k++ {
		if p.i == p.n && !p.fill() {
			return p.failEOF(fmt.Sprintf("unexpected end of input in literal %s (expecting %q)", lit, lit[k]))
		}
		if p.buf[p.i] != lit[k] {
			if k == 0 {
				return p.badValue(p.buf[p.i], "", Pos{})
			}
			return p.failHere(fmt.Sprintf("%s in literal %s (expecting %q)", p.invalidHere(), lit, lit[k]))
		}
		p.i++
	}
	return true
}

// ---- messages ----

// report hands a diag at the absolute offset abs (position pos) to the handler, with the text
// of its line.
func (p *parser) report(code string, abs int, pos Pos, msg string, mayFill bool) {
	if p.h.Diag == nil {
		return
	}
	p.h.Diag(p.diag(code, abs, pos, msg, mayFill))
}

// diag makes a Diag with the text around abs.
func (p *parser) diag(code string, abs int, pos Pos, msg string, mayFill bool) Diag {
	var text []byte
	tpos := pos
	// The text is shown if it is still in the buffer. What is more than maxRecordBytes behind
	// the scan point is shown only if the record pin holds it, so that the result does not
	// depend on how the input was read.
	cur := p.base + p.i
	if abs >= p.base && abs <= p.base+p.n && (cur-abs <= maxRecordBytes || p.pin >= 0 && abs >= p.pin) {
		st, stPos := p.textStart(abs, pos)
		end := p.textEnd(abs, st, mayFill)
		text = bytes.Clone(p.buf[st-p.base : end-p.base])
		tpos = stPos
	}
	return Diag{Code: code, Pos: pos, Message: msg, Text: text, TextPos: tpos}
}

func (p *parser) schemaAt(abs int, pos Pos, msg string) {
	p.report(CodeSchema, abs, pos, msg, true)
}

func (p *parser) schemaHere(msg string) {
	p.schemaAt(p.base+p.i, p.pos(p.i), msg)
}

// failAt reports a syntax error; it returns false for the callers' convenience.
func (p *parser) failAt(abs int, pos Pos, msg string) bool {
	if p.inRec && !p.recSkip && p.base+p.i-p.recStartAbs > maxRecordBytes {
		// Say so first, whenever the buffer was refilled.
		p.skipRecordAt(p.recStartAbs, p.recPos, "record is larger than 1 MiB; it is skipped", true)
	}
	p.errAbs = abs
	if p.holdFatal && p.h.Diag != nil {
		d := p.diag(CodeSyntax, abs, pos, msg, true)
		p.fatal = &d
		return false
	}
	p.report(CodeSyntax, abs, pos, msg, true)
	return false
}

func (p *parser) failHere(msg string) bool {
	return p.failAt(p.base+p.i, p.pos(p.i), msg)
}

// failEOF reports a syntax error at the end of the input, unless reading failed (the reader
// returns that error instead).
func (p *parser) failEOF(msg string) bool {
	p.i = p.n
	if p.ioErr != nil {
		return false
	}
	return p.failHere(msg)
}

// eofIn reports the end of the input inside an open array, object or string.
func (p *parser) eofIn(what string, open Pos) bool {
	if what == "escape" {
		return p.failEOF("unexpected end of input in an escape sequence")
	}
	return p.failEOF(fmt.Sprintf("unexpected end of input: the %s %s at %s is not closed", what, openedOrStarted(what), open))
}

func openedOrStarted(what string) string {
	if what == "string" {
		return "started"
	}
	return "opened"
}

// unexpected reports c at the scan point; format has one %s for what was found. In line mode,
// a line break is reported as the end of the record's line.
func (p *parser) unexpected(c byte, what string, open Pos, format string) bool {
	if c == '\n' && p.lineMode && what != "" {
		return p.failAt(p.eolAbs(), p.eolPos(), fmt.Sprintf("unexpected end of line: the %s opened at %s is not closed; a JSON Lines record must be on one line", what, open))
	}
	var msg string
	if strings.HasPrefix(format, "%s") {
		msg = fmt.Sprintf(format, p.invalidHere())
	} else {
		msg = fmt.Sprintf(format, p.describeHere())
	}
	if c == '/' || c == '#' {
		msg += "; JSON has no comments"
	}
	return p.failHere(msg)
}

// eolAbs and eolPos locate the line break at the scan point ("\r\n" counts from the '\r').
func (p *parser) eolAbs() int {
	if p.i > 0 && p.buf[p.i-1] == '\r' {
		return p.base + p.i - 1
	}
	return p.base + p.i
}

func (p *parser) eolPos() Pos {
	if p.i > 0 && p.buf[p.i-1] == '\r' && p.base+p.i > p.lineStartAbs {
		return p.pos(p.i - 1)
	}
	return p.pos(p.i)
}

// badKey reports c where an object key should start.
func (p *parser) badKey(c byte, open Pos) bool {
	hint := ""
	if c == '\'' || c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
		hint = "; keys must be in double quotes"
	}
	return p.unexpected(c, "object", open, "expected a string for the object key, found %s"+hint)
}

// badValue reports c where a value should start.
func (p *parser) badValue(c byte, what string, open Pos) bool {
	hint := ""
	switch c {
	case '\'':
		hint = "; strings must be in double quotes"
	case '+':
		hint = "; a number must not start with '+'"
	case '.':
		hint = "; a number must start with a digit"
	case 'N', 'I':
		p.ensure(8)
		if rest := p.buf[p.i:p.n]; bytes.HasPrefix(rest, []byte("NaN")) || bytes.HasPrefix(rest, []byte("Infinity")) {
			hint = "; NaN and Infinity are not JSON numbers"
		}
	}
	if c == '\n' && p.lineMode && what == "" {
		return p.failAt(p.eolAbs(), p.eolPos(), "unexpected end of line: expected a value; a JSON Lines record must be on one line")
	}
	return p.unexpected(c, what, open, "%s looking for beginning of value"+hint)
}

// tooDeep reports an array or object nested deeper than maxDepth.
func (p *parser) tooDeep() bool {
	return p.failHere(fmt.Sprintf("nested too deeply: more than %d levels of arrays and objects", maxDepth))
}

// invalidHere says what is wrong with the byte at the scan point, for the start of a message:
// "invalid character 'x'", "invalid byte 0xFF (not valid UTF-8)", "unexpected end of line".
func (p *parser) invalidHere() string {
	d := p.describeHere()
	switch {
	case strings.HasPrefix(d, "'"):
		return "invalid character " + d
	case strings.HasPrefix(d, "byte"):
		return "invalid " + d
	}
	return "unexpected " + d
}

// describeHere describes the byte at the scan point for a message.
func (p *parser) describeHere() string {
	if p.i >= p.n {
		return "end of input"
	}
	c := p.buf[p.i]
	switch {
	case c == '\n':
		return "end of line"
	case c < 0x20 || c == 0x7F:
		return fmt.Sprintf("%s (U+%04X)", strconv.QuoteRune(rune(c)), c)
	case c < utf8.RuneSelf:
		return strconv.QuoteRune(rune(c))
	}
	p.ensure(utf8.UTFMax)
	r, size := utf8.DecodeRune(p.buf[p.i:p.n])
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf("byte 0x%02X (not valid UTF-8)", c)
	}
	return fmt.Sprintf("%s (U+%04X)", strconv.QuoteRune(r), r)
}

func escapeOf(c byte) string {
	switch c {
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	case '\b':
		return `\b`
	case '\f':
		return `\f`
	}
	return fmt.Sprintf(`\u%04x`, c)
}

func isValueStart(c byte) bool {
	switch c {
	case '"', '{', '[', 't', 'f', 'n', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return true
	}
	return false
}

// kindOf returns the kind of the value that starts with c (a valid start).
func kindOf(c byte) Kind {
	switch c {
	case '"':
		return KindString
	case '{':
		return KindObject
	case '[':
		return KindArray
	case 't', 'f':
		return KindBool
	case 'n':
		return KindNull
	}
	return KindNumber
}

func kindPhrase(c byte) string {
	switch kindOf(c) {
	case KindString:
		return "a string"
	case KindObject:
		return "an object"
	case KindBool:
		return "a boolean"
	case KindNull:
		return "null"
	case KindArray:
		return "an array"
	}
	return "a number"
}

func clipString(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for max > 0 && isCont(s[max]) {
		max--
	}
	return s[:max] + "…"
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func isCont(c byte) bool { return c&0xC0 == 0x80 }

// countChars counts the bytes of b that are not UTF-8 continuation bytes.
func countChars(b []byte) int {
	n := len(b)
	for len(b) >= 8 {
		x := binary.LittleEndian.Uint64(b)
		// Continuation bytes are 10xxxxxx: bit 7 set and bit 6 clear.
		n -= bits.OnesCount64(x &^ (x << 1) & 0x8080808080808080)
		b = b[8:]
	}
	for _, c := range b {
		if c&0xC0 == 0x80 {
			n--
		}
	}
	return n
}

// ---- text of records and diags ----

// contextStart returns the first byte a text for something at abs, on the current line, may
// show: pinning it keeps that text available.
func (p *parser) contextStart(abs int) int {
	return max(p.lineStartAbs, abs-textContext)
}

// textStart returns where the text shown for something at abs (position pos) starts: the start
// of its line, or textContext bytes before it on a long line, at a character boundary.
func (p *parser) textStart(abs int, pos Pos) (int, Pos) {
	lo := abs - textContext
	if lo < p.base {
		lo = p.base
	}
	if lo < p.textFloor {
		lo = p.textFloor
	}
	st, clipped := lo, false
	if abs >= p.lineStartAbs {
		if p.lineStartAbs >= lo {
			st = p.lineStartAbs
		} else {
			clipped = true
		}
	} else if j := bytes.LastIndexByte(p.buf[lo-p.base:abs-p.base], '\n'); j >= 0 {
		st = lo + j + 1
	} else {
		clipped = lo > p.textFloor
	}
	if clipped {
		for st < abs && isCont(p.buf[st-p.base]) {
			st++
		}
	}
	if abs >= p.lineStartAbs && p.lineCont == 0 {
		// No multi-byte character on the line so far: bytes are columns.
		return st, Pos{Line: pos.Line, Col: pos.Col - (abs - st)}
	}
	return st, Pos{Line: pos.Line, Col: pos.Col - countChars(p.buf[st-p.base:abs-p.base])}
}

// textEnd returns where the text shown for something that ends at e stops: the end of its line
// (before the line break), or textContext bytes after e on a long line, at a character
// boundary. st, where the text starts, is kept in the buffer if more input must be read.
func (p *parser) textEnd(e, st int, mayFill bool) int {
	hi := e + textContext
	for {
		lim := min(p.base+p.n, hi)
		if e < lim {
			if j := bytes.IndexByte(p.buf[e-p.base:lim-p.base], '\n'); j >= 0 {
				end := e + j
				if end > st && p.buf[end-p.base-1] == '\r' {
					end--
				}
				return end
			}
		}
		if p.base+p.n > hi {
			end := hi
			for end > e && isCont(p.buf[end-p.base]) {
				end--
			}
			return end
		}
		if !mayFill {
			return p.base + p.n
		}
		saved := p.pin
		if p.pin < 0 || st < p.pin {
			p.pin = st
		}
		ok := p.fill()
		p.pin = saved
		if !ok {
			return p.base + p.n
		}
	}
}
