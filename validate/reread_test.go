package validate_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

// checkFiles checks the files at paths as idlint's CLI does: each opened, checked and closed,
// and only then the result, for which the sieve opens them again. between runs after the
// first file is read, and before before Result: Check returns once the set stage has taken in
// every record of its input.
func checkFiles(t *testing.T, paths []string, between, before func()) validate.Result {
	t.Helper()
	e, err := validate.New(validate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Check(filepath.Base(path), f, payload.FormatUnknown); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if i == 0 && between != nil {
			between()
		}
	}
	if before != nil {
		before()
	}
	return e.Result()
}

func checkFile(t *testing.T, path string, before func()) validate.Result {
	return checkFiles(t, []string{path}, nil, before)
}

// TestSieveReadsFilesAgain: the sieve quotes the records it did not keep by reading the file
// again; the findings are those of keeping a copy of every text, and of replaying every record.
// The plain rows first make it read the file again in the middle of the run too, when the
// first non-ASCII look-alike comes (see sieve.hashLookAlikes).
func TestSieveReadsFilesAgain(t *testing.T) {
	for _, legacy := range []bool{true, false} {
		data := crowdedIdentities(5000, 11, legacy, 2000)
		path := filepath.Join(t.TempDir(), "ids.csv")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got := checkFile(t, path, nil)
		if len(got.Unread) > 0 {
			t.Fatalf("Unread = %v", got.Unread)
		}
		e, err := validate.New(validate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		validate.ReplayEverything(e)
		if _, err := e.Check("ids.csv", bytes.NewReader(data), payload.FormatCSV); err != nil {
			t.Fatal(err)
		}
		want := e.Result().Findings
		if len(want) < 100 {
			t.Fatalf("only %d findings: the data no longer exercises the set rules", len(want))
		}
		if d := cmp.Diff(want, got.Findings); d != "" {
			t.Fatalf("legacy=%v: reading the file again changed the findings (-every record +sieve):\n%s", legacy, d)
		}
	}
}

// TestChangedInput: a file that changes, or goes away, between being read and being read again
// is named in Result.Unread, and the records that cannot be read again are left out rather
// than quoted wrong: no finding is made up. A file saved again with the same bytes is fine.
func TestChangedInput(t *testing.T) {
	// Plain first rows: a non-ASCII look-alike text is kept whole, not read again.
	data := crowdedIdentities(3000, 5, true, 10)
	path := filepath.Join(t.TempDir(), "ids.csv")
	write := func(b []byte) {
		t.Helper()
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(data)
	original := checkFile(t, path, nil)
	type at struct {
		rule string
		line int
	}
	found := map[at]bool{}
	for _, f := range original.Findings {
		found[at{f.Rule, f.Pos.Line}] = true
	}
	// A change of the same size to the first record, which the sieve reads again, that keeps
	// its keys: the case of its email. Its time is kept too.
	emailCase := func() error {
		header, rest, _ := strings.Cut(string(data), "\n")
		changed := header + "\n" + strings.ToUpper(rest[:1]) + rest[1:]
		if changed == string(data) {
			t.Fatal("the first email does not start with a letter in lower case")
		}
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		write([]byte(changed))
		return os.Chtimes(path, time.Time{}, fi.ModTime())
	}
	for _, tc := range []struct {
		name   string
		change func() error
		want   error // nil: errChanged; errSame: nothing to report
	}{
		{"rewritten", func() error { write(append([]byte("\n"), data...)); return nil }, nil},
		{"email case, same size and time", emailCase, nil},
		{"removed", func() error { return os.Remove(path) }, fs.ErrNotExist},
		{"saved again unchanged", func() error { write(data); return nil }, errSame},
	} {
		t.Run(tc.name, func(t *testing.T) {
			write(data)
			res := checkFile(t, path, func() {
				if err := tc.change(); err != nil {
					t.Fatal(err)
				}
			})
			if tc.want == errSame {
				if len(res.Unread) > 0 {
					t.Fatalf("Unread = %v for a file saved again with the same bytes", res.Unread)
				}
				if d := cmp.Diff(original.Findings, res.Findings); d != "" {
					t.Fatalf("findings changed (-before +after):\n%s", d)
				}
				return
			}
			if len(res.Unread) != 1 || res.Unread[0].Name != "ids.csv" || res.Unread[0].Input != 0 {
				t.Fatalf("Unread = %+v, want ids.csv", res.Unread)
			}
			if err := res.Unread[0].Err; tc.want != nil && !errors.Is(err, tc.want) || tc.want == nil && !strings.Contains(err.Error(), "changed") {
				t.Fatalf("Unread[0].Err = %v", err)
			}
			for _, f := range res.Findings {
				if !found[at{f.Rule, f.Pos.Line}] {
					t.Errorf("a finding the file never had: %s:%d: %s [%s]", f.File, f.Pos.Line, f.Message, f.Rule)
				}
			}
		})
	}
}

var errSame = errors.New("same")

// TestReadFromOffset: an input whose reading starts past its first byte — a file or a reader
// already moved on — is read again at the same offsets.
func TestReadFromOffset(t *testing.T) {
	data := crowdedIdentities(2000, 9, false, 0)
	prefix := []byte("not part of the input\n")
	want := check(t, data, payload.FormatCSV)
	path := filepath.Join(t.TempDir(), "ids.csv")
	if err := os.WriteFile(path, append(prefix, data...), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem := bytes.NewReader(append(prefix, data...))
	for name, r := range map[string]io.ReadSeeker{"file": f, "bytes": mem} {
		if _, err := r.Seek(int64(len(prefix)), io.SeekStart); err != nil {
			t.Fatal(err)
		}
		e, err := validate.New(validate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Check("fuzz", r, payload.FormatCSV); err != nil {
			t.Fatal(err)
		}
		res := e.Result()
		if len(res.Unread) > 0 {
			t.Fatalf("%s: Unread = %v", name, res.Unread)
		}
		if d := cmp.Diff(want, res.Findings); d != "" {
			t.Fatalf("%s: (-from its start +from an offset):\n%s", name, d)
		}
	}
}

// TestChangedInputInventsNothing: when an input changes under a run, the records of other
// inputs that repeat its keys lose their findings, but get none that the run would not give
// otherwise: their earlier record cannot be read again, and comparing them with the next one
// instead would make findings up. The change comes before Result, or between two inputs, when
// the first non-ASCII text of the second makes the sieve read the first again.
func TestChangedInputInventsNothing(t *testing.T) {
	dir := t.TempDir()
	data := crowdedIdentities(4000, 21, true, 2000)
	lines := strings.SplitAfter(string(data), "\n")
	a := []byte(lines[0] + strings.Join(lines[1:2001], "")) // plain ASCII rows
	b := []byte(lines[0] + strings.Join(lines[2001:], ""))
	changedA := []byte(strings.NewReplacer(",id", ",ie", ",ID", ",IE").Replace(string(a)))
	pa, pb := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	write := func(path string, data []byte) {
		t.Helper()
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(pb, b)
	run := func(between, before func()) validate.Result {
		write(pa, a)
		return checkFiles(t, []string{pa, pb}, between, before)
	}
	original := run(nil, nil)
	if len(original.Unread) > 0 {
		t.Fatalf("Unread = %v", original.Unread)
	}
	key := func(f validate.Finding) string { return fmt.Sprintf("%s:%v %s [%s]", f.File, f.Pos, f.Message, f.Rule) }
	known := map[string]bool{}
	for _, f := range original.Findings {
		known[key(f)] = true
	}
	for _, tc := range []struct {
		name          string
		between, then func()
	}{
		{"before the result", nil, func() { write(pa, changedA) }},
		// b's first non-ASCII text makes the sieve read a again, changed; a is back as it was
		// for the replay.
		{"between the inputs", func() { write(pa, changedA) }, func() { write(pa, a) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := run(tc.between, tc.then)
			if len(res.Unread) != 1 || res.Unread[0].Name != "a.csv" {
				t.Fatalf("Unread = %v, want a.csv", res.Unread)
			}
			inB := 0
			for _, f := range res.Findings {
				if !known[key(f)] {
					t.Errorf("a finding the run does not give with a.csv unchanged: %s", key(f))
				}
				if f.File == "b.csv" {
					inB++
				}
			}
			if inB == 0 || len(res.Findings) >= len(original.Findings) {
				t.Fatalf("%d findings in b.csv, %d in all of %d: the change no longer loses only some", inB, len(res.Findings), len(original.Findings))
			}
		})
	}
}

// TestIdentityBeforeEmail: a JSON record may give its identity before its email; the log keeps
// the identity's offset from the email's with its sign.
func TestIdentityBeforeEmail(t *testing.T) {
	var b strings.Builder
	b.WriteString("[\n")
	for i := range 600 {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"identity": "user%d", "integrationId": %d, "email": "dev%d@acme.com"}`, i%70, 1000+i%3, i%90)
	}
	b.WriteString("\n]\n")
	data := []byte(b.String())
	want := checkReplayingEverything(t, data, payload.FormatJSON)
	if len(want) < 100 {
		t.Fatalf("only %d findings: the data no longer repeats keys", len(want))
	}
	if d := cmp.Diff(want, check(t, data, payload.FormatJSON)); d != "" {
		t.Fatalf("(-every record +sieve reading again):\n%s", d)
	}
}
