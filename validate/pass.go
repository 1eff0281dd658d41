package validate

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/idlint/idlint/internal/ascii"
	"github.com/idlint/idlint/payload"
)

// maxSnippet bounds the source shown under a finding: a minified payload or a runaway CSV cell
// can put megabytes on one line.
const maxSnippet = 160

// snippet returns the line at pos from a diag's text, clipped around pos.Col, and the column
// of its first character. A diag has one finding: a record's findings share a snippets.
func snippet(text []byte, textPos, pos payload.Pos) (string, int) {
	line, col, ok := payload.Line(text, textPos, pos.Line)
	if !ok {
		return "", 0
	}
	ln := newSnippetLine(line, col)
	return ln.cut(pos)
}

// snippets cuts the snippets of the findings of one record. A record can have thousands of
// findings on one line of a megabyte (a key per finding, minified), or on as many lines (one
// key per line), in any order: each would cost the walk from the start of the text to its line
// and then to its column, and the count of the line's characters. So where each line starts
// is found once, and each line a finding was on is kept, with its length and the byte offset
// of every snippetMark-th column walked so far: a finding walks from the mark before its
// column. The findings of a record then cost its length once, not once each. Reset between
// records.
type snippets struct {
	text    []byte // the record's text, and where it starts
	textPos payload.Pos
	have    bool
	starts  []int                // the byte offset in text of each of its lines
	lines   map[int]*snippetLine // the lines findings were on, by number
}

// A snippetLine is a line of a record's text, as snippets keeps it.
type snippetLine struct {
	line  []byte // without its line break
	col   int    // the column of line[0]
	long  bool   // line has more than maxSnippet characters
	marks []int  // marks[k]: the byte offset in line of column col + k*snippetMark
}

func newSnippetLine(line []byte, col int) snippetLine {
	return snippetLine{line: line, col: col, long: len(line) > maxSnippet && utf8.RuneCount(line) > maxSnippet, marks: []int{0}}
}

const snippetMark = 256

// reset forgets the record, keeping the memory. It runs after every record, most of which
// had no finding: then there is nothing to forget.
func (c *snippets) reset() {
	if !c.have {
		return
	}
	clear(c.lines)
	c.text, c.starts, c.have = nil, c.starts[:0], false
}

