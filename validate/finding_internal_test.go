package validate

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestMergeSorted: sorting the record stage's findings and the replay's apart and merging them
// gives what a stable sort of the two, one after the other, gives, ties included, with a's
// spare room empty, or holding b. Few files, lines, columns and rules make many ties; the
// messages tell tied findings apart.
func TestMergeSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int, tag string) []Finding {
		fs := randomFindings(rng, n)
		for i := range fs {
			fs[i].Message = tag + fs[i].Message
		}
		return fs
	}
	for round := range 300 {
		a, b := random(rng.IntN(40), "a"), random(rng.IntN(8), "b")
		want := slices.Concat(a, b)
		slices.SortStableFunc(want, Compare)
		sa, sb := slices.Clip(slices.Clone(a)), slices.Clone(b)
		switch round % 3 {
		case 1:
			sa = append(sa, make([]Finding, len(b)+3)...)[:len(a)] // room to merge into
		case 2:
			sa = append(sa, make([]Finding, len(b)+3)...)[:len(a)]
			sb = append(sa[len(sa):], b...) // b in that very room
		}
		slices.SortStableFunc(sa, Compare)
		slices.SortStableFunc(sb, Compare)
		if d := cmp.Diff(want, mergeSorted(sa, sb), cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("round %d (-stable sort +merge):\n%s", round, d)
		}
	}
}
