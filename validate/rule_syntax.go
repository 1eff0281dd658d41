package validate

// Syntax is reported by the readers: input that is not well-formed JSON or CSV.
var Syntax = &Rule{
	ID:       "syntax",
	Severity: SeverityError,
	Summary:  "the input is not well-formed JSON or CSV",
	Doc: `The payload cannot be parsed, so the API would answer "Invalid payload" and change nothing.
The finding points at the first character that breaks the syntax.

In JSON, reading stops there: fix it and run idlint again to see the rest. In CSV, a row with
an unterminated quote or the wrong number of fields is reported and skipped, and the rows
after it are still checked. In JSON Lines, each bad line is reported and the next is read.`,
	Bad: Example{Name: "identities.json", Text: `[
  {"email": "jane.doe@acme.com", "integrationId": 1041, "identity": "janedoe"},
]
`},
	Good: Example{Name: "identities.json", Text: `[
  {"email": "jane.doe@acme.com", "integrationId": 1041, "identity": "janedoe"}
]
`},
}
