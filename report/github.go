package report

// The github format prints GitHub Actions workflow commands, which the runner turns into
// annotations on the pull request's files:
//
//	::error file=a.csv,line=3,col=19,title=unknown-application-type::unknown applicationType ...
//
// https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions
//
// Escaping follows the runner's own toolkit, @actions/core (packages/core/src/command.ts,
// escapeData and escapeProperty), since the documentation page does not spell it out: in the
// message, % CR LF become %25 %0D %0A; in a property value, also : and , become %3A and %2C.
// Without it a newline in a message would end the command and let the rest of the line be
// read as a new one.
//
// Errors become ::error, warnings ::warning and infos ::notice. GitHub shows only the first
// few annotations of each kind per step, so the last line, a plain summary, states the counts
// and whether the run fails.

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/idlint/idlint/validate"
)

type githubReporter struct{ opts Options }

func newGitHub(opts Options) Reporter { return githubReporter{opts} }

func (g githubReporter) Report(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	v := newView(r, g.opts, 0)
	for _, f := range v.shown {
		cmd := "notice"
		switch f.Severity {
		case validate.SeverityError:
			cmd = "error"
		case validate.SeverityWarning:
			cmd = "warning"
		}
		props := []string{"file=" + escapeProperty(f.File)}
		if f.Pos.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", f.Pos.Line))
			if f.Pos.Col > 0 {
				props = append(props, fmt.Sprintf("col=%d", f.Pos.Col))
			}
		}
		props = append(props, "title="+escapeProperty(f.Rule))
		fmt.Fprintf(bw, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(f.Message))
	}
	for _, in := range r.Inputs {
		if in.Err != "" {
			fmt.Fprintf(bw, "::error file=%s,title=unreadable::%s\n", escapeProperty(in.File), escapeData(in.Err))
		}
	}
	for _, rc := range v.omissions() {
		fmt.Fprintf(bw, "%s (--max-findings %d)\n", moreLine(rc), v.limit)
	}
	fmt.Fprintf(bw, "idlint: %s\n", r.Summary())
	return bw.Flush()
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// escapeData escapes a workflow command's message (@actions/core escapeData). A Replacer
// replaces in one pass, so the "%" that an escape adds is never escaped again.
func escapeData(s string) string { return dataEscaper.Replace(s) }

// escapeProperty escapes a workflow command's property value (@actions/core escapeProperty).
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
