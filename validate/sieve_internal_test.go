package validate

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/payload"
)

// TestSieveTextsFull runs the sieve with its text store already full (4 GiB of emails and
// identities logged before): records whose texts are not kept cannot be rebuilt as shadows,
// so they must be kept whole, and the findings stay those of replaying every record.
func TestSieveTextsFull(t *testing.T) {
	data := []byte("email,applicationType,cloudId\na@x.com,GITHUB,one\nb@x.com,GITHUB,two\nc@x.com,GITHUB,one\n")
	run := func(every bool) []Finding {
		e, err := New(Options{})
		if err != nil {
			t.Fatal(err)
		}
		full := make([]byte, chunkSize) // one chunk, shared by every slot: 1 MiB, not 4 GiB
		e.sieve.texts.chunks = make([][]byte, maxChunks)
		for i := range e.sieve.texts.chunks {
			e.sieve.texts.chunks[i] = full
		}
		e.sieve.everySuspect = every
		e.sieve.copyTexts = true // an input read again needs no text store
		if _, err := e.Check("t.csv", bytes.NewReader(data), payload.FormatCSV); err != nil {
			t.Fatal(err)
		}
		return e.Result().Findings
	}
	want := run(true)
	if len(want) == 0 {
		t.Fatal("no findings: the test no longer has a duplicate")
	}
	if d := cmp.Diff(want, run(false)); d != "" {
		t.Fatalf("-every record +sieve:\n%s", d)
	}
}

// TestLogEntrySize keeps the documented size of a log entry true.
func TestLogEntrySize(t *testing.T) {
	if n := unsafe.Sizeof(logEntry{}); n != 40 {
		t.Fatalf("a logEntry is %d bytes; sieve.go and README.md say 40", n)
	}
}

// TestLazyLimit: the non-ASCII look-alike texts taken for suspects untested are 4,096, or one
// in 256 of the records expected, whichever is more.
func TestLazyLimit(t *testing.T) {
	for _, tc := range []struct {
		maxLazy  int
		expected int64
		want     int
	}{
		{maxLazyLookAlikes, 0, 4096}, {maxLazyLookAlikes, 1_000_000, 4096},
		{maxLazyLookAlikes, 10_000_000, 39062}, {3, 0, 3}, {3, 2560, 10},
	} {
		s := sieve{maxLazy: tc.maxLazy, expected: tc.expected}
		if got := s.lazyLimit(); got != tc.want {
			t.Errorf("lazyLimit with maxLazy %d and %d records expected = %d, want %d", tc.maxLazy, tc.expected, got, tc.want)
		}
	}
}

// TestInternIntegration: integrations get indexes in the order they come, the same index each
// time, however many share a slot of recent.
func TestInternIntegration(t *testing.T) {
	var s sieve
	want := map[integrationName]uint32{}
	for round := range 3 {
		for i := range 300 {
			n := (i*37 + round*11) % 300
			m := newMapping("a@x.com", fmt.Sprint(n), n%2 == 0, "id")
			if m.legacy {
				m.integration = fmt.Sprintf("APP%d", n)
			}
			h := keyHasher{m: &m}
			got, ok := s.internIntegration(&m, h.integrationHash())
			name := integrationName{m.integration, m.legacy}
			if w, seen := want[name]; !ok || seen && got != w || !seen && int(got) != len(want) {
				t.Fatalf("round %d: %v interned as %d, %v; want %d (seen %v, %d before)", round, name, got, ok, w, seen, len(want))
			}
			want[name] = got
			if s.names[got] != name {
				t.Fatalf("names[%d] = %v, want %v", got, s.names[got], name)
			}
		}
	}
}

