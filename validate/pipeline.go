package validate

import (
	"errors"
	"fmt"
	"iter"
	"runtime"
	"runtime/debug"
	"sync"
	"unsafe"

	"github.com/idlint/idlint/payload"
)

// The record stage runs on every core, and each batch of records stays on one core from the
// moment it is read until it is merged: parsed records take several times the bytes of their
// text, and handing them to another core is slow (a run that only read, handing each batch to
// other goroutines, took half as long again with two cores as with one). So there is no
// reader goroutine: the reader runs as a coroutine (iter.Pull) that any of the workers
// resumes, under a lock, to read the next batch for itself. A worker checks the batch it read
// — the schema, the record rules, each mapped record's keys — then merges it: the batches are
// merged in input order, by whichever worker finishes the batch that is next in order (it
// merges the batches queued behind it too). Merging collects the findings and logs the mapped
// records in the sieve, which must see them in order. So the report is the same however the
// workers interleave.
//
//	reader coroutine ──next batch──▶ worker (one per core): check ──▶ merge, in order ──▶ sieve

// batchSize is how many records a batch holds: enough to make taking one and merging it
// cheap, few enough that a batch stays in cache.
const batchSize = 512

// A batch is also full at batchFields fields or batchText bytes of text, so that its memory
// does not grow with the width of its records: 512 rows of 4,096 cells would take 180 MB.
const (
	batchFields = 16 * batchSize
	batchText   = 1 << 20
)

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
	// values holds the records' field values: the reader's live only until it hands over the
	// next record (see payload.Handler.TransientValues). Like text, it is reused for the next
	// batch once this one is merged, so nothing may keep a value, or a string cut from one,
	// past the merge without copying it: a suspect of the sieve copies its record, a finding
	// builds its own texts. OneRecordBatches has the tests catch a value kept.
	values []byte

	findings []Finding // the worker's result: every finding of the batch, in item order
	// dropped counts the findings a worker left out of findings, when the run keeps only the
	// first of each rule (see capBatch).
	dropped map[droppedKey]int
	checked bool // the worker has finished with the batch; guarded by pipeline.mu
}

// An item is a record, or one of the reader's findings, in the order the reader gave them.
type item struct {
	diag int // index in batch.diags; -1 for a record

	rec                        payload.Record // its Fields, values and Text point into the batch once it is sent
	fieldsAt, textAt, valuesAt int

	// The worker's result for the record.
	m      mapping
	mapped bool
	keys   recordKeys
}

// A worker runs the schema and the record rules, with state of its own.
type worker struct {
	st     stage
	checks []ruleCheck
	// plainChecks are the checks without the rules quiet on plain text, for a record whose
	// strings are all plain (see Rule.plainQuiet).
	plainChecks []ruleCheck
	scratch     []byte
	capAt       int // the findings of the batch at which capBatch runs next
}

type pipeline struct {
	cur     *batch            // the batch the reader is filling
	yield   func(*batch) bool // hands a full batch to the worker that resumed the reader
	workers []*worker         // one per core, reused from input to input
	mu      sync.Mutex        // guards what follows
	queue   []*batch          // read and not merged yet, in input order
	merging bool              // a worker is merging the head of queue
	free    []*batch          // merged, for reuse
}

// enqueue copies a record into the current batch; it is the readers' Handler.Record.
func (e *Engine) enqueue(rec *payload.Record) {
	b := e.batch()
	// In place, not append(b.items, item{...}): an item is 376 bytes, and the literal would be
	// zeroed and then copied, on the reader, which one core runs at a time. The worker sets
	// the rest (check: m and keys, when mapped).
	n := len(b.items)
	if n == cap(b.items) {
		b.items = append(b.items, item{})
	}
	b.items = b.items[:n+1]
	it := &b.items[n]
	it.diag, it.fieldsAt, it.textAt, it.valuesAt, it.mapped = -1, len(b.fields), len(b.text), len(b.values), false
	rec.CopyTo(&it.rec)
	b.fields = append(b.fields, rec.Fields...)
	b.fields = append(b.fields, rec.Extra...)
	b.text = append(b.text, rec.Text...)
	for i := range rec.Fields {
		b.values = append(b.values, rec.Fields[i].Value...)
	}
	for i := range rec.Extra {
		b.values = append(b.values, rec.Extra[i].Value...)
	}
	// The reader's findings count in the items too: see emit.
	if len(b.items) >= e.batchItems || len(b.fields) >= batchFields || len(b.text) >= batchText {
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
	// A full batch goes now, or a run of the reader's findings (a file of broken rows) would
	// make one batch of the whole input.
	if len(b.items) >= e.batchItems {
		e.flush()
	}
}

// batch returns the current batch, which the reader fills.
func (e *Engine) batch() *batch {
	p := &e.pipe
	if p.cur != nil {
		return p.cur
	}
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		p.cur, p.free = p.free[n-1], p.free[:n-1]
	} else {
		p.cur = &batch{items: make([]item, 0, batchSize)}
	}
	p.mu.Unlock()
	in := len(e.files) - 1
	p.cur.input, p.cur.name, p.cur.format, p.cur.size, p.cur.src = in, e.files[in], e.format, e.size, e.src
	e.size = 0
	return p.cur
}

