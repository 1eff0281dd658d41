package validate

import (
	"strings"

	"github.com/idlint/idlint/email"
	"github.com/idlint/idlint/internal/ascii"
	"github.com/idlint/idlint/payload"
)

// EmailCase warns about uppercase letters in emails.
var EmailCase = &Rule{
	ID:       "email-case",
	Severity: SeverityWarning,
	Summary:  "the email has uppercase letters",
	Doc: `SEI correlates a developer's identities by email. "Jane.Doe@acme.com" in one file and
"jane.doe@acme.com" in another may be taken for two people, splitting one developer's work.
Mail servers treat domains, and in practice local parts, case-insensitively, so give every
email in lowercase.`,
	Bad: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
Jane.Doe@Acme.com,GITHUB,janedoe
`},
	Good: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
jane.doe@acme.com,GITHUB,janedoe
`},
	Record: func() func(*Pass) { return checkEmailCase },
}

func checkEmailCase(p *Pass) {
	addr, f, ok := p.Record().String(payload.FieldEmail)
	if !ok {
		return
	}
	if !p.Plain(f) {
		addr = strings.TrimSpace(addr)
	}
	if !ascii.HasUpper(addr) || email.Check(addr) != nil {
		return // a malformed address gets an email-format finding, not advice on its case
	}
	p.ReportField(f, "email %q has uppercase letters; SEI correlates developers by email, so give it in lowercase: %q", addr, strings.ToLower(addr))
}
