package validate

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/idlint/idlint/internal/ascii"
	"github.com/idlint/idlint/payload"
)

// maxIdentityLen is the longest account ID idlint accepts, in characters.
const maxIdentityLen = 256

// IdentityFormat checks the shape of identity and cloudId values.
var IdentityFormat = &Rule{
	ID:       "identity-format",
	Severity: SeverityError,
	Summary:  "the identity or cloudId has inner whitespace or control characters, or is too long",
	Doc: fmt.Sprintf(`An identity (v2) or cloudId (legacy) is a login, username or account ID in a tool. None
of the tools SEI integrates allows whitespace or control characters in one, so a value with
them is a name, a pasted sentence or a formula, not an account ID. Values over %d characters
are not account IDs either. Leading and trailing whitespace is left to the whitespace rule.`, maxIdentityLen),
	Bad: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
jane.doe@acme.com,GITHUB,Jane Doe
`},
	Good: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
jane.doe@acme.com,GITHUB,janedoe
`},
	Record: func() func(*Pass) { return checkIdentityFormat },
}

func checkIdentityFormat(p *Pass) {
	rec := p.Record()
	for _, name := range []string{payload.FieldIdentity, payload.FieldCloudID} {
		v, f, ok := rec.String(name)
		if !ok {
			continue
		}
		if len(v) <= maxIdentityLen && p.Plain(f) {
			continue // the common case: nothing to find
		}
		v = strings.TrimSpace(v)
		if len(v) <= maxIdentityLen && ascii.Plain(v) {
			continue
		}
		if n := utf8.RuneCountInString(v); n > maxIdentityLen {
			p.ReportField(f, "%s is %d characters long; account IDs are at most %d", name, n, maxIdentityLen)
			continue
		}
		char := 0
		for _, r := range v {
			char++
			switch {
			case unicode.IsSpace(r):
				p.ReportField(f, "%s %q contains whitespace (%U) at character %d; account IDs never do", name, v, r, char)
			case unicode.IsControl(r):
				p.ReportField(f, "%s %q contains the control character %U at character %d; remove it", name, v, r, char)
			default:
				continue
			}
			break
		}
	}
}
