package validate

import (
	"github.com/idlint/idlint/payload"
	"strings"
	"unicode"
)

// Whitespace warns about leading and trailing whitespace in any field.
var Whitespace = &Rule{
	ID:       "whitespace",
	Severity: SeverityWarning,
	Summary:  "a field has leading or trailing whitespace",
	Doc: `Spreadsheets and copy-paste leave spaces and tabs at the edges of cells. " janedoe" is not
"janedoe" to an exact comparison, so the identity may match no account, or the email no
developer. Remove the whitespace. The other rules judge the trimmed value, so this is the
only finding for it.`,
	Bad:        Example{Name: "identities.csv", Text: "email,applicationType,cloudId\njane.doe@acme.com ,GITHUB,\tjanedoe\n"},
	Good:       Example{Name: "identities.csv", Text: "email,applicationType,cloudId\njane.doe@acme.com,GITHUB,janedoe\n"},
	Record:     func() func(*Pass) { return checkWhitespace },
	plainQuiet: true,
}

func checkWhitespace(p *Pass) {
	rec := p.Record()
	for i := range rec.Fields {
		f := &rec.Fields[i]
		if f.Kind != payload.KindString || f.Value == "" || !maySpace(f.Value[0]) && !maySpace(f.Value[len(f.Value)-1]) {
			continue
		}
		if strings.Trim(f.Value, " \t\n\f\r") == "" {
			continue // only whitespace: the schema reports the field as blank
		}
		lead := strings.TrimLeftFunc(f.Value, unicode.IsSpace) != f.Value
		trail := strings.TrimRightFunc(f.Value, unicode.IsSpace) != f.Value
		var where string
		switch {
		case lead && trail:
			where = "leading and trailing"
		case lead:
			where = "leading"
		case trail:
			where = "trailing"
		default:
			continue
		}
		p.ReportField(f, "%s %q has %s whitespace; remove it: %q", f.Name, f.Value, where, strings.TrimSpace(f.Value))
	}
}

// maySpace reports whether a value starting or ending with byte b may have whitespace there:
// an ASCII space or control byte, or any non-ASCII byte (U+00A0, U+2003 ...). Most values are
// plain ASCII at both ends, and this keeps them off the slow path.
func maySpace(b byte) bool { return b <= ' ' || b >= 0x7f }
