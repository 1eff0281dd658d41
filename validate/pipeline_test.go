package validate_test

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

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

// TestPanicReachesCheck: a panic in the input's reader, on whichever worker resumed it, is
// raised again in Check's goroutine, where the caller can recover it, and leaves no goroutine
// running: the others stop.
func TestPanicReachesCheck(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	data := crowdedIdentities(20000, 1, true, 0)
	before := runtime.NumGoroutine()
	for _, after := range []int{0, 100, 200 << 10} {
		t.Run(fmt.Sprint(after), func(t *testing.T) {
			for range 5 {
				e, err := validate.New(validate.Options{})
				if err != nil {
					t.Fatal(err)
				}
				got := func() (v any) {
					defer func() { v = recover() }()
					e.Check("in.csv", &panicky{r: bytes.NewReader(data), after: after}, payload.FormatCSV)
					return nil
				}()
				if got == nil || !strings.Contains(fmt.Sprint(got), "the reader broke") {
					t.Fatalf("Check raised %v, want the reader's panic", got)
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