func (c *snippets) snippet(text []byte, textPos, pos payload.Pos) (string, int) {
	if !c.have || c.textPos != textPos || len(c.text) != len(text) || len(text) > 0 && &c.text[0] != &text[0] {
		c.reset()
		c.text, c.textPos, c.have = text, textPos, true
	}
	ln := c.lines[pos.Line]
	if ln == nil {
		if len(c.starts) == 0 {
			c.starts = append(c.starts, 0)
			for at := 0; ; {
				i := bytes.IndexByte(text[at:], '\n')
				if i < 0 {
					break
				}
				at += i + 1
				c.starts = append(c.starts, at)
			}
		}
		// As payload.Line has it.
		i := pos.Line - textPos.Line
		if i < 0 || i >= len(c.starts) {
			return "", 0
		}
		line, col := text[c.starts[i]:], 1
		if i == 0 {
			col = textPos.Col
		}
		if j := bytes.IndexByte(line, '\n'); j >= 0 {
			line = line[:j]
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		l := newSnippetLine(line, col)
		ln = &l
		if c.lines == nil {
			c.lines = map[int]*snippetLine{}
		}
		c.lines[pos.Line] = ln
	}
	return ln.cut(pos)
}

// cut returns the snippet of the line for a finding at pos, and the column of its first
// character.
func (ln *snippetLine) cut(pos payload.Pos) (string, int) {
	if !ln.long {
		return strings.ToValidUTF8(string(ln.line), "\uFFFD"), ln.col
	}
	// Start maxSnippet/2 characters before the caret: walk there from the mark before it,
	// marking the line on the way.
	start := max(0, pos.Col-maxSnippet/2-ln.col) // in characters from line[0]
	k := min(start/snippetMark, len(ln.marks)-1)
	col, at := k*snippetMark, ln.marks[k]
	for col < start && at < len(ln.line) {
		_, n := utf8.DecodeRune(ln.line[at:])
		col, at = col+1, at+n
		if col%snippetMark == 0 && col/snippetMark == len(ln.marks) {
			ln.marks = append(ln.marks, at)
		}
	}
	end := at // after maxSnippet characters
	for n := 0; n < maxSnippet && end < len(ln.line); n++ {
		_, w := utf8.DecodeRune(ln.line[end:])
		end += w
	}
	return strings.ToValidUTF8(string(ln.line[at:end]), "\uFFFD"), ln.col + col
}

// A Ref points at a record of the run, for messages that name the other side of a duplicate.
type Ref struct {
	File uint32
	Line uint32
}

// Pass is a rule's view of the record being checked and its way to report.
type Pass struct {
	st     *stage
	rule   *Rule
	rec    *payload.Record
	m      mapping
	mapped bool

	account     accountView
	accountDone bool
	mentions    []string

	// plain has bit i set when plainOf.Fields[i] is a plain string (see Plain).
	plain    uint64
	plainOf  *payload.Record
	plainOff bool // Plain says no to everything, for tests (Engine.noPlain)
	// allPlain: every string value of the record, in Fields and Extra, is plain or empty.
	allPlain bool

	snippets snippets // of the record's findings; reset with rec
}

// done ends the record being checked.
func (p *Pass) done() {
	p.rec, p.plainOf = nil, nil
	p.snippets.reset()
}

// notePlain tests each field of the record being checked once for Plain, for all the rules,
// taking the reader's word where it gave one (payload.Field.Plain), and notes whether every
// string value of the record is plain or empty (allPlain). When off, Plain says no to every
// field and allPlain is false.
func (p *Pass) notePlain(off bool) {
	p.plain, p.plainOf, p.plainOff, p.allPlain = 0, p.rec, off, false
	if off {
		return
	}
	all := true
	for i := range p.rec.Fields {
		if f := &p.rec.Fields[i]; f.Kind == payload.KindString && f.Value != "" {
			switch {
			case !plainValue(f):
				all = false
			case i < 64:
				p.plain |= 1 << i
			}
		}
	}
	for i := range p.rec.Extra {
		if f := &p.rec.Extra[i]; f.Kind == payload.KindString && f.Value != "" && !plainValue(f) {
			all = false
			break
		}
	}
	p.allPlain = all
}

// Plain reports whether f, a field of the record, is a string of printable ASCII other than
// the space, and not empty: valid UTF-8, with nothing to trim, nothing hidden and no
// character from another script to disguise a letter. Most values are, and the rules that
// look for what is wrong with a text skip them, asking here rather than each scanning the
// text again.
func (p *Pass) Plain(f *payload.Field) bool {
	if f.Kind != payload.KindString || p.plainOff {
		return false
	}
	if p.plainOf == p.rec && len(p.rec.Fields) > 0 {
		// f's index in Fields, from its address: a loop comparing addresses took 2 % of a
		// check's time. An f from anywhere else is before Fields (a huge difference) or after.
		size := unsafe.Sizeof(payload.Field{})
		at := uintptr(unsafe.Pointer(f)) - uintptr(unsafe.Pointer(unsafe.SliceData(p.rec.Fields)))
		if at < uintptr(min(len(p.rec.Fields), 64))*size {
			return p.plain&(1<<(at/size)) != 0
		}
	}
	return plainValue(f)
}

// plainValue reports whether a string field is plain, taking the reader's word if it gave it.
func plainValue(f *payload.Field) bool { return f.Plain || f.Value != "" && ascii.Plain(f.Value) }

// personal lists the values of a record that identify a person — its emails and identities, as
// written and trimmed — and the values a rule mentioned, for Finding.Personal. It copies them:
// the record's values do not outlive its batch (see batch.values).
func personal(rec *payload.Record, mentions []string) []string {
	var out []string
	add := func(s string) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, strings.Clone(s))
		}
	}
	for i := range rec.Fields {
		f := &rec.Fields[i]
		switch f.Name {
		case payload.FieldEmail, payload.FieldIdentity, payload.FieldCloudID:
			if f.Kind == payload.KindString {
				add(f.Value)
				add(strings.TrimSpace(f.Value))
				add(strings.ToLower(strings.TrimSpace(f.Value))) // messages suggest lowercase forms
			}
		}
	}
	for i := range rec.Extra {
		// A column the API does not take may hold anything (a repeated cloudId, notes about a
		// person), and rules quote it: mask all of it.
		v := rec.Extra[i].Value
		add(v)
		add(strings.TrimSpace(v))
		if strings.Contains(v, `"`) { // as the snippet shows it, quoted
			add(strings.ReplaceAll(v, `"`, `""`))
		}
	}
	for _, m := range mentions {
		add(m)
	}
	return out
}

