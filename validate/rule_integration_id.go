package validate

import (
	"math/big"
	"strings"

	"github.com/idlint/idlint/payload"
)

// IntegrationID checks integrationId values that the schema cannot judge well: CSV cells, which
// are text, and JSON numbers spelt in a form the API may not read as an integer.
var IntegrationID = &Rule{
	ID:       "integration-id",
	Severity: SeverityError,
	Summary:  "the integrationId is not a plain positive integer",
	Doc: `integrationId is the numeric ID of an integration configured in Harness. In CSV every cell
is text, so idlint checks that the cell holds a positive integer written plainly: "1041.0",
"1,041", "#1041" and an empty cell are all rejected. In JSON, the schema rejects strings,
fractions and numbers below 1; this rule also rejects integer values spelt as 1041.0 or
1.041e3, which JSON Schema counts as integers but strict API parsers do not.`,
	Bad: Example{Name: "identities.csv", Text: `email,integrationId,identity
jane.doe@acme.com,1041.0,janedoe
john.roe@acme.com,#1041,jroe
`},
	Good: Example{Name: "identities.csv", Text: `email,integrationId,identity
jane.doe@acme.com,1041,janedoe
john.roe@acme.com,1041,jroe
`},
	Record: func() func(*Pass) { return checkIntegrationID },
}

func checkIntegrationID(p *Pass) {
	f, ok := p.Record().Field(payload.FieldIntegrationID)
	if !ok {
		return
	}
	switch {
	case f.SchemaExempt: // a CSV cell that is not a positive integer
		v := strings.TrimSpace(f.Value)
		switch {
		case v == "":
			p.ReportField(f, "integrationId is empty; give the integration's numeric ID")
		case isPlainPositive(v):
			// Only whitespace around a good number: the whitespace rule says so.
		default:
			p.ReportField(f, "integrationId %q is not a positive integer; give the integration's numeric ID, written with digits only%s", v, plainHint(v))
		}
	case f.Kind == payload.KindNumber && !isPlainPositive(f.Value):
		// Fractions and values below 1 are schema findings; what is left is an integer value in
		// an unusual spelling.
		if r, ok := new(big.Rat).SetString(f.Value); ok && r.IsInt() && r.Sign() > 0 {
			p.ReportField(f, "integrationId %s must be written as a plain integer: %s", f.Value, r.Num().String())
		}
	}
}

// isPlainPositive accepts [1-9][0-9]*.
func isPlainPositive(s string) bool {
	if s == "" || s[0] < '1' || s[0] > '9' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// plainHint suggests the integer a CSV cell probably meant ("1041.0" → 1041).
func plainHint(v string) string {
	if r, ok := new(big.Rat).SetString(v); ok && r.IsInt() && r.Sign() > 0 {
		return ": " + r.Num().String()
	}
	return ""
}