// TestRelevantEntries: the log scan of the replay finds the same entries, in the same order,
// with their inputs and suspects, however many parts it is split in, including more parts
// than entries, and it reads the shadows' texts again, from each of the run's inputs.
func TestRelevantEntries(t *testing.T) {
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	type place struct{ file, line uint32 }
	texts := map[place][2]string{}
	for in := range 3 {
		var data bytes.Buffer
		data.WriteString("email,applicationType,cloudId\n")
		for i := range 1000 { // record i is on line i+2
			email, login := fmt.Sprintf("dev%d.%d@acme.com", in, i), fmt.Sprintf("login%d", (1000*in+i)%1500) // a login in two inputs
			fmt.Fprintf(&data, "%s,GITHUB,%s\n", email, login)
			texts[place{uint32(in), uint32(i + 2)}] = [2]string{email, login}
		}
		// Inputs the sieve can read again: the shadows' texts are not in the log.
		if _, err := e.Check(fmt.Sprintf("in%d.csv", in), bytes.NewReader(data.Bytes()), payload.FormatCSV); err != nil {
			t.Fatal(err)
		}
	}
	s := &e.sieve
	relevant := s.relevantKeys()
	var want []hit
	next, file := 0, 0 // the next suspect, the input of the entry
	for seq := range s.log.n {
		for file+1 < len(s.files) && s.files[file+1].seq <= seq {
			file++
		}
		keys := s.replayKeys(s.log.at(seq), relevant)
		if keys == 0 {
			continue
		}
		h := hit{seq: seq, keys: keys, file: s.files[file].file, suspect: -1}
		if next < s.suspects.n && s.suspects.at(next).seq == seq {
			h.suspect = next
			next++
		} else {
			// A shadow: its texts are read ahead, as they were written.
			t := texts[place{s.files[file].file, s.log.at(seq).line}]
			h.read.email, h.read.identity, h.readAhead = t[0], t[1], true
		}
		want = append(want, h)
	}
	if len(want) < 1000 || len(s.files) != 3 {
		t.Fatalf("%d hits in %d inputs; the test means many, in three", len(want), len(s.files))
	}
	defer func(n int) { replayScanPart = n }(replayScanPart)
	for _, part := range []int{1, 7, 100, 2999, 3000, 1 << 16} {
		replayScanPart = part
		for _, scanners := range []int{0, 1, 2, 3, 7} {
			got := slices.Collect(s.relevantEntries(relevant, scanners))
			if d := cmp.Diff(want, got, cmp.AllowUnexported(hit{}, textsRead{})); d != "" {
				t.Errorf("parts of %d, %d scanners (-one scan +scanners):\n%s", part, scanners, d)
			}
		}
	}
}

// TestScanAhead: the parts come in order whatever the number of workers; the workers keep at
// most scanAheadParts parts ahead of the caller; a caller that stops early gets back only once
// the workers are done with the parts they were on, and they take no more; a worker's panic
// reaches the caller with the worker's stack.
func TestScanAhead(t *testing.T) {
	for _, parts := range []int{0, 1, 5, 100} {
		for _, workers := range []int{-1, 0, 1, 2, 4, 200} {
			got := slices.Collect(scanAhead(parts, workers, func(p int) int { return p }))
			if want := slices.Collect(func(yield func(int) bool) {
				for p := range parts {
					yield(p)
				}
			}); !slices.Equal(got, want) {
				t.Errorf("%d parts, %d workers: %v", parts, workers, got)
			}
		}
	}

	// A slow caller: the workers never get more than scanAheadParts parts ahead of it.
	var yielded, ahead atomic.Int64
	for range scanAhead(60, 3, func(p int) int {
		n := int64(p) - yielded.Load()
		for m := ahead.Load(); n > m && !ahead.CompareAndSwap(m, n); m = ahead.Load() {
		}
		return p
	}) {
		yielded.Add(1)
		time.Sleep(100 * time.Microsecond)
	}
	if n := ahead.Load(); n > scanAheadParts {
		t.Errorf("the workers took a part %d parts ahead of a slow caller; want at most %d", n, scanAheadParts)
	}

	const workers = 2
	var started atomic.Int64
	var opened atomic.Bool
	gate := make(chan struct{})
	parts := scanAhead(100, workers, func(p int) int {
		started.Add(1)
		if p > 0 {
			<-gate // the workers are on parts 1 and 2 when the caller stops
		}
		return p
	})
	go func() {
		time.Sleep(20 * time.Millisecond)
		opened.Store(true)
		close(gate)
	}()
	for range parts {
		break
	}
	if !opened.Load() {
		t.Error("scanAhead returned before its workers were done with their parts")
	}
	if n := started.Load(); n > 1+workers {
		t.Errorf("%d parts begun for a caller that took one, with %d workers", n, workers)
	}

	defer func() {
		p, ok := recover().(*workerPanic)
		if !ok || !strings.Contains(string(p.stack), "TestScanAhead") {
			t.Errorf("a worker's panic reached the caller as %v", p)
		}
	}()
	for range scanAhead(100, workers, func(p int) int {
		if p == 3 {
			panic("part 3")
		}
		return p
	}) {
	}
	t.Error("a worker's panic did not reach the caller")
}