// Enabled reports whether a rule is on in this run, for a rule that leaves a fault to
// another one when that one reports it.
func (p *Pass) Enabled(r *Rule) bool { return p.st.enabled[r.ID] != nil }

// Format is the syntax of the current input. Only record rules may ask: the set stage does not
// track it.
func (p *Pass) Format() payload.Format { return p.st.format }

// Record is the record being checked. It is valid only during the rule's call.
func (p *Pass) Record() *payload.Record { return p.rec }

// Mapping returns the record's email, integration and identity when all three are there with
// the right types; rules about relations between records skip records without one. Only set
// functions may use it: the record stage builds mappings for the sieve, not in the Pass.
func (p *Pass) Mapping() (mapping, bool) { return p.m, p.mapped }

// Account returns what the run knew of the current record's account before this record: the
// earlier claims to the same identity in the same integration. The first rule to ask updates
// the index; ok is false for a record without a mapping.
func (p *Pass) Account() (view accountView, ok bool) {
	if !p.mapped {
		return accountView{}, false
	}
	if !p.accountDone {
		p.account, p.accountDone = p.st.accounts.observe(p, p.m), true
	}
	return p.account, true
}

// Here refers to the current record.
func (p *Pass) Here() Ref {
	return Ref{File: uint32(p.st.fileIdx), Line: uint32(p.rec.Pos.Line)}
}

// Where words a Ref for a message: "line 12" in the current input, "other.csv:12" elsewhere.
// Only set functions may call it.
func (p *Pass) Where(r Ref) string {
	if int(r.File) == p.st.fileIdx {
		return fmt.Sprintf("line %d", r.Line)
	}
	return fmt.Sprintf("%s:%d", p.st.files[r.File], r.Line)
}

// Keep stores s for a later message and returns a handle to it. Set rules keep the strings
// they will name this way rather than as Go strings: an index entry then holds no pointer for
// the garbage collector to trace, and costs only the string's bytes.
func (p *Pass) Keep(s string) Text { return p.st.texts.add(s) }

// Text returns a string that Keep stored.
func (p *Pass) Text(t Text) string { return p.st.texts.get(t) }

// Mention adds personal data from other records (an email, an identity) that the next report's
// message names, so that --redact can mask it. The current record's values are added anyway.
func (p *Pass) Mention(values ...string) { p.mentions = append(p.mentions, values...) }

// Reportf reports a finding of the current rule at pos about field ("" for the record).
func (p *Pass) Reportf(pos payload.Pos, field, format string, args ...any) {
	f := Finding{Pos: pos, Field: field, Record: p.rec.Index, Message: fmt.Sprintf(format, args...)}
	if !p.st.omitPersonal {
		f.Personal = personal(p.rec, p.mentions)
	}
	p.mentions = p.mentions[:0]
	f.Snippet, f.SnippetCol = p.snippets.snippet(p.rec.Text, p.rec.TextPos, pos)
	p.st.add(p.rule, f)
}

// ReportField reports a finding about a field, at its value.
func (p *Pass) ReportField(f *payload.Field, format string, args ...any) {
	p.Reportf(f.Pos, f.Name, format, args...)
}

// A stage is the state of one pass over records: the record stage runs the schema and the
// record rules on each record read; the set stage's replay (see sieve) runs the set rules over
// the mapped records whose keys repeat, in input order. Each has its own Pass and findings.
type stage struct {
	enabled  map[string]*Rule // read-only after New
	findings []Finding
	file     string   // the current input's display name
	fileIdx  int      // the current input, an index in files
	files    []string // display names of the inputs, by Ref.File (set stage only)
	// omitPersonal: findings get no Personal list (Options.OmitPersonal).
	omitPersonal bool
	// keep takes the set stage's findings, record by record, when the run keeps only the
	// first of each rule (Options.KeepPerRule).
	keep   *keeper
	format payload.Format // the current input's format (record stage only)
	pass   Pass

	// The set rules' indexes.
	texts    texts    // strings set rules keep for their messages
	accounts accounts // who claims each account; see Pass.Account
}

// add records a finding of rule r in the current input.
func (st *stage) add(r *Rule, f Finding) {
	if st.enabled[r.ID] == nil {
		return
	}
	f.File, f.Rule, f.Severity = st.file, r.ID, r.Severity
	st.findings = append(st.findings, f)
}
