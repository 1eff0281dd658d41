package validate

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/idlint/idlint/payload"
)

// Severity says how much a finding matters. The zero value is invalid, so that a rule whose
// severity was forgotten fails CheckRules instead of reporting quietly.
type Severity int

const (
	SeverityError   Severity = iota + 1 // fails the run: the upload would be rejected or wrong
	SeverityWarning                     // likely wrong; fails the run past --max-warnings
	SeverityInfo                        // worth knowing; never fails the run
)

func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	case SeverityInfo:
		return "info"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// A Finding is one problem at one place in one input.
type Finding struct {
	File     string      // the input's display name: its path as given, or "<stdin>"
	Pos      payload.Pos // where the problem is; Line 0 for the input as a whole
	Rule     string      // the rule ID, e.g. "duplicate-cloud-id"
	Severity Severity
	Message  string // lower case, no final period; says what to do where it can
	Field    string // the field the finding is about, "" if none
	Record   int    // the 0-based index of the record in its input, -1 if not about one record

	// Snippet is the source line at Pos (clipped on very long lines) and SnippetCol the
	// column of its first character, so that a reporter can put a caret under Pos.Col.
	Snippet    string
	SnippetCol int

	// Personal lists the personal data (emails, identities) that Message and Snippet may
	// contain, so that a reporter can mask them for --redact; empty with Options.OmitPersonal.
	// Reader findings have none: their snippets may still hold personal data, which reporters
	// mask by pattern.
	Personal []string
}

// same reports whether two findings are the same finding.
func (f Finding) same(g Finding) bool {
	return f.File == g.File && f.Pos == g.Pos && f.Rule == g.Rule && f.Severity == g.Severity &&
		f.Message == g.Message && f.Field == g.Field && f.Record == g.Record
}

// String is the canonical one-line form, FILE:LINE:COL: SEVERITY: MESSAGE [RULE]; it is also
// the format of the expected-findings files in testdata.
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s [%s]", f.File, f.Pos.Line, f.Pos.Col, f.Severity, f.Message, f.Rule)
}

// Compare orders findings by file, line, column and rule, the order every report uses. It is
// used with a stable sort, so findings of one rule at one place keep the order they were found
// in: a header's problem before its consequence, a record's fields in order.
func Compare(a, b Finding) int {
	// Each part only on a tie of those before: cmp.Or would compare them all.
	if c := cmp.Compare(a.File, b.File); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Pos.Line, b.Pos.Line); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Pos.Col, b.Pos.Col); c != 0 {
		return c
	}
	return cmp.Compare(a.Rule, b.Rule)
}

// mergeSorted merges b into a, both sorted by Compare, as a stable sort of a then b would:
// on a tie, a's finding first. Appended, not merged into a new slice: the room a has (see
// allFindings) usually holds b's few, and a copy of them all is fresh memory to fault in. b is
// read from a copy of its own, since it could be that very room.
func mergeSorted(a, b []Finding) []Finding {
	b = slices.Clone(b)
	out := append(a, b...)
	i, j := len(a)-1, len(b)-1
	for k := len(out) - 1; j >= 0; k-- {
		if i >= 0 && Compare(out[i], b[j]) > 0 {
			out[k], i = out[i], i-1
		} else {
			out[k], j = b[j], j-1
		}
	}
	return out
}
