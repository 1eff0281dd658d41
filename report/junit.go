package report

// The junit format is JUnit XML as CI servers read it (Jenkins, GitLab, Azure Pipelines,
// CircleCI): the de facto schema of Ant's JUnit task, as documented by
// https://github.com/testmoapp/junitxml and https://llg.cubic.org/docs/junit/.
//
// How findings map onto tests:
//   - a <testsuite> per input file;
//   - a <testcase> per record that has findings, named "record N (line L)" (N counts from 1),
//     plus one named "file" for findings not about one record (a bad header, a blank line);
//   - a <failure> per finding that fails the run: every error, and warnings too when they
//     fail it (--fail-on warning, or more than --max-warnings). Other warnings and infos go
//     to the testcase's <system-out>, so the dashboard's red and green match the exit status;
//   - a clean file is one passing testcase, named "file";
//   - an input that could not be read is a testcase with an <error>;
//   - every suite's properties carry idlint.version, idlint.result (pass or fail, as the
//     exit status) and idlint.summary, the text format's summary line.
//
// Counts add up as JUnit's own runner counts them: tests is the number of testcases,
// failures the number of testcases with at least one <failure>, errors the number with an
// <error>; testsuites sums its suites.

import (
	"encoding/xml"
	"fmt"
	"io"

	"github.com/idlint/idlint/validate"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
	SystemOut  string          `xml:"system-out,omitempty"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	Classname string         `xml:"classname,attr"`
	Failures  []junitFailure `xml:"failure"`
	Error     *junitFailure  `xml:"error"`
	SystemOut string         `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitReporter struct{ opts Options }

func newJUnit(opts Options) Reporter { return junitReporter{opts} }

func (j junitReporter) Report(w io.Writer, r *Report) error {
	v := newView(r, j.opts, 0)
	_, warns, _ := r.Counts()
	warningsFail := r.Gate.FailOn == FailOnWarning ||
		(r.Gate.FailOn == FailOnError && r.Gate.LimitWarnings && warns > r.Gate.MaxWarnings)
	stamp := j.opts.now().UTC().Format("2006-01-02T15:04:05")
	plain := newText(Options{}).(*text) // a finding's text, as the text format prints it

	// JUnit has no place for a run's summary but properties; every suite carries it, so
	// that a reader of any one sees the result the exit status reports.
	props := []junitProperty{
		{"idlint.version", j.opts.version()},
		{"idlint.result", r.Outcome().Result()},
		{"idlint.summary", r.Summary()},
	}
	// Suites in input order; files that only findings name (a caller without Inputs) follow.
	var suites []*junitSuite
	byFile := map[string]*junitSuite{}
	suite := func(file string) *junitSuite {
		s, ok := byFile[file]
		if !ok {
			s = &junitSuite{Name: file, Timestamp: stamp, Properties: props}
			byFile[file] = s
			suites = append(suites, s)
		}
		return s
	}
	for _, in := range r.Inputs {
		s := suite(in.File)
		if in.Err != "" {
			s.Cases = append(s.Cases, junitCase{Name: "read", Classname: in.File,
				Error: &junitFailure{Message: in.Err, Type: "unreadable", Text: in.Err}})
		}
	}
	// One testcase per record with findings, in the order of their first finding.
	type key struct {
		file   string
		record int
	}
	cases := map[key]int{} // -> index in its suite's Cases
	for _, f := range v.shown {
		s := suite(f.File)
		k := key{f.File, f.Record}
		i, ok := cases[k]
		if !ok {
			name := "file"
			if f.Record >= 0 {
				name = fmt.Sprintf("record %d (line %d)", f.Record+1, f.Pos.Line)
			}
			i = len(s.Cases)
			cases[k] = i
			s.Cases = append(s.Cases, junitCase{Name: name, Classname: f.File})
		}
		c := &s.Cases[i]
		text := string(plain.finding(nil, &f))
		if f.Severity == validate.SeverityError || (f.Severity == validate.SeverityWarning && warningsFail) {
			c.Failures = append(c.Failures, junitFailure{Message: f.Message, Type: f.Rule, Text: text})
		} else {
			c.SystemOut += text
		}
	}
	out := junitSuites{Name: "idlint"}
	for _, s := range suites {
		if len(s.Cases) == 0 {
			s.Cases = []junitCase{{Name: "file", Classname: s.Name}}
		}
		for _, c := range s.Cases {
			s.Tests++
			if len(c.Failures) > 0 {
				s.Failures++
			}
			if c.Error != nil {
				s.Errors++
			}
		}
		if n := v.omittedIn[s.Name]; n > 0 {
			s.SystemOut = fmt.Sprintf("… and %s more findings in this file (--max-findings %d)\n", group(n), v.limit)
		}
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Suites = append(out.Suites, *s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
