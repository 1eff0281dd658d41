package validate_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

// TestExactRepeatsOnce: the fuzzer's input that gave the same finding twice, word for word
// at one place, when a field named "" was pointed at the record's start: its two "appears
// again" were one text at 1:2. Each is at its own key now, and the unknown field "" at the
// first. dedupeRecord, which removes exact repeats should a rule ever give one, is tested on
// its own (TestDedupeRecord); no input known today makes one.
func TestExactRepeatsOnce(t *testing.T) {
	var got []string
	for _, f := range check(t, []byte(`[{"":"","":"","":""}]`), payload.FormatJSON) {
		got = append(got, f.String())
	}
	want := []string{
		`fuzz:1:2: error: missing required field "email"; a v2 record needs "email", "integrationId" and "identity" [schema]`,
		`fuzz:1:2: error: missing required field "integrationId"; a v2 record needs "email", "integrationId" and "identity" [schema]`,
		`fuzz:1:2: error: missing required field "identity"; a v2 record needs "email", "integrationId" and "identity" [schema]`,
		`fuzz:1:3: error: unknown field ""; the API rejects it (a v2 record has only "email", "integrationId" and "identity") [schema]`,
		`fuzz:1:9: error: field "" appears again (first at 1:3); the API keeps only one of them, so remove the other [schema]`,
		`fuzz:1:15: error: field "" appears again (first at 1:3); the API keeps only one of them, so remove the other [schema]`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestOmitPersonal: Options.OmitPersonal leaves out the findings' lists of personal data, of
// the record stage and of the set rules' replay, and changes nothing else.
func TestOmitPersonal(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		data := crowdedIdentities(3000, 7, legacy, 100)
		with := checkWithOptions(t, data, payload.FormatCSV, validate.Options{}).Findings
		without := checkWithOptions(t, data, payload.FormatCSV, validate.Options{OmitPersonal: true}).Findings
		if diff := cmp.Diff(with, without, cmpopts.IgnoreFields(validate.Finding{}, "Personal")); diff != "" {
			t.Errorf("legacy %v: OmitPersonal changed the findings (-with +without):\n%s", legacy, diff)
		}
		stages := map[bool]int{} // findings with personal data, by whether the replay gave them
		for i, f := range with {
			if r, _ := validate.Lookup(f.Rule); len(f.Personal) > 0 {
				stages[r.Record == nil]++
			}
			if i < len(without) && without[i].Personal != nil {
				t.Fatalf("legacy %v: with OmitPersonal, %v lists %q", legacy, without[i], without[i].Personal)
			}
		}
		if stages[false] == 0 || stages[true] == 0 {
			t.Fatalf("legacy %v: the test needs findings with personal data from both stages; got %v", legacy, stages)
		}
	}
}

// TestKeepPerRule: with Options.KeepPerRule, a run keeps what an uncapped run finds but for
// the findings past the first of each rule, and counts the same findings. The inputs repeat
// keys (the set rules' findings), repeat faults word for word, have many findings of one rule
// about records, and many about the input (blank rows, and rows of too few cells).
func TestKeepPerRule(t *testing.T) {
	inputs := map[string][]byte{
		"crowded v2":     crowdedIdentities(3000, 11, false, 100),
		"crowded legacy": crowdedIdentities(3000, 12, true, 100),
		"repeats":        []byte(`[{"":"","":"","":""}, {"":"","":"","":""}, {"email":"A@x.io","integrationId":1,"identity":"a","identity":"a"}]`),
	}
	var upper strings.Builder
	upper.WriteString("email,integrationId,identity\n")
	for i := range 500 {
		fmt.Fprintf(&upper, "Dev%d@acme.io,%d,dev%d\n", i, 1+i%3, i)
	}
	inputs["email-case on every row"] = []byte(upper.String())
	inputs["blank and short rows"] = []byte("email,integrationId,identity\n" + strings.Repeat("a@x.io,1,a\n\nb@x.io,2\n", 200))
	inputs["a formula in every cell"] = formulas(700, 20)
	cases, _ := filepath.Glob(filepath.Join("..", "testdata", "rules", "*", "*"))
	for _, c := range cases {
		if filepath.Ext(c) != ".want" {
			if data, err := os.ReadFile(c); err == nil {
				inputs[c] = data
			}
		}
	}
	for name, data := range inputs {
		for _, k := range []int{1, 3, 50} {
			checkKeepPerRule(t, name, data, payload.FormatUnknown, k)
		}
	}
	// Two inputs of one name (standard input named as a file also given): their findings are
	// the same but for the records they are about, and both are kept and counted.
	twice := func(opts validate.Options) validate.Result {
		e, err := validate.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := e.Check("a.csv", strings.NewReader(upper.String()), payload.FormatCSV); err != nil {
				t.Fatal(err)
			}
		}
		return result(t, e)
	}
	whole, kept := twice(validate.Options{}), twice(validate.Options{KeepPerRule: 3})
	if diff := cmp.Diff(firstOfEachRule(whole.Findings, 3), kept.Findings); diff != "" {
		t.Errorf("one name twice: findings (-the first of an uncapped run +kept):\n%s", diff)
	}
	if diff := cmp.Diff(whole.Counts, kept.Counts); diff != "" {
		t.Errorf("one name twice: counts (-uncapped +kept):\n%s", diff)
	}
	for _, c := range whole.Counts {
		if c.Rule == "email-case" && c.Total != 2*500 {
			t.Errorf("one name twice: %d email-case findings, want 1000: every row's, twice", c.Total)
		}
	}
}

