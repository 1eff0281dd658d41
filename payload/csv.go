package payload

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/idlint/idlint/internal/ascii"
	"github.com/idlint/idlint/internal/suggest"
)

// CSV input.
//
// The reader is a hand-written RFC 4180 parser rather than encoding/csv, which drops blank lines
// without a word, rewrites CRLF inside quoted cells, and cannot recover from a broken row and go
// on. It streams: the bytes of the current row are kept in one reusable buffer, and each row's
// decoded cells are gathered in another, so that one string per row holds every value.

// Limits on what one row may hold. Past them, a row is reported and skipped, so that no input can
// make the reader allocate without bound.
const (
	maxCSVCell   = 64 << 10 // bytes of one cell, quotes included
	maxCSVRow    = 1 << 20  // bytes of one row, commas and line breaks inside quoted cells included
	maxCSVFields = 4096     // cells in one row
)

type csvLimits struct {
	cell, row, fields int // see maxCSVCell, maxCSVRow and maxCSVFields
	buf               int // initial size of the read buffer
}

var defaultCSVLimits = csvLimits{cell: maxCSVCell, row: maxCSVRow, fields: maxCSVFields, buf: 64 << 10}

// The column sets of the two shapes, in the order the API documents them.
var (
	csvV2Columns     = []string{FieldEmail, FieldIntegrationID, FieldIdentity}
	csvLegacyColumns = []string{FieldEmail, FieldApplicationType, FieldCloudID}
	csvAllColumns    = []string{FieldEmail, FieldIntegrationID, FieldIdentity, FieldApplicationType, FieldCloudID}
)

// CanonicalColumn maps a CSV header cell to a canonical field name (FieldEmail,
// FieldIntegrationID, FieldIdentity, FieldApplicationType, FieldCloudID). Names match
// case-insensitively (ASCII letters only), ignoring spaces, '_' and '-': "Integration ID",
// "integration_id" and "INTEGRATIONID" are all integrationId. ok is false for other names.
func CanonicalColumn(header string) (name string, ok bool) {
	switch normColumn(header) {
	case "email":
		return FieldEmail, true
	case "integrationid":
		return FieldIntegrationID, true
	case "identity":
		return FieldIdentity, true
	case "applicationtype":
		return FieldApplicationType, true
	case "cloudid":
		return FieldCloudID, true
	}
	return "", false
}

