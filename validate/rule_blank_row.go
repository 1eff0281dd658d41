package validate

// BlankRow is reported by the CSV reader.
var BlankRow = &Rule{
	ID:       "blank-row",
	Severity: SeverityWarning,
	Summary:  "a blank line inside a CSV file",
	Doc: `Spreadsheets leave blank lines behind, and many CSV readers (Go's encoding/csv among them)
drop them without a word. idlint reports every blank line, so that nothing in the input
vanishes unreported. Delete the line; a single line break at the end of the file is normal
and not reported.`,
	Bad:  Example{Name: "identities.csv", Text: "email,applicationType,cloudId\njane.doe@acme.com,GITHUB,janedoe\n\njohn.roe@acme.com,GITHUB,jroe\n"},
	Good: Example{Name: "identities.csv", Text: "email,applicationType,cloudId\njane.doe@acme.com,GITHUB,janedoe\njohn.roe@acme.com,GITHUB,jroe\n"},
}
