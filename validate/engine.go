package validate

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/schema"
)

// Options configure an Engine.
type Options struct {
	// Disable lists rule IDs to turn off.
	Disable []string
}

// An Engine checks the inputs of one run. Inputs are read one after another; set rules see the
// records of all of them, so a duplicate across two files is found and both sides are named.
type Engine struct {
	enabled  map[string]*Rule
	checks   []ruleCheck
	schema   *schema.Validator
	findings []Finding
	files    []string // display names, indexed by Ref.File
	records  int
	texts    texts    // strings set rules keep for their messages
	accounts accounts // who claims each account; see Pass.Account

	// Per input.
	file        string
	fileIdx     int
	inputFailed bool // a reader error at the input level (syntax, envelope, header)

	pass Pass // reused for every record: rules must not keep it
}

type ruleCheck struct {
	rule *Rule
	fn   func(*Pass)
}

// New returns an engine with every rule of All enabled except opts.Disable. An unknown rule ID
// is an error.
func New(opts Options) (*Engine, error) {
	v, err := schema.Builtin()
	if err != nil {
		return nil, fmt.Errorf("loading the built-in schemas: %w", err)
	}
	off := map[string]bool{}
	for _, id := range opts.Disable {
		if _, ok := Lookup(id); !ok {
			return nil, fmt.Errorf("unknown rule %q; `idlint rules` lists them", id)
		}
		off[id] = true
	}
	e := &Engine{enabled: map[string]*Rule{}, schema: v}
	for _, r := range All {
		if off[r.ID] {
			continue
		}
		e.enabled[r.ID] = r
		if r.New != nil {
			e.checks = append(e.checks, ruleCheck{rule: r, fn: r.New()})
		}
	}
	e.pass.engine = e
	return e, nil
}

// Check reads one input and checks every record in it. name is the display name used in
// findings. format FormatUnknown means: decide from the name, then the content. The error is
// an I/O failure of r; what was read before it has been checked and its findings are kept.
func (e *Engine) Check(name string, r io.Reader, format payload.Format) (payload.Summary, error) {
	e.file, e.fileIdx, e.inputFailed = name, len(e.files), false
	e.files = append(e.files, name)
	sum, err := payload.Read(r, name, format, payload.Handler{Record: e.record, Diag: e.diag})
	e.records += sum.Records
	if err != nil {
		return sum, err
	}
	if sum.Records == 0 && !e.inputFailed {
		e.add(EmptyPayload, Finding{Pos: payload.Pos{Line: 1, Col: 1}, Record: -1,
			Message: "the payload has no records; the API rejects an empty upload"})
	}
	return sum, nil
}

// Result is what a run found.
type Result struct {
	Findings []Finding // stably sorted by Compare, exact repeats removed
	Files    int
	Records  int
}

// Result returns the findings so far, sorted.
func (e *Engine) Result() Result {
	fs := slices.Clone(e.findings)
	slices.SortStableFunc(fs, Compare)
	fs = slices.CompactFunc(fs, Finding.same) // exact repeats, which a reader may give for one fault
	return Result{Findings: fs, Files: len(e.files), Records: e.records}
}

// Rules returns the enabled rules, in All's order.
func (e *Engine) Rules() []*Rule {
	var out []*Rule
	for _, r := range All {
		if e.enabled[r.ID] != nil {
			out = append(out, r)
		}
	}
	return out
}

// diag turns a reader's problem into a finding of the rule with the same ID.
func (e *Engine) diag(d payload.Diag) {
	switch d.Code {
	case payload.CodeSyntax, payload.CodeSchema, payload.CodeCSVHeader:
		e.inputFailed = true
	}
	r, ok := Lookup(d.Code)
	if !ok {
		r = Syntax // a reader code without a rule is a bug; keep the finding all the same
	}
	f := Finding{Pos: d.Pos, Message: d.Message, Record: -1}
	f.Snippet, f.SnippetCol = snippet(d.Text, d.TextPos, d.Pos)
	e.add(r, f)
}

// record checks one record: its schema, then every record rule in All's order.
func (e *Engine) record(rec *payload.Record) {
	p := &e.pass
	p.rec = rec
	p.m, p.mapped = mappingOf(rec)
	p.account, p.accountDone = accountView{}, false
	if e.enabled[Schema.ID] != nil {
		for _, v := range e.schema.Check(rec) {
			p.rule = Schema
			p.Reportf(violationPos(rec, v), v.Field, "%s", v.Message)
		}
	}
	for _, c := range e.checks {
		p.rule = c.rule
		c.fn(p)
	}
	p.rec = nil
}

