package validate

import (
	"fmt"
	"strings"

	"github.com/idlint/idlint/payload"
)

// DuplicateCloudID reports one account claimed by several emails.
var DuplicateCloudID = &Rule{
	ID:       "duplicate-cloud-id",
	Severity: SeverityError,
	Summary:  "one cloud ID of one integration is mapped to two or more different emails",
	Doc: `An account (a GitHub login, a Jira account ID ...) belongs to one developer. When two emails
claim the same cloud ID in the same integration (the same applicationType, or the same
integrationId), the upload keeps whichever comes last, so one developer's commits are
silently attributed to the other, depending on row order. The finding names every email and
line involved: find out whose account it is and delete the other mappings.

IDs are compared ignoring case where the tool's logins do (GITHUB*, GITLAB*, BITBUCKET*,
AZURE_DEVOPS, HARNESS_CODE, JIRA), exactly otherwise; emails are compared ignoring case.`,
	Bad: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
jane.doe@acme.com,GITHUB,janedoe
john.roe@acme.com,GITHUB,JaneDoe
`},
	Good: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
jane.doe@acme.com,GITHUB,janedoe
john.roe@acme.com,GITHUB,jroe
`},
	Set:     func() func(*Pass) { return checkDuplicateCloudID },
	setKeys: []keyKind{keyAccount},
}

func checkDuplicateCloudID(p *Pass) {
	acct, ok := p.Account()
	if !ok || acct.claims == nil || acct.same != nil {
		return // a new account, or the same email again (a duplicate-record)
	}
	m, _ := p.Mapping()
	var parts []string
	for i, c := range acct.claims {
		if i == maxClaimsNamed && acct.count > maxClaimsNamed+1 {
			// Each later claim repeats the list: a bounded one keeps the report linear in
			// the input when a popular value (a shared bot account) is claimed a thousand times.
			parts = append(parts, fmt.Sprintf("%d more", acct.count-maxClaimsNamed))
			break
		}
		email := p.Text(c.email)
		p.Mention(email)
		parts = append(parts, fmt.Sprintf("%s (%s)", email, p.Where(c.at)))
	}
	parts = append(parts, fmt.Sprintf("%s (%s)", m.emailKey, p.Where(p.Here())))
	name := payload.FieldIdentity
	if m.legacy {
		name = payload.FieldCloudID
	}
	f, _ := p.Record().Field(name)
	p.ReportField(f, "%s %q in %s is mapped to %d different emails: %s; the upload's result would depend on row order, so keep only the owner's",
		name, m.identity, m.system(), acct.count+1, strings.Join(parts, ", "))
}

// maxClaimsNamed is how many earlier claims a finding names before it counts the rest.
const maxClaimsNamed = 5
