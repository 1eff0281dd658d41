package validate

import (
	"slices"
	"strings"

	"github.com/idlint/idlint/internal/suggest"
	"github.com/idlint/idlint/payload"
)

// UnknownApplicationType checks legacy records' applicationType against the known types.
var UnknownApplicationType = &Rule{
	ID:       "unknown-application-type",
	Severity: SeverityError,
	Summary:  "the applicationType is not one SEI knows",
	Doc: `The legacy cloud-ids body names the tool of each cloud ID by applicationType. SEI knows:
  ` + strings.Join(ApplicationTypes, ", ") + `
Types are upper case: "github" is not GITHUB to the API. The finding suggests the nearest
known type when the value looks like a typo.`,
	Bad: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
jane.doe@acme.com,GITHUBB,janedoe
john.roe@acme.com,github,jroe
`},
	Good: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
jane.doe@acme.com,GITHUB,janedoe
john.roe@acme.com,GITHUB,jroe
`},
	Record: func() func(*Pass) { return checkApplicationType },
}

func checkApplicationType(p *Pass) {
	v, f, ok := p.Record().String(payload.FieldApplicationType)
	if !ok {
		return
	}
	if v = strings.TrimSpace(v); v == "" || knownApplicationType(v) {
		return
	}
	if up := strings.ToUpper(v); slices.Contains(ApplicationTypes, up) {
		p.ReportField(f, "applicationType %q must be upper case: %q", v, up)
		return
	}
	if near, ok := suggest.Nearest(v, ApplicationTypes); ok {
		p.ReportField(f, "unknown applicationType %q; did you mean %q?", v, near)
		return
	}
	p.ReportField(f, "unknown applicationType %q; expected one of %s", v, strings.Join(ApplicationTypes, ", "))
}