// flush seals the current batch — points each record's slices and values at the batch's
// storage, which nothing appends to any more — queues it for merging and hands it to the worker
// that resumed the reader.
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
			// Each value still has its length, with bytes the reader has written over since.
			at := it.valuesAt
			for k := it.fieldsAt; k < it.fieldsAt+n+x; k++ {
				v := &b.fields[k].Value
				if l := len(*v); l > 0 {
					*v = unsafe.String(&b.values[at], l)
					at += l
				}
			}
		}
	}
	p := &e.pipe
	p.mu.Lock()
	p.queue = append(p.queue, b)
	p.mu.Unlock()
	if !p.yield(b) {
		panic(errStopped) // to payload.Read's caller, the reader coroutine (see run)
	}
}

// run reads and checks one input: every worker resumes the reader for a batch, checks it and
// merges what is next in order, until the input ends. Check's goroutine is the first worker;
// the others start with the input's second batch, so a small input starts none. When run
// returns, every record of the input has been merged and the other workers have stopped. A
// panic in the reader, a rule or the sieve stops the other workers, breaks the run (see Check)
// and is raised again in Check's goroutine.
func (e *Engine) run(read func()) {
	p := &e.pipe
	if p.workers == nil {
		for range runtime.GOMAXPROCS(0) {
			w := &worker{st: stage{enabled: e.enabled, omitPersonal: e.omitPersonal}}
			w.st.pass.st = &w.st
			for _, r := range All {
				if e.enabled[r.ID] != nil && r.Record != nil {
					c := ruleCheck{rule: r, fn: r.Record()}
					w.checks = append(w.checks, c)
					if !r.plainQuiet {
						w.plainChecks = append(w.plainChecks, c)
					}
				}
			}
			p.workers = append(p.workers, w)
		}
	}
	next, stop := iter.Pull(func(yield func(*batch) bool) {
		defer func() {
			// iter.Pull raises a panic again in next's caller, without the reader's frames:
			// keep the stack here.
			if r := recover(); r != nil && r != errStopped {
				panic(caught(r))
			}
		}()
		p.yield = yield
		read()
	})
	r := runState{next: next, room: make(chan struct{}, 4*len(p.workers)), quit: make(chan struct{})}
	r.work(e, p.workers[0])
	r.helpers.Wait()
	stop() // the reader has returned, unless a worker failed: then it stops at its next batch
	p.yield = nil
	if r.failure != nil {
		e.broken = r.failure
		panic(r.failure)
	}
}

// runState is what the workers of one run share.
type runState struct {
	next    func() (*batch, bool) // resumes the reader; called under reading
	reading sync.Mutex
	batches int           // read so far, under reading
	room    chan struct{} // a token a batch read and not merged yet, or about to be: bounds memory
	helpers sync.WaitGroup

	quit     chan struct{} // closed when a worker fails
	failOnce sync.Once
	failure  *workerPanic
}

// work is a worker: it takes a batch from the reader, checks it and merges what is next in
// order, until the input ends or another worker fails.
func (r *runState) work(e *Engine, w *worker) {
	defer func() {
		if v := recover(); v != nil {
			r.failOnce.Do(func() {
				r.failure = caught(v) // the reader's keeps the reader's stack
				close(r.quit)
			})
		}
	}()
	for {
		select {
		case r.room <- struct{}{}:
		case <-r.quit:
			return
		}
		b, ok := r.pull(e)
		if !ok {
			<-r.room
			return
		}
		e.check(w, b)
		e.finish(b, r.room)
	}
}

// pull resumes the reader for the next batch; ok is false when the input has ended or a
// worker failed. It starts the other workers when the input turns out to have a second batch.
func (r *runState) pull(e *Engine) (b *batch, ok bool) {
	r.reading.Lock()
	defer r.reading.Unlock()
	select {
	case <-r.quit:
		return nil, false
	default:
	}
	if b, ok = r.next(); ok {
		if r.batches++; r.batches == 2 {
			for _, w := range e.pipe.workers[1:] {
				r.helpers.Go(func() { r.work(e, w) })
			}
		}
	}
	return b, ok
}

