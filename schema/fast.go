package schema

import "github.com/idlint/idlint/payload"

// FastValid reports whether a record certainly satisfies the built-in record schema of the
// given shape, without gojsonschema: an object with exactly the three fields, each once, strings
// non-empty and integrationId a plain positive integer literal. It never answers true for a
// record gojsonschema would reject (TestFastPathAgreesWithGojsonschema and FuzzFastPath hold it
// to that); when it answers false, gojsonschema decides.
func FastValid(rec *payload.Record, shape payload.Shape) bool {
	if rec.Kind != payload.KindObject || len(rec.Fields) != 3 {
		return false
	}
	var seen uint8
	for i := range rec.Fields {
		f := &rec.Fields[i]
		bit, integer := fieldBit(shape, f.Name)
		if bit == 0 || seen&bit != 0 {
			return false
		}
		seen |= bit
		if f.SchemaExempt {
			return false // the slow path knows how to leave it out
		}
		if integer {
			if f.Kind != payload.KindNumber || !positiveIntegerLiteral(f.Value) {
				return false
			}
		} else if f.Kind != payload.KindString || !hasNonSpace(f.Value) {
			return false
		}
	}
	return seen == 7
}

// fieldBit numbers the fields of a shape; integer is true for integrationId.
func fieldBit(shape payload.Shape, name string) (bit uint8, integer bool) {
	switch name {
	case payload.FieldEmail:
		return 1, false
	}
	switch shape {
	case payload.ShapeV2:
		switch name {
		case payload.FieldIntegrationID:
			return 2, true
		case payload.FieldIdentity:
			return 4, false
		}
	case payload.ShapeLegacy:
		switch name {
		case payload.FieldApplicationType:
			return 2, false
		case payload.FieldCloudID:
			return 4, false
		}
	}
	return 0, false
}

// hasNonSpace reports whether s matches the schemas' pattern "\S": a character other than the
// ASCII space, tab, line feed, form feed and carriage return (Go's regexp \s).
func hasNonSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\f', '\r':
		default:
			return true
		}
	}
	return false
}

// positiveIntegerLiteral accepts [1-9][0-9]*: every such literal is an integer ≥ 1 to JSON
// Schema. Other integer spellings (1e3, 1041.0) are left to gojsonschema.
func positiveIntegerLiteral(s string) bool {
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
