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
	Record: newApplicationTypeCheck,
}

// maxNearest bounds how many unknown types a worker remembers the nearest known type of.
const maxNearest = 256

func newApplicationTypeCheck() func(*Pass) {
	// An unknown type is usually one of a few, repeated on many rows ("GITHUBB", "SVN"), and
	// finding the nearest known type took more of the rule's time than all the known ones.
	type near struct {
		known string
		ok    bool
	}
	nearest := map[string]near{}
	return func(p *Pass) {
		_, f, ok := p.Record().String(payload.FieldApplicationType)
		if !ok {
			return
		}
		v := trimmed(f)
		if v == "" || knownApplicationType(v) {
			return
		}
		if up := strings.ToUpper(v); slices.Contains(ApplicationTypes, up) {
			p.ReportField(f, "applicationType %q must be upper case: %q", v, up)
			return
		}
		n, seen := nearest[v]
		if !seen {
			n.known, n.ok = suggest.Nearest(v, ApplicationTypes)
			if len(nearest) < maxNearest {
				nearest[strings.Clone(v)] = n // v is the reader's, for this record only
			}
		}
		if n.ok {
			p.ReportField(f, "unknown applicationType %q; did you mean %q?", v, n.known)
			return
		}
		p.ReportField(f, "unknown applicationType %q; expected one of %s", v, strings.Join(ApplicationTypes, ", "))
	}
}
