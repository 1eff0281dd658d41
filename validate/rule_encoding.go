package validate

import (
	"unicode/utf8"

	"github.com/idlint/idlint/payload"
)

// Encoding finds input that is not UTF-8: the readers name UTF-16 files, and this rule finds
// bytes that are not UTF-8 inside values.
var Encoding = &Rule{
	ID:       "encoding",
	Severity: SeverityError,
	Summary:  "the input is not UTF-8: a UTF-16 file, or bytes that are not UTF-8 in a value",
	Doc: `The API reads UTF-8. Spreadsheets often save "Unicode text" as UTF-16, and older tools
write Latin-1 or Windows-1252, where "José" is the byte 0xE9 that UTF-8 cannot read: the
name arrives garbled or the upload fails. idlint names a UTF-16 file instead of reading it,
and points at the first byte that is not UTF-8 in a value. Save the file as UTF-8 (in Excel:
"CSV UTF-8").`,
	Bad:        Example{Name: "identities.csv", Text: "email,applicationType,cloudId\njos\xe9@acme.com,GITHUB,jose\n"},
	Good:       Example{Name: "identities.csv", Text: "email,applicationType,cloudId\njosé@bücher.de,GITHUB,jose\n"},
	Record:     func() func(*Pass) { return checkEncoding },
	plainQuiet: true,
}

func checkEncoding(p *Pass) {
	rec := p.Record()
	for f := range rec.Cells() {
		if f.Kind != payload.KindString || p.Plain(f) || utf8.ValidString(f.Value) {
			continue
		}
		char, at := 1, 0
		for at < len(f.Value) {
			r, n := utf8.DecodeRuneInString(f.Value[at:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			at += n
			char++
		}
		p.Reportf(badBytePos(rec, f), f.Name, "%s has a byte that is not UTF-8 (0x%02X) at character %d; save the file as UTF-8", f.Name, f.Value[at], char)
	}
}

// badBytePos finds the first byte that is not UTF-8 at or after the field's start in the
// record's source line, so the finding points at the byte itself; it falls back to the
// field's start when the byte is on a later line (a quoted multi-line cell).
func badBytePos(rec *payload.Record, f *payload.Field) payload.Pos {
	line, col, ok := payload.Line(rec.Text, rec.TextPos, f.Pos.Line)
	if !ok {
		return f.Pos
	}
	for len(line) > 0 {
		r, n := utf8.DecodeRune(line)
		if r == utf8.RuneError && n == 1 && col >= f.Pos.Col {
			return payload.Pos{Line: f.Pos.Line, Col: col}
		}
		line, col = line[n:], col+1
	}
	return f.Pos
}
