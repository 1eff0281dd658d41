package report

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

// TestTextFinding compares the text report's lines with the fmt calls it replaced, in colour
// and without, on findings with every severity, positions of every width, snippets with
// characters that printable replaces, and neither snippet nor line.
func TestTextFinding(t *testing.T) {
	snippets := []string{
		"", "dev@acme.com,GITHUB,dev", "a\tb", "del\x7fhere", "nul\x00", "c1\u0085x",
		"invalid \xff byte", "é and ж", "\u00a0nbsp", " ~ ",
	}
	var findings []validate.Finding
	for i, snip := range snippets {
		for _, sev := range []validate.Severity{validate.SeverityError, validate.SeverityWarning, validate.SeverityInfo} {
			for _, pos := range [][3]int{{0, 0, 1}, {1, 1, 1}, {9, 3, 1}, {10, 1, 5}, {12345, 20, 3}} {
				findings = append(findings, validate.Finding{
					File: fmt.Sprintf("dir/f%d.csv", i), Pos: payload.Pos{Line: pos[0], Col: pos[1]}, SnippetCol: pos[2],
					Rule: "email-format", Severity: sev, Message: "message with «ünïcode» %d", Snippet: snip,
				})
			}
		}
	}
	for _, colour := range []bool{false, true} {
		tx := newText(Options{Color: colour}).(*text)
		for _, f := range findings {
			var want strings.Builder
			fmtFinding(tx, &want, f)
			if diff := cmp.Diff(want.String(), string(tx.finding(nil, &f))); diff != "" {
				t.Errorf("colour %v, %+v (-fmt +finding):\n%s", colour, f, diff)
			}
		}
	}
}

// fmtFinding is how text.finding was written before it appended bytes itself.
func fmtFinding(t *text, w io.Writer, f validate.Finding) {
	sev := t.severity(f.Severity)
	fmt.Fprintf(w, "%s %s %s %s\n",
		t.pos.Sprintf("%s:%d:%d:", f.File, f.Pos.Line, f.Pos.Col),
		sev.Sprintf("%s:", f.Severity),
		f.Message,
		t.rule.Sprintf("[%s]", f.Rule))
	if f.Snippet == "" || f.Pos.Line == 0 {
		return
	}
	num := fmt.Sprint(f.Pos.Line)
	fmt.Fprintf(w, " %s %s %s\n", t.gutter.Sprint(num), t.gutter.Sprint("|"), printable(f.Snippet))
	pad := strings.Repeat(" ", max(0, f.Pos.Col-f.SnippetCol))
	fmt.Fprintf(w, " %s %s %s%s\n", strings.Repeat(" ", len(num)), t.gutter.Sprint("|"), pad, t.caret.Sprint("^"))
}
