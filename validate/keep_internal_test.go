package validate

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/payload"
)

// TestDedupeRecord: a finding goes when it is the same as the one before it of its rule at its
// place, as Result's CompactFunc over sorted findings would have it; findings at one place
// that differ keep their order, and so do the same findings apart.
func TestDedupeRecord(t *testing.T) {
	f := func(col int, rule, msg string) Finding {
		return Finding{File: "f", Pos: payload.Pos{Line: 1, Col: col}, Rule: rule, Message: msg}
	}
	a, b, c := f(1, "schema", "a"), f(1, "schema", "b"), f(2, "schema", "a")
	tests := []struct {
		name     string
		in, want []Finding
	}{
		{"none", nil, nil},
		{"one", []Finding{a}, []Finding{a}},
		{"a repeat", []Finding{a, a}, []Finding{a}},
		{"three of one", []Finding{a, a, a}, []Finding{a}},
		{"a repeat apart", []Finding{a, c, a}, []Finding{a, c}}, // c is at another place
		{"another between", []Finding{a, b, a}, []Finding{a, b, a}},
		{"another rule between", []Finding{a, f(1, "whitespace", "a"), a}, []Finding{a, f(1, "whitespace", "a")}},
		{"two places", []Finding{a, c, c, a, b}, []Finding{a, c, b}},
	}
	for _, tt := range tests {
		got := dedupeRecord(slices.Clone(tt.in), 0)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	// Random findings of one record against a scan for the finding before at each place, after
	// a few of another record's (from start on only are the record's): those stay, repeats
	// of them or not.
	rng := rand.New(rand.NewPCG(3, 4))
	random := func() Finding {
		return f(rng.IntN(3), []string{"schema", "whitespace"}[rng.IntN(2)], []string{"a", "b"}[rng.IntN(2)])
	}
	for range 2000 {
		var before, in []Finding
		for range rng.IntN(3) {
			before = append(before, random())
		}
		for range 2 + rng.IntN(30) {
			in = append(in, random())
		}
		want := slices.Clone(before)
		for i, g := range in {
			j := i - 1
			for j >= 0 && (in[j].Pos != g.Pos || in[j].Rule != g.Rule) {
				j--
			}
			if j < 0 || !in[j].same(g) {
				want = append(want, g)
			}
		}
		got := dedupeRecord(append(slices.Clone(before), in...), len(before))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%v then %v (-by a scan +dedupeRecord):\n%s", before, in, diff)
		}
	}
}

// TestKeeper: a keeper gives the first findings of each rule, in the order a stable sort
// gives, and counts of them all. Few files, lines, columns and rules make many ties, which
// arrival order must settle.
func TestKeeper(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for round := range 300 {
		limit := 1 + rng.IntN(4)
		in := randomFindings(rng, rng.IntN(200))
		k := newKeeper(limit)
		for i := range in {
			k.add(&in[i])
		}
		got, counts := k.result()

		all := slices.Clone(in)
		slices.SortStableFunc(all, Compare)
		want := []Finding{}
		seen := map[string]int{}
		for _, g := range all {
			if seen[g.Rule]++; seen[g.Rule] <= limit {
				want = append(want, g)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("round %d, limit %d: findings (-want +got):\n%s", round, limit, diff)
		}
		if diff := cmp.Diff(countFindings(all), counts); diff != "" {
			t.Fatalf("round %d: counts (-of every finding +keeper's):\n%s", round, diff)
		}
	}
}

// TestCapBatch: leaving out of each batch the findings past the first of each rule, and
// counting them, changes nothing in what a keeper gives, findings or counts. As in a worker,
// capBatch runs again and again on a batch as it grows, with one count for the batch; the
// findings of a batch come in any order of places, and the rules differ in severity.
func TestCapBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	severity := map[string]Severity{"schema": SeverityError, "email-format": SeverityWarning, "duplicate-record": SeverityInfo}
	for round := range 300 {
		limit := 1 + rng.IntN(4)
		in := randomFindings(rng, rng.IntN(300))
		for i := range in {
			in[i].Severity = severity[in[i].Rule]
		}
		whole, capped := newKeeper(limit), newKeeper(limit)
		for i := range in {
			whole.add(&in[i])
		}
		for rest := in; len(rest) > 0; {
			n := min(len(rest), 1+rng.IntN(60))
			dropped := map[droppedKey]int{}
			var batch []Finding
			for _, f := range rest[:n] {
				if batch = append(batch, f); rng.IntN(8) == 0 {
					batch = capBatch(batch, limit, dropped)
				}
			}
			batch = capBatch(batch, limit, dropped)
			for i := range batch {
				capped.add(&batch[i])
			}
			for d, c := range dropped {
				capped.countDropped(d, c)
			}
			rest = rest[n:]
		}
		wantF, wantC := whole.result()
		gotF, gotC := capped.result()
		if diff := cmp.Diff(wantF, gotF); diff != "" {
			t.Fatalf("round %d, limit %d: findings (-whole +capped by batch):\n%s", round, limit, diff)
		}
		if diff := cmp.Diff(wantC, gotC); diff != "" {
			t.Fatalf("round %d: counts (-whole +capped by batch):\n%s", round, diff)
		}
	}
}

// randomFindings returns n findings over few files, places and rules, so that many tie, told
// apart by their messages, some about records and some not.
func randomFindings(rng *rand.Rand, n int) []Finding {
	var fs []Finding
	for i := range n {
		fs = append(fs, Finding{
			File:     []string{"a.csv", "b.csv"}[rng.IntN(2)],
			Pos:      payload.Pos{Line: rng.IntN(5), Col: rng.IntN(3)},
			Rule:     []string{"schema", "email-format", "duplicate-record"}[rng.IntN(3)],
			Record:   rng.IntN(3) - 1,
			Severity: SeverityError,
			Message:  fmt.Sprint(i),
		})
	}
	return fs
}