// violationPos points a schema violation at the key (unknown or repeated fields), the value, or
// the record itself (missing fields, wrong record type).
func violationPos(rec *payload.Record, v schema.Violation) payload.Pos {
	if v.Missing || v.Field == "" {
		return rec.Pos
	}
	n := 0
	for i := range rec.Fields {
		f := &rec.Fields[i]
		if f.Name != v.Field {
			continue
		}
		if n == v.Occurrence {
			if v.AtKey {
				return f.KeyPos
			}
			return f.Pos
		}
		n++
	}
	return rec.Pos
}

// add records a finding of rule r in the current input.
func (e *Engine) add(r *Rule, f Finding) {
	if e.enabled[r.ID] == nil {
		return
	}
	f.File, f.Rule, f.Severity = e.file, r.ID, r.Severity
	e.findings = append(e.findings, f)
}

// maxSnippet bounds the source shown under a finding: a minified payload or a runaway CSV cell
// can put megabytes on one line.
const maxSnippet = 160

// snippet returns the line at pos from a record's or diag's text, clipped around pos.Col, and
// the column of its first character.
func snippet(text []byte, textPos, pos payload.Pos) (string, int) {
	line, col, ok := payload.Line(text, textPos, pos.Line)
	if !ok {
		return "", 0
	}
	// Skip to maxSnippet/2 characters before the caret when the line is long.
	if utf8.RuneCount(line) > maxSnippet {
		for col < pos.Col-maxSnippet/2 && len(line) > 0 {
			_, n := utf8.DecodeRune(line)
			line, col = line[n:], col+1
		}
		n := 0
		for i := range string(line) {
			if n == maxSnippet {
				line = line[:i]
				break
			}
			n++
		}
	}
	return strings.ToValidUTF8(string(line), "\uFFFD"), col
}

// A Ref points at a record of the run, for messages that name the other side of a duplicate.
type Ref struct {
	File uint32
	Line uint32
}

// Pass is a rule's view of the record being checked and its way to report.
type Pass struct {
	engine *Engine
	rule   *Rule
	rec    *payload.Record
	m      mapping
	mapped bool

	account     accountView
	accountDone bool
	mentions    []string
}

// personal lists the values of a record that identify a person — its emails and identities, as
// written and trimmed — and the values a rule mentioned, for Finding.Personal.
func personal(rec *payload.Record, mentions []string) []string {
	var out []string
	add := func(s string) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
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
	for _, m := range mentions {
		add(m)
	}
	return out
}

// Record is the record being checked. It is valid only during the rule's call.
func (p *Pass) Record() *payload.Record { return p.rec }

// Mapping returns the record's email, integration and identity when all three are there with
// the right types; rules about relations between records skip records without one.
func (p *Pass) Mapping() (mapping, bool) { return p.m, p.mapped }

// Account returns what the run knew of the current record's account before this record: the
// earlier claims to the same identity in the same integration. The first rule to ask updates
// the index; ok is false for a record without a mapping.
func (p *Pass) Account() (view accountView, ok bool) {
	if !p.mapped {
		return accountView{}, false
	}
	if !p.accountDone {
		p.account, p.accountDone = p.engine.accounts.observe(p, p.m), true
	}
	return p.account, true
}

// Here refers to the current record.
func (p *Pass) Here() Ref {
	return Ref{File: uint32(p.engine.fileIdx), Line: uint32(p.rec.Pos.Line)}
}

// Where words a Ref for a message: "line 12" in the current input, "other.csv:12" elsewhere.
func (p *Pass) Where(r Ref) string {
	if int(r.File) == p.engine.fileIdx {
		return fmt.Sprintf("line %d", r.Line)
	}
	return fmt.Sprintf("%s:%d", p.engine.files[r.File], r.Line)
}

// Keep stores s for a later message and returns a handle to it. Set rules keep the strings
// they will name this way rather than as Go strings: an index entry then holds no pointer for
// the garbage collector to trace, and costs only the string's bytes.
func (p *Pass) Keep(s string) Text { return p.engine.texts.add(s) }

// Text returns a string that Keep stored.
func (p *Pass) Text(t Text) string { return p.engine.texts.get(t) }

// Mention adds personal data from other records (an email, an identity) that the next report's
// message names, so that --redact can mask it. The current record's values are added anyway.
func (p *Pass) Mention(values ...string) { p.mentions = append(p.mentions, values...) }

// Reportf reports a finding of the current rule at pos about field ("" for the record).
func (p *Pass) Reportf(pos payload.Pos, field, format string, args ...any) {
	f := Finding{Pos: pos, Field: field, Record: p.rec.Index, Message: fmt.Sprintf(format, args...)}
	f.Personal = personal(p.rec, p.mentions)
	p.mentions = p.mentions[:0]
	f.Snippet, f.SnippetCol = snippet(p.rec.Text, p.rec.TextPos, pos)
	p.engine.add(p.rule, f)
}

// ReportField reports a finding about a field, at its value.
func (p *Pass) ReportField(f *payload.Field, format string, args ...any) {
	p.Reportf(f.Pos, f.Name, format, args...)
}
