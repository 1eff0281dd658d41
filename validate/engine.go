package validate

import (
	"fmt"
	"io"
	"slices"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/schema"
)

// Options configure an Engine.
type Options struct {
	// Disable lists rule IDs to turn off.
	Disable []string
	// OmitPersonal leaves Finding.Personal empty. A caller that will not redact the findings
	// saves the lists, which cost time and memory for every finding: on a file where every
	// record has one, a fifth of the memory.
	OmitPersonal bool
	// KeepPerRule, above 0, keeps of each rule only its first KeepPerRule findings, in report
	// order, and counts the others (Result.Counts): a report that shows a few of each rule
	// needs no more, and memory then does not grow with the findings.
	KeepPerRule int
}

// An Engine checks the inputs of one run. Inputs are read one after another; set rules see the
// records of all of them, so a duplicate across two files is found and both sides are named.
//
// Records flow one way: the reader streams them; the record stage runs the schema and the
// record rules on each, on every core (see pipeline.go), and logs the mapped ones in the sieve
// in input order; Result replays the set rules over the records whose keys repeat (see sieve).
type Engine struct {
	schema      *schema.Validator
	checkSchema bool             // the schema rule is on: a map lookup saved per record
	enabled     map[string]*Rule // read-only after New
	// omitPersonal is Options.OmitPersonal, for every stage.
	omitPersonal bool
	records      int

	// Owned by Check, and by the reader it runs (see pipeline.go).
	files       []string       // display names of the inputs, indexed by Ref.File
	format      payload.Format // the current input's
	size        int64          // the current input's size, if it is a file, until its first batch
	src         source         // how to read the current input again
	inputFailed bool           // the current input had a reader error at the input level
	pipe        pipeline

	// Owned by the worker merging (see pipeline.finish) until Check returns, then by Result.
	findings chunked[Finding] // the record stage's, in the order merged
	keep     *keeper          // instead, with Options.KeepPerRule
	sieve    sieve            // the set stage

	done   *Result
	broken *workerPanic // a Check panicked: the run cannot go on (see Check)

	batchItems int // a batch is full at this many items: batchSize, but for tests

	testHook func(step string) // called as each batch is checked and merged, for tests of panics
	noPlain  bool              // Pass.Plain says no to every field, for tests of its shortcut
	poison   bool              // merge writes over a batch's values, for tests (OneRecordBatches)
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
	e := &Engine{schema: v, enabled: map[string]*Rule{}, omitPersonal: opts.OmitPersonal, batchItems: batchSize}
	if opts.KeepPerRule > 0 {
		e.keep = newKeeper(opts.KeepPerRule)
	}
	var setChecks []ruleCheck
	for _, r := range All {
		if off[r.ID] {
			continue
		}
		e.enabled[r.ID] = r
		if r.Set != nil {
			setChecks = append(setChecks, ruleCheck{rule: r, fn: r.Set()})
		}
	}
	e.checkSchema = e.enabled[Schema.ID] != nil
	e.sieve.init(setChecks)
	return e, nil
}

// Check reads one input and checks every record in it. name is the display name used in
// findings. format FormatUnknown means: decide from the name, then the content. The error is
// an I/O failure of r; what was read before it has been checked and its findings are kept.
// Check must not be called after Result, nor from two goroutines at once.
//
// Result may read some records of r again, to name them in findings, rather than keep copies
// of every record: when r is a regular *os.File, by opening its name again (r itself may be
// closed), and when it is a *bytes.Reader or *strings.Reader, through r, whose bytes must not
// change until Result (nor r be Reset). Other readers are not read again. An input that does
// not hold the same text when it is read again is reported in Result.Unread.
//
// A panic while checking (a bug, or one in r) stops the run and is raised again in the
// caller's goroutine, as an error that gives the panic's value and the stack where it happened
// (and unwraps to the value, if that is an error). The run is then broken: a later Check
// returns an error, and Result panics.
func (e *Engine) Check(name string, r io.Reader, format payload.Format) (payload.Summary, error) {
	if e.done != nil {
		return payload.Summary{}, fmt.Errorf("validate: Check called after Result")
	}
	if e.broken != nil {
		return payload.Summary{}, fmt.Errorf("validate: Check called after a panic in an earlier Check: %w", e.broken)
	}
	e.inputFailed = false
	e.src, e.size = sourceOf(r)
	if format == payload.FormatUnknown {
		format, r = payload.Detect(name, r)
	}
	e.files, e.format = append(e.files, name), format
	var sum payload.Summary
	var err error
	e.run(func() {
		sum, err = payload.Read(r, name, format, payload.Handler{Record: e.enqueue, Diag: e.diag, TransientValues: true})
		e.records += sum.Records
		if err == nil && sum.Records == 0 && !e.inputFailed {
			e.emit(EmptyPayload, Finding{Pos: payload.Pos{Line: 1, Col: 1}, Record: -1,
				Message: "the payload has no records; the API rejects an empty upload"})
		}
		e.flush() // a batch holds one input's records
	})
	return sum, err
}

