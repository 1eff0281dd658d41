package validate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/idlint/idlint/payload"
)

// TestSourceOf: the sieve reads again a regular file, by its name, and a bytes.Reader or a
// strings.Reader; not a pipe, a file its name does not open, nor a reader it cannot tell will
// stay readable and unchanged.
func TestSourceOf(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ids.csv")
	if err := os.WriteFile(path, []byte("email,applicationType,cloudId\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	open := func(path string) *os.File {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	file := open(path)
	if _, err := file.Seek(6, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	gone := filepath.Join(dir, "gone.csv")
	if err := os.WriteFile(gone, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	removed := open(gone)
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	renamed := os.NewFile(open(path).Fd(), "not a path")
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	mem := bytes.NewReader([]byte("0123456789"))
	mem.Seek(3, io.SeekStart)
	for _, tc := range []struct {
		name     string
		r        io.Reader
		path     string
		inMemory bool
		base     int64
		size     int64 // of a regular file, else 0
	}{
		{"file", file, path, false, 6, 30},
		{"bytes", mem, "", true, 3, 0},
		{"string", strings.NewReader("x"), "", true, 0, 0},
		{"removed file", removed, "", false, 0, 1},
		{"file whose name is no path", renamed, "", false, 0, 30},
		{"pipe", pr, "", false, 0, 0},
		{"closer", io.NopCloser(bytes.NewReader(nil)), "", false, 0, 0},
		{"section", io.NewSectionReader(file, 0, 5), "", false, 0, 0},
		{"stream", struct{ io.Reader }{bytes.NewReader(nil)}, "", false, 0, 0},
	} {
		src, size := sourceOf(tc.r)
		if src.path != tc.path || (src.ra != nil) != tc.inMemory || src.base != tc.base || src.rereadable() != (tc.path != "" || tc.inMemory) {
			t.Errorf("%s: sourceOf = %+v", tc.name, src)
		}
		if size != tc.size {
			t.Errorf("%s: size %d, want %d", tc.name, size, tc.size)
		}
	}
}

// TestTextRefPacks: a textRef comes back from its two words as it went in, at the limits of
// each part, and packTextRef refuses what does not fit.
func TestTextRefPacks(t *testing.T) {
	pack := func(r textRef) ([2]uint64, bool) {
		w0, w1, ok := packTextRef(r.at, r.emailLen, r.identityLen, r.delta, r.sum)
		return [2]uint64{w0, w1}, ok
	}
	for _, r := range []textRef{
		{},
		{at: 1<<40 - 1, emailLen: 1<<17 - 1, identityLen: 1<<17 - 1, delta: 1<<20 - 1, sum: ^uint32(0)},
		{at: 12345, emailLen: 17, identityLen: 36, delta: -(1<<20 - 1), sum: 0x80000001},
		{at: 7, emailLen: 3, identityLen: 0, delta: -40, sum: 0xDEADBEEF},
	} {
		w, ok := pack(r)
		if !ok {
			t.Fatalf("%+v does not pack", r)
		}
		if got := unpackTextRef(w); got != r {
			t.Fatalf("unpack(pack(%+v)) = %+v", r, got)
		}
	}
	for _, r := range []textRef{
		{at: 1 << 40}, {at: -1}, {emailLen: 1 << 17}, {identityLen: 1 << 17}, {delta: 1 << 20}, {delta: -(1 << 20)},
	} {
		if _, ok := pack(r); ok {
			t.Errorf("%+v packs, but does not fit", r)
		}
	}
}

// TestTooManyIntegrations: past the integrations the log can tell apart, records are kept
// whole, and the findings stay those of replaying every record.
func TestTooManyIntegrations(t *testing.T) {
	defer func(n int) { maxIntegrations = n }(maxIntegrations)
	maxIntegrations = 2
	var b strings.Builder
	b.WriteString("email,integrationId,identity\n")
	for i := range 300 {
		fmt.Fprintf(&b, "dev%d@x.com,%d,id%d\n", i%40, 1000+i%5, i%30)
	}
	run := func(every bool) []Finding {
		e, err := New(Options{})
		if err != nil {
			t.Fatal(err)
		}
		e.sieve.everySuspect = every
		if _, err := e.Check("t.csv", strings.NewReader(b.String()), payload.FormatCSV); err != nil {
			t.Fatal(err)
		}
		fs := e.Result().Findings
		if n := len(e.sieve.names); n > 2 {
			t.Fatalf("%d integrations interned, past the limit", n)
		}
		return fs
	}
	want := run(true)
	if len(want) < 50 {
		t.Fatalf("only %d findings: the test no longer has repeats", len(want))
	}
	if d := cmp.Diff(want, run(false)); d != "" {
		t.Fatalf("-every record +sieve:\n%s", d)
	}
}

// TestRereader reads back in blocks, across them and past the end of the input.
func TestRereader(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), rereadBlock/5) // two of the largest blocks
	rr := openRereader(source{ra: bytes.NewReader(data)}, 0)
	for _, c := range []struct {
		off int64
		n   int
	}{{0, 10}, {5, 3}, {rereadBlock - 4, 8}, {3, 2}, {int64(len(data)) - 10, 10}, {0, rereadBlock + 10}} {
		b, err := rr.read(c.off, c.n)
		if err != nil || !bytes.Equal(b, data[c.off:c.off+int64(c.n)]) {
			t.Fatalf("read(%d, %d) = %q, %v", c.off, c.n, b, err)
		}
	}
	if _, err := rr.read(int64(len(data))-2, 3); err != errChanged {
		t.Fatalf("reading past the end: %v, want errChanged", err)
	}
	if _, err := rr.read(0, 1); err != errChanged {
		t.Fatalf("after a failure: %v, want it again", err)
	}
}

// TestRereaderBlocks: the blocks grow where the reads lie close together and shrink where they
// lie far apart, and every read returns its bytes, whatever the block size at the time.
func TestRereaderBlocks(t *testing.T) {
	data := make([]byte, 4<<20)
	for i := range data {
		data[i] = byte(i * 7 / 3)
	}
	rr := openRereader(source{ra: bytes.NewReader(data)}, 0)
	read := func(off int64, n int) {
		t.Helper()
		b, err := rr.read(off, n)
		if err != nil || !bytes.Equal(b, data[off:off+int64(n)]) {
			t.Fatalf("read(%d, %d) with %d-byte blocks: %v", off, n, rr.block, err)
		}
	}
	off := int64(0)
	for range 2000 { // dense: a record every 80 bytes
		read(off, 50)
		off += 80
	}
	if rr.block != rereadBlock {
		t.Errorf("after dense reads the block is %d bytes, want %d", rr.block, rereadBlock)
	}
	for range 20 { // sparse: a record every 100 KB
		off += 100 << 10
		read(off, 50)
	}
	if rr.block != rereadMinBlock {
		t.Errorf("after sparse reads the block is %d bytes, want %d", rr.block, rereadMinBlock)
	}
	seed := uint64(7)
	for off = 0; off < int64(len(data))-200; { // both, with gaps at random, in input order
		seed = seed*6364136223846793005 + 1442695040888963407
		off += int64(seed>>33) % 40000 >> (seed >> 60) // gaps from 0 to 40 KB, mostly small
		if off >= int64(len(data))-200 {
			break
		}
		read(off, int(seed>>40)%150+1)
	}
}

// TestClaimKeysCollide: when the emails that claim one account share their key in the
// accounts index (a 64-bit hash, so almost never), the findings stay the same.
func TestClaimKeysCollide(t *testing.T) {
	var b strings.Builder
	b.WriteString("email,applicationType,cloudId\n")
	for i := range 400 {
		fmt.Fprintf(&b, "dev%d@x.com,GITHUB,shared-bot\n", (i*7)%23) // 23 emails, each repeated
	}
	run := func() []Finding {
		e, err := New(Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Check("t.csv", strings.NewReader(b.String()), payload.FormatCSV); err != nil {
			t.Fatal(err)
		}
		return e.Result().Findings
	}
	want := run()
	defer func(f func(uint64, string) uint64) { emailClaimKey = f }(emailClaimKey)
	emailClaimKey = func(uint64, string) uint64 { return 42 }
	if d := cmp.Diff(want, run()); d != "" {
		t.Fatalf("(-distinct keys +one key for all):\n%s", d)
	}
	rules := map[string]int{}
	for _, f := range want {
		rules[f.Rule]++
	}
	if rules["duplicate-record"] < 300 || rules["duplicate-cloud-id"] != 22 {
		t.Fatalf("findings per rule %v: the test no longer repeats claims past the named ones", rules)
	}
}

// TestReplayKeysSkipsUnhashed: a key left unhashed is logged as 0, which the replay's filter
// may hold as another key's false positive; it must not make the entry replayed, or a run
// would read its whole input again.
func TestReplayKeysSkipsUnhashed(t *testing.T) {
	s := &sieve{kinds: []keyKind{keyAccount, keyLookAlike}}
	var relevant bloom
	relevant.reset(1)
	relevant.add(0)
	relevant.add(42)
	e := logEntry{hashes: [numKeyKinds - 1]uint32{42, 0}, integration: 1 << 1 << unhashedShift}
	if got := s.replayKeys(&e, &relevant); got != 1 {
		t.Errorf("replayKeys = %b, want 1: the unhashed look-alike key is not relevant", got)
	}
	e.integration = 0 // hashed, and 0 is its hash
	if got := s.replayKeys(&e, &relevant); got != 3 {
		t.Errorf("replayKeys = %b, want 11", got)
	}
}

// failingReader is an input that fails every read (a file removed), or the reads whose bytes
// cover an offset (a bad disk block).
type failingReader struct {
	data []byte
	at   int64 // -1: every read
}

var errFailingRead = errors.New("read failed")

func (r *failingReader) ReadAt(p []byte, off int64) (int, error) {
	if r.at < 0 || off <= r.at && r.at < off+int64(len(p)) {
		return 0, errFailingRead
	}
	return bytes.NewReader(r.data).ReadAt(p, off)
}

// TestReplayReadFails: when an input cannot be read again as it was, the replay reads the
// shadows' texts ahead, in parts of the log, and fails the records that one rereader for the
// whole log fails, however the log is cut: an input cut short, with other bytes, or gone. A read
// error fails a block, which may fail other records near it: then too no finding is made up.
func TestReplayReadFails(t *testing.T) {
	// Three inputs, so that a part of the log spans inputs. The first repeats its own logins;
	// the third repeats every login of the second, the input that fails, all shadows.
	var inputs [][]byte
	for in, login := range []func(i int) string{
		func(i int) string { return fmt.Sprintf("a%d", i%500) },
		func(i int) string { return fmt.Sprintf("b%d", i) },
		func(i int) string { return fmt.Sprintf("b%d", i) },
	} {
		var data bytes.Buffer
		data.WriteString("email,applicationType,cloudId\n")
		for i := range 1000 {
			fmt.Fprintf(&data, "dev%d.%d@acme.com,GITHUB,%s\n", in, i, login(i))
		}
		inputs = append(inputs, data.Bytes())
	}
	run := func(ras map[int]io.ReaderAt, readAhead bool) Result {
		t.Helper()
		e, err := New(Options{})
		if err != nil {
			t.Fatal(err)
		}
		e.sieve.noReadAhead = !readAhead
		for i, data := range inputs {
			if _, err := e.Check(fmt.Sprintf("in%d.csv", i), bytes.NewReader(data), payload.FormatCSV); err != nil {
				t.Fatal(err)
			}
		}
		for i, ra := range ras {
			e.sieve.sources[i].ra = ra
		}
		return e.Result()
	}
	whole := run(nil, true)
	known := map[string]bool{}
	for _, f := range whole.Findings {
		known[f.String()] = true
	}
	if len(whole.Findings) < 500 || len(whole.Unread) > 0 {
		t.Fatalf("%d findings, Unread %v: the test means many, read again", len(whole.Findings), whole.Unread)
	}
	second := inputs[1]
	changed := bytes.Clone(second)
	at := bytes.Index(changed, []byte(",b500\n")) // a shadow's identity, in the middle
	changed[at+2] = 'x'
	faults := []struct {
		name string
		ra   io.ReaderAt
		same bool // the same records fail as with one rereader
	}{
		{"cut short", bytes.NewReader(second[:len(second)/2]), true},
		{"other bytes", bytes.NewReader(changed), true},
		{"gone", &failingReader{at: -1}, true},
		// The first read of the input fails: so do all after it, though they would not.
		{"a bad block first", &failingReader{data: second, at: int64(bytes.IndexByte(second, '\n') + 5)}, true},
		{"a bad block", &failingReader{data: second, at: int64(len(second) / 2)}, false},
	}
	defer func(n int) { replayScanPart = n }(replayScanPart)
	for _, fault := range faults {
		replayScanPart = 1 << 16
		one := run(map[int]io.ReaderAt{1: fault.ra}, false)
		if len(one.Unread) != 1 || one.Unread[0].Input != 1 || len(one.Findings) >= len(whole.Findings) {
			t.Fatalf("%s: one rereader: Unread %v, %d findings of %d", fault.name, one.Unread, len(one.Findings), len(whole.Findings))
		}
		for _, part := range []int{7, 500, 1 << 16} {
			replayScanPart = part
			got := run(map[int]io.ReaderAt{1: fault.ra}, true)
			if fault.same {
				if d := cmp.Diff(one, got, cmpopts.EquateErrors()); d != "" {
					t.Errorf("%s, parts of %d (-one rereader +read ahead):\n%s", fault.name, part, d)
				}
				continue
			}
			if len(got.Unread) != 1 || got.Unread[0].Input != 1 {
				t.Errorf("%s, parts of %d: Unread %v", fault.name, part, got.Unread)
			}
			for _, f := range got.Findings {
				if !known[f.String()] {
					t.Errorf("%s, parts of %d: a finding the run does not give: %s", fault.name, part, f)
				}
			}
		}
	}
}
