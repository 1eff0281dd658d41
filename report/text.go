package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/fatih/color"

	"github.com/idlint/idlint/validate"
)

// text prints findings as compilers do: one line per finding,
//
//	FILE:LINE:COL: SEVERITY: MESSAGE [RULE]
//
// then the source line with a caret under the column, then a summary line.
type text struct {
	opts                                      Options
	pos, err, warn, info, rule, caret, gutter *color.Color
}

func newText(opts Options) Reporter {
	t := &text{
		opts:   opts,
		pos:    color.New(color.Bold),
		err:    color.New(color.FgRed, color.Bold),
		warn:   color.New(color.FgYellow, color.Bold),
		info:   color.New(color.FgCyan, color.Bold),
		rule:   color.New(color.Faint),
		caret:  color.New(color.FgGreen, color.Bold),
		gutter: color.New(color.Faint),
	}
	// Each colour is switched on its own, not through the global color.NoColor, so that two
	// reporters in one process (or tests in parallel) cannot disturb each other.
	for _, c := range []*color.Color{t.pos, t.err, t.warn, t.info, t.rule, t.caret, t.gutter} {
		if opts.Color {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return t
}

func (t *text) Report(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	v := newView(r, t.opts, textMaxPerRule)
	for _, f := range v.shown {
		t.finding(bw, f)
	}
	if v.omitted > 0 {
		// The cap hid findings: say how many of each rule, then count every rule with the
		// first places it was found, so the size and shape of the problem stay visible.
		for _, rc := range v.omissions() {
			fmt.Fprintf(bw, "%s (--max-findings %d)\n", moreLine(rc), v.limit)
		}
		fmt.Fprintln(bw, "findings by rule:")
		tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
		for _, rc := range v.byRule {
			locs := make([]string, len(rc.samples))
			for i, s := range rc.samples {
				locs[i] = s.String()
			}
			more := ""
			if rc.count > len(rc.samples) {
				more = ", …"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s%s\n", rc.rule, severityCount(rc), strings.Join(locs, ", "), more)
		}
		tw.Flush()
	}
	fmt.Fprintln(bw, r.Summary())
	return bw.Flush()
}

func (t *text) finding(w io.Writer, f validate.Finding) {
	sev := t.info
	switch f.Severity {
	case validate.SeverityError:
		sev = t.err
	case validate.SeverityWarning:
		sev = t.warn
	}
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

// printable replaces tabs with a space and control characters with U+FFFD, so that the line
// keeps its character count and the caret stays under the right one, and so that a hostile
// input cannot send terminal escapes through the report.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return utf8.RuneError
		}
		return r
	}, s)
}
