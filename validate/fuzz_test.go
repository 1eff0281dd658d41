package validate_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

// FuzzCheck runs the whole check — read, schema, rules — on arbitrary bytes in every input
// format. Invariants: no panic; every finding has a rule, a severity and a position inside the
// input; no finding comes twice in a row; the same input gives the same findings; the set stage's sieve finds what replaying
// every record finds; the rules' shortcut for plain texts (Pass.Plain) changes nothing; a run
// that keeps the first few findings of each rule keeps those of an uncapped run, and counts
// the same; batches of one record, written over as they are merged, change nothing (no value
// is kept past its batch without a copy). It is seeded with every rule case in testdata.
func FuzzCheck(f *testing.F) {
	cases, _ := filepath.Glob(filepath.Join("..", "testdata", "rules", "*", "*"))
	for _, c := range cases {
		if filepath.Ext(c) == ".want" {
			continue
		}
		if data, err := os.ReadFile(c); err == nil {
			f.Add(data, uint8(0))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		formats := []payload.Format{payload.FormatUnknown, payload.FormatJSON, payload.FormatCSV, payload.FormatJSONL}
		in := formats[int(format)%len(formats)]
		first := check(t, data, in)
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, fd := range first {
			if fd.Rule == "" || fd.Severity == 0 || fd.Message == "" {
				t.Fatalf("incomplete finding %+v", fd)
			}
			if fd.Pos.Line < 1 || fd.Pos.Line > lines || fd.Pos.Col < 1 || fd.Pos.Col > utf8.RuneCount(data)+1 {
				t.Fatalf("finding outside the input (%d lines): %s", lines, fd)
			}
		}
		for i := 1; i < len(first); i++ {
			// dedupeRecord removes a record's; and the readers must not repeat themselves,
			// or a run that keeps the first findings of each rule would count wrong.
			if first[i].String() == first[i-1].String() && first[i].Record == first[i-1].Record && first[i].Field == first[i-1].Field {
				t.Fatalf("a finding twice: %s", first[i])
			}
		}
		if again := check(t, data, in); !reflect.DeepEqual(first, again) {
			t.Fatalf("two runs differ:\n%v\n%v", first, again)
		}
		if all := checkReplayingEverything(t, data, in); !reflect.DeepEqual(first, all) {
			t.Fatalf("the sieve changed the findings:\nsieve:\n%v\nevery record:\n%v", first, all)
		}
		if long := checkWith(t, data, in, validate.NoPlainShortcut); !reflect.DeepEqual(first, long) {
			t.Fatalf("the rules' shortcut for plain texts changed the findings:\nshortcut:\n%v\nthe long way:\n%v", first, long)
		}
		if copies := checkWith(t, data, in, validate.KeepCopies); !reflect.DeepEqual(first, copies) {
			t.Fatalf("the sieve keeping copies of the texts changed the findings:\nreading again:\n%v\ncopies:\n%v", first, copies)
		}
		if one := checkWith(t, data, in, validate.OneRecordBatches); !reflect.DeepEqual(first, one) {
			t.Fatalf("a value was kept past its batch:\nbatches of 512:\n%v\nof one, written over as merged:\n%v", first, one)
		}
		if one := checkWith(t, data, in, func(e *validate.Engine) { validate.KeepCopies(e); validate.OneRecordBatches(e) }); !reflect.DeepEqual(first, one) {
			t.Fatalf("a value was kept past its batch, with copies of the texts:\nbatches of 512:\n%v\nof one, written over as merged:\n%v", first, one)
		}
		for _, k := range []int{1, 2} {
			checkKeepPerRule(t, "the input", data, in, k)
		}
	})
}

// check checks data as one input, on a new engine.
func check(t *testing.T, data []byte, format payload.Format) []validate.Finding {
	return checkWith(t, data, format, func(*validate.Engine) {})
}

// result is e.Result, which must have read every input again as it was: they are in memory.
func result(t testing.TB, e *validate.Engine) validate.Result {
	t.Helper()
	res := e.Result()
	if len(res.Unread) > 0 {
		t.Fatalf("Unread = %v", res.Unread)
	}
	return res
}
