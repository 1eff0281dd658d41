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
	addCount(byRule, f.Rule, f.File, f.Severity, 1)
}

// addCount counts n findings of rule, of severity, in file.
func addCount(byRule map[string]*RuleCount, rule, file string, severity Severity, n int) {
	c := byRule[rule]
	if c == nil {
		c = &RuleCount{Rule: rule, Severity: severity, ByFile: map[string]int{}}
		byRule[rule] = c
	}
	c.Total += n
	c.ByFile[file] += n
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
// come, and a count of them all. A file where every record has a finding, or every line is
// blank, then costs the memory of a few findings, not of a million.
//
// A keeper need not remove exact repeats to count right: the findings of a record come
// deduplicated (dedupeRecord), and no reader repeats itself (FuzzCheck holds them to that).
type keeper struct {
	limit int
	seq   int                     // how many findings came, for their arrival order
	first map[string][]seqFinding // by rule: its first findings, sorted by before
	count map[string]*RuleCount
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
	return &keeper{limit: limit, first: map[string][]seqFinding{}, count: map[string]*RuleCount{}}
}

// add takes the next finding.
func (k *keeper) add(f *Finding) {
	countFinding(k.count, f)
	k.seq++
	sf, first := seqFinding{*f, k.seq}, k.first[f.Rule]
	if len(first) == k.limit {
		if before(sf, first[k.limit-1]) > 0 {
			return // the common case: findings come mostly in report order
		}
		first = first[:k.limit-1]
	}
	i, _ := slices.BinarySearchFunc(first, sf, before)
	k.first[f.Rule] = slices.Insert(first, i, sf)
}

// countDropped counts n findings that a worker left out (capBatch).
func (k *keeper) countDropped(d droppedKey, n int) {
	addCount(k.count, d.rule, d.file, d.severity, n)
}

// batchCapMin is how many findings a batch gathers before capBatch first runs on them.
const batchCapMin = 2048

// A droppedKey is what a count of findings left out by capBatch is of.
type droppedKey struct {
	rule, file string
	severity   Severity
}

// capBatch leaves out of a batch's findings, in their order, those past the first limit of
// each rule in report order (Compare, then the order they came in), and counts them in
// dropped. None of them could be kept by the run's keeper: the limit findings of its rule
// before it in the batch come before it in the run too. So a batch of 512 rows that each
// have thousands of findings (a formula in every cell) does not hold them all until the merge.
func capBatch(fs []Finding, limit int, dropped map[droppedKey]int) []Finding {
	byRule := map[string][]int{} // indexes in fs, increasing
	for i := range fs {
		byRule[fs[i].Rule] = append(byRule[fs[i].Rule], i)
	}
	var drop []bool
	for _, at := range byRule {
		if len(at) <= limit {
			continue
		}
		if drop == nil {
			drop = make([]bool, len(fs))
		}
		slices.SortStableFunc(at, func(a, b int) int { return Compare(fs[a], fs[b]) })
		for _, i := range at[limit:] {
			drop[i] = true
			dropped[droppedKey{fs[i].Rule, fs[i].File, fs[i].Severity}]++
		}
	}
	if drop == nil {
		return fs
	}
	out := fs[:0]
	for i := range fs {
		if !drop[i] {
			out = append(out, fs[i])
		}
	}
	clear(fs[len(out):]) // let go of the dropped findings' strings
	return out
}

// result returns the findings kept, sorted as an uncapped run sorts them (by Compare, then
// in the order they came), and the count of every finding of each rule.
func (k *keeper) result() ([]Finding, []RuleCount) {
	var all []seqFinding
	for _, first := range k.first {
		all = append(all, first...)
	}
	slices.SortFunc(all, before)
	out := make([]Finding, len(all))
	for i := range all {
		out[i] = all[i].Finding
	}
	return out, sortedCounts(k.count)
}

// dedupeRecord removes the exact repeats from fs[start:], the findings one stage made of one
// record, and returns fs shortened: a finding that is the same as the one before it of its
// rule at its place, which a stable sort of the run's findings would put next to each other.
// (A field named "" twice once gave two "appears again" violations, both at the record's
// start; no input known today gives a repeat, and this is the guard should a rule ever give
// one: FuzzCheck fails on a finding twice in a row.) Repeats are removed where they are made,
// and never across records, because a run that keeps only the first findings of each rule
// (keeper) must count exactly what it does not keep: in a stage, the findings of one record
// come together; the record and set stages never give the same finding (the one rule with a
// half in each, unicode-spoofing, words them differently); and two records' findings differ in
// Record, or, for two inputs of one name, are two findings indeed.
func dedupeRecord(fs []Finding, start int) []Finding {
	if len(fs)-start < 2 {
		return fs
	}
	type place struct {
		file string
		pos  payload.Pos
		rule string
	}
	last := make(map[place]Finding, len(fs)-start) // the last finding at each place
	out := fs[:start]
	for _, f := range fs[start:] {
		at := place{f.File, f.Pos, f.Rule}
		prev, seen := last[at]
		last[at] = f
		if !seen || !prev.same(f) {
			out = append(out, f)
		}
	}
	clear(fs[len(out):]) // let go of the repeats' strings
	return out
}
