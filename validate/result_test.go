package validate_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/payload"
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
