package validate

import (
	"cmp"
	"slices"

	"github.com/idlint/idlint/payload"
)

// A RuleCount is how many findings one rule gave in a run, in all and in each input.
type RuleCount struct {
	Rule     string
	Severity Severity
	Total    int
	ByFile   map[string]int // by the inputs' display names
}

// countFindings counts findings by rule, in the order of the rules' IDs.
func countFindings(fs []Finding) []RuleCount {
	byRule := map[string]*RuleCount{}
	for i := range fs {
		countFinding(byRule, &fs[i])
	}
	return sortedCounts(byRule)
}

func countFinding(byRule map[string]*RuleCount, f *Finding) {
	c := byRule[f.Rule]
	if c == nil {
		c = &RuleCount{Rule: f.Rule, Severity: f.Severity, ByFile: map[string]int{}}
		byRule[f.Rule] = c
	}
	c.Total++
	c.ByFile[f.File]++
}

func sortedCounts(byRule map[string]*RuleCount) []RuleCount {
	out := make([]RuleCount, 0, len(byRule))
	for _, c := range byRule {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b RuleCount) int { return cmp.Compare(a.Rule, b.Rule) })
	return out
}

// A keeper holds the findings of a run when a report will show only the first few of each
// rule (Options.KeepPerRule): of each rule, the first findings in report order, however many
// come, and a count of them all. A file where every record has a finding then costs the
// memory of a few findings, not of a million.
//
// Only findings about a record are capped. The others (Record -1: the readers' findings about
// the input's syntax, header or encoding) are all kept.
//
// An uncapped run removes a finding that is the same as the one before it in report order
// (see Result). So does a keeper, as findings come, which it must to count them: the finding
// before one in report order is the one that came last at its place (file, line, column and
// rule), since a stable sort keeps the order they came in. Findings of one record come
// together and deduplicated (dedupeRecord), and a record's finding is never the same as
// another record's, nor as one not about a record (Record differs); so the keeper looks only
// at the places where findings not about a record came.
type keeper struct {
	limit  int
	seq    int // how many findings came, for their arrival order
	rules  map[string]*kept
	input  []seqFinding       // the findings not about a record
	lastAt map[place]*Finding // the last finding at each place where one not about a record came
	counts map[string]*RuleCount
}

type place struct {
	file string
	pos  payload.Pos
	rule string
}

type kept struct {
	first []seqFinding // sorted by before; at most keeper.limit
}

// A seqFinding is a finding and when it came: findings that Compare calls equal keep the
// order they came in, as under the stable sort of an uncapped run.
type seqFinding struct {
	Finding
	seq int
}

func before(a, b seqFinding) int {
	if c := Compare(a.Finding, b.Finding); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

func newKeeper(limit int) *keeper {
	return &keeper{limit: limit, rules: map[string]*kept{}, lastAt: map[place]*Finding{}, counts: map[string]*RuleCount{}}
}

// add takes the next finding. The findings of a record come deduplicated (dedupeRecord).
func (k *keeper) add(f *Finding) {
	if len(k.lastAt) > 0 || f.Record < 0 {
		at := place{f.File, f.Pos, f.Rule}
		last := k.lastAt[at]
		if f.Record < 0 && last != nil && last.same(*f) {
			return // an exact repeat
		}
		if last != nil || f.Record < 0 {
			c := *f
			k.lastAt[at] = &c
		}
	}
	countFinding(k.counts, f)
	k.seq++
	sf := seqFinding{*f, k.seq}
	if f.Record < 0 {
		k.input = append(k.input, sf)
		return
	}
	r := k.rules[f.Rule]
	if r == nil {
		r = &kept{}
		k.rules[f.Rule] = r
	}
	if len(r.first) == k.limit {
		if before(sf, r.first[k.limit-1]) > 0 {
			return // the common case: findings come mostly in report order
		}
		r.first = r.first[:k.limit-1]
	}
	i, _ := slices.BinarySearchFunc(r.first, sf, before)
	r.first = slices.Insert(r.first, i, sf)
}

// result returns the findings kept, sorted by Compare, as an uncapped run would have them
// but for the findings about records past the first of each rule; and the count of every
// finding of each rule.
func (k *keeper) result() ([]Finding, []RuleCount) {
	all := k.input
	for _, r := range k.rules {
		all = append(all, r.first...)
	}
	slices.SortFunc(all, before)
	fs := make([]Finding, 0, len(all))
	for _, sf := range all {
		fs = append(fs, sf.Finding)
	}
	return fs, sortedCounts(k.counts)
}

// dedupeRecord removes from the findings of one record the exact repeats that Result would
// remove (see Result): a finding that is the same as the one before it of the same rule at the
// same place. Findings of one record come together, and no finding of another record can be
// the same (Record differs), so deduplicating each record's findings as they are made is
// deduplicating the run's: that is what lets a keeper count findings it does not keep.
func dedupeRecord(fs []Finding) []Finding {
	if len(fs) < 2 {
		return fs
	}
	var last map[place]int // for many findings: the last finding at each place, by index in fs
	if len(fs) > 8 {
		last = make(map[place]int, len(fs))
		last[place{fs[0].File, fs[0].Pos, fs[0].Rule}] = 0
	}
	var repeats []int // indexes in fs, increasing
	for i := 1; i < len(fs); i++ {
		f := &fs[i]
		prev := -1
		if last != nil {
			at := place{f.File, f.Pos, f.Rule}
			if j, ok := last[at]; ok {
				prev = j
			}
			last[at] = i
		} else {
			for j := i - 1; j >= 0; j-- {
				if fs[j].Pos == f.Pos && fs[j].Rule == f.Rule && fs[j].File == f.File {
					prev = j
					break
				}
			}
		}
		if prev >= 0 && fs[prev].same(*f) {
			repeats = append(repeats, i)
		}
	}
	if len(repeats) == 0 {
		return fs
	}
	out := fs[:repeats[0]]
	for i := repeats[0]; i < len(fs); i++ {
		if len(repeats) > 0 && repeats[0] == i {
			repeats = repeats[1:]
			continue
		}
		out = append(out, fs[i])
	}
	clear(fs[len(out):]) // let go of the repeats' strings
	return out
}
