package validate

import (
	"sync/atomic"

	"github.com/idlint/idlint/payload"
)

// batchSize is how many records the record stage hands to the set stage at once: enough to
// make each hand-over cheap, few enough that a batch stays in cache.
const batchSize = 1024

// setStage runs the set rules on goroutines of their own. The record stage copies each mapped
// record into a batch (the readers reuse their buffers) and sends full batches to every set
// worker; each worker runs its rules over the batch in input order, so "first" and "later" mean
// what they mean in a single-threaded run. Rules that share an index (Pass.Account) share a
// worker; the others get one each, so their indexes are built in parallel.
type setStage struct {
	workers []*setWorker

	// Owned by the record stage.
	cur     *setBatch
	names   []string // input names not yet sent with a batch
	inputs  int      // inputs started so far
	started bool
	free    chan *setBatch
}

// A setWorker is one goroutine of the set stage, with its own rules, indexes and findings.
type setWorker struct {
	st     stage // touched only by the worker's goroutine once it has started
	checks []ruleCheck
	work   chan *setBatch
	done   chan struct{}
	free   chan *setBatch
}

// A setBatch holds copies of records: their fields and text live in the batch's own storage.
// Workers only read it; the last one to finish with it recycles it.
type setBatch struct {
	names   []string // inputs started since the previous batch, in order
	items   []setItem
	fields  []payload.Field
	text    []byte
	readers atomic.Int32 // workers still reading the batch
}

type setItem struct {
	rec            payload.Record
	m              mapping
	input          int
	fieldsAt, nFld int
	textAt, nText  int
}

func (s *setStage) init(enabled map[string]*Rule, checks []ruleCheck) {
	var shared *setWorker // the worker of the rules that use the account index
	for _, c := range checks {
		w := shared
		if !c.rule.usesAccounts || w == nil {
			w = &setWorker{}
			w.st.enabled = enabled
			w.st.pass.st = &w.st
			s.workers = append(s.workers, w)
			if c.rule.usesAccounts {
				shared = w
			}
		}
		w.checks = append(w.checks, c)
	}
}

func (s *setStage) startInput(name string) {
	s.names = append(s.names, name)
	s.inputs++
}

// add copies a mapped record into the current batch, sending the batch when it is full.
func (s *setStage) add(rec *payload.Record, m mapping) {
	if len(s.workers) == 0 {
		return
	}
	if !s.started {
		s.start()
	}
	if s.cur == nil {
		select {
		case s.cur = <-s.free:
		default:
			s.cur = &setBatch{items: make([]setItem, 0, batchSize)}
		}
	}
	b := s.cur
	b.items = append(b.items, setItem{rec: *rec, m: m, input: s.inputs - 1,
		fieldsAt: len(b.fields), nFld: len(rec.Fields), textAt: len(b.text), nText: len(rec.Text)})
	b.fields = append(b.fields, rec.Fields...)
	b.text = append(b.text, rec.Text...)
	if len(b.items) == batchSize {
		s.send()
	}
}

func (s *setStage) start() {
	s.started = true
	s.free = make(chan *setBatch, 8)
	for _, w := range s.workers {
		w.work, w.done, w.free = make(chan *setBatch, 4), make(chan struct{}), s.free
		go w.run()
	}
}

// send seals the current batch — points each record's slices at the batch's storage, which
// nothing appends to any more — and hands it to every worker.
func (s *setStage) send() {
	b := s.cur
	if b == nil {
		b = &setBatch{}
	}
	for i := range b.items {
		it := &b.items[i]
		it.rec.Fields = b.fields[it.fieldsAt : it.fieldsAt+it.nFld]
		it.rec.Text = b.text[it.textAt : it.textAt+it.nText]
	}
	b.names, s.names = s.names, nil
	b.readers.Store(int32(len(s.workers)))
	s.cur = nil
	for _, w := range s.workers {
		w.work <- b
	}
}

// finish sends what is left, waits for the workers and returns their findings.
func (s *setStage) finish() []Finding {
	if !s.started {
		return nil
	}
	s.send()
	var out []Finding
	for _, w := range s.workers {
		close(w.work)
	}
	for _, w := range s.workers {
		<-w.done
		out = append(out, w.st.findings...)
	}
	return out
}

// run is a worker's goroutine.
func (w *setWorker) run() {
	defer close(w.done)
	p := &w.st.pass
	for b := range w.work {
		w.st.files = append(w.st.files, b.names...)
		for i := range b.items {
			it := &b.items[i]
			w.st.fileIdx = it.input
			p.rec, p.m, p.mapped = &it.rec, it.m, true
			p.account, p.accountDone = accountView{}, false
			for _, c := range w.checks {
				p.rule = c.rule
				c.fn(p)
			}
		}
		p.rec = nil
		if b.readers.Add(-1) == 0 {
			b.items, b.fields, b.text = b.items[:0], b.fields[:0], b.text[:0]
			select {
			case w.free <- b:
			default:
			}
		}
	}
}
