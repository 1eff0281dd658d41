package validate

import (
	"runtime"

	"github.com/idlint/idlint/payload"
)

// The record stage runs on every core. Check's goroutine reads, and copies each record into a
// batch, since the readers reuse their buffers; workers run the schema and the record rules on
// whole batches and work out each mapped record's keys; one merger takes the batches back in
// input order, collects their findings and logs their mapped records in the sieve, which must
// see them in order. So the report is the same however the goroutines interleave.
//
//	Check ──batches──▶ workers (one per core) ──▶ merger, in input order ──▶ sieve
//	      ──the same batches, in order──────────────▲

// batchSize is how many records a batch holds: enough to make each hand-over cheap, few
// enough that a batch stays in cache.
const batchSize = 512

// A batch is a run of records of one input, and the findings of the reader among them.
type batch struct {
	input  int // index in Engine.files
	name   string
	format payload.Format
	size   int64  // the input's size in bytes, on its first batch, for sieve.expect
	src    source // how to read the input again, for the sieve
	items  []item
	diags  []Finding // the reader's findings, complete, pointed at by items
	fields []payload.Field
	text   []byte

	findings []Finding     // the worker's result: every finding of the batch, in item order
	done     chan struct{} // the worker has finished with the batch

	settled chan struct{} // for settle: an empty batch the merger closes this for
}

// An item is a record, or one of the reader's findings, in the order the reader gave them.
type item struct {
	diag int // index in batch.diags; -1 for a record

	rec              payload.Record // its Fields and Text point into the batch once it is sent
	fieldsAt, textAt int

	// The worker's result for the record.
	m      mapping
	mapped bool
	keys   recordKeys
}

// A worker runs the schema and the record rules, with state of its own.
type worker struct {
	st      stage
	checks  []ruleCheck
	scratch []byte
}

type pipeline struct {
	cur     *batch
	work    chan *batch   // to the workers
	ordered chan *batch   // to the merger, in input order
	free    chan *batch   // recycled by the merger
	merged  chan struct{} // closed when the merger is done
}

// enqueue copies a record into the current batch; it is the readers' Handler.Record.
func (e *Engine) enqueue(rec *payload.Record) {
	b := e.batch()
	b.items = append(b.items, item{diag: -1, rec: *rec, fieldsAt: len(b.fields), textAt: len(b.text)})
	b.fields = append(b.fields, rec.Fields...)
	b.fields = append(b.fields, rec.Extra...)
	b.text = append(b.text, rec.Text...)
	if len(b.items) == batchSize {
		e.flush()
	}
}

// emit adds a finding of the reader or the engine to the current batch, in order.
func (e *Engine) emit(r *Rule, f Finding) {
	if e.enabled[r.ID] == nil {
		return
	}
	f.File, f.Rule, f.Severity = e.files[len(e.files)-1], r.ID, r.Severity
	b := e.batch()
	b.items = append(b.items, item{diag: len(b.diags)})
	b.diags = append(b.diags, f)
}

// batch returns the current batch, starting the pipeline on the first one.
func (e *Engine) batch() *batch {
	p := &e.pipe
	if p.cur != nil {
		return p.cur
	}
	if p.work == nil {
		e.start()
	}
	select {
	case p.cur = <-p.free:
	default:
		p.cur = &batch{items: make([]item, 0, batchSize), done: make(chan struct{}, 1)}
	}
	in := len(e.files) - 1
	p.cur.input, p.cur.name, p.cur.format, p.cur.size, p.cur.src = in, e.files[in], e.format, e.size, e.src
	e.size = 0
	return p.cur
}

// flush seals the current batch — points each record's slices at the batch's storage, which
// nothing appends to any more — and hands it to the workers and the merger.
func (e *Engine) flush() {
	b := e.pipe.cur
	if b == nil {
		return
	}
	e.pipe.cur = nil
	for i := range b.items {
		it := &b.items[i]
		if it.diag < 0 {
			n, x := len(it.rec.Fields), len(it.rec.Extra)
			it.rec.Fields = b.fields[it.fieldsAt : it.fieldsAt+n : it.fieldsAt+n]
			it.rec.Extra = b.fields[it.fieldsAt+n : it.fieldsAt+n+x : it.fieldsAt+n+x]
			t := it.textAt + len(it.rec.Text)
			it.rec.Text = b.text[it.textAt:t:t]
		}
	}
	e.pipe.ordered <- b
	e.pipe.work <- b
}

func (e *Engine) start() {
	p := &e.pipe
	n := runtime.GOMAXPROCS(0)
	p.work, p.ordered = make(chan *batch, n), make(chan *batch, 4*n)
	p.free, p.merged = make(chan *batch, 4*n+n+1), make(chan struct{})
	for range n {
		w := &worker{st: stage{enabled: e.enabled}}
		w.st.pass.st = &w.st
		for _, r := range All {
			if e.enabled[r.ID] != nil && r.Record != nil {
				w.checks = append(w.checks, ruleCheck{rule: r, fn: r.Record()})
			}
		}
		go e.work(w)
	}
	go e.merge()
}

// stop sends the last batch and waits until the merger has taken every batch in.
func (e *Engine) stop() {
	if e.pipe.work == nil {
		return
	}
	e.flush()
	close(e.pipe.work)
	close(e.pipe.ordered)
	<-e.pipe.merged
}

// settle waits until the merger has taken in every record checked so far, for tests that
// change an input at a given point of the run.
func (e *Engine) settle() {
	if e.pipe.work == nil {
		return
	}
	e.flush()
	b := &batch{done: make(chan struct{}, 1), settled: make(chan struct{})}
	e.pipe.ordered <- b
	e.pipe.work <- b
	<-b.settled
}

// work is a worker's goroutine.
func (e *Engine) work(w *worker) {
	p := &w.st.pass
	for b := range e.pipe.work {
		w.st.file, w.st.fileIdx, w.st.format = b.name, b.input, b.format
		w.st.findings = b.findings[:0]
		for i := range b.items {
			it := &b.items[i]
			if it.diag >= 0 {
				w.st.findings = append(w.st.findings, b.diags[it.diag])
				continue
			}
			e.checkRecord(w, &it.rec)
			if it.m, it.mapped = p.m, p.mapped; it.mapped {
				it.keys = e.sieve.keysOf(&it.m, &w.scratch, e.sieve.needsLookAlikes())
			}
		}
		b.findings = w.st.findings
		b.done <- struct{}{}
	}
}

// merge is the merger's goroutine.
func (e *Engine) merge() {
	defer close(e.pipe.merged)
	for b := range e.pipe.ordered {
		<-b.done
		if b.settled != nil {
			close(b.settled)
			continue
		}
		e.sieve.expect(b.size, b.format)
		e.sieve.setSource(b.input, b.src)
		e.findings = append(e.findings, b.findings...)
		for i := range b.items {
			if it := &b.items[i]; it.mapped {
				e.sieve.warm(&it.keys)
			}
		}
		for i := range b.items {
			if it := &b.items[i]; it.mapped {
				at := Ref{File: uint32(b.input), Line: uint32(it.rec.Pos.Line)}
				e.sieve.add(&it.rec, it.m, it.keys, at)
			}
		}
		clear(b.findings) // let go of the findings' strings: the batch is kept for reuse
		b.items, b.diags, b.fields, b.text = b.items[:0], b.diags[:0], b.fields[:0], b.text[:0]
		select {
		case e.pipe.free <- b:
		default:
		}
	}
}
