package validate

// Schema is reported by the engine from package schema's violations.
var Schema = &Rule{
	ID:       "schema",
	Severity: SeverityError,
	Summary:  "the record breaks its JSON Schema: a missing, unknown, mistyped or empty field",
	Doc: `Every record is checked against the JSON Schema of its payload (` + "`idlint schema v2`" + ` and
` + "`idlint schema legacy`" + ` print them):
  v2:     {"email": string, "integrationId": positive integer, "identity": string}
  legacy: {"email": string, "applicationType": string, "cloudId": string}
All three fields are required, none may be empty, and no other field is allowed: the API
rejects the whole upload for one unknown field, which is usually a typo ("emial"). A number
written as a string ("integrationId": "1041") is the wrong type. CSV rows are checked by the
same schemas, typed as the JSON would be.`,
	Bad: Example{Name: "identities.json", Text: `[
  {"emial": "jane.doe@acme.com", "integrationId": "1041", "identity": "janedoe"}
]
`},
	Good: Example{Name: "identities.json", Text: `[
  {"email": "jane.doe@acme.com", "integrationId": 1041, "identity": "janedoe"}
]
`},
}
