package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sample is one fixed report that every format is tested on.
func sample() *Report {
	return &Report{
		Files:   2,
		Records: 40,
		Rules:   validate.All,
		Inputs: []Input{
			{File: "a.csv", Format: "csv", Shape: "legacy", Records: 32},
			{File: "b.json", Format: "json", Shape: "v2", Records: 8},
		},
		Findings: []validate.Finding{
			{File: "a.csv", Pos: payload.Pos{Line: 3, Col: 19}, Rule: "unknown-application-type", Severity: validate.SeverityError,
				Message: `unknown applicationType "GITHUBB"; did you mean "GITHUB"?`, Field: "applicationType", Record: 1,
				Snippet: "john.roe@acme.com,GITHUBB,jroe", SnippetCol: 1, Personal: []string{"john.roe@acme.com", "jroe"}},
			{File: "a.csv", Pos: payload.Pos{Line: 5, Col: 1}, Rule: "blank-row", Severity: validate.SeverityWarning,
				Message: "blank line; delete it, as some CSV readers stop or drop rows there", Record: -1, Snippet: "", SnippetCol: 1},
			{File: "a.csv", Pos: payload.Pos{Line: 7, Col: 1}, Rule: "duplicate-record", Severity: validate.SeverityWarning,
				Message: `repeats the mapping at line 2 (jane.doe@acme.com, GITHUB, "janedoe"); delete this one`, Record: 5,
				Snippet: "jane.doe@acme.com,GITHUB,janedoe", SnippetCol: 1, Personal: []string{"jane.doe@acme.com", "janedoe"}},
			{File: "a.csv", Pos: payload.Pos{Line: 8, Col: 19}, Rule: "syntax", Severity: validate.SeverityError,
				Message: `unterminated quote; close it with "`, Record: -1,
				// A reader finding: no Personal, so --redact masks the address by its pattern.
				Snippet: `mary.poe@acme.com,"GITHUB,mpoe`, SnippetCol: 1},
			{File: "b.json", Pos: payload.Pos{Line: 2, Col: 14}, Rule: "email-format", Severity: validate.SeverityError,
				Message: `email "Ca\trol <c@x.com>": is a display-name address`, Field: "email", Record: 0,
				// A tab and a terminal escape in the source must not shift the caret or reach the terminal.
				Snippet: "{\"email\":\t\"Ca\\trol <c@x.com>\x1b[31m\"}", SnippetCol: 1, Personal: []string{"Ca\trol <c@x.com>"}},
			{File: "b.json", Pos: payload.Pos{Line: 9, Col: 130}, Rule: "schema", Severity: validate.SeverityError,
				Message: `"identity" is empty; give a value`, Field: "identity", Record: 7,
				Snippet: `, "identity": ""}`, SnippetCol: 120},
		},
	}
}

// fixedClock makes the junit timestamp stable.
func fixedClock() time.Time { return time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC) }

func TestGolden(t *testing.T) {
	base := Options{Version: "1.2.3", Now: fixedClock, BaseDir: "/work/repo"}
	with := func(f func(*Options)) Options { o := base; f(&o); return o }
	tests := []struct {
		name   string
		format string
		opts   Options
		gate   Gate
	}{
		{name: "text", format: "text", opts: base},
		{name: "text-color", format: "text", opts: with(func(o *Options) { o.Color = true })},
		{name: "text-quiet", format: "text", opts: with(func(o *Options) { o.Quiet = true })},
		{name: "text-redact-mask", format: "text", opts: with(func(o *Options) { o.Redact = RedactMask })},
		{name: "text-redact-hash", format: "text", opts: with(func(o *Options) { o.Redact = RedactHash })},
		{name: "json", format: "json", opts: base},
		{name: "sarif", format: "sarif", opts: base},
		{name: "github", format: "github", opts: base},
		{name: "github-max-warnings", format: "github", opts: base, gate: Gate{LimitWarnings: true, MaxWarnings: 0}},
		{name: "junit", format: "junit", opts: base},
		{name: "junit-fail-on-warning", format: "junit", opts: base, gate: Gate{FailOn: FailOnWarning}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := New(tt.format, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			r := sample()
			r.Gate = tt.gate
			var b bytes.Buffer
			if err := rep.Report(&b, r); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run `go test ./report -update`, then review the file)", err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("output mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		name string
		rep  Report
		want string
	}{
		{name: "empty", rep: Report{Files: 1}, want: "0 errors, 0 warnings in 0 records (1 file)"},
		{name: "singular", rep: Report{Files: 1, Records: 1, Findings: []validate.Finding{{Severity: validate.SeverityError}, {Severity: validate.SeverityWarning}}},
			want: "1 error, 1 warning in 1 record (1 file)"},
		{name: "with infos", rep: Report{Files: 2, Records: 9, Findings: []validate.Finding{{Severity: validate.SeverityInfo}, {Severity: validate.SeverityInfo}}},
			want: "0 errors, 0 warnings, 2 infos in 9 records (2 files)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rep.Summary(); got != tt.want {
				t.Errorf("Summary() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewUnknownFormat(t *testing.T) {
	if _, err := New("xml", Options{}); err == nil {
		t.Error("New(xml) gave no error")
	}
}

// BenchmarkText measures the report stage: 10,000 findings with snippets, all printed.
func BenchmarkText(b *testing.B) {
	benchmarkFormat(b, "text", Options{MaxPerRule: Unlimited})
}

// BenchmarkFormats measures every format on the same 10,000 findings, with the options that
// cost something (the text cap, redaction).
func BenchmarkFormats(b *testing.B) {
	for _, c := range []struct {
		name, format string
		opts         Options
	}{
		{"text-capped", "text", Options{}},
		{"text-redact", "text", Options{MaxPerRule: Unlimited, Redact: RedactMask}},
		{"json", "json", Options{}},
		{"sarif", "sarif", Options{}},
		{"github", "github", Options{}},
		{"junit", "junit", Options{}},
	} {
		b.Run(c.name, func(b *testing.B) { benchmarkFormat(b, c.format, c.opts) })
	}
}

func benchmarkFormat(b *testing.B, format string, opts Options) {
	one := sample().Findings[0]
	r := &Report{Files: 1, Records: 1000000, Rules: validate.All}
	for i := range 10000 {
		f := one
		f.Pos.Line = i + 2
		f.Record = i
		r.Findings = append(r.Findings, f)
	}
	rep, _ := New(format, opts)
	for b.Loop() {
		if err := rep.Report(discard{}, r); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
