// Package report prints the findings of a run. Every output format is a Reporter over the same
// Report, so a finding never knows how it will be printed and the formats cannot disagree.
package report

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/idlint/idlint/validate"
)

// A Report is everything a run found, ready to print.
type Report struct {
	Findings []validate.Finding // sorted by validate.Compare
	Files    int
	Records  int
	Rules    []*validate.Rule // the enabled rules, for formats that describe them
}

// Counts returns the number of findings of each severity.
func (r *Report) Counts() (errors, warnings, infos int) {
	for _, f := range r.Findings {
		switch f.Severity {
		case validate.SeverityError:
			errors++
		case validate.SeverityWarning:
			warnings++
		default:
			infos++
		}
	}
	return errors, warnings, infos
}

// Summary is the closing line every format states in its own way:
// "2 errors, 1 warning in 40 records (2 files)".
func (r *Report) Summary() string {
	e, w, i := r.Counts()
	s := fmt.Sprintf("%s, %s", plural(e, "error"), plural(w, "warning"))
	if i > 0 {
		s += ", " + plural(i, "info")
	}
	return fmt.Sprintf("%s in %s (%s)", s, plural(r.Records, "record"), plural(r.Files, "file"))
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

// Options are the settings every reporter understands.
type Options struct {
	Color bool // ANSI colour (text only)
}

// A Reporter writes one complete report.
type Reporter interface {
	Report(w io.Writer, r *Report) error
}

var formats = map[string]func(Options) Reporter{
	"text": newText,
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

// Sorted returns findings in report order; reporters may rely on it.
func Sorted(fs []validate.Finding) []validate.Finding {
	fs = slices.Clone(fs)
	slices.SortStableFunc(fs, validate.Compare)
	return fs
}
