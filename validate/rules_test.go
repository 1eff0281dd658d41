package validate_test

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

var update = flag.Bool("update", false, "rewrite the expected findings (.want files) in testdata/")

func TestCheckRules(t *testing.T) {
	if err := validate.CheckRules(validate.All); err != nil {
		t.Fatal(err)
	}
}

// TestExamples runs every rule's documented examples: the bad one must give a finding of the
// rule and the good one no finding at all, so `idlint explain` cannot show a wrong example.
func TestExamples(t *testing.T) {
	for _, r := range validate.All {
		t.Run(r.ID, func(t *testing.T) {
			bad, err := validate.CheckExample(r.Bad)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(bad.Findings, func(f validate.Finding) bool { return f.Rule == r.ID }) {
				t.Errorf("the bad example gives no %s finding; it gives:\n%s", r.ID, lines(bad.Findings))
			}
			good, err := validate.CheckExample(r.Good)
			if err != nil {
				t.Fatal(err)
			}
			if len(good.Findings) > 0 {
				t.Errorf("the good example gives findings:\n%s", lines(good.Findings))
			}
		})
	}
}

// TestRuleCases runs each case under testdata/rules/<rule>/ through the engine and compares
// its findings with the case's .want file: one Finding.String() line per finding. Cases named
// bad_* must give at least one finding of their rule; cases named good_* must give none at all.
// Every rule has at least one of each.
func TestRuleCases(t *testing.T) {
	root := filepath.Join("..", "testdata", "rules")
	for _, r := range validate.All {
		dir := filepath.Join(root, r.ID)
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Errorf("rule %s has no test cases: %v", r.ID, err)
			continue
		}
		var bad, good int
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || strings.HasSuffix(name, ".want") {
				continue
			}
			switch {
			case strings.HasPrefix(name, "bad_"):
				bad++
			case strings.HasPrefix(name, "good_"):
				good++
			default:
				t.Errorf("%s: case names start with bad_ or good_", filepath.Join(dir, name))
				continue
			}
			t.Run(r.ID+"/"+name, func(t *testing.T) { runCase(t, r, filepath.Join(dir, name)) })
		}
		if bad == 0 || good == 0 {
			t.Errorf("rule %s needs a bad_ and a good_ case in %s (has %d and %d)", r.ID, dir, bad, good)
		}
	}
}

func runCase(t *testing.T, r *validate.Rule, path string) {
	e, err := validate.New(validate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Findings name the file by its base name, so .want files do not depend on the path.
	if _, err := e.Check(filepath.Base(path), f, payload.FormatUnknown); err != nil {
		t.Fatal(err)
	}
	got := e.Result().Findings
	gotLines := make([]string, len(got))
	for i, f := range got {
		gotLines[i] = f.String()
	}

	base := filepath.Base(path)
	if strings.HasPrefix(base, "good_") {
		if len(got) > 0 {
			t.Errorf("a good case gives findings:\n%s", lines(got))
		}
		return
	}
	if !slices.ContainsFunc(got, func(f validate.Finding) bool { return f.Rule == r.ID }) {
		t.Errorf("a bad case gives no %s finding", r.ID)
	}
	wantPath := strings.TrimSuffix(path, filepath.Ext(path)) + ".want"
	if *update {
		if err := os.WriteFile(wantPath, []byte(strings.Join(gotLines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(wantPath)
	if err != nil {
		t.Fatalf("%v (run `go test ./validate -update` to create it, then review it)", err)
	}
	want := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if diff := cmp.Diff(want, gotLines); diff != "" {
		t.Errorf("findings mismatch (-want +got):\n%s", diff)
	}
}

func lines(fs []validate.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.String() + "\n")
	}
	return b.String()
}

// TestPersonal checks that findings list the personal data their messages name, including
// values from other records, so that --redact can mask them.
func TestPersonal(t *testing.T) {
	res, err := validate.CheckExample(validate.Example{Name: "p.csv", Text: "email,applicationType,cloudId\n" +
		"jane.doe@acme.com,GITHUB,janedoe\nJane.Doe@acme.com,GITHUB,jdoe2\n"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		for _, v := range []string{"jane.doe@acme.com", "janedoe", "Jane.Doe@acme.com", "jdoe2"} {
			if strings.Contains(f.Message, v) && !slices.Contains(f.Personal, v) {
				t.Errorf("%s: message names %q but Personal is %q", f, v, f.Personal)
			}
		}
	}
	if len(res.Findings) == 0 {
		t.Fatal("no findings: the test input is wrong")
	}
}
