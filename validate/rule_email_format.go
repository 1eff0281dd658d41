package validate

import (
	"strings"
	"unicode/utf8"

	"github.com/idlint/idlint/email"
	"github.com/idlint/idlint/payload"
)

// emailFormatID is EmailFormat's ID, for unicode-spoofing, which leaves emails not in NFC to
// it: naming EmailFormat there would make an initialization cycle.
const emailFormatID = "email-format"

// EmailFormat checks that each email is a usable work address.
var EmailFormat = &Rule{
	ID:       emailFormatID,
	Severity: SeverityError,
	Summary:  "the email is not a usable work address",
	Doc: `SEI attributes work to developers by email, so an address that cannot be a real mailbox
attributes nothing, or the wrong thing. idlint accepts the practical form of an address:
  - exactly one '@'; a local part of at most 64 and an address of at most 254 characters
    (after the domain is IDNA-encoded)
  - no spaces, no display name ("Carol <carol@acme.com>"), no quoted local part, comment or
    IP-literal domain: all valid in RFC 5322, none used for work accounts
  - no leading, trailing or doubled dots in the local part
  - a domain of valid labels with at least one dot, ending in a letter TLD; internationalized
    domains are checked through IDNA
  - not a special-use domain that can never hold a mailbox: localhost, .local, .invalid,
    .test, .onion, .arpa
  - non-ASCII letters in the local part ("jörg@bücher.de") only with an internationalized
    domain (RFC 6531: a server that takes UTF-8 local parts is one that takes UTF-8
    domains; with an ASCII domain the address is almost always a typo or a disguise)
  - text in Unicode normalization form C: "é" written as "e" and a combining accent
    (U+0065 U+0301) looks the same as the one character U+00E9 but is another address, so
    the message names the code points and the composed form to use
The message says which of these failed. Leading and trailing spaces are left to the
whitespace rule, and uppercase letters to email-case. The same checker is registered as the
"email" format of the JSON Schema engine, so a custom schema using format: email agrees.`,
	Bad: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
Jane Doe <jane.doe@acme.com>,GITHUB,janedoe
john..roe@acme.com,GITHUB,jroe
`},
	Good: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
jane.doe@acme.com,GITHUB,janedoe
john.roe@acme.com,GITHUB,jroe
`},
	Record: func() func(*Pass) { return checkEmailFormat },
}

func checkEmailFormat(p *Pass) {
	addr, f, ok := p.Record().String(payload.FieldEmail)
	if !ok {
		return
	}
	if !p.Plain(f) { // else it is UTF-8 and has nothing to trim or disguise
		if addr = strings.TrimSpace(addr); addr == "" || !utf8.ValidString(addr) {
			return // empty: a schema finding; not UTF-8: an encoding finding
		}
		if p.Enabled(UnicodeSpoofing) && disguised(payload.FieldEmail, addr) {
			return // disguised characters: one unicode-spoofing finding says which
		}
	}
	if prob := email.Check(addr); prob != nil {
		p.ReportField(f, "email %q: %s", addr, prob.Message)
	}
}
