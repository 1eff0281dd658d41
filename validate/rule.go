// Package validate is idlint's rules engine: it takes the records the payload readers stream,
// checks each against its schema and every enabled rule, keeps the indexes the set rules
// (duplicates, conflicts) need across all inputs of a run, and collects the findings.
//
// Each rule lives in its own rule_<id>.go file as a declarative *Rule value; All lists them.
// Rules never print: they report through Pass, and package report decides how findings look.
package validate

import (
	"fmt"
	"regexp"
	"slices"
)

// A Rule is one check, with the documentation `idlint rules` and `idlint explain` show.
type Rule struct {
	// ID is the stable kebab-case name users see, configure and search for; it is never
	// reused for another meaning.
	ID string
	// Severity is the default severity.
	Severity Severity
	// Summary is one line for `idlint rules`: lower case, no final period.
	Summary string
	// Doc is the full explanation for `idlint explain`: why it matters and what to do.
	Doc string
	// Bad is an example input that breaks the rule and Good its corrected form. A test runs
	// both, so the documentation cannot drift from what the rule does.
	Bad, Good Example
	// Record returns the function that checks one record on its own. Record rules see every
	// record, as the reader hands it over. Each core checks with a function of its own, which
	// may remember what it worked out (a cache), but nothing that changes what it reports:
	// which records a core sees depends on timing. Nil for rules without a record half, and
	// for the rules that readers and the engine report themselves (syntax, csv-header,
	// schema, ...).
	Record func() func(*Pass)
	// plainQuiet: the record half finds nothing in a record whose every string value is plain
	// text or empty (see Pass.Plain), so the engine does not call it for one, as most are.
	plainQuiet bool
	// Set returns the function that relates a record to the records before it with the same
	// key (setKeys), with fresh state (its indexes) for one run. It sees the records that have
	// a mapping (Pass.Mapping), in input order across all inputs — but only those whose key
	// occurs more than once in the run, and a few more: the set stage leaves out the others
	// (see sieve). So a set function may relate a record only to earlier records with the same
	// key, and must report nothing for the first record of a key. Only set functions may use
	// Pass.Account, Keep and Text, and they may not use Pass.Format. A rule may have both
	// halves.
	Set func() func(*Pass)
	// setKeys are the keys by which the Set function relates records.
	setKeys []keyKind
}

// An Example is a small input file for a rule's documentation.
type Example struct {
	Name string // a file name; its extension selects the reader
	Text string
}

// All lists every rule, in the order `idlint rules` shows them: first the ones about reading
// the input, then per-record rules, then set rules. Add new rules here.
var All = []*Rule{
	Encoding,
	BOM,
	Syntax,
	CSVHeader,
	UnknownColumn,
	BlankRow,
	EmptyPayload,
	Schema,
	EmailFormat,
	EmailCase,
	Whitespace,
	UnknownApplicationType,
	IntegrationID,
	IdentityFormat,
	CSVInjection,
	UnicodeSpoofing,
	DuplicateRecord,
	DuplicateCloudID,
	ConflictingMapping,
}

// Lookup returns the rule with the given ID.
func Lookup(id string) (*Rule, bool) {
	i := slices.IndexFunc(All, func(r *Rule) bool { return r.ID == id })
	if i < 0 {
		return nil, false
	}
	return All[i], true
}

// IDs returns every rule ID, in All's order.
func IDs() []string {
	ids := make([]string, len(All))
	for i, r := range All {
		ids[i] = r.ID
	}
	return ids
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// CheckRules checks that a rule list is well formed: IDs kebab-case and unique, and every
// rule documented with a severity and examples. Tests call it on All.
func CheckRules(rules []*Rule) error {
	seen := map[string]bool{}
	for _, r := range rules {
		switch {
		case !idPattern.MatchString(r.ID):
			return fmt.Errorf("rule %q: ID must be kebab-case", r.ID)
		case seen[r.ID]:
			return fmt.Errorf("rule %q: ID is used twice", r.ID)
		case r.Severity < SeverityError || r.Severity > SeverityInfo:
			return fmt.Errorf("rule %q: no valid severity", r.ID)
		case r.Summary == "" || r.Doc == "":
			return fmt.Errorf("rule %q: Summary and Doc are required", r.ID)
		case r.Bad.Text == "" || r.Good.Text == "":
			return fmt.Errorf("rule %q: Bad and Good examples are required", r.ID)
		case (r.Set != nil) != (len(r.setKeys) > 0):
			return fmt.Errorf("rule %q: a set rule needs a key, and only a set rule has one", r.ID)
		case r.plainQuiet && r.Record == nil:
			return fmt.Errorf("rule %q: only a record rule can be quiet on plain text", r.ID)
		}
		seen[r.ID] = true
	}
	return nil
}
