package validate

// EmptyPayload is reported by the engine when an input holds no records.
var EmptyPayload = &Rule{
	ID:       "empty-payload",
	Severity: SeverityError,
	Summary:  "the payload has no records at all",
	Doc: `An empty array, an empty integrationUsers list, a CSV with only a header, or an empty file
uploads nothing; the API rejects it. Usually the export that made the file failed.`,
	Bad: Example{Name: "identities.json", Text: "[]\n"},
	Good: Example{Name: "identities.json", Text: `[{"email": "jane.doe@acme.com", "integrationId": 1041, "identity": "janedoe"}]
`},
}
