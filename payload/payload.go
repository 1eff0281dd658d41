// Package payload reads developer-identity payloads (v2 JSON, legacy JSON, CSV, JSON Lines)
// into a stream of records. Every value keeps its position in the input, so that later stages
// can point at the exact line and column of a problem.
//
// Readers stream: they hand each record to a callback as soon as it is complete and never hold
// a whole file in memory. Problems that stop a value from being read at all (broken JSON, a bad
// CSV header, a blank CSV line) are reported as Diags beside the records; everything else is left
// to the schema and rule stages.
package payload

import (
	"bytes"
	"fmt"
	"iter"
	"strings"
	"unsafe"
)

// Pos locates a point in an input. Line and Col are 1-based; Col counts Unicode code points
// (characters), not bytes, so that a caret lands under the right character. 0 means unknown.
type Pos struct {
	Line int
	Col  int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Before reports whether p comes before q in the input.
func (p Pos) Before(q Pos) bool {
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Format is the syntax of an input.
type Format int

const (
	FormatUnknown Format = iota
	FormatJSON
	FormatCSV
	FormatJSONL
)

var formatNames = [...]string{"unknown", "json", "csv", "jsonl"}

func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "unknown"
}

// ParseFormat maps a --input-format value to a Format.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "json":
		return FormatJSON, nil
	case "csv":
		return FormatCSV, nil
	case "jsonl", "ndjson":
		return FormatJSONL, nil
	}
	return FormatUnknown, fmt.Errorf("unknown input format %q; expected json, csv or jsonl", s)
}

// Shape is which API body a record belongs to.
type Shape int

const (
	// ShapeUnknown: the record's own keys do not tell (a JSON Lines record with neither
	// integrationId/identity nor applicationType/cloudId, or a non-object).
	ShapeUnknown Shape = iota
	// ShapeV2 is {"email", "integrationId", "identity"}: PATCH /v2/developers/identities.
	ShapeV2
	// ShapeLegacy is {"email", "applicationType", "cloudId"}: POST /v2/developers/cloud-ids.
	ShapeLegacy
)

func (s Shape) String() string {
	switch s {
	case ShapeV2:
		return "v2"
	case ShapeLegacy:
		return "legacy"
	}
	return "unknown"
}

// The canonical field names of both record shapes.
const (
	FieldEmail           = "email"
	FieldIntegrationID   = "integrationId"
	FieldIdentity        = "identity"
	FieldApplicationType = "applicationType"
	FieldCloudID         = "cloudId"
)

// ShapeOfKey returns the shape a canonical field name belongs to (ShapeUnknown for email, which
// both shapes have, and for names that are not fields at all).
func ShapeOfKey(name string) Shape {
	switch name {
	case FieldIntegrationID, FieldIdentity:
		return ShapeV2
	case FieldApplicationType, FieldCloudID:
		return ShapeLegacy
	}
	return ShapeUnknown
}

// Kind is the JSON type of a value. CSV cells are typed as the JSON would be: an integrationId
// cell holding an integer is a Number, every other cell a String.
type Kind uint8

const (
	KindString Kind = iota
	KindNumber
	KindBool
	KindNull
	KindObject
	KindArray
)

