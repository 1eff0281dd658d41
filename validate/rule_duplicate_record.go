package validate

// DuplicateRecord warns about a mapping that appears again.
var DuplicateRecord = &Rule{
	ID:       "duplicate-record",
	Severity: SeverityWarning,
	Summary:  "the same mapping appears again",
	Doc: `The same email, integration and identity twice — in one file or across the files of one
run. Emails are compared ignoring case, fields ignoring surrounding whitespace, and identities
ignoring case where the tool's logins do (GitHub, GitLab, Bitbucket, Azure DevOps, Harness
Code, Jira). The upload does the same thing twice, which is harmless, but a repeat usually
means two exports were concatenated or a row was pasted twice: delete the later one.`,
	Bad: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
jane.doe@acme.com,GITHUB,janedoe
Jane.Doe@acme.com,GITHUB,janedoe
`},
	Good: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
jane.doe@acme.com,GITHUB,janedoe
`},
	Set:     func() func(*Pass) { return checkDuplicateRecord },
	setKeys: []keyKind{keyAccount},
}

func checkDuplicateRecord(p *Pass) {
	acct, ok := p.Account()
	if !ok || acct.same == nil {
		return
	}
	m, _ := p.Mapping()
	p.Reportf(p.Record().Pos, "", "repeats the mapping at %s (%s, %s, %q); delete this one", p.Where(acct.same.at), m.emailKey, m.system(), m.identity)
}
