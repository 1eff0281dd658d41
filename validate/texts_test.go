package validate

import (
	"strings"
	"testing"
)

func TestTexts(t *testing.T) {
	var ts texts
	var kept []Text
	var want []string
	// Enough strings to fill several chunks, of lengths that do not divide the chunk size.
	for i := range 300000 {
		s := strings.Repeat(string(rune('a'+i%26)), i%17)
		kept = append(kept, ts.add(s))
		want = append(want, s)
	}
	if len(ts.chunks) < 2 {
		t.Fatalf("only %d chunk(s) used; the test does not cross a chunk boundary", len(ts.chunks))
	}
	for i, x := range kept {
		if got := ts.get(x); got != want[i] {
			t.Fatalf("text %d = %q, want %q", i, got, want[i])
		}
		if !ts.equal(x, want[i]) || ts.equal(x, want[i]+"x") {
			t.Fatalf("equal(%d) is wrong", i)
		}
	}
	long := ts.add(strings.Repeat("z", chunkSize+5))
	if got := ts.get(long); len(got) != chunkSize {
		t.Errorf("an over-long string kept %d bytes, want %d", len(got), chunkSize)
	}
}