// normColumn lower-cases ASCII letters and drops ' ', '_' and '-'. Other characters are kept as
// they are, so that a look-alike letter never matches a column name.
func normColumn(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '_' || c == '-':
		case 'A' <= c && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// ReadCSV streams a CSV payload from r to h. The first non-blank row is the header; it names the
// columns of either shape (see CanonicalColumn). Every later row that is well formed becomes a
// Record whose Fields are the known columns in header order.
//
// It returns an error only when reading r fails; every problem in the content is a Diag, and
// reading goes on with the next row. The Record, its Fields and its Text, and a Diag's Text, are
// reused once the callback returns: a Handler copies what it keeps. The strings in them (field
// names and values) may be kept.
func ReadCSV(r io.Reader, h Handler) (Summary, error) {
	return readCSV(r, h, defaultCSVLimits)
}

func readCSV(r io.Reader, h Handler, lim csvLimits) (Summary, error) {
	cr := csvReader{h: h}
	cr.sc.init(r, lim)
	for {
		kind := cr.sc.scan()
		if cr.sc.err != nil {
			return cr.summary(), cr.sc.err
		}
		switch kind {
		case rowEOF:
			cr.finish()
			return cr.summary(), nil
		case rowBlank:
			cr.diag(CodeBlankRow, Pos{cr.sc.rowLine, 1},
				"blank line; delete it, as some CSV readers stop or drop rows there")
		case rowData:
			if !cr.haveHeader {
				cr.header()
			} else {
				cr.row()
			}
		}
	}
}

// A csvReader turns the rows of a rowScanner into Records and Diags.
type csvReader struct {
	h   Handler
	sc  rowScanner
	sum Summary

	haveHeader bool
	usable     bool // records can be made from the rows
	checkCount bool // the header was read without a syntax problem, so its cell count holds
	headerPos  Pos
	headerText []byte // a copy, for the Diag sent at the end
	ncols      int    // cells in the header, unknown columns included
	fieldCols  []int  // the header cell of each Field, in header order
	fieldNames []string
	intField   int      // index in fieldCols of integrationId, or -1
	extraCols  []int    // the header cell of each Record.Extra field
	extraNames []string // the header cells as written
	dataRows   int      // non-blank rows after the header

	// The index of the header's fields (see Record.fieldAt), the same for every row.
	fieldAt [len(canonicalNames)]uint8
	indexed int

	// The Record handed to h, reused for every row.
	rec    Record
	fields []Field
	extra  []Field
}

func (cr *csvReader) summary() Summary {
	cr.sum.Format = FormatCSV
	return cr.sum
}

// diag sends a Diag whose Text is the current row's.
func (cr *csvReader) diag(code string, pos Pos, msg string) {
	if cr.h.Diag == nil {
		return
	}
	cr.h.Diag(Diag{Code: code, Pos: pos, Message: msg, Text: cr.sc.text(), TextPos: Pos{cr.sc.rowLine, 1}})
}

// problems sends the syntax problems of the current row. It reports whether there were any.
func (cr *csvReader) problems() bool {
	for _, p := range cr.sc.probs {
		cr.diag(CodeSyntax, p.pos, p.msg)
	}
	return len(cr.sc.probs) > 0
}

func (cr *csvReader) finish() {
	if !cr.haveHeader || cr.usable || cr.dataRows == 0 || cr.h.Diag == nil {
		return
	}
	msg := fmt.Sprintf("%d data rows were not checked because the header is unusable; fix the header", cr.dataRows)
	if cr.dataRows == 1 {
		msg = "1 data row was not checked because the header is unusable; fix the header"
	}
	cr.h.Diag(Diag{Code: CodeCSVHeader, Pos: cr.headerPos, Message: msg, Text: cr.headerText, TextPos: Pos{cr.headerPos.Line, 1}})
}

// header reads the current row as the header.
func (cr *csvReader) header() {
	sc := &cr.sc
	cr.haveHeader = true
	cr.headerPos = Pos{sc.rowLine, 1}
	cr.headerText = append(cr.headerText[:0], sc.text()...)
	if cr.problems() {
		return // unusable; the syntax Diags say why
	}
	cr.checkCount = true
	cr.ncols = len(sc.cells)

	type col struct {
		text  string // as written
		canon string // canonical name, "" when unknown
		pos   Pos
	}
	cols := make([]col, len(sc.cells))
	first := map[string]int{} // canonical name → first header cell
	var diags []Diag
	add := func(code string, pos Pos, msg string) {
		diags = append(diags, Diag{Code: code, Pos: pos, Message: msg})
	}
	for i, c := range sc.cells {
		cols[i] = col{text: string(sc.dec[c.start:c.end]), pos: c.pos}
		name, ok := CanonicalColumn(cols[i].text)
		if !ok {
			continue
		}
		if j, dup := first[name]; dup {
			add(CodeCSVHeader, c.pos, fmt.Sprintf("column %q repeats column %q at %s; only the first is read — delete one of them",
				clip(cols[i].text), clip(cols[j].text), cols[j].pos))
			continue
		}
		first[name] = i
		cols[i].canon = name
	}

	// Which shape the known columns point to.
	var v2, legacy []int // header cells of each set's own columns
	for i, c := range cols {
		switch ShapeOfKey(c.canon) {
		case ShapeV2:
			v2 = append(v2, i)
		case ShapeLegacy:
			legacy = append(legacy, i)
		}
	}
	quoted := func(idx []int) string {
		q := make([]string, len(idx))
		for k, i := range idx {
			q[k] = fmt.Sprintf("%q", clip(cols[i].text))
		}
		return strings.Join(q, ", ")
	}
	var shape Shape
	unusable := true       // cleared when the columns of one shape are all there
	looksLikeData := false // no known column, and the cells are not meant as columns
	switch {
	case len(v2) > 0 && len(legacy) > 0:
		// Point at the first column of the set that comes second.
		at := cols[legacy[0]].pos
		if legacy[0] < v2[0] {
			at = cols[v2[0]].pos
		}
		add(CodeCSVHeader, at, fmt.Sprintf("header mixes v2 columns (%s) with legacy columns (%s); a file holds one shape — keep email,integrationId,identity or email,applicationType,cloudId",
			quoted(v2), quoted(legacy)))
	case len(v2) > 0:
		shape = ShapeV2
	case len(legacy) > 0:
		shape = ShapeLegacy
	default:
		if _, ok := first[FieldEmail]; ok {
			add(CodeCSVHeader, cr.headerPos, "header has \"email\" but neither integrationId,identity (v2) nor applicationType,cloudId (legacy); add the columns of one shape")
			break
		}
		msg := "header has no known column; the first row must be email,integrationId,identity (v2) or email,applicationType,cloudId (legacy)"
		for _, c := range cols {
			if strings.Contains(c.text, "@") {
				looksLikeData = true
			}
		}
		if sep := otherSeparator(cols[0].text); sep != "" && len(cols) == 1 {
			looksLikeData = true // the cells are not the columns either
			msg += fmt.Sprintf("; the header seems to separate its columns with %s — separate them with commas", sep)
		} else if looksLikeData {
			msg += "; the first row looks like data — add a header row above it"
		}
		add(CodeCSVHeader, cr.headerPos, msg)
	}
	want := csvAllColumns
	if shape != ShapeUnknown {
		want = csvV2Columns
		if shape == ShapeLegacy {
			want = csvLegacyColumns
		}
		var missing []string
		for _, name := range want {
			if _, ok := first[name]; !ok {
				missing = append(missing, fmt.Sprintf("%q", name))
			}
		}
		if len(missing) > 0 {
			by := v2
			if shape == ShapeLegacy {
				by = legacy
			}
			noun, them := "column", "it"
			if len(missing) > 1 {
				noun, them = "columns", "them"
			}
			add(CodeCSVHeader, cr.headerPos, fmt.Sprintf("header lacks %s %s of the %s shape (%s), inferred from %s; add %s",
				noun, strings.Join(missing, ", "), shape, strings.Join(want, ","), quoted(by[:1]), them))
		} else {
			unusable = false
		}
	}

	// Unknown columns, with the nearest missing column of the shape as a hint.
	var open, have []string // columns that could still be meant, and those already there
	for _, name := range want {
		if _, ok := first[name]; !ok {
			open = append(open, name)
		} else {
			have = append(have, name)
		}
	}
	for i, c := range cols {
		if c.canon != "" {
			continue
		}
		if _, known := CanonicalColumn(c.text); known {
			continue // a repeat, reported above
		}
		if normColumn(c.text) == "" {
			msg := "blank column name; the API ignores this column — name it or delete it"
			if i == len(cols)-1 && i > 0 && !sc.cells[i].quoted && c.text == "" {
				msg = "blank column name after a trailing comma; delete the trailing comma"
			}
			add(CodeUnknownColumn, c.pos, msg)
			continue
		}
		if looksLikeData {
			continue // the header Diag says what the row is; a Diag per cell would add nothing
		}
		if strings.Contains(c.text, "\r") {
			add(CodeUnknownColumn, c.pos, fmt.Sprintf("unknown column %q holds a carriage return; the file seems to end its lines with CR alone — save it with LF or CRLF line endings", clip(c.text)))
			continue
		}
		if s, ok := suggestColumn(c.text, open); ok {
			add(CodeUnknownColumn, c.pos, fmt.Sprintf("unknown column %q is ignored by the API; did you mean %q?", clip(c.text), s))
			continue
		}
		if s, ok := suggestColumn(c.text, have); ok {
			add(CodeUnknownColumn, c.pos, fmt.Sprintf("unknown column %q is ignored by the API; it looks like a second %q column — delete it", clip(c.text), s))
			continue
		}
		add(CodeUnknownColumn, c.pos, fmt.Sprintf("unknown column %q is ignored by the API; delete it or rename it to one of %s",
			clip(c.text), strings.Join(want, ", ")))
	}

	slices.SortStableFunc(diags, func(a, b Diag) int {
		switch {
		case a.Pos.Before(b.Pos):
			return -1
		case b.Pos.Before(a.Pos):
			return 1
		}
		return 0
	})
	for _, d := range diags {
		cr.diag(d.Code, d.Pos, d.Message)
	}
	cr.sum.Shape = shape
	if unusable {
		return
	}
	cr.usable = true
	cr.intField = -1
	for i, c := range cols {
		if c.canon == "" {
			name := c.text
			if normColumn(name) == "" {
				name = fmt.Sprintf("column %d", i+1) // a blank header cell
			}
			cr.extraCols = append(cr.extraCols, i)
			cr.extraNames = append(cr.extraNames, name)
			continue
		}
		if c.canon == FieldIntegrationID {
			cr.intField = len(cr.fieldCols)
		}
		cr.fieldCols = append(cr.fieldCols, i)
		cr.fieldNames = append(cr.fieldNames, c.canon)
	}
	cr.fields = make([]Field, len(cr.fieldCols))
	cr.extra = make([]Field, len(cr.extraCols))
	for k := range cr.fields {
		cr.fields[k].Name = cr.fieldNames[k]
	}
	hdr := Record{Fields: cr.fields}
	hdr.indexFields()
	cr.fieldAt, cr.indexed = hdr.fieldAt, hdr.indexed
}

// row reads the current row as data.
func (cr *csvReader) row() {
	sc := &cr.sc
	cr.dataRows++
	if cr.problems() {
		return
	}
	if len(sc.dec) == 0 {
		cr.diag(CodeBlankRow, sc.cells[0].pos, "row has only empty fields; delete it, as some CSV readers stop or drop rows there")
		return
	}
	if cr.checkCount && len(sc.cells) != cr.ncols {
		cr.fieldCount()
		return
	}
	if !cr.usable {
		return
	}

	// One string holds every value of the row: a copy, unless the handler takes values that
	// live only as long as the call (see Handler.TransientValues).
	var values string
	if cr.h.TransientValues {
		values = unsafe.String(unsafe.SliceData(sc.dec), len(sc.dec))
	} else {
		values = string(sc.dec)
	}
	fields := cr.fields[:len(cr.fieldCols)]
	for k, ci := range cr.fieldCols {
		c := &sc.cells[ci]
		f := &fields[k]
		f.Name = cr.fieldNames[k] // the Field's other members are set one by one: it is faster
		f.Value = values[c.start:c.end]
		f.Kind = KindString
		f.Pos = c.pos
		f.KeyPos = c.pos
		f.SchemaExempt = false
		f.Verbatim, f.Offset, f.Plain = c.verbatim, c.offset, c.plain
		if k == cr.intField {
			if csvPositiveInt(f.Value) {
				f.Kind = KindNumber
			} else {
				f.SchemaExempt = true // the integration-id rule reports it
			}
		}
	}
	extra := cr.extra[:0]
	for k, ci := range cr.extraCols {
		if ci >= len(sc.cells) {
			break // a short row: the field count diag said so (or the header did not hold)
		}
		c := &sc.cells[ci]
		extra = append(extra, Field{Name: cr.extraNames[k], Value: values[c.start:c.end], Kind: KindString, Pos: c.pos, KeyPos: c.pos, Plain: c.plain})
	}
	// Member by member, for the reason scanRow gives; zeroed first, so that a member added to
	// Record and not set here is zero, as it would be in a literal.
	rec := &cr.rec
	*rec = Record{}
	rec.Index, rec.Pos, rec.End, rec.Kind, rec.Raw = cr.sum.Records, sc.cells[0].pos, sc.end, KindObject, ""
	rec.Shape, rec.Fields, rec.Extra, rec.Text, rec.TextPos = cr.sum.Shape, fields, extra, sc.text(), Pos{sc.rowLine, 1}
	rec.fieldAt, rec.indexed = cr.fieldAt, cr.indexed // every row has the header's fields
	cr.sum.Records++
	if cr.h.Record != nil {
		cr.h.Record(rec)
	}
}

func (cr *csvReader) fieldCount() {
	sc := &cr.sc
	n, want := len(sc.cells), cr.ncols
	pos := sc.cells[0].pos
	fields := "fields"
	if n == 1 {
		fields = "field"
	}
	msg := fmt.Sprintf("row has %d %s; the header has %d", n, fields, want)
	switch {
	case n > want:
		pos = sc.cells[want].pos
		last := sc.cells[n-1]
		if n == want+1 && last.start == last.end && !last.quoted {
			msg += " — delete the trailing comma"
		} else {
			msg += " — quote cells that contain a comma (\"a,b\") or delete the extra fields"
		}
	case n == 1 && len(bytes.TrimSpace(sc.dec)) == 0:
		msg += " — the line holds only white space; delete it"
	default:
		msg += " — add the missing fields"
	}
	cr.diag(CodeSyntax, pos, msg)
}

// otherSeparator returns a description of the character that seems to separate the columns of a
// header that is one cell, or "" when none does.
func otherSeparator(cell string) string {
	for _, sep := range []string{";", "\t", "|"} {
		n := 0
		for _, name := range strings.Split(cell, sep) {
			if _, ok := CanonicalColumn(name); ok {
				n++
			}
		}
		if n >= 2 {
			if sep == "\t" {
				return "tabs"
			}
			return fmt.Sprintf("%q", sep)
		}
	}
	return ""
}

// clip shortens a header cell for a message.
func clip(s string) string {
	const limit = 60
	if len(s) <= limit {
		return s
	}
	i := limit
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// csvPositiveInt reports whether s is a positive decimal integer that fits in an int64, written
// with digits only and no leading zero.
func csvPositiveInt(s string) bool {
	if len(s) == 0 || len(s) > 19 || s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) < 19 || s <= "9223372036854775807"
}

// suggestColumn returns the canonical name in names nearest to the header cell s: a likely typo
// by suggest.Nearest, or else one of them a prefix of the other (at least 3 characters:
// "cloud" for cloudId).
func suggestColumn(s string, names []string) (string, bool) {
	if best, ok := suggest.Nearest(s, names); ok {
		return best, true
	}
	if n := normColumn(s); len(n) >= 3 {
		for _, name := range names {
			l := strings.ToLower(name)
			if strings.HasPrefix(l, n) || strings.HasPrefix(n, l) {
				return name, true
			}
		}
	}
	return "", false
}

// The row scanner.

type rowKind uint8

const (
	rowEOF   rowKind = iota // no more input
	rowBlank                // an empty line, or one of only "\r"
	rowData                 // a row of cells, perhaps with problems
)

// A scanCell is one cell of the current row.
type scanCell struct {
	start, end int // the decoded value is dec[start:end]
	pos        Pos // the cell's first character (its opening quote when quoted)
	quoted     bool
	// verbatim: the value is written as it is at offset (from the input's start): no doubled
	// quote in it. See Field.Verbatim.
	verbatim bool
	offset   int64
	plain    bool // see Field.Plain
}

// A scanProblem is a syntax problem in the current row. A row with one is not a record.
type scanProblem struct {
	pos Pos
	msg string
}

// csvSpecial marks the bytes that end a run of plain unquoted cell text.
var csvSpecial = [256]bool{',': true, '\n': true, '\r': true, '"': true}

var csvNewline = []byte{'\n'}

// csvPlainRun returns the index of the first byte of b at or after i that csvSpecial marks, or
// len(b), and whether the bytes before it are all plain text (see Field.Plain), which the
// engine would otherwise scan again. It looks at 8 bytes at a time.
func csvPlainRun(b []byte, i int) (end int, plain bool) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - ones) &^ v & highs } // the lowest bit set is exact
	var not uint64                                                   // ascii.NotPlain of the words so far
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		// Every byte csvSpecial marks is below 0x2D (','), and most words of text have no such
		// byte: one test (true for any ASCII byte below 0x2D, and at times for the byte after
		// one) spares them the four below.
		if (w-ones*0x2D)&^w&highs == 0 {
			not |= ascii.NotPlain(w)
			continue
		}
		if m := zero(w^(ones*',')) | zero(w^(ones*'\n')) | zero(w^(ones*'\r')) | zero(w^(ones*'"')); m != 0 {
			k := bits.TrailingZeros64(m) >> 3
			// The bytes before the special one (see ascii.NotPlain).
			return i + k, (not | ascii.NotPlain(w)&(1<<(8*k)-1)) == 0
		}
		not |= ascii.NotPlain(w)
	}
	for ; i < len(b) && !csvSpecial[b[i]]; i++ {
		if c := b[i]; c < 0x21 || c >= 0x7F {
			not = highs
		}
	}
	return i, not == 0
}

