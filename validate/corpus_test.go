package validate_test

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

// TestJSONTestSuite runs the whole check on every JSONTestSuite file. Every file the suite
// rejects (n_) must give an error finding about the input — syntax, or for an empty one
// empty-payload — so that idlint exits 1 on it, never 3 and never with a panic; every file it
// accepts (y_) must give no syntax finding (it then gets whatever schema findings apply).
func TestJSONTestSuite(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpora", "json-test-suite")
	manifest, err := os.Open(filepath.Join(dir, "expected.tsv"))
	if err != nil {
		t.Skipf("../shared/corpora is not present (a fresh clone has none); skipping: %v", err)
	}
	defer manifest.Close()
	var rejected, accepted int
	sc := bufio.NewScanner(manifest)
	sc.Scan() // header
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		name, want := cols[0], cols[1]
		if want != "accept" && want != "reject" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, "test_parsing", name))
		if err != nil {
			t.Fatal(err)
		}
		e, err := validate.New(validate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Check(name, strings.NewReader(string(data)), payload.FormatJSON); err != nil {
			t.Errorf("%s: %v (an I/O error would exit 3)", name, err)
			continue
		}
		var rules []string
		for _, f := range e.Result().Findings {
			if f.Severity == validate.SeverityError {
				rules = append(rules, f.Rule)
			}
		}
		syntax := slices.Contains(rules, "syntax")
		switch want {
		case "reject":
			rejected++
			if !syntax && !slices.Contains(rules, "empty-payload") && !slices.Contains(rules, "encoding") {
				t.Errorf("%s: rejected by the suite, but idlint gives no syntax error (errors: %v)", name, rules)
			}
		case "accept":
			accepted++
			if syntax {
				t.Errorf("%s: accepted by the suite, but idlint reports a syntax error", name)
			}
		}
	}
	t.Logf("JSONTestSuite through the whole check: %d n_ files all give an error, %d y_ files none a syntax error", rejected, accepted)
}