// errStopped stops the reader when no worker takes its batches any more (another failed).
var errStopped = errors.New("validate: the run stopped")

// A workerPanic is a panic in one of a run's workers or in the reader, raised again in Check's
// goroutine, with the stack where it happened.
type workerPanic struct {
	value any
	stack []byte
}

// caught returns a recovered panic value as a workerPanic, with the stack where the panic
// happened, unless it is one already, raised again: it keeps its first stack. The deferred
// function that recovered v calls it, while that stack is still there.
func caught(v any) *workerPanic {
	if p, ok := v.(*workerPanic); ok {
		return p
	}
	return &workerPanic{value: v, stack: debug.Stack()}
}

func (p *workerPanic) Error() string { return fmt.Sprintf("%v\n\n%s", p.value, p.stack) }

func (p *workerPanic) Unwrap() error {
	err, _ := p.value.(error)
	return err
}

// check runs the schema and the record rules over a batch, and works out the keys of its
// mapped records.
func (e *Engine) check(w *worker, b *batch) {
	if e.testHook != nil {
		e.testHook("check")
	}
	w.st.file, w.st.fileIdx, w.st.format = b.name, b.input, b.format
	w.st.findings = b.findings[:0]
	w.capAt = batchCapMin
	for i := range b.items {
		it := &b.items[i]
		if it.diag >= 0 {
			w.st.findings = append(w.st.findings, b.diags[it.diag])
			continue
		}
		start := len(w.st.findings)
		e.checkRecord(w, &it.rec)
		w.st.findings = dedupeRecord(w.st.findings, start)
		if e.keep != nil && len(w.st.findings) >= w.capAt {
			if b.dropped == nil {
				b.dropped = map[droppedKey]int{}
			}
			w.st.findings = capBatch(w.st.findings, e.keep.limit, b.dropped)
			w.capAt = max(batchCapMin, 2*len(w.st.findings))
		}
		if it.mapped = mappingOf(&it.rec, &it.m); it.mapped {
			e.sieve.keysInto(&it.keys, &it.m, &w.scratch, e.sieve.needsLookAlikes())
		}
	}
	b.findings = w.st.findings
}

// finish marks a batch checked and, unless another worker is merging, merges the checked
// batches at the head of the queue, in input order, giving back their tokens in room: the
// worker that checks a batch thus usually merges it too, while it is in that worker's cache.
func (e *Engine) finish(b *batch, room chan struct{}) {
	p := &e.pipe
	p.mu.Lock()
	b.checked = true
	if p.merging {
		p.mu.Unlock()
		return // the merging worker takes it when its turn comes
	}
	p.merging = true
	for len(p.queue) > 0 && p.queue[0].checked {
		head := p.queue[0]
		p.queue = p.queue[1:]
		p.mu.Unlock()
		e.merge(head) // unlocked: the others go on checking and queueing meanwhile
		<-room
		p.mu.Lock()
		head.checked = false
		p.free = append(p.free, head)
	}
	p.merging = false
	p.mu.Unlock()
}

// merge takes a checked batch into the run: its findings, and its mapped records into the
// sieve. Batches are merged one at a time, in input order.
func (e *Engine) merge(b *batch) {
	if e.testHook != nil {
		e.testHook("merge")
	}
	e.sieve.expect(b.size, b.format)
	e.sieve.setSource(b.input, b.src)
	for i := range b.findings {
		if e.keep != nil {
			e.keep.add(&b.findings[i])
		} else {
			e.findings.append(b.findings[i])
		}
	}
	for d, n := range b.dropped {
		e.keep.countDropped(d, n)
	}
	clear(b.dropped)
	for i := range b.items {
		if it := &b.items[i]; it.mapped {
			e.sieve.warm(&it.keys)
		}
	}
	for i := range b.items {
		if it := &b.items[i]; it.mapped {
			at := Ref{File: uint32(b.input), Line: uint32(it.rec.Pos.Line)}
			e.sieve.add(&it.rec, &it.m, &it.keys, at)
		}
	}
	clear(b.findings) // let go of the findings' strings: the batch is kept for reuse
	if e.poison {
		for i := range b.values {
			b.values[i] = '#'
		}
	}
	b.items, b.diags, b.fields, b.text, b.values = b.items[:0], b.diags[:0], b.fields[:0], b.text[:0], b.values[:0]
}