// A rowScanner splits CSV input into rows of decoded cells, with the position of every cell. A
// line break is "\n" or "\r\n" (or a "\r" at the very end of the input); any other "\r" is data.
// After a broken row it resumes at the start of a line:
//   - a bare quote or text after a closing quote: the row goes on to its natural end, the quote
//     taken as data;
//   - a quoted cell that never ends, or that grows past the cell limit: at the line after the
//     opening quote's;
//   - any other cell that grows past its limit, a row that does, or one with too many cells: at
//     the line after the one where the limit was reached. The row's Text then ends at that
//     point, so that it does not depend on how much input has been read.
//
// The lines of a broken row are those of its Text, so a Diag names every line it skips. Limits
// are checked at the exact byte that breaks them, so the result is the same however the input
// arrives.
type rowScanner struct {
	rd  io.Reader
	lim csvLimits

	buf     []byte
	base    int64 // the input offset of buf[0]
	r, w    int   // the current row is buf[r:...]; input read so far ends at buf[w]
	i       int   // the cursor
	eof     bool  // rd has nothing more (or failed: see err)
	err     error
	started bool // the BOM check is done
	skip    bool // the next scan first drops input up to and including a line break

	line   int // the cursor's line
	colOff int // an offset on the cursor's line, relative to r, whose column is col
	col    int

	// The current row.
	rowLine int
	textEnd int // the row's Text is buf[r:r+textEnd]
	end     Pos // just after the row's last character
	cells   []scanCell
	dec     []byte // the decoded cells, one after another
	probs   []scanProblem
	lenient bool // a problem that lets the row go on has been reported
}

