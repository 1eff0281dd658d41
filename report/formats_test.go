package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xeipuuv/gojsonschema"

	"github.com/idlint/idlint/internal/nonet"
	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/schema"
	"github.com/idlint/idlint/validate"
)

func render(t *testing.T, format string, opts Options, r *Report) []byte {
	t.Helper()
	rep, err := New(format, opts)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rep.Report(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// validateAgainst checks a document against a JSON Schema given as bytes.
func validateAgainst(t *testing.T, schemaSrc, doc []byte) {
	t.Helper()
	nonet.Forbid(t)
	s, err := gojsonschema.NewSchema(gojsonschema.NewBytesLoader(schemaSrc))
	if err != nil {
		t.Fatalf("compiling the schema: %v", err)
	}
	res, err := s.Validate(gojsonschema.NewBytesLoader(doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors() {
		t.Errorf("does not match the schema: %s", e)
	}
}

// reports are the report variants the schema tests run on: every field filled, and edge cases
// (an unreadable input, no findings, capped and redacted).
func reports() map[string]struct {
	r    *Report
	opts Options
} {
	unreadable := sample()
	unreadable.Inputs = append(unreadable.Inputs, Input{File: "gone.csv", Err: "cannot read gone.csv: no such file or directory"})
	clean := &Report{Files: 1, Records: 3, Rules: validate.All, Inputs: []Input{{File: "ok.csv", Format: "csv", Shape: "legacy", Records: 3}}}
	return map[string]struct {
		r    *Report
		opts Options
	}{
		"sample":     {sample(), Options{Version: "1.2.3", BaseDir: "/work/repo"}},
		"unreadable": {unreadable, Options{}},
		"clean":      {clean, Options{}},
		"capped":     {many("duplicate-record", 5), Options{MaxPerRule: 2, Redact: RedactHash, Quiet: false}},
		"quiet":      {sample(), Options{Quiet: true, Redact: RedactMask}},
	}
}

func TestJSONMatchesItsSchema(t *testing.T) {
	src, err := schema.Source("report")
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range reports() {
		t.Run(name, func(t *testing.T) {
			validateAgainst(t, src, render(t, "json", c.opts, c.r))
		})
	}
}

// officialSARIFSchema is the official SARIF 2.1.0 schema, beside the clone in ../shared.
func officialSARIFSchema(t *testing.T) []byte {
	path := filepath.Join("..", "..", "shared", "schemas", "sarif-2.1.0.json")
	src, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("the SARIF 2.1.0 schema is not at %s (it comes with ../shared beside the clone); skipping", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestSARIFMatchesTheSchema(t *testing.T) {
	src := officialSARIFSchema(t)
	for name, c := range reports() {
		t.Run(name, func(t *testing.T) {
			validateAgainst(t, src, render(t, "sarif", c.opts, c.r))
		})
	}
}

type sarifOut struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID string `json:"id"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID       string            `json:"ruleId"`
			RuleIndex    int               `json:"ruleIndex"`
			Fingerprints map[string]string `json:"partialFingerprints"`
			Locations    []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
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

func parseSARIF(t *testing.T, b []byte) sarifOut {
	t.Helper()
	var out sarifOut
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSARIFResults checks what GitHub relies on: each ruleIndex points at its rule, positions
// are at least 1, and URIs are relative to the base directory.
func TestSARIFResults(t *testing.T) {
	r := sample()
	r.Findings = append(r.Findings, validate.Finding{File: "/work/repo/ids/c d.csv", Rule: "empty-payload",
		Severity: validate.SeverityError, Message: "the payload has no records", Record: -1})
	r.Findings = append(r.Findings, validate.Finding{File: "/elsewhere/x.csv", Pos: payload.Pos{Line: 1, Col: 1}, Rule: "empty-payload",
		Severity: validate.SeverityError, Message: "the payload has no records", Record: -1})
	out := parseSARIF(t, render(t, "sarif", Options{BaseDir: "/work/repo"}, r))
	run := out.Runs[0]
	if len(run.Results) != len(r.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(r.Findings))
	}
	var uris []string
	for _, res := range run.Results {
		if got := run.Tool.Driver.Rules[res.RuleIndex].ID; got != res.RuleID {
			t.Errorf("result %s: ruleIndex %d is rule %s", res.RuleID, res.RuleIndex, got)
		}
		loc := res.Locations[0].PhysicalLocation
		if loc.Region.StartLine < 1 || loc.Region.StartColumn < 1 {
			t.Errorf("result %s: region %+v", res.RuleID, loc.Region)
		}
		uris = append(uris, loc.ArtifactLocation.URIBaseID+" "+loc.ArtifactLocation.URI)
	}
	want := []string{"%SRCROOT% a.csv", "%SRCROOT% a.csv", "%SRCROOT% a.csv", "%SRCROOT% a.csv",
		"%SRCROOT% b.json", "%SRCROOT% b.json", "%SRCROOT% ids/c%20d.csv", " file:///elsewhere/x.csv"}
	if diff := cmp.Diff(want, uris); diff != "" {
		t.Errorf("URIs (-want +got):\n%s", diff)
	}
}

// TestSARIFFingerprintsStable: rows added above a finding move it down, but it keeps its
// fingerprint, so GitHub keeps the alert rather than closing it and opening a new one.
func TestSARIFFingerprintsStable(t *testing.T) {
	fps := func(shift int) []string {
		r := sample()
		for i := range r.Findings {
			r.Findings[i].Pos.Line += shift
			r.Findings[i].Record += shift
		}
		var out []string
		for _, res := range parseSARIF(t, render(t, "sarif", Options{}, r)).Runs[0].Results {
			out = append(out, res.Fingerprints[fingerprintKey])
		}
		return out
	}
	before, after := fps(0), fps(10)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("fingerprints changed when the rows moved (-before +after):\n%s", diff)
	}
	seen := map[string]bool{}
	for _, fp := range before {
		if seen[fp] {
			t.Errorf("fingerprint %s given twice", fp)
		}
		seen[fp] = true
	}
	// Two identical findings (the same line repeated) are told apart by their occurrence.
	r := many("duplicate-record", 3)
	for i := range r.Findings {
		r.Findings[i].Snippet = "same,line"
	}
	got := map[string]bool{}
	for _, res := range parseSARIF(t, render(t, "sarif", Options{}, r)).Runs[0].Results {
		if res.RuleID == "duplicate-record" {
			got[res.Fingerprints[fingerprintKey]] = true
		}
	}
	if len(got) != 3 {
		t.Errorf("3 identical findings have %d distinct fingerprints, want 3", len(got))
	}
}

type junitParsed struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Cases    []struct {
			Name     string `xml:"name,attr"`
			Failures []struct {
				Type    string `xml:"type,attr"`
				Message string `xml:"message,attr"`
			} `xml:"failure"`
			Error     *struct{} `xml:"error"`
			SystemOut string    `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// TestJUnitCounts parses the XML back and checks that the counts add up and match the
// findings: a failure per error (and per warning when warnings fail the run).
func TestJUnitCounts(t *testing.T) {
	unreadable := sample()
	unreadable.Inputs = append(unreadable.Inputs, Input{File: "gone.csv", Err: "cannot read gone.csv: no such file or directory"})
	clean := &Report{Files: 2, Records: 3, Inputs: []Input{{File: "ok.csv", Records: 2}, {File: "ok2.json", Records: 1}}}
	tests := []struct {
		name          string
		r             *Report
		gate          Gate
		wantSuites    int
		wantTests     int
		wantFailElems int
		wantErrors    int
	}{
		{name: "errors fail", r: sample(), wantSuites: 2, wantTests: 5, wantFailElems: 4},
		{name: "warnings fail too", r: sample(), gate: Gate{FailOn: FailOnWarning}, wantSuites: 2, wantTests: 5, wantFailElems: 6},
		{name: "past max-warnings", r: sample(), gate: Gate{LimitWarnings: true, MaxWarnings: 1}, wantSuites: 2, wantTests: 5, wantFailElems: 6},
		{name: "within max-warnings", r: sample(), gate: Gate{LimitWarnings: true, MaxWarnings: 2}, wantSuites: 2, wantTests: 5, wantFailElems: 4},
		{name: "clean files pass", r: clean, wantSuites: 2, wantTests: 2},
		{name: "unreadable input", r: unreadable, wantSuites: 3, wantTests: 6, wantFailElems: 4, wantErrors: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.r.Gate = tt.gate
			var got junitParsed
			if err := xml.Unmarshal(render(t, "junit", Options{Now: fixedClock}, tt.r), &got); err != nil {
				t.Fatal(err)
			}
			tests, failed, errs, elems := 0, 0, 0, 0
			for _, s := range got.Suites {
				st, sf, se := 0, 0, 0
				for _, c := range s.Cases {
					st++
					elems += len(c.Failures)
					if len(c.Failures) > 0 {
						sf++
					}
					if c.Error != nil {
						se++
					}
				}
				if st != s.Tests || sf != s.Failures || se != s.Errors {
					t.Errorf("suite %s says tests=%d failures=%d errors=%d; its testcases give %d, %d, %d", s.Name, s.Tests, s.Failures, s.Errors, st, sf, se)
				}
				tests, failed, errs = tests+st, failed+sf, errs+se
			}
			if tests != got.Tests || failed != got.Failures || errs != got.Errors {
				t.Errorf("testsuites says tests=%d failures=%d errors=%d; the suites give %d, %d, %d", got.Tests, got.Failures, got.Errors, tests, failed, errs)
			}
			if len(got.Suites) != tt.wantSuites || tests != tt.wantTests || elems != tt.wantFailElems || errs != tt.wantErrors {
				t.Errorf("suites=%d tests=%d failure elements=%d errors=%d; want %d, %d, %d, %d",
					len(got.Suites), tests, elems, errs, tt.wantSuites, tt.wantTests, tt.wantFailElems, tt.wantErrors)
			}
		})
	}
}

func TestGitHubEscaping(t *testing.T) {
	tests := []struct {
		name, in, data, property string
	}{
		{name: "plain", in: "a.csv", data: "a.csv", property: "a.csv"},
		{name: "percent first", in: "100%0A", data: "100%250A", property: "100%250A"},
		{name: "line breaks", in: "a\r\nb", data: "a%0D%0Ab", property: "a%0D%0Ab"},
		{name: "colon and comma", in: "dir:x,y.csv", data: "dir:x,y.csv", property: "dir%3Ax%2Cy.csv"},
		{name: "a command smuggled in", in: "x\n::error::owned", data: "x%0A::error::owned", property: "x%0A%3A%3Aerror%3A%3Aowned"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := escapeData(tt.in); got != tt.data {
				t.Errorf("escapeData(%q) = %q, want %q", tt.in, got, tt.data)
			}
			if got := escapeProperty(tt.in); got != tt.property {
				t.Errorf("escapeProperty(%q) = %q, want %q", tt.in, got, tt.property)
			}
		})
	}
	// Every line of the output is one command or the summary: nothing a finding says can
	// start a line of its own.
	r := &Report{Files: 1, Records: 1, Findings: []validate.Finding{{File: "a,b:c.csv", Pos: payload.Pos{Line: 2, Col: 3},
		Rule: "schema", Severity: validate.SeverityError, Message: "bad\n::warning::fake", Record: 0}}}
	out := strings.Split(strings.TrimSuffix(string(render(t, "github", Options{}, r)), "\n"), "\n")
	want := []string{
		"::error file=a%2Cb%3Ac.csv,line=2,col=3,title=schema::bad%0A::warning::fake",
		"idlint: 1 error, 0 warnings in 1 record (1 file)",
	}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

// many makes a report with n findings of one rule, one per line.
func many(rule string, n int) *Report {
	r := &Report{Files: 1, Records: n + 1, Rules: validate.All, Inputs: []Input{{File: "big.csv", Format: "csv", Shape: "legacy", Records: n + 1}}}
	for i := range n {
		email := fmt.Sprintf("dev%d@acme.com", i)
		r.Findings = append(r.Findings, validate.Finding{File: "big.csv", Pos: payload.Pos{Line: i + 3, Col: 1}, Rule: rule,
			Severity: validate.SeverityWarning, Message: fmt.Sprintf("repeats the mapping at line 2 (%s, GITHUB, \"dev\"); delete this one", email),
			Record: i + 1, Snippet: email + ",GITHUB,dev", SnippetCol: 1, Personal: []string{email, "dev"}})
	}
	r.Findings = append(r.Findings, validate.Finding{File: "big.csv", Pos: payload.Pos{Line: n + 3, Col: 1}, Rule: "email-format",
		Severity: validate.SeverityError, Message: `email "x": has no "@"`, Record: n + 1, Snippet: "x,GITHUB,x", SnippetCol: 1, Personal: []string{"x"}})
	return r
}

// TestCap: text shows the first N findings of each rule, then says how many it left out and
// counts every rule with its first lines; machine formats show everything unless asked.
func TestCap(t *testing.T) {
	r := many("duplicate-record", 40000)
	out := string(render(t, "text", Options{}, r))
	for _, want := range []string{
		"… and 39,950 more duplicate-record findings (--max-findings 50)\n",
		"findings by rule:\n  duplicate-record  40,000 warnings  big.csv:3, big.csv:4, big.csv:5, …\n  email-format      1 error          big.csv:40003\n",
		"1 error, 40000 warnings in 40001 records (1 file)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q; it ends:\n%s", want, out[max(0, len(out)-600):])
		}
	}
	if n := strings.Count(out, "[duplicate-record]"); n != 50 {
		t.Errorf("text shows %d duplicate-record findings, want 50", n)
	}
	r = many("duplicate-record", 2000) // machine formats: smaller, the same logic
	var doc struct {
		Findings []json.RawMessage `json:"findings"`
		Omitted  map[string]int    `json:"omitted"`
	}
	if err := json.Unmarshal(render(t, "json", Options{}, r), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != 2001 || doc.Omitted != nil {
		t.Errorf("json: %d findings, omitted %v; want all 2001 and none omitted", len(doc.Findings), doc.Omitted)
	}
	if err := json.Unmarshal(render(t, "json", Options{MaxPerRule: 10}, r), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != 11 || doc.Omitted["duplicate-record"] != 1990 {
		t.Errorf("json --max-findings 10: %d findings, omitted %v", len(doc.Findings), doc.Omitted)
	}
	if n := strings.Count(string(render(t, "text", Options{MaxPerRule: Unlimited}, r)), "[duplicate-record]"); n != 2000 {
		t.Errorf("text with no cap shows %d duplicate-record findings, want 2000", n)
	}

	small := many("duplicate-record", 5)
	got := string(render(t, "text", Options{MaxPerRule: 2, Redact: RedactMask}, small))
	golden := filepath.Join("testdata", "text-capped.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run `go test ./report -update`, then review the file)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("output mismatch (-want +got):\n%s", diff)
	}
}

func TestGroup(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 39950: "39,950", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestOutcome(t *testing.T) {
	errs := []validate.Finding{{Severity: validate.SeverityError}, {Severity: validate.SeverityError}}
	warns := []validate.Finding{{Severity: validate.SeverityWarning}, {Severity: validate.SeverityWarning}, {Severity: validate.SeverityWarning}}
	both := append(append([]validate.Finding{}, errs...), warns...)
	gone := []Input{{File: "gone.csv", Err: "cannot read gone.csv"}}
	tests := []struct {
		name        string
		findings    []validate.Finding
		inputs      []Input
		gate        Gate
		wantFailed  bool
		wantVerdict string
	}{
		{name: "clean"},
		{name: "errors fail, as the counts say", findings: errs, wantFailed: true},
		{name: "warnings alone pass", findings: warns},
		{name: "within max-warnings", findings: warns, gate: Gate{LimitWarnings: true, MaxWarnings: 3}},
		{name: "past max-warnings", findings: warns, gate: Gate{LimitWarnings: true, MaxWarnings: 2}, wantFailed: true,
			wantVerdict: "fails: 3 warnings, more than --max-warnings 2"},
		{name: "max-warnings 0", findings: warns, gate: Gate{LimitWarnings: true}, wantFailed: true,
			wantVerdict: "fails: 3 warnings, more than --max-warnings 0"},
		{name: "both", findings: both, gate: Gate{LimitWarnings: true, MaxWarnings: 0}, wantFailed: true,
			wantVerdict: "fails: 2 errors; 3 warnings, more than --max-warnings 0"},
		{name: "fail on warning", findings: warns, gate: Gate{FailOn: FailOnWarning}, wantFailed: true,
			wantVerdict: "fails: 3 warnings with --fail-on warning"},
		{name: "fail on warning, errors only", findings: errs, gate: Gate{FailOn: FailOnWarning}, wantFailed: true},
		{name: "never", findings: both, gate: Gate{FailOn: FailOnNever}, wantVerdict: "passes: --fail-on never"},
		{name: "never, clean", gate: Gate{FailOn: FailOnNever}},
		{name: "unreadable", inputs: gone, wantFailed: true, wantVerdict: "fails: 1 input could not be read"},
		{name: "unreadable beats never", findings: errs, inputs: gone, gate: Gate{FailOn: FailOnNever}, wantFailed: true,
			wantVerdict: "fails: 1 input could not be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Report{Findings: tt.findings, Inputs: tt.inputs, Gate: tt.gate}
			o := r.Outcome()
			if o.Failed != tt.wantFailed || o.Verdict() != tt.wantVerdict {
				t.Errorf("Failed %v, Verdict %q; want %v, %q", o.Failed, o.Verdict(), tt.wantFailed, tt.wantVerdict)
			}
		})
	}
}
