package validate

import "github.com/idlint/idlint/payload"

// batchSize is how many records the record stage hands to the set stage at once: enough to
// make each hand-over cheap, few enough that a batch stays in cache.
const batchSize = 1024

// setStage runs the set rules on its own goroutine. The record stage copies each mapped
// record into a batch (the readers reuse their buffers) and sends full batches over a channel;
// the set goroutine runs the set rules over them in input order, so "first" and "later" mean
// what they mean in a single-threaded run, and recycles the batches.
type setStage struct {
	st     stage // touched only by the set goroutine once it has started
	checks []ruleCheck

	// Owned by the record stage.
	cur     *setBatch
	names   []string // input names not yet sent with a batch
	inputs  int      // inputs started so far
	started bool

	work chan *setBatch
	free chan *setBatch
	done chan struct{}
}

// A setBatch holds copies of records: their fields and text live in the batch's own storage,
// and each item's slices are pointed at it by the set goroutine, once nothing is appended.
type setBatch struct {
	names  []string // inputs started since the previous batch, in order
	items  []setItem
	fields []payload.Field
	text   []byte
}

type setItem struct {
	rec            payload.Record
	m              mapping
	input          int
	fieldsAt, nFld int
	textAt, nText  int
}

func (s *setStage) init(enabled map[string]*Rule, checks []ruleCheck) {
	s.st.enabled = enabled
	s.st.pass.st = &s.st
	s.checks = checks
}

func (s *setStage) startInput(name string) {
	s.names = append(s.names, name)
	s.inputs++
}

// add copies a mapped record into the current batch, sending the batch when it is full.
func (s *setStage) add(rec *payload.Record, m mapping) {
	if len(s.checks) == 0 {
		return
	}
	if !s.started {
		s.started = true
		s.work, s.free, s.done = make(chan *setBatch, 4), make(chan *setBatch, 8), make(chan struct{})
		go s.run()
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

func (s *setStage) send() {
	b := s.cur
	if b == nil {
		b = &setBatch{}
	}
	b.names, s.names = s.names, nil
	s.cur = nil
	s.work <- b
}

// finish sends what is left, waits for the set goroutine and returns its findings.
func (s *setStage) finish() []Finding {
	if !s.started {
		return nil
	}
	s.send()
	close(s.work)
	<-s.done
	return s.st.findings
}

// run is the set goroutine.
func (s *setStage) run() {
	defer close(s.done)
	p := &s.st.pass
	for b := range s.work {
		s.st.files = append(s.st.files, b.names...)
		for i := range b.items {
			it := &b.items[i]
			it.rec.Fields = b.fields[it.fieldsAt : it.fieldsAt+it.nFld]
			it.rec.Text = b.text[it.textAt : it.textAt+it.nText]
			s.st.fileIdx = it.input
			p.rec, p.m, p.mapped = &it.rec, it.m, true
			p.account, p.accountDone = accountView{}, false
			for _, c := range s.checks {
				p.rule = c.rule
				c.fn(p)
			}
		}
		p.rec = nil
		b.items, b.fields, b.text = b.items[:0], b.fields[:0], b.text[:0]
		select {
		case s.free <- b:
		default:
		}
	}
}