func (s *rowScanner) init(rd io.Reader, lim csvLimits) {
	*s = rowScanner{rd: rd, lim: lim, buf: make([]byte, max(lim.buf, 16)), line: 1, col: 1}
}

// text returns the current row's lines, without the last line break.
func (s *rowScanner) text() []byte { return s.buf[s.r : s.r+s.textEnd : s.r+s.textEnd] }

// more reads more input, keeping buf[r:]. It may move the row to the start of buf (offsets
// relative to r stay valid). It returns false when nothing more can be read.
func (s *rowScanner) more() bool {
	if s.eof {
		return false
	}
	if s.r > 0 {
		n := copy(s.buf, s.buf[s.r:s.w])
		s.base += int64(s.r)
		s.i -= s.r
		s.w = n
		s.r = 0
	}
	if s.w == len(s.buf) {
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.w])
		s.buf = nb
	}
	for range 100 {
		n, err := s.rd.Read(s.buf[s.w:])
		s.w += n
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.err = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.eof = true
	s.err = io.ErrNoProgress
	return false
}

// peek returns the byte k after the cursor, reading more input as needed.
func (s *rowScanner) peek(k int) (byte, bool) {
	for s.i+k >= s.w {
		if !s.more() {
			return 0, false
		}
	}
	return s.buf[s.i+k], true
}

