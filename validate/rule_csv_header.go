package validate

// CSVHeader is reported by the CSV reader.
var CSVHeader = &Rule{
	ID:       "csv-header",
	Severity: SeverityError,
	Summary:  "the CSV header is missing a required column, repeats one, or mixes the two column sets",
	Doc: `A CSV upload has a header row naming its columns, either
  email,integrationId,identity         (for PATCH /v2/developers/identities)
or
  email,applicationType,cloudId        (for POST /v2/developers/cloud-ids).
Names match ignoring case, spaces, '_' and '-', so "Integration ID" and "integration_id" both
name integrationId.

A missing column or a header that mixes both sets makes every row meaningless: the rows are
still read for syntax but not checked further. A repeated column is ambiguous: idlint uses the
first and reports the other.`,
	Bad: Example{Name: "identities.csv", Text: `email,applicationType,identity
jane.doe@acme.com,GITHUB,janedoe
`},
	Good: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
jane.doe@acme.com,GITHUB,janedoe
`},
}
