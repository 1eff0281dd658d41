package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

// textMaxPerRule is how many findings of one rule text shows by default: on a big file a
// person cannot read 40,000 findings, and the first few of each rule show the pattern.
const textMaxPerRule = 50

// samples is how many locations the per-rule summary names, as Harness's own upload errors
// give a count and a few rows.
const samples = 3

// A view is what one format shows of a report: the same for every format but for the default
// cap, so that the formats cannot disagree.
type view struct {
	shown     []validate.Finding // in report order, after --quiet, the cap and --redact
	omitted   int                // findings the cap left out
	omittedIn map[string]int     // the same, per file
	byRule    []ruleCount        // every rule with findings (after --quiet), most findings first
	limit     int                // the cap in force; 0 for none
}

// A ruleCount is one rule's share of the findings, with the first few places it was found.
type ruleCount struct {
	rule     string
	severity validate.Severity
	count    int
	omitted  int
	samples  []place
}

type place struct {
	file string
	pos  payload.Pos
}

func (s place) String() string {
	if s.pos.Line == 0 {
		return s.file
	}
	return fmt.Sprintf("%s:%d", s.file, s.pos.Line)
}

// newView applies the options to a report. defaultMax is the format's cap when opts does not
// set one (0: no cap).
func newView(r *Report, opts Options, defaultMax int) view {
	limit := perRule(opts, defaultMax)
	v := view{limit: limit}
	// shown is r.Findings itself, cut short, until a finding is left out or redacted; a copy
	// from then on. Most reports show every finding as it is, and copying tens of thousands of
	// them, 200 bytes each, into fresh memory took longer than writing the report.
	shared := true
	show := func(i int, f validate.Finding) {
		if shared {
			v.shown = r.Findings[: i+1 : i+1] // every finding before i is shown as it is
			return
		}
		v.shown = append(v.shown, f)
	}
	hide := func(i int) { // finding i is left out or changed
		if shared {
			v.shown, shared = append([]validate.Finding(nil), r.Findings[:i]...), false
		}
	}
	idx := map[string]int{} // rule -> index in v.byRule
	// totals: the counts, when the run kept fewer findings than it counted.
	totals, all := r.Totals, 0
	for _, t := range totals {
		all += t.Total
	}
	if all == len(r.Findings) {
		totals = nil
	}
	kept := map[string]map[string]int{} // with totals: rule -> file -> findings in r.Findings
	red := newRedactor(opts.Redact)
	for i, f := range r.Findings {
		if opts.Quiet && f.Severity != validate.SeverityError {
			hide(i)
			continue
		}
		rc := v.ruleCount(idx, f.Rule, f.Severity)
		rc.count++
		if totals != nil {
			if kept[f.Rule] == nil {
				kept[f.Rule] = map[string]int{}
			}
			kept[f.Rule][f.File]++
		}
		if len(rc.samples) < samples {
			rc.samples = append(rc.samples, place{f.File, f.Pos})
		}
		if limit > 0 && rc.count > limit {
			v.omit(rc, f.File, 1)
			hide(i)
			continue
		}
		if red.mode != RedactNone {
			hide(i)
			f = red.finding(f)
		}
		show(i, f)
	}
	// The findings the run counted but did not keep come after those it kept, in each rule:
	// they are past the cap.
	for _, t := range totals {
		if opts.Quiet && t.Severity != validate.SeverityError {
			continue
		}
		rc := v.ruleCount(idx, t.Rule, t.Severity)
		rc.count = t.Total
		for file, n := range t.ByFile {
			if more := n - kept[t.Rule][file]; more > 0 {
				v.omit(rc, file, more)
			}
		}
	}
	slices.SortStableFunc(v.byRule, func(a, b ruleCount) int {
		return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.rule, b.rule))
	})
	return v
}

// ruleCount returns the count of rule, which idx indexes in v.byRule, adding it if new.
func (v *view) ruleCount(idx map[string]int, rule string, severity validate.Severity) *ruleCount {
	i, ok := idx[rule]
	if !ok {
		i = len(v.byRule)
		idx[rule] = i
		v.byRule = append(v.byRule, ruleCount{rule: rule, severity: severity})
	}
	return &v.byRule[i]
}

// omit counts n findings of rc in file left out by the cap.
func (v *view) omit(rc *ruleCount, file string, n int) {
	rc.omitted += n
	v.omitted += n
	if v.omittedIn == nil {
		v.omittedIn = map[string]int{}
	}
	v.omittedIn[file] += n
}

// perRule is the cap on the findings of each rule: opts', else the format's default
// (defaultMax); 0 for none.
func perRule(opts Options, defaultMax int) int {
	switch {
	case opts.MaxPerRule > 0:
		return opts.MaxPerRule
	case opts.MaxPerRule < 0:
		return 0
	}
	return defaultMax
}

// Keep is how many findings of each rule a report in format needs, with opts: those it
// shows, and the first few it names in its summary of each rule. A run that keeps only these
// (validate.Options.KeepPerRule) and counts the rest (Report.Totals) gives the same report.
// 0: it needs them all.
func Keep(format string, opts Options) int {
	defaultMax := 0
	if format == "text" {
		defaultMax = textMaxPerRule
	}
	if limit := perRule(opts, defaultMax); limit > 0 {
		return max(limit, samples)
	}
	return 0
}

// omissions returns the rules the cap cut, in byRule's order.
func (v view) omissions() []ruleCount {
	var out []ruleCount
	for _, rc := range v.byRule {
		if rc.omitted > 0 {
			out = append(out, rc)
		}
	}
	return out
}

// moreLine is the line that stands for the findings of a rule the cap left out:
// "… and 39,950 more duplicate-record findings".
func moreLine(rc ruleCount) string {
	word := "findings"
	if rc.omitted == 1 {
		word = "finding"
	}
	return fmt.Sprintf("… and %s more %s %s", group(rc.omitted), rc.rule, word)
}

// group writes n with thousands separators: 39950 -> "39,950".
func group(n int) string {
	s := strconv.Itoa(n)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return neg + s
}

// severityCount words a rule's count with its severity: "40,000 warnings".
func severityCount(rc ruleCount) string {
	word := rc.severity.String()
	if rc.count != 1 {
		word += "s"
	}
	return group(rc.count) + " " + word
}
