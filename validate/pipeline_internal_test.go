package validate

import (
	"fmt"
	"strings"
	"testing"

	"github.com/idlint/idlint/payload"
)

// TestBatchesStayBounded: the reader's findings count in a batch's size, so that a file of
// broken rows, or of rows each followed by one, is read in batches of batchSize items, not in
// one batch of the whole file. A batch that grew past batchSize shows in its capacity.
func TestBatchesStayBounded(t *testing.T) {
	var interleaved, broken strings.Builder
	interleaved.WriteString("email,integrationId,identity\n")
	broken.WriteString("email,integrationId,identity\n")
	for i := range 5 * batchSize {
		fmt.Fprintf(&interleaved, "dev%d@acme.io,1,dev%d\n\n", i, i) // a record, then a blank row
		broken.WriteString("\n")
	}
	for name, data := range map[string]string{"interleaved": interleaved.String(), "blank rows": broken.String()} {
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
			if cap(b.items) > batchSize {
				t.Errorf("%s: a batch grew to %d items, past %d", name, cap(b.items), batchSize)
			}
		}
		if got := len(e.Result().Findings); got < 5*batchSize {
			t.Errorf("%s: %d findings, want a blank-row finding for each of %d rows", name, got, 5*batchSize)
		}
	}
}
