// Package report prints the findings of a run. Every output format is a Reporter over the same
// Report, so a finding never knows how it will be printed and the formats cannot disagree.
//
// What a format shows is decided once, in view (view.go), for all of them: --quiet drops all
// but errors, --max-findings caps each rule, --redact masks personal data. A reporter only
// lays out the findings it is handed, and states the run's Outcome, the same one the exit
// status comes from.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/idlint/idlint/validate"
)

// A Report is everything a run found, ready to print.
type Report struct {
	Findings []validate.Finding // sorted by validate.Compare
	// Totals counts the findings of each rule (validate.Result.Counts): more than Findings
	// holds when the run kept only the first of each (validate.Options.KeepPerRule, with
	// Keep's number). Nil: Findings holds them all, and is counted.
	Totals  []validate.RuleCount
	Files   int
	Records int
	Rules   []*validate.Rule // the enabled rules, for formats that describe them
	// Inputs describes each input of the run, in the order they were read; formats that list
	// the inputs (json, junit) need it. Nil when the caller has none to give.
	Inputs []Input
	// Gate is what makes the run fail. Its zero value fails on errors only.
	Gate Gate
}

// An Input is one file (or standard input) of a run.
type Input struct {
	File    string // the display name findings use
	Format  string // "json", "csv" or "jsonl"; "" when nothing could be read
	Shape   string // "v2" or "legacy"; "" when unknown, or both shapes (JSON Lines)
	Records int
	// Err says why the input could not be read, or not to the end; an unreadable input makes
	// the run exit 3 whatever the findings.
	Err string
}

// FailOn is the lowest severity that fails a run.
type FailOn int

const (
	FailOnError   FailOn = iota // errors fail; warnings only past Gate.MaxWarnings
	FailOnWarning               // errors and warnings fail
	FailOnNever                 // findings never fail; an unreadable input still does
)

// ParseFailOn reads a --fail-on value.
func ParseFailOn(s string) (FailOn, error) {
	switch s {
	case "error":
		return FailOnError, nil
	case "warning":
		return FailOnWarning, nil
	case "never":
		return FailOnNever, nil
	}
	return 0, fmt.Errorf("unknown --fail-on %q; expected error, warning or never", s)
}

// A Gate decides from the counts whether a run fails.
type Gate struct {
	FailOn FailOn
	// LimitWarnings turns on MaxWarnings: with it, more than MaxWarnings warnings fail the run
	// (--max-warnings N). Two fields, so that the zero Gate means "no limit", not "0 warnings".
	LimitWarnings bool
	MaxWarnings   int
}

// An Outcome is whether a run fails and why, as every format states it and as the exit status
// reports it.
type Outcome struct {
	Failed bool
	// Reasons the run fails ("2 errors", "3 warnings, more than --max-warnings 1", "1 input
	// could not be read"), or, for a run that passes in spite of findings, why it passes
	// ("--fail-on never"). Empty for a clean run.
	Reasons []string
	// Unreadable counts inputs that could not be read; the exit status is then 3.
	Unreadable int
	// implied is true when the counts alone say it all: failed for errors only, or passed
	// with no errors and no limit crossed. Text then adds nothing to its summary line.
	implied bool
}

// Outcome applies the Gate to the findings (all of them, whatever a format shows).
func (r *Report) Outcome() Outcome {
	e, w, _ := r.Counts()
	var o Outcome
	for _, in := range r.Inputs {
		if in.Err != "" {
			o.Unreadable++
		}
	}
	switch r.Gate.FailOn {
	case FailOnNever:
		if e > 0 || w > 0 {
			o.Reasons = append(o.Reasons, "--fail-on never")
		}
	case FailOnWarning:
		if e > 0 {
			o.Reasons = append(o.Reasons, plural(e, "error"))
		}
		if w > 0 {
			o.Reasons = append(o.Reasons, plural(w, "warning")+" with --fail-on warning")
		}
		o.Failed = e > 0 || w > 0
		o.implied = w == 0 // errors alone fail as they always do
	default:
		if e > 0 {
			o.Reasons = append(o.Reasons, plural(e, "error"))
		}
		if r.Gate.LimitWarnings && w > r.Gate.MaxWarnings {
			o.Reasons = append(o.Reasons, fmt.Sprintf("%s, more than --max-warnings %d", plural(w, "warning"), r.Gate.MaxWarnings))
		}
		o.Failed = len(o.Reasons) > 0
		o.implied = !(r.Gate.LimitWarnings && w > r.Gate.MaxWarnings)
	}
	if o.Unreadable > 0 {
		if !o.Failed {
			o.Reasons = nil // "--fail-on never" does not make an unreadable run pass
		}
		o.Reasons = append(o.Reasons, plural(o.Unreadable, "input")+" could not be read")
		o.Failed, o.implied = true, false
	}
	return o
}