var kindNames = [...]string{"string", "number", "boolean", "null", "object", "array"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// A Field is one key and value of a record.
type Field struct {
	// Name is the key as written in a JSON object, or the CSV column's canonical name
	// (see CanonicalColumn) when it has one, else the header cell as written.
	Name string
	// Value is the decoded string for a String, the literal text for a Number, Bool or Null,
	// and the raw JSON text for an Object or Array.
	Value string
	Kind  Kind
	// Pos is where the value starts (its opening quote, for a JSON string or a quoted cell).
	Pos Pos
	// KeyPos is where the key starts; for CSV, the same as Pos.
	KeyPos Pos
	// SchemaExempt tells the schema stage to leave this field to a rule that reports it better
	// (a CSV integrationId that is not an integer: the integration-id rule), so that one fault
	// gives one finding.
	SchemaExempt bool
	// Verbatim tells that Value is written in the input exactly as it is, starting at byte
	// Offset of the input (counted from where the reader started): a string without escapes
	// or doubled quotes. The engine then need not keep a copy of it to quote it later: it can
	// read it again. Readers set it for the fields the API takes, not for Extra.
	Verbatim bool
	Offset   int64
	// Plain tells that Value is plain text — printable ASCII other than the space, and not
	// empty — as the reader found while it scanned the value. False says nothing: the value
	// is not plain, or the reader did not look. It spares a rule the scan, as most values are.
	Plain bool
}

// A Record is one identity mapping as read from the input. The CSV reader and CopyTo set its
// members one by one, for speed: a member added here must be set there too (TestCopyTo fails
// until CopyTo does; the CSV reader zeroes the record first, so it would be zero there).
type Record struct {
	// Index is the record's 0-based position among the records of its input.
	Index int
	// Pos is where the record starts: its '{' in JSON, its first cell in CSV.
	Pos Pos
	// End is the position just after the record's last character.
	End Pos
	// Kind is KindObject for a JSON object and for every CSV row; anything else is a JSON
	// array element that is not an object, and has no Fields.
	Kind Kind
	// Raw is the JSON text of a non-object element (bounded), for messages.
	Raw    string
	Shape  Shape
	Fields []Field
	// Extra holds, for CSV, the cells of the columns the API does not take (unknown, blank
	// or repeated column names), named by their header cell: the schema ignores them, but the
	// rules about every cell (csv-injection, unicode-spoofing, encoding) look at them too.
	Extra []Field

	// Text is the input text of the lines the record spans, from the start of its first line
	// through the end of its last line, without the final line break. On a very long line
	// (minified JSON) it is clipped to the record and a little context around it; TextPos is
	// the position of Text's first byte. Text is valid only during the callback that receives
	// the record: readers reuse the buffer.
	Text    []byte
	TextPos Pos

	// fieldAt indexes Fields by canonical name, for Field: 1 + the index of the first field
	// named canonicalNames[k], or 0 for none. The readers set it (see indexFields) and
	// indexed, to 1 + len(Fields) then; 0 means no index, and a Record made otherwise is
	// searched field by field. A Handler that reslices Fields, or reorders them, leaves an
	// index that Field no longer trusts (it checks the length, and the name it finds).
	fieldAt [len(canonicalNames)]uint8
	indexed int
}

// canonicalNames are the field names Record.fieldAt indexes.
var canonicalNames = [...]string{FieldEmail, FieldIntegrationID, FieldIdentity, FieldApplicationType, FieldCloudID}

// canonicalSlot returns the index of name in canonicalNames, or -1. The names differ in
// length, so a switch on it takes one comparison of the text.
func canonicalSlot(name string) int {
	switch name {
	case FieldEmail:
		return 0
	case FieldIntegrationID:
		return 1
	case FieldIdentity:
		return 2
	case FieldApplicationType:
		return 3
	case FieldCloudID:
		return 4
	}
	return -1
}

// indexFields sets fieldAt from Fields, and indexed, unless a canonical field is past the
// 255th (then Field searches).
func (r *Record) indexFields() {
	r.fieldAt, r.indexed = [len(canonicalNames)]uint8{}, 0
	for i := range r.Fields {
		if k := canonicalSlot(r.Fields[i].Name); k >= 0 && r.fieldAt[k] == 0 {
			if i >= 255 {
				return
			}
			r.fieldAt[k] = uint8(i + 1)
		}
	}
	r.indexed = len(r.Fields) + 1
}

// CopyTo sets *dst to *r. It copies member by member, which is faster than dst = *r when a
// reader has just set r's members one by one: the compiler copies a struct 16 bytes at a time,
// and each such load waits for the two stores it spans to complete (a store-forwarding stall).
func (r *Record) CopyTo(dst *Record) {
	dst.Index, dst.Pos, dst.End, dst.Kind, dst.Raw = r.Index, r.Pos, r.End, r.Kind, r.Raw
	dst.Shape, dst.Fields, dst.Extra, dst.Text, dst.TextPos = r.Shape, r.Fields, r.Extra, r.Text, r.TextPos
	dst.fieldAt, dst.indexed = r.fieldAt, r.indexed
}

// Cells yields every field of the record: Fields, then Extra.
func (r *Record) Cells() iter.Seq[*Field] {
	return func(yield func(*Field) bool) {
		for i := range r.Fields {
			if !yield(&r.Fields[i]) {
				return
			}
		}
		for i := range r.Extra {
			if !yield(&r.Extra[i]) {
				return
			}
		}
	}
}

// Field returns the first field with the given name. The rules look fields up by name a dozen
// times a record, and comparing names was 2 to 3 % of a check's time, so a canonical name is
// looked up in the readers' index.
func (r *Record) Field(name string) (*Field, bool) {
	if r.indexed == len(r.Fields)+1 {
		if k := canonicalSlot(name); k >= 0 {
			i := r.fieldAt[k]
			if i == 0 {
				return nil, false
			}
			// The readers set canonical names from the constants, which callers pass too: the
			// same bytes in memory, which saves comparing them.
			if f := &r.Fields[i-1]; len(f.Name) == len(name) && (unsafe.StringData(f.Name) == unsafe.StringData(name) || f.Name == name) {
				return f, true
			}
			// Fields changed since they were indexed: search.
		}
	}
	for i := range r.Fields {
		if r.Fields[i].Name == name {
			return &r.Fields[i], true
		}
	}
	return nil, false
}

// String returns the value of the named field when it is a string.
func (r *Record) String(name string) (string, *Field, bool) {
	f, ok := r.Field(name)
	if !ok || f.Kind != KindString {
		return "", f, false
	}
	return f.Value, f, true
}

// Codes of the problems readers report themselves. They are rule IDs of package validate.
const (
	CodeSyntax        = "syntax"
	CodeSchema        = "schema" // the envelope around the records is wrong
	CodeCSVHeader     = "csv-header"
	CodeUnknownColumn = "unknown-column"
	CodeBlankRow      = "blank-row"
	CodeEncoding      = "encoding" // the input is not UTF-8 (UTF-16 is named)
	CodeBOM           = "bom"      // the input starts with a UTF-8 byte order mark
)

// A Diag is a problem a reader found in the input itself.
type Diag struct {
	Code    string
	Pos     Pos
	Message string // lower case, no final period; says what to do where it can
	// Text and TextPos: the input line at Pos, as for Record.Text.
	Text    []byte
	TextPos Pos
}

// Handler receives what a reader finds, in input order.
type Handler struct {
	Record func(*Record)
	Diag   func(Diag)
	// TransientValues lets the reader hand Record a record whose Field values, like its
	// Text, are valid only until the callback returns: their bytes are the reader's, and it
	// writes the next record's over them. The Handler copies the values it keeps, and must not
	// keep them, nor strings cut from them, past the call. It saves the reader an allocation
	// per record, and the garbage collector the work of taking them back (3 to 4 % of a
	// check's time, on a million rows). Field names and Raw may still be kept. A reader may
	// hand over values that may be kept all the same: the JSON readers do for a record with
	// keys they do not know, whose names share the values' string.
	TransientValues bool
}

// Summary is what a reader learned about one input.
type Summary struct {
	Format  Format
	Shape   Shape // ShapeUnknown when records of both shapes (JSON Lines) or none were seen
	Records int
}

// Line returns the text of line n from a Text/TextPos pair, and the column of its first byte.
// ok is false when the line is not in text.
func Line(text []byte, textPos Pos, n int) (line []byte, col int, ok bool) {
	if n < textPos.Line {
		return nil, 0, false
	}
	col = textPos.Col
	for cur := textPos.Line; cur < n; cur++ {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			return nil, 0, false
		}
		text = text[i+1:]
		col = 1
	}
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	if len(text) > 0 && text[len(text)-1] == '\r' {
		text = text[:len(text)-1]
	}
	return text, col, true
}