// Result is what a run found.
type Result struct {
	// Findings are stably sorted by Compare, exact repeats removed. With
	// Options.KeepPerRule, they are the first of each rule: Counts has how many there were.
	Findings []Finding
	Counts   []RuleCount // the findings of each rule, kept or not, in the order of rule IDs
	Files    int
	Records  int
	// Unread lists the inputs that could not be read again as they were read (see InputError).
	Unread []InputError
}

// Result runs the set rules and returns the findings of the run, sorted: every one, or with
// Options.KeepPerRule the first of each rule, and the count of all. It ends the run:
// later calls return the same result.
func (e *Engine) Result() Result {
	if e.broken != nil {
		panic(fmt.Errorf("validate: Result called after a panic in Check: %w", e.broken))
	}
	if e.done == nil {
		set := &stage{enabled: e.enabled, files: e.files, omitPersonal: e.omitPersonal, keep: e.keep}
		var fs []Finding
		var counts []RuleCount
		if e.keep != nil {
			e.sieve.replay(set)
			fs, counts = e.keep.result()
		} else {
			fs = e.allFindings(set)
			counts = countFindings(fs)
		}
		e.done = &Result{Findings: fs, Counts: counts, Files: len(e.files), Records: e.records}
		for _, f := range e.sieve.failed {
			f.Name = e.files[f.Input]
			e.done.Unread = append(e.done.Unread, f)
		}
	}
	return *e.done
}

// allFindings runs the set stage and returns every finding of the run. The findings of the
// record stage are gathered in one slice and sorted on another core while the set rules
// replay; the replay's few are sorted then merged in. The result is what a stable sort of the
// two one after the other gives.
func (e *Engine) allFindings(set *stage) []Finding {
	// With room for the replay's findings, which mergeSorted then merges in place: they are
	// the suspects', as a shadow reports nothing, and seldom more than one a suspect.
	own, sorted := make([]Finding, 0, e.findings.n+e.sieve.suspects.n), make(chan struct{})
	go func() {
		defer close(sorted)
		for i, c := range e.findings.chunks {
			own = append(own, c...)
			e.findings.chunks[i] = nil // the garbage collector may take it now
		}
		slices.SortStableFunc(own, Compare)
	}()
	replayed := func() []Finding {
		defer func() { <-sorted }() // even when the replay panics: own is not to be left half sorted
		return e.sieve.replay(set)
	}()
	slices.SortStableFunc(replayed, Compare)
	return mergeSorted(own, replayed)
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
	case payload.CodeSyntax, payload.CodeSchema, payload.CodeCSVHeader, payload.CodeEncoding:
		e.inputFailed = true
	}
	r, ok := Lookup(d.Code)
	if !ok {
		r = Syntax // a reader code without a rule is a bug; keep the finding all the same
	}
	f := Finding{Pos: d.Pos, Message: d.Message, Record: -1}
	f.Snippet, f.SnippetCol = snippet(d.Text, d.TextPos, d.Pos)
	e.emit(r, f)
}

// checkRecord runs the schema and the record rules on one record, on a worker.
func (e *Engine) checkRecord(w *worker, rec *payload.Record) {
	p := &w.st.pass
	p.rec = rec
	if e.noPlain {
		// The readers' word too: nothing downstream (mappingOf, the sieve's copies) may take it.
		for i := range rec.Fields {
			rec.Fields[i].Plain = false
		}
		for i := range rec.Extra {
			rec.Extra[i].Plain = false
		}
	}
	p.notePlain(e.noPlain)
	if e.checkSchema {
		vs := e.schema.Check(rec)
		var byName map[string][]int // the fields' indexes, by name, for the violations'
		if len(vs) > 0 {
			byName = make(map[string][]int, len(rec.Fields))
			for i := range rec.Fields {
				byName[rec.Fields[i].Name] = append(byName[rec.Fields[i].Name], i)
			}
		}
		for _, v := range vs {
			p.rule = Schema
			p.Reportf(violationPos(rec, v, byName), v.Field, "%s", v.Message)
		}
	}
	checks := w.checks
	if p.allPlain {
		checks = w.plainChecks
	}
	for _, c := range checks {
		p.rule = c.rule
		c.fn(p)
	}
	p.done()
}

// violationPos points a schema violation at the key (unknown or repeated fields), the value, or
// the record itself (missing fields, wrong record type). byName has the indexes of the
// record's fields by name: a record of a thousand unknown keys would cost a scan of them all
// for each.
func violationPos(rec *payload.Record, v schema.Violation, byName map[string][]int) payload.Pos {
	at := byName[v.Field]
	switch {
	case v.Missing || v.Field == "" && !v.AtKey || v.Occurrence >= len(at):
		// "" with AtKey is a key that is empty ({"": 1}): it is there to point at.
		return rec.Pos
	case v.AtKey:
		return rec.Fields[at[v.Occurrence]].KeyPos
	}
	return rec.Fields[at[v.Occurrence]].Pos
}
