package validate

// BOM notes a UTF-8 byte order mark, which the readers skip. It is its own rule, apart from
// encoding, so that a team can turn this note off without also turning off real encoding
// errors.
var BOM = &Rule{
	ID:       "bom",
	Severity: SeverityInfo,
	Summary:  "the file starts with a UTF-8 byte order mark",
	Doc: `Excel and other Windows tools start UTF-8 files with a byte order mark (EF BB BF). idlint
skips it, but some tools take it as part of the first column's name, so that "email" is not
found. This is a note, not a problem: if an upload fails on the first column, save the file
without a byte order mark.`,
	Bad:  Example{Name: "identities.csv", Text: "\xef\xbb\xbfemail,applicationType,cloudId\njane.doe@acme.com,GITHUB,janedoe\n"},
	Good: Example{Name: "identities.csv", Text: "email,applicationType,cloudId\njane.doe@acme.com,GITHUB,janedoe\n"},
}
