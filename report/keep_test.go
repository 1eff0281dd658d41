package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

// TestKeep: a run that keeps only the findings a report needs (Keep) and counts the others
// gives that report as it is with every finding kept, in every format, capped or not, with
// --quiet and --redact. The input has one rule with a finding on every row, findings of the
// set rules, and findings about the input (a short row) as well as about records, in two files.
func TestKeep(t *testing.T) {
	var a, b strings.Builder
	a.WriteString("email,integrationId,identity\n")
	for i := range 400 {
		fmt.Fprintf(&a, "Dev%d@acme.io,%d,dev%d\n", i, 1+i%3, i%350) // email-case, duplicate accounts
	}
	a.WriteString("short@acme.io,1\n")
	b.WriteString("email,applicationType,cloudId\n")
	for i := range 60 {
		fmt.Fprintf(&b, "dev%d@acme.io,github,dev%d\n", i, i%50) // unknown-application-type
	}
	inputs := map[string]string{"b.csv": b.String(), "a.csv": a.String()}
	stamp := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	for _, format := range Names() {
		for _, max := range []int{0, 1, 2, 5, Unlimited} {
			for _, quiet := range []bool{false, true} {
				for _, redact := range []Redaction{RedactNone, RedactMask} {
					opts := Options{MaxPerRule: max, Quiet: quiet, Redact: redact, Now: stamp, Version: "test"}
					whole := checkInputs(t, inputs, validate.Options{}, false)
					kept := checkInputs(t, inputs, validate.Options{KeepPerRule: Keep(format, opts)}, true)
					if Keep(format, opts) > 0 && len(kept.Findings) >= len(whole.Findings) {
						t.Fatalf("%s, %+v: the run kept all %d findings", format, opts, len(kept.Findings))
					}
					want, got := render(t, format, opts, whole), render(t, format, opts, kept)
					if diff := cmp.Diff(string(want), string(got)); diff != "" {
						t.Errorf("%s, --max-findings %d, quiet %v, redact %v (-every finding kept +the first kept):\n%s", format, max, quiet, redact, diff)
					}
				}
			}
		}
	}
}

// checkInputs checks the inputs, in name order, and returns the report of the run: with the
// run's counts when totals is set, else with its findings alone.
func checkInputs(t *testing.T, inputs map[string]string, opts validate.Options, totals bool) *Report {
	t.Helper()
	e, err := validate.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a.csv", "b.csv"} {
		if _, err := e.Check(name, bytes.NewReader([]byte(inputs[name])), payload.FormatCSV); err != nil {
			t.Fatal(err)
		}
	}
	res := e.Result()
	r := &Report{Findings: res.Findings, Files: res.Files, Records: res.Records, Rules: e.Rules()}
	if totals {
		r.Totals = res.Counts
	}
	return r
}
