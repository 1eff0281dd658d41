package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
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
	var buf []byte
	for i := range v.shown {
		buf = t.finding(buf[:0], &v.shown[i])
		bw.Write(buf) // an error sticks in bw: Flush returns it
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

// finding appends a finding's lines to b. It appends rather than calling fmt: a big file's
// report prints tens of thousands of findings, on one core, after the check.
func (t *text) finding(b []byte, f *validate.Finding) []byte {
	sev := t.severity(f.Severity)
	at := len(b)
	b = append(b, f.File...)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(f.Pos.Line), 10)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(f.Pos.Col), 10)
	b = t.paint(append(b, ':'), at, t.pos)
	at = len(b) + 1
	b = t.paint(append(append(append(b, ' '), f.Severity.String()...), ':'), at, sev)
	b = append(append(append(b, ' '), f.Message...), ' ')
	at = len(b)
	b = t.paint(append(append(append(b, '['), f.Rule...), ']'), at, t.rule)
	b = append(b, '\n')
	if f.Snippet == "" || f.Pos.Line == 0 {
		return b
	}
	b = append(b, ' ')
	at = len(b)
	b = strconv.AppendInt(b, int64(f.Pos.Line), 10)
	digits := len(b) - at
	b = t.paint(b, at, t.gutter)
	b = append(t.paint(append(b, " |"...), len(b)+1, t.gutter), ' ')
	b = appendPrintable(b, f.Snippet)
	b = appendSpaces(append(b, '\n', ' '), digits)
	b = append(t.paint(append(b, " |"...), len(b)+1, t.gutter), ' ')
	b = appendSpaces(b, f.Pos.Col-f.SnippetCol)
	b = t.paint(append(b, '^'), len(b), t.caret)
	return append(b, '\n')
}

// appendSpaces appends n spaces to b, none when n is negative.
func appendSpaces(b []byte, n int) []byte {
	for range n {
		b = append(b, ' ')
	}
	return b
}

// severity returns the colour of a severity.
func (t *text) severity(s validate.Severity) *color.Color {
	switch s {
	case validate.SeverityError:
		return t.err
	case validate.SeverityWarning:
		return t.warn
	}
	return t.info
}

// paint colours b[at:] with c, when colour is on.
func (t *text) paint(b []byte, at int, c *color.Color) []byte {
	if !t.opts.Color {
		return b
	}
	return append(b[:at], c.Sprint(string(b[at:]))...)
}

// appendPrintable appends printable(s) to b; most lines are printable ASCII already.
func appendPrintable(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return append(b, printable(s)...)
		}
	}
	return append(b, s...)
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