// formulas is a CSV of rows whose every cell, extra columns included, starts with "=": more
// than batchSize rows of cols findings each.
func formulas(rows, cols int) []byte {
	var b strings.Builder
	b.WriteString("email,integrationId,identity")
	for c := range cols {
		fmt.Fprintf(&b, ",c%d", c)
	}
	b.WriteString("\n")
	for r := range rows {
		fmt.Fprintf(&b, "=dev%d@acme.io,1,=dev%d", r, r)
		for c := range cols {
			fmt.Fprintf(&b, ",=%d", c)
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}

// checkKeepPerRule compares a run of data with Options.KeepPerRule k with an uncapped one.
func checkKeepPerRule(t *testing.T, name string, data []byte, format payload.Format, k int) {
	t.Helper()
	whole := checkWithOptions(t, data, format, validate.Options{})
	kept := checkWithOptions(t, data, format, validate.Options{KeepPerRule: k})
	if diff := cmp.Diff(firstOfEachRule(whole.Findings, k), kept.Findings); diff != "" {
		t.Errorf("%s, KeepPerRule %d: findings (-the first of an uncapped run +kept):\n%s", name, k, diff)
	}
	if diff := cmp.Diff(countByRule(whole.Findings), kept.Counts); diff != "" {
		t.Errorf("%s, KeepPerRule %d: counts (-of every finding +kept):\n%s", name, k, diff)
	}
	if diff := cmp.Diff(whole.Counts, kept.Counts); diff != "" {
		t.Errorf("%s: the counts of an uncapped run (-) and KeepPerRule %d (+) differ:\n%s", name, k, diff)
	}
}

// firstOfEachRule is what Options.KeepPerRule k keeps of the findings of an uncapped run:
// the first k of each rule.
func firstOfEachRule(fs []validate.Finding, k int) []validate.Finding {
	out := []validate.Finding{}
	seen := map[string]int{}
	for _, f := range fs {
		if seen[f.Rule]++; seen[f.Rule] <= k {
			out = append(out, f)
		}
	}
	return out
}

// countByRule counts findings as Result.Counts does.
func countByRule(fs []validate.Finding) []validate.RuleCount {
	byRule := map[string]*validate.RuleCount{}
	var ids []string
	for _, f := range fs {
		c := byRule[f.Rule]
		if c == nil {
			c = &validate.RuleCount{Rule: f.Rule, Severity: f.Severity, ByFile: map[string]int{}}
			byRule[f.Rule] = c
			ids = append(ids, f.Rule)
		}
		c.Total++
		c.ByFile[f.File]++
	}
	slices.Sort(ids)
	out := []validate.RuleCount{}
	for _, id := range ids {
		out = append(out, *byRule[id])
	}
	return out
}

// checkWithOptions checks data as one input, on a new engine with opts.
func checkWithOptions(t testing.TB, data []byte, format payload.Format, opts validate.Options) validate.Result {
	t.Helper()
	e, err := validate.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Check("fuzz", bytes.NewReader(data), format); err != nil {
		t.Fatal(err)
	}
	return result(t, e)
}
