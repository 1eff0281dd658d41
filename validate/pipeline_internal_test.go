package validate

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/idlint/idlint/payload"
)

// TestBatchesStayBounded: the reader's findings count in a batch's size, so that a file of
// broken rows, or of rows each followed by one, is read in batches of batchSize items, not in
// one batch of the whole file; and a batch of wide rows is full at batchFields cells. A batch
// that grew past its bounds shows in its capacity.
func TestBatchesStayBounded(t *testing.T) {
	var interleaved, broken strings.Builder
	interleaved.WriteString("email,integrationId,identity\n")
	broken.WriteString("email,integrationId,identity\n")
	for i := range 5 * batchSize {
		fmt.Fprintf(&interleaved, "dev%d@acme.io,1,dev%d\n\n", i, i) // a record, then a blank row
		broken.WriteString("\n")
	}
	wide := "email,integrationId,identity" + strings.Repeat(",c", 297) + "\n" +
		strings.Repeat("a@x.io,1,a"+strings.Repeat(",x", 297)+"\n", 2*batchSize)
	long := "email,integrationId,identity\n" + strings.Repeat("a@x.io,1,"+strings.Repeat("a", 4000)+"\n", 2*batchSize)
	for name, data := range map[string]string{"interleaved": interleaved.String(), "blank rows": broken.String(),
		"wide rows": wide, "long rows": long} {
		e, err := New(Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Check("x.csv", strings.NewReader(data), payload.FormatCSV); err != nil {
			t.Fatal(err)
		}
		batches := e.pipe.free
		if len(batches) == 0 {
			t.Fatalf("%s: no batch was reused", name)
		}
		for _, b := range batches {
			if cap(b.items) > batchSize || cap(b.fields) > 2*batchFields || cap(b.text) > 2*batchText {
				t.Errorf("%s: a batch grew to %d items, %d fields and %d bytes of text, past %d, %d and %d",
					name, cap(b.items), cap(b.fields), cap(b.text), batchSize, batchFields, batchText)
			}
		}
		if got := len(e.Result().Findings); (name == "interleaved" || name == "blank rows") && got < 5*batchSize {
			t.Errorf("%s: %d findings, want a blank-row finding for each of %d rows", name, got, 5*batchSize)
		}
	}
}

// TestBatchFindingsCapped: with KeepPerRule, a worker leaves out of a batch the findings the
// run cannot keep as it goes, so that a batch of rows with many findings each does not hold
// them all: here 512 rows of 22 findings.
func TestBatchFindingsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("email,integrationId,identity" + strings.Repeat(",c", 20) + "\n")
	for r := range 3 * batchSize {
		fmt.Fprintf(&b, "=dev%d@acme.io,1,=dev%d%s\n", r, r, strings.Repeat(",=1", 20))
	}
	run := func(opts Options) (*Engine, Result) {
		e, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Check("x.csv", strings.NewReader(b.String()), payload.FormatCSV); err != nil {
			t.Fatal(err)
		}
		return e, e.Result()
	}
	e, kept := run(Options{KeepPerRule: 3})
	for _, bt := range e.pipe.free {
		if cap(bt.findings) > 2*batchCapMin {
			t.Errorf("a batch held %d findings", cap(bt.findings))
		}
	}
	if _, whole := run(Options{}); !reflect.DeepEqual(whole.Counts, kept.Counts) {
		t.Errorf("counts: every finding kept %v, capped %v", whole.Counts, kept.Counts)
	}
}