// colAt returns the column of buf[r+off], which is on the cursor's line at or after colOff.
func (s *rowScanner) colAt(off int) int {
	s.col += csvChars(s.buf[s.r+s.colOff : s.r+off])
	s.colOff = off
	return s.col
}

// csvChars counts the bytes of b that are not UTF-8 continuation bytes.
func csvChars(b []byte) int {
	n := 0
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 == 0 {
			n += 8 // ASCII
		} else {
			for _, c := range b[:8] {
				if c&0xC0 != 0x80 {
					n++
				}
			}
		}
		b = b[8:]
	}
	for _, c := range b {
		if c&0xC0 != 0x80 {
			n++
		}
	}
	return n
}

// newline records that the cursor has just passed a line break.
func (s *rowScanner) newline() {
	s.line++
	s.colOff = s.i - s.r
	s.col = 1
}

// scan reads the next row.
func (s *rowScanner) scan() rowKind {
	s.r = s.i
	s.colOff, s.col = 0, 1
	s.cells, s.dec, s.probs, s.lenient = s.cells[:0], s.dec[:0], s.probs[:0], false
	s.textEnd = 0
	if s.skip {
		s.skip = false
		for {
			if k := bytes.IndexByte(s.buf[s.i:s.w], '\n'); k >= 0 {
				s.i += k + 1
				s.line++
				break
			}
			s.i = s.w
			s.r = s.w
			if !s.more() {
				break
			}
		}
		s.r = s.i
	}
	if !s.started {
		s.started = true
		for s.w-s.i < 3 && s.more() {
		}
		if bytes.HasPrefix(s.buf[s.i:s.w], []byte("\xEF\xBB\xBF")) {
			s.i += 3
			s.r = s.i
		}
	}
	s.rowLine = s.line
	c, ok := s.peek(0)
	if !ok {
		return rowEOF
	}
	switch c {
	case '\n':
		s.i++
		s.newline()
		return rowBlank
	case '\r':
		c, ok := s.peek(1)
		if !ok {
			s.i++
			return rowBlank
		}
		if c == '\n' {
			s.i += 2
			s.newline()
			return rowBlank
		}
	}
	s.scanRow()
	return rowData
}