// Verdict words the outcome for a summary line: "" when the counts say it all, else
// "fails: ..." or "passes: ...".
func (o Outcome) Verdict() string {
	switch {
	case o.implied || len(o.Reasons) == 0:
		return ""
	case o.Failed:
		return "fails: " + strings.Join(o.Reasons, "; ")
	}
	return "passes: " + strings.Join(o.Reasons, "; ")
}

// Result is "fail" or "pass", for machine formats.
func (o Outcome) Result() string {
	if o.Failed {
		return "fail"
	}
	return "pass"
}

// Counts returns the number of findings of each severity.
func (r *Report) Counts() (errors, warnings, infos int) {
	count := func(s validate.Severity, n int) {
		switch s {
		case validate.SeverityError:
			errors += n
		case validate.SeverityWarning:
			warnings += n
		default:
			infos += n
		}
	}
	if r.Totals != nil {
		for _, t := range r.Totals {
			count(t.Severity, t.Total)
		}
		return errors, warnings, infos
	}
	for _, f := range r.Findings {
		count(f.Severity, 1)
	}
	return errors, warnings, infos
}

// Summary is the closing line every format states in its own way:
// "2 errors, 1 warning in 40 records (2 files)", followed by the verdict when the counts alone
// do not say whether the run fails: "...; fails: 3 warnings, more than --max-warnings 1".
func (r *Report) Summary() string {
	e, w, i := r.Counts()
	s := fmt.Sprintf("%s, %s", plural(e, "error"), plural(w, "warning"))
	if i > 0 {
		s += ", " + plural(i, "info")
	}
	s = fmt.Sprintf("%s in %s (%s)", s, plural(r.Records, "record"), plural(r.Files, "file"))
	if v := r.Outcome().Verdict(); v != "" {
		s += "; " + v
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if word == "info" {
		return fmt.Sprintf("%d infos", n)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Unlimited is Options.MaxPerRule for "show every finding".
const Unlimited = -1

// Options are the settings every reporter understands.
type Options struct {
	Color bool // ANSI colour (text only)
	// Quiet shows errors only. The summary and the outcome still count every finding, so that
	// they match the exit status.
	Quiet bool
	// MaxPerRule caps the findings shown per rule: 0 is the format's default (50 in text, where
	// a person reads them; every finding in the machine formats), Unlimited shows all.
	MaxPerRule int
	// Redact masks personal data in messages and snippets (--redact).
	Redact Redaction
	// BaseDir is the directory SARIF makes file URIs relative to (the working directory).
	// "" leaves paths as they are.
	BaseDir string
	// Version is the tool version reports state; "" is "devel".
	Version string
	// Now is the clock for formats that carry a timestamp (junit); nil is time.Now. Tests fix
	// it so that golden files are stable.
	Now func() time.Time
}

func (o Options) version() string {
	if o.Version == "" {
		return "devel"
	}
	return o.Version
}

func (o Options) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// A Reporter writes one complete report.
type Reporter interface {
	Report(w io.Writer, r *Report) error
}

var formats = map[string]func(Options) Reporter{
	"text":   newText,
	"json":   newJSON,
	"sarif":  newSARIF,
	"github": newGitHub,
	"junit":  newJUnit,
}

// Names lists the output formats.
func Names() []string {
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// New returns the reporter for a format name.
func New(name string, opts Options) (Reporter, error) {
	mk, ok := formats[name]
	if !ok {
		return nil, fmt.Errorf("unknown format %q; expected one of %s", name, strings.Join(Names(), ", "))
	}
	return mk(opts), nil
}
