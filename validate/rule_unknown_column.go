package validate

// UnknownColumn is reported by the CSV reader.
var UnknownColumn = &Rule{
	ID:       "unknown-column",
	Severity: SeverityWarning,
	Summary:  "a CSV column idlint does not know; the API ignores it",
	Doc: `The API reads only the columns it knows and ignores the rest, so data in an unknown column is
silently lost. Usually the column is a typo of a known one ("emial", "cloud id"), which the
finding suggests; otherwise delete the column or keep it out of the upload.`,
	Bad: Example{Name: "identities.csv", Text: `email,applicationType,cloudId,team
jane.doe@acme.com,GITHUB,janedoe,platform
`},
	Good: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
jane.doe@acme.com,GITHUB,janedoe
`},
}