// cell-scanning outcomes
const (
	scanNext  = iota // a comma: another cell follows
	scanDone         // the row ended with a line break or the end of input
	scanAbort        // the row was broken off; the cursor is where the next row starts
)

// A scanCtx is what the scanning of one cell needs to know about it.
type scanCtx struct {
	off   int // where the cell starts, relative to r
	start int // where its value starts in dec
	pos   Pos
	stop  int // the first offset (relative to r) that no byte of the cell may take
	// rewritten: the decoded value is not the input's bytes as they are, after the opening
	// quote: a doubled quote was undoubled, or text followed the closing quote.
	rewritten bool
	notPlain  bool // a byte of the value is not plain text (see Field.Plain)
}

func (s *rowScanner) scanRow() {
	for {
		c := scanCtx{off: s.i - s.r, start: len(s.dec)}
		c.pos = Pos{s.line, s.colAt(c.off)}
		c.stop = min(c.off+s.lim.cell, s.lim.row)
		if len(s.cells) >= s.lim.fields {
			s.problem(c.pos, fmt.Sprintf("row has more than %d fields; it was skipped — check the separators", s.lim.fields))
			s.breakLine()
			return
		}
		var st int
		quoted := s.i < s.w && s.buf[s.i] == '"'
		if !quoted && s.i == s.w {
			b, ok := s.peek(0)
			quoted = ok && b == '"'
		}
		if quoted {
			st = s.scanQuoted(&c)
		} else {
			st = s.scanPlain(&c)
		}
		if len(s.cells) == cap(s.cells) {
			s.cells = slices.Grow(s.cells, 8)
		}
		s.cells = s.cells[:len(s.cells)+1]
		// Member by member, not a scanCell literal: the compiler builds a literal on the stack
		// and copies it 16 bytes at a time, each load waiting on two 8-byte stores (a store-
		// forwarding stall; this line was a tenth of the reader's time).
		cell := &s.cells[len(s.cells)-1]
		cell.start, cell.end, cell.pos, cell.quoted = c.start, len(s.dec), c.pos, quoted
		cell.verbatim, cell.offset = false, 0
		// An unquoted cell scanned whole; a quoted one is not known.
		cell.plain = !quoted && !c.notPlain && st != scanAbort && cell.end > cell.start
		if raw := s.r + c.off; st != scanAbort && !c.rewritten {
			if quoted {
				raw++
			}
			// Every byte scanned was appended as it is, except where c.rewritten says.
			cell.verbatim = true
			cell.offset = s.base + int64(raw)
		}
		if st != scanNext {
			return
		}
	}
}

