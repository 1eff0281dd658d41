package validate_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/validate"
)

// TestREADMERules keeps the README's rules table in step with the rules: every rule, in
// `idlint rules` order, with its severity and summary.
func TestREADMERules(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\| (error|warning|info) \\| (.+) \\|$")
	var got []string
	for _, m := range row.FindAllStringSubmatch(string(readme), -1) {
		got = append(got, m[1]+" "+m[2]+" "+m[3])
	}
	var want []string
	for _, r := range validate.All {
		want = append(want, r.ID+" "+r.Severity.String()+" "+r.Summary)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("README.md's rules table differs from validate.All (-want +got):\n%s", diff)
	}
}
