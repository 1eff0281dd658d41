package validate_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

// panicky reads from r and panics once it has given after bytes.
type panicky struct {
	r     io.Reader
	after int
}

func (p *panicky) Read(b []byte) (int, error) {
	if p.after <= 0 {
		panic("the reader broke")
	}
	b = b[:min(len(b), p.after)]
	n, err := p.r.Read(b)
	p.after -= n
	return n, err
}

// TestPanicReachesCheck: a panic in the input's reader, in a rule's check of a batch or in the
// merge of one, on whichever worker it happens, is raised again in Check's goroutine, where
// the caller can recover it, with the stack where it happened; it leaves no goroutine running;
// and it breaks the run: a later Check returns an error and Result panics, rather than hang or
// report a partial run.
func TestPanicReachesCheck(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	data := crowdedIdentities(20000, 1, true, 0) // some 40 batches
	before := runtime.NumGoroutine()
	type panicAt struct {
		name  string
		setup func(*validate.Engine)
		after int // bytes the reader gives before it panics; -1: it does not
		frame string
	}
	var cases []panicAt
	for _, after := range []int{0, 100, 200 << 10} {
		cases = append(cases, panicAt{fmt.Sprintf("reader after %d bytes", after), func(*validate.Engine) {}, after, "(*panicky).Read"})
	}
	for _, step := range []string{"check", "merge"} {
		for _, nth := range []int{0, 1, 7, 30} {
			cases = append(cases, panicAt{fmt.Sprintf("%s of batch %d", step, nth), func(e *validate.Engine) {
				validate.PanicAt(e, step, nth, "the "+step+" broke")
			}, -1, "validate.(*Engine)." + step})
		}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for range 3 {
				e, err := validate.New(validate.Options{})
				if err != nil {
					t.Fatal(err)
				}
				tc.setup(e)
				var r io.Reader = bytes.NewReader(data)
				want := "the check broke"
				if tc.after >= 0 {
					r, want = &panicky{r: r, after: tc.after}, "the reader broke"
				} else if strings.HasPrefix(tc.name, "merge") {
					want = "the merge broke"
				}
				got := recovered(func() { e.Check("in.csv", r, payload.FormatCSV) })
				if got == nil || !strings.Contains(fmt.Sprint(got), want) {
					t.Fatalf("Check raised %v, want %q", got, want)
				}
				if !strings.Contains(fmt.Sprint(got), tc.frame) {
					t.Fatalf("the panic does not show where it happened (%s):\n%v", tc.frame, got)
				}
				if _, err := e.Check("next.csv", bytes.NewReader(data), payload.FormatCSV); err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("a later Check returned %v, want an error naming the panic", err)
				}
				if v := recovered(func() { e.Result() }); v == nil || !strings.Contains(fmt.Sprint(v), want) {
					t.Fatalf("Result raised %v, want a panic naming the first", v)
				}
			}
		})
	}
	// Goroutines that were stopping may take a moment to be gone.
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// recovered runs f and returns what it panicked with, or nil.
func recovered(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

// BenchmarkSmallInputs checks 1,000 one-row inputs in one run, as a hook run over many small
// files does: each input must cost little more than its record.
func BenchmarkSmallInputs(b *testing.B) {
	data := []byte("email,applicationType,cloudId\njane@acme.com,GITHUB,jane\n")
	for b.Loop() {
		e, err := validate.New(validate.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for i := range 1000 {
			if _, err := e.Check(fmt.Sprintf("in%d.csv", i), bytes.NewReader(data), payload.FormatCSV); err != nil {
				b.Fatal(err)
			}
		}
		_ = e.Result()
	}
}

// TestValuesOutliveNoBatch: the CSV reader's values live in their batch, which the next batch
// reuses (see payload.Handler.TransientValues), so whatever the run keeps of them past the
// merge — a suspect's copy, an interned integration, a finding's personal data — must be a
// copy. With batches of one record, each written over as it is merged, a value kept without a
// copy would show in the findings. The inputs repeat every key the set rules relate, spell
// integrations in several ways, and (with the rule cases) reach every rule; Personal is kept.
func TestValuesOutliveNoBatch(t *testing.T) {
	inputs := map[string][]byte{
		"crowded legacy":      crowdedIdentities(3000, 31, true, 100),
		"crowded v2":          crowdedIdentities(3000, 32, false, 100),
		"crowded legacy only": crowdedIdentities(2000, 33, true, 2000), // look-alike keys never needed
	}
	var spelt strings.Builder
	spelt.WriteString("email,applicationType,cloudId,note\n")
	for i := range 300 {
		// The same integration in several spellings, interned once; a note (an Extra field)
		// that rules quote; the same account claimed by several emails.
		fmt.Fprintf(&spelt, "dev%d@acme.com, %s ,user%d,=cmd%d\n", i%40, []string{"github", "GITHUB", "GitHub", "gitlab"}[i%4], i%25, i)
	}
	inputs["spelt"] = []byte(spelt.String())
	cases, _ := filepath.Glob(filepath.Join("..", "testdata", "rules", "*", "*"))
	for _, c := range cases {
		if filepath.Ext(c) != ".want" {
			data, err := os.ReadFile(c)
			if err != nil {
				t.Fatal(err)
			}
			inputs[c] = data
		}
	}
	// The ways a run keeps what it found: every finding with its personal data, the first of
	// each rule (the keeper), copies of the texts (an input that cannot be read again).
	ways := []struct {
		name  string
		opts  validate.Options
		setup func(*validate.Engine)
	}{
		{"all", validate.Options{}, func(*validate.Engine) {}},
		{"copies", validate.Options{}, validate.KeepCopies},
		{"first", validate.Options{KeepPerRule: 2, OmitPersonal: true}, func(*validate.Engine) {}},
		{"first, copies", validate.Options{KeepPerRule: 2}, validate.KeepCopies},
	}
	run := func(data []byte, opts validate.Options, setup ...func(*validate.Engine)) validate.Result {
		e, err := validate.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range setup {
			f(e)
		}
		if _, err := e.Check("fuzz", bytes.NewReader(data), payload.FormatUnknown); err != nil {
			t.Fatal(err)
		}
		return result(t, e)
	}
	for name, data := range inputs {
		for _, way := range ways {
			want := run(data, way.opts, way.setup)
			if diff := cmp.Diff(want, run(data, way.opts, way.setup, validate.OneRecordBatches)); diff != "" {
				t.Errorf("%s, %s: batches written over as they are merged change the result (-batches of 512 +of one):\n%s", name, way.name, diff)
			}
		}
	}
}
