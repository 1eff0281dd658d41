package validate_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

// sharedBench is the generator of realistic identity files beside the project. A user's clone
// does not have it, so the tests that use it skip.
var sharedBench = filepath.Join("..", "..", "shared", "bench")

// generate runs ../shared/bench/gen and returns the payload and its truth manifest.
func generate(tb testing.TB, format string, rows int, defects string, seed int) (data []byte, truth []byte) {
	tb.Helper()
	if _, err := os.Stat(filepath.Join(sharedBench, "gen", "main.go")); err != nil {
		tb.Skipf("../shared/bench/gen is not present (a fresh clone has no ../shared); skipping: %v", err)
	}
	dir := tb.TempDir()
	truthFile := filepath.Join(dir, "truth.tsv")
	abs, _ := filepath.Abs(sharedBench)
	cmd := exec.Command("go", "run", "./gen", "-rows", strconv.Itoa(rows), "-format", format,
		"-defects", defects, "-seed", strconv.Itoa(seed), "-truth", truthFile)
	cmd.Dir = abs
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("generator: %v\n%s", err, stderr.String())
	}
	truth, err = os.ReadFile(truthFile)
	if err != nil {
		tb.Fatal(err)
	}
	return out, truth
}

// expectedRules maps each injected defect kind to the rules that may report it. Kinds that
// belong to later rules (unicode-spoofing, csv-injection) or need configuration (unknown
// integration IDs) are not required to be found yet; they may still be reported by the rules
// listed, and they are never counted as false positives.
var expectedRules = map[string][]string{
	"malformed_email":            {"email-format"},
	"whitespace":                 {"whitespace"},
	"exact_duplicate":            {"duplicate-record"},
	"cloudid_conflict":           {"duplicate-cloud-id"},
	"email_multiple_cloudids":    {"conflicting-mapping"},
	"empty_field":                {"schema", "integration-id"},
	"unknown_application_type":   {"unknown-application-type"},
	"lowercase_application_type": {"unknown-application-type"},
	"wrong_type":                 {"schema", "integration-id"},
	"homoglyph_email":            {"unicode-spoofing"},
	"invisible_char":             {"unicode-spoofing"},
}

// TestAccuracyOnGeneratedFiles checks idlint against the generator's truth manifest in every
// format: each injected defect of a kind idlint covers is reported on its line by one of the
// expected rules, and no clean record gets any finding.
func TestAccuracyOnGeneratedFiles(t *testing.T) {
	formats := map[string]string{
		"v2-json": "gen.json", "legacy-json": "gen.json", "csv-v2": "gen.csv",
		"csv-legacy": "gen.csv", "ndjson": "gen.ndjson",
	}
	for format, name := range formats {
		t.Run(format, func(t *testing.T) {
			data, truth := generate(t, format, 4000, "0.15", 7)
			e, err := validate.New(validate.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Check(name, bytes.NewReader(data), payload.FormatUnknown); err != nil {
				t.Fatal(err)
			}
			byLine := map[int][]string{} // line → rules reported there
			for _, f := range e.Result().Findings {
				byLine[f.Pos.Line] = append(byLine[f.Pos.Line], f.Rule)
			}

			defectLines := map[int]bool{}
			found, required := 0, 0
			sc := bufio.NewScanner(bytes.NewReader(truth))
			for sc.Scan() {
				cols := strings.Split(sc.Text(), "\t")
				line, _ := strconv.Atoi(cols[1])
				kind := cols[2]
				defectLines[line] = true
				want, covered := expectedRules[kind]
				if kind == "unknown_integration_id" && (cols[3] == "0" || strings.HasPrefix(cols[3], "-")) {
					want, covered = []string{"schema", "integration-id"}, true
				}
				if kind == "csv_formula_injection" && strings.HasPrefix(format, "csv") {
					want, covered = []string{"csv-injection"}, true
				}
				if !covered {
					continue
				}
				required++
				if anyOf(byLine[line], want) {
					found++
				} else {
					t.Errorf("line %d: %s (%s) not reported by %v; got %v", line, kind, cols[3], want, byLine[line])
				}
			}
			// The generator's clean data has upper-case emails (about 1.5 % of developers), which
			// email-case rightly warns about; any other finding on a clean line is a false positive.
			var falsePos []int
			for line, rules := range byLine {
				if !defectLines[line] && slices.ContainsFunc(rules, func(r string) bool { return r != "email-case" }) {
					falsePos = append(falsePos, line)
				}
			}
			sort.Ints(falsePos)
			for _, line := range falsePos {
				t.Errorf("line %d: a clean record got findings %v", line, byLine[line])
			}
			t.Logf("%s: %d of %d covered defects found; %d clean lines with findings", format, found, required, len(falsePos))
		})
	}
}

func anyOf(got, want []string) bool {
	for _, g := range got {
		for _, w := range want {
			if g == w {
				return true
			}
		}
	}
	return false
}

// TestGeneratedReportUnchanged pins every finding idlint gives on generated files with 1 %
// defects, one golden file per format, so that work on speed cannot change a report unnoticed.
// Refresh with `go test ./validate -run TestGeneratedReportUnchanged -update` and review.
func TestGeneratedReportUnchanged(t *testing.T) {
	formats := []struct{ gen, name string }{
		{"csv-legacy", "gen.csv"}, {"csv-v2", "gen.csv"}, {"v2-json", "gen.json"},
		{"legacy-json", "gen.json"}, {"ndjson", "gen.ndjson"},
	}
	for _, f := range formats {
		t.Run(f.gen, func(t *testing.T) {
			data, _ := generate(t, f.gen, 5000, "0.01", 11)
			e, err := validate.New(validate.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Check(f.name, bytes.NewReader(data), payload.FormatUnknown); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, fd := range e.Result().Findings {
				got = append(got, fd.String())
			}
			golden := filepath.Join("testdata", "generated", f.gen+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(strings.Split(strings.TrimSuffix(string(want), "\n"), "\n"), got); diff != "" {
				t.Errorf("report on generated %s changed (-want +got):\n%s", f.gen, diff)
			}
		})
	}
}

// TestPlainShortcut: the rules skip the texts Pass.Plain vouches for; looking at every text
// the long way must give the same findings, on generated files of every format.
func TestPlainShortcut(t *testing.T) {
	for _, f := range []struct{ gen, name string }{
		{"csv-legacy", "gen.csv"}, {"csv-v2", "gen.csv"}, {"v2-json", "gen.json"},
		{"legacy-json", "gen.json"}, {"ndjson", "gen.ndjson"},
	} {
		t.Run(f.gen, func(t *testing.T) {
			data, _ := generate(t, f.gen, 5000, "0.05", 12)
			short, long := checkWith(t, data, payload.FormatUnknown, func(*validate.Engine) {}),
				checkWith(t, data, payload.FormatUnknown, validate.NoPlainShortcut)
			if len(short) == 0 {
				t.Fatal("no findings: the generated file no longer exercises the rules")
			}
			if diff := cmp.Diff(long, short); diff != "" {
				t.Errorf("the shortcut changed the findings (-long way +shortcut):\n%s", diff)
			}
		})
	}
}
