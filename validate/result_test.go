package validate_test

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

// TestExactRepeatsOnce: a fault reported twice, word for word at one place, is one finding.
// A field named "" three times gives two "appears again" violations, both at the record's
// start (a field without a name has no key to point at), and three unknown fields: the
// fuzzer found these, and the result lists each once.
func TestExactRepeatsOnce(t *testing.T) {
	var got []string
	for _, f := range check(t, []byte(`[{"":"","":"","":""}]`), payload.FormatJSON) {
		got = append(got, f.String())
	}
	want := []string{
		`fuzz:1:2: error: missing required field "email"; a v2 record needs "email", "integrationId" and "identity" [schema]`,
		`fuzz:1:2: error: missing required field "integrationId"; a v2 record needs "email", "integrationId" and "identity" [schema]`,
		`fuzz:1:2: error: missing required field "identity"; a v2 record needs "email", "integrationId" and "identity" [schema]`,
		`fuzz:1:2: error: field "" appears again (first at 1:3); the API keeps only one of them, so remove the other [schema]`,
		`fuzz:1:2: error: unknown field ""; the API rejects it (a v2 record has only "email", "integrationId" and "identity") [schema]`,
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
		with := checkWith(t, data, payload.FormatCSV, func(*validate.Engine) {})
		e, err := validate.New(validate.Options{OmitPersonal: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Check("fuzz", bytes.NewReader(data), payload.FormatCSV); err != nil {
			t.Fatal(err)
		}
		without := result(t, e).Findings
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
