package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xeipuuv/gojsonschema"

	"github.com/idlint/idlint/internal/nonet"
	"github.com/idlint/idlint/schema"
)

// runBinary runs the built idlint in dir and returns its stdout and exit status.
func runBinary(t *testing.T, dir string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "SOURCE_DATE_EPOCH=1700000000")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := 0
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatal(err)
		}
		code = ee.ExitCode()
	}
	return stdout.String(), code
}

// examplesDir is a copy of testdata/examples plus an input that cannot be read, so that the
// formats are seen with errors, warnings, a whole-file finding and an unreadable input.
func examplesDir(t *testing.T) (dir string, args []string) {
	t.Helper()
	dir = t.TempDir()
	for _, name := range []string{"broken.json", "identities.csv"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "examples", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "empty.csv"), []byte("email,applicationType,cloudId\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, []string{"broken.json", "identities.csv", "empty.csv", "missing.csv"}
}

func matchesSchema(t *testing.T, schemaSrc []byte, doc string) {
	t.Helper()
	nonet.Forbid(t)
	s, err := gojsonschema.NewSchema(gojsonschema.NewBytesLoader(schemaSrc))
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Validate(gojsonschema.NewStringLoader(doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors() {
		t.Errorf("does not match the schema: %s", e)
	}
}

// finding is what every format says about a finding: where, and which rule.
type finding struct {
	File      string
	Line, Col int
	Rule      string
}

func (f finding) String() string { return fmt.Sprintf("%s:%d:%d [%s]", f.File, f.Line, f.Col, f.Rule) }

// TestFormatsAgree runs the binary once per format on the same inputs: the json and SARIF
// output match their schemas, the JUnit output parses, and all five name the same findings
// and exit with the same status.
func TestFormatsAgree(t *testing.T) {
	dir, inputs := examplesDir(t)
	got := map[string][]string{}
	for _, format := range []string{"text", "json", "sarif", "github", "junit"} {
		out, code := runBinary(t, dir, append([]string{"check", "--format", format}, inputs...)...)
		if code != exitInput {
			t.Errorf("%s: exit %d, want %d (an input is missing)", format, code, exitInput)
		}
		var fs []finding
		switch format {
		case "text":
			re := regexp.MustCompile(`(?m)^(\S+):(\d+):(\d+): \w+: .* \[([a-z-]+)\]$`)
			for _, m := range re.FindAllStringSubmatch(out, -1) {
				var f finding
				fmt.Sscan(m[2]+" "+m[3], &f.Line, &f.Col)
				f.File, f.Rule = m[1], m[4]
				fs = append(fs, f)
			}
		case "json":
			src, err := schema.Source("report")
			if err != nil {
				t.Fatal(err)
			}
			matchesSchema(t, src, out)
			var doc struct {
				Inputs []struct {
					File  string `json:"file"`
					Error string `json:"error"`
				} `json:"inputs"`
				Findings []struct {
					File   string `json:"file"`
					Line   int    `json:"line"`
					Column int    `json:"column"`
					Rule   string `json:"rule"`
				} `json:"findings"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			for _, f := range doc.Findings {
				fs = append(fs, finding{f.File, f.Line, f.Column, f.Rule})
			}
			if len(doc.Inputs) != 4 || doc.Inputs[3].Error == "" {
				t.Errorf("json inputs: %+v; want 4, the last unreadable", doc.Inputs)
			}
		case "sarif":
			if src, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "schemas", "sarif-2.1.0.json")); err == nil {
				matchesSchema(t, src, out)
			} else {
				t.Logf("SARIF schema not checked: %v (it comes with ../shared beside the clone)", err)
			}
			var doc struct {
				Runs []struct {
					Results []struct {
						RuleID    string `json:"ruleId"`
						Locations []struct {
							PhysicalLocation struct {
								ArtifactLocation struct {
									URI string `json:"uri"`
								} `json:"artifactLocation"`
								Region struct {
									StartLine   int `json:"startLine"`
									StartColumn int `json:"startColumn"`
								} `json:"region"`
							} `json:"physicalLocation"`
						} `json:"locations"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			for _, r := range doc.Runs[0].Results {
				pl := r.Locations[0].PhysicalLocation
				fs = append(fs, finding{pl.ArtifactLocation.URI, pl.Region.StartLine, pl.Region.StartColumn, r.RuleID})
			}
		case "github":
			re := regexp.MustCompile(`(?m)^::(?:error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),title=([a-z-]+)::`)
			for _, m := range re.FindAllStringSubmatch(out, -1) {
				var f finding
				fmt.Sscan(m[2]+" "+m[3], &f.Line, &f.Col)
				f.File, f.Rule = m[1], m[4]
				fs = append(fs, f)
			}
			if !strings.Contains(out, "::error file=missing.csv,title=unreadable::") {
				t.Errorf("github output does not name the unreadable input:\n%s", out)
			}
		case "junit":
			var doc struct {
				Suites []struct {
					Name  string `xml:"name,attr"`
					Cases []struct {
						Failures []struct {
							Text string `xml:",chardata"`
						} `xml:"failure"`
						Error     *struct{} `xml:"error"`
						SystemOut string    `xml:"system-out"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			if err := xml.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("junit output does not parse: %v", err)
			}
			// A failure's text and the system-out are the text format's lines.
			re := regexp.MustCompile(`(?m)^(\S+):(\d+):(\d+): \w+: .* \[([a-z-]+)\]$`)
			var text strings.Builder
			for _, s := range doc.Suites {
				for _, c := range s.Cases {
					for _, f := range c.Failures {
						text.WriteString(f.Text)
					}
					text.WriteString(c.SystemOut)
				}
			}
			for _, m := range re.FindAllStringSubmatch(text.String(), -1) {
				var f finding
				fmt.Sscan(m[2]+" "+m[3], &f.Line, &f.Col)
				f.File, f.Rule = m[1], m[4]
				fs = append(fs, f)
			}
			if len(doc.Suites) != 4 {
				t.Errorf("junit: %d testsuites, want 4 (one per input)", len(doc.Suites))
			}
		}
		var lines []string
		for _, f := range fs {
			lines = append(lines, f.String())
		}
		slices.Sort(lines)
		got[format] = lines
	}
	if len(got["text"]) < 10 {
		t.Fatalf("text shows only %d findings; the examples have more", len(got["text"]))
	}
	for _, format := range []string{"json", "sarif", "github", "junit"} {
		if diff := cmp.Diff(got["text"], got[format]); diff != "" {
			t.Errorf("%s and text name different findings (-text +%s):\n%s", format, format, diff)
		}
	}
}

// TestOutputFile: --output writes the report there (stdout stays empty), whole, with no
// temporary file left beside it, and an existing file keeps its permissions.
func TestOutputFile(t *testing.T) {
	dir, inputs := examplesDir(t)
	inputs = inputs[:2]
	want, code := runBinary(t, dir, append([]string{"check", "-f", "sarif"}, inputs...)...)
	if code != exitFindings {
		t.Fatalf("exit %d", code)
	}
	out := filepath.Join(dir, "reports", "idlint.sarif")
	if err := os.Mkdir(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, []byte("old report"), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, code := runBinary(t, dir, append([]string{"check", "-f", "sarif", "--output", "reports/idlint.sarif"}, inputs...)...)
	if code != exitFindings || stdout != "" {
		t.Errorf("exit %d, stdout %q; want %d and nothing", code, stdout, exitFindings)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("the file differs from the report on stdout")
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("reports/ holds %d entries, want only idlint.sarif", len(entries))
	}
	if info, err := os.Stat(out); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v; want the old file's 0600", info.Mode().Perm(), err)
	}
}

// TestWriteAtomicFailure: a report that fails half way leaves the old file as it was and no
// temporary file.
func TestWriteAtomicFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := writeReport(path, nil, func(w io.Writer) error {
		io.WriteString(w, "half a rep")
		return errors.New("disk full")
	})
	if err == nil {
		t.Fatal("no error")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("the old file now holds %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the directory, want 1", len(entries))
	}
}