// comma ends a cell at the comma at the cursor, which the row must have room for.
func (s *rowScanner) comma(c *scanCtx) int {
	if s.i-s.r >= s.lim.row {
		return s.overflow(c, false)
	}
	s.i++
	return scanNext
}

// lineEnd ends the row at a line break at the cursor ("\n", "\r\n", or "\r" at the end of input),
// whose length is n.
func (s *rowScanner) lineEnd(n int) int {
	s.textEnd = s.i - s.r
	s.end = Pos{s.line, s.colAt(s.textEnd)}
	s.i += n
	if s.buf[s.i-1] == '\n' {
		s.newline()
	}
	return scanDone
}

// eofEnd ends the row at the end of input.
func (s *rowScanner) eofEnd() int {
	s.textEnd = s.i - s.r
	s.end = Pos{s.line, s.colAt(s.textEnd)}
	return scanDone
}

func (s *rowScanner) problem(pos Pos, msg string) {
	s.probs = append(s.probs, scanProblem{pos, msg})
}

// cellEnd ends the cell at the scan point when b, the byte there, is a delimiter: a comma, a
// line feed, a CRLF, or a CR that is the input's last byte. ended is false for any other byte,
// a lone CR included, which is data.
func (s *rowScanner) cellEnd(c *scanCtx, b byte) (next int, ended bool) {
	switch b {
	case ',':
		return s.comma(c), true
	case '\n':
		return s.lineEnd(1), true
	case '\r':
		b, ok := s.peek(1)
		if !ok {
			return s.lineEnd(1), true
		}
		if b == '\n' {
			return s.lineEnd(2), true
		}
	}
	return 0, false
}

// scanPlain scans an unquoted cell, or the rest of a quoted one after text that follows its
// closing quote.
func (s *rowScanner) scanPlain(c *scanCtx) int {
	for {
		// Scan no further than the limits allow, so that a row over them is found at the same
		// byte however the input arrives.
		end := min(s.w, s.r+c.stop)
		b := s.buf[:end]
		i, plain := csvPlainRun(b, s.i)
		c.notPlain = c.notPlain || !plain
		s.dec = append(s.dec, b[s.i:i]...)
		s.i = i
		if i == s.w {
			if !s.more() {
				return s.eofEnd()
			}
			continue
		}
		if next, ended := s.cellEnd(c, s.buf[i]); ended {
			return next
		}
		// A byte of the cell: plain text past the limit, a lone "\r" or a quote.
		if s.i-s.r >= c.stop {
			return s.overflow(c, false)
		}
		if s.buf[s.i] == '"' && !s.lenient {
			s.lenient = true
			msg := "bare quote in an unquoted field; enclose the whole field in quotes and double this quote (\"a\"\"b\")"
			if len(bytes.Trim(s.dec[c.start:], " \t")) == 0 {
				msg = "quote after white space at the start of a field; delete the white space before the opening quote"
			}
			s.problem(Pos{s.line, s.colAt(s.i - s.r)}, msg)
		}
		s.dec = append(s.dec, s.buf[s.i])
		c.notPlain = c.notPlain || s.buf[s.i] == '\r' // a quote is plain text
		s.i++
	}
}

