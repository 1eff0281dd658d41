package validate

import (
	"fmt"
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
	for name, data := range map[string]string{"interleaved": interleaved.String(), "blank rows": broken.String(), "wide rows": wide} {
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
			if cap(b.items) > batchSize || cap(b.fields) > 2*batchFields {
				t.Errorf("%s: a batch grew to %d items and %d fields, past %d and %d", name, cap(b.items), cap(b.fields), batchSize, batchFields)
			}
		}
		if got := len(e.Result().Findings); name != "wide rows" && got < 5*batchSize {
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
	e, err := New(Options{KeepPerRule: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Check("x.csv", strings.NewReader(b.String()), payload.FormatCSV); err != nil {
		t.Fatal(err)
	}
	for _, bt := range e.pipe.free {
		if cap(bt.findings) > 2*batchCapMin {
			t.Errorf("a batch held %d findings", cap(bt.findings))
		}
	}
	var total int
	for _, c := range e.Result().Counts {
		total += c.Total
	}
	if want := 3 * batchSize * 22; total < want {
		t.Errorf("%d findings counted, want at least %d", total, want)
	}
}