// scanQuoted scans a quoted cell; the cursor is at its opening quote.
func (s *rowScanner) scanQuoted(c *scanCtx) int {
	if s.i-s.r >= c.stop {
		return s.overflow(c, true)
	}
	s.i++
	for {
		end := min(s.w, s.r+c.stop)
		k := bytes.IndexByte(s.buf[s.i:end], '"')
		if k >= 0 {
			end = s.i + k
		}
		seg := s.buf[s.i:end]
		s.dec = append(s.dec, seg...)
		if nl := bytes.LastIndexByte(seg, '\n'); nl >= 0 {
			s.line += bytes.Count(seg, csvNewline)
			s.colOff, s.col = s.i+nl+1-s.r, 1
		}
		s.i = end
		if k < 0 {
			if s.i < s.w {
				return s.overflow(c, true) // the byte at the cursor is past the limit
			}
			if !s.more() {
				s.problem(c.pos, "quoted field starts here but never ends; add the closing quote")
				return s.resumeAfterLine(c.pos.Line, c.off)
			}
			continue
		}
		s.i++ // the quote
		b, ok := s.peek(0)
		if !ok {
			return s.eofEnd()
		}
		if b == '"' { // a doubled quote: one quote of the value
			if s.i-s.r >= c.stop {
				return s.overflow(c, true)
			}
			s.dec = append(s.dec, '"')
			s.i++
			c.rewritten = true
			continue
		}
		if next, ended := s.cellEnd(c, b); ended {
			return next
		}
		if !s.lenient && s.i-s.r < c.stop {
			s.lenient = true
			s.problem(Pos{s.line, s.colAt(s.i - s.r)}, fmt.Sprintf(
				"unexpected %q after the closing quote of a field; write a quote inside a quoted field as two (\"\") and put nothing between the closing quote and the next comma",
				s.runeAt()))
		}
		c.rewritten = true // the closing quote is not in the value
		return s.scanPlain(c)
	}
}

// runeAt returns the character at the cursor (its first byte, when that is not valid UTF-8).
func (s *rowScanner) runeAt() string {
	for s.i+utf8.UTFMax > s.w && s.more() {
	}
	b := s.buf[s.i:s.w]
	r, n := utf8.DecodeRune(b)
	if r == utf8.RuneError && n <= 1 {
		return string(b[:1])
	}
	return string(r)
}

// overflow breaks off a row when the byte at the cursor would take the cell or the row past its
// limit. inQuotes tells whether the byte is inside the quotes of a quoted cell.
func (s *rowScanner) overflow(c *scanCtx, inQuotes bool) int {
	at := s.i - s.r
	if at >= c.off+s.lim.cell {
		limit := csvSizeName(s.lim.cell)
		if inQuotes && s.line > c.pos.Line {
			// Most likely a closing quote is missing: go on after the opening quote's line.
			s.problem(c.pos, fmt.Sprintf("quoted field starts here and runs past %s without a closing quote; add the closing quote (a field may hold at most %s)", limit, limit))
			return s.resumeAfterLine(c.pos.Line, c.off)
		}
		s.problem(c.pos, fmt.Sprintf("field is longer than %s; the row was skipped — shorten the field", limit))
	} else {
		s.problem(Pos{s.rowLine, 1}, fmt.Sprintf("row is longer than %s; it was skipped — shorten it", csvSizeName(s.lim.row)))
	}
	return s.breakLine()
}

// breakLine ends the row at the cursor and goes on after the cursor's line. The row's Text ends
// at the cursor, so that it is the same however the input arrives.
func (s *rowScanner) breakLine() int {
	s.textEnd = s.i - s.r
	if k := bytes.IndexByte(s.buf[s.i:s.w], '\n'); k >= 0 {
		s.i += k + 1
		s.line++
		return scanAbort
	}
	s.i = s.w
	s.skip = !s.eof // the next scan drops the rest of the line
	return scanAbort
}

// resumeAfterLine ends the row with line n, in which the offset off (relative to r) lies: the
// next row starts after that line's break.
func (s *rowScanner) resumeAfterLine(n, off int) int {
	k := bytes.IndexByte(s.buf[s.r+off:s.w], '\n')
	if k < 0 {
		// The line is the last one.
		s.textEnd = s.w - s.r
		if s.textEnd > 0 && s.buf[s.w-1] == '\r' {
			s.textEnd--
		}
		s.i = s.w
		s.line = n
		return scanAbort
	}
	s.textEnd = off + k
	if s.textEnd > 0 && s.buf[s.r+s.textEnd-1] == '\r' {
		s.textEnd--
	}
	s.i = s.r + off + k + 1
	s.line = n + 1
	return scanAbort
}

func csvSizeName(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
