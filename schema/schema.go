// Package schema checks records against the JSON Schemas of the identity payloads.
//
// The schemas are the JSON files beside this one, embedded in the binary: v2.json (the body of
// PATCH /v2/developers/identities) and legacy.json (the body of POST /v2/developers/cloud-ids).
// Each describes a whole payload, so that editors can use it as-is; idlint applies the record
// definition inside it to one record at a time with gojsonschema, compiled once.
//
// gojsonschema is the schema engine of record. Because it is slow on millions of records (it
// walks a generic interface{} tree per record), the built-in schemas also have a native fast
// path that only ever answers "valid": any record it is unsure of goes to gojsonschema, which
// decides and words the violations. A differential test and a fuzz target hold the two to the
// same verdicts.
package schema

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/xeipuuv/gojsonschema"

	"github.com/idlint/idlint/email"
	"github.com/idlint/idlint/internal/suggest"
	"github.com/idlint/idlint/payload"
)

//go:embed v2.json legacy.json report.json
var files embed.FS

// Names lists the schemas `idlint schema NAME` prints.
var Names = []string{"v2", "legacy", "report"}

// Source returns the text of a built-in schema by name ("v2" or "legacy").
func Source(name string) ([]byte, error) {
	for _, n := range Names {
		if n == name {
			return files.ReadFile(name + ".json")
		}
	}
	return nil, fmt.Errorf("unknown schema %q; expected one of %s", name, strings.Join(Names, ", "))
}

// A Violation is one way a record breaks its schema.
type Violation struct {
	// Field is the field the violation is about; "" for the record as a whole.
	Field string
	// AtKey is true when the violation is about the key itself (an unknown or repeated
	// field), so it should be shown at the key rather than the value.
	AtKey bool
	// Missing is true when the field is required but absent: there is nothing to point at
	// but the record.
	Missing bool
	// Message says what is wrong and what to do: lower case, no final period.
	Message string
	// Occurrence picks which field of that name the violation is about, for repeated keys
	// (0 is the first).
	Occurrence int

	suggests string // the field an unknown field is probably a typo of
}

// Validator checks records against the v2 and legacy record schemas.
type Validator struct {
	v2, legacy *gojsonschema.Schema
	builtin    bool // the fast path is only proved for the built-in schemas
}

var (
	builtinOnce sync.Once
	builtinVal  *Validator
	builtinErr  error
)

// Builtin returns the validator for the embedded schemas, compiled on first use.
func Builtin() (*Validator, error) {
	builtinOnce.Do(func() {
		registerFormats()
		v := &Validator{builtin: true}
		var err error
		if v.v2, err = compileDefinition("v2.json", "identity"); err != nil {
			builtinErr = err
			return
		}
		if v.legacy, err = compileDefinition("legacy.json", "integrationUser"); err != nil {
			builtinErr = err
			return
		}
		builtinVal = v
	})
	return builtinVal, builtinErr
}

var registerOnce sync.Once

// registerFormats makes idlint's email checker gojsonschema's "email" format, so that a schema
// using `format: email` agrees with the email-format rule. gojsonschema's own checker is
// net/mail.ParseAddress, which accepts "John <j@x.com>", "a@b" and a leading space.
func registerFormats() {
	registerOnce.Do(func() {
		gojsonschema.FormatCheckers.Add("email", emailFormat{})
	})
}

type emailFormat struct{}

func (emailFormat) IsFormat(input interface{}) bool {
	s, ok := input.(string)
	if !ok {
		return true // formats apply to strings only; other types pass (JSON Schema §7.1)
	}
	return email.Valid(s)
}

// compileDefinition compiles one definition of an embedded payload schema on its own. The
// record definitions have no references, so nothing is ever loaded from anywhere else, and the
// network is never touched.
func compileDefinition(file, def string) (*gojsonschema.Schema, error) {
	src, err := files.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Definitions map[string]json.RawMessage `json:"definitions"`
	}
	if err := json.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("schema %s: %w", file, err)
	}
	raw, ok := doc.Definitions[def]
	if !ok {
		return nil, fmt.Errorf("schema %s: no definition %q", file, def)
	}
	s, err := compile(raw)
	if err != nil {
		return nil, fmt.Errorf("schema %s#/definitions/%s: %w", file, def, err)
	}
	return s, nil
}

// compile compiles a schema after refusing any reference that is not within the schema
// itself: gojsonschema would fetch a "$ref" to an http(s) address from the network, and
// idlint never touches the network. Every schema idlint compiles goes through here.
func compile(src []byte) (*gojsonschema.Schema, error) {
	var doc interface{}
	if err := json.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	if ref, ok := remoteRef(doc); ok {
		return nil, fmt.Errorf("the schema refers to %q; idlint never loads schemas from elsewhere: put the definition in the schema and refer to it as \"#/definitions/...\"", ref)
	}
	return gojsonschema.NewSchemaLoader().Compile(gojsonschema.NewBytesLoader(src))
}

// remoteRef finds a "$ref" whose target is outside the document (anything but "#...").
func remoteRef(v interface{}) (string, bool) {
	switch v := v.(type) {
	case map[string]interface{}:
		if ref, ok := v["$ref"].(string); ok && !strings.HasPrefix(ref, "#") {
			return ref, true
		}
		for _, x := range v {
			if ref, ok := remoteRef(x); ok {
				return ref, true
			}
		}
	case []interface{}:
		for _, x := range v {
			if ref, ok := remoteRef(x); ok {
				return ref, true
			}
		}
	}
	return "", false
}

// fieldsOf lists the fields of each shape, in the order messages name them.
var fieldsOf = map[payload.Shape][]string{
	payload.ShapeV2:     {payload.FieldEmail, payload.FieldIntegrationID, payload.FieldIdentity},
	payload.ShapeLegacy: {payload.FieldEmail, payload.FieldApplicationType, payload.FieldCloudID},
}

// Check returns the record's violations of the schema of its shape, in field order. A record of
// unknown shape is checked against both schemas and judged by the one it breaks less.
func (v *Validator) Check(rec *payload.Record) []Violation {
	shape := rec.Shape
	if shape == payload.ShapeUnknown {
		shape = guessShape(rec)
	}
	if shape == payload.ShapeUnknown {
		a, b := v.check(rec, payload.ShapeV2), v.check(rec, payload.ShapeLegacy)
		if len(b) < len(a) {
			return b
		}
		return a
	}
	return v.check(rec, shape)
}

// guessShape decides a record's shape by its keys when its input does not (JSON Lines).
func guessShape(rec *payload.Record) payload.Shape {
	var v2, legacy int
	for i := range rec.Fields {
		switch payload.ShapeOfKey(rec.Fields[i].Name) {
		case payload.ShapeV2:
			v2++
		case payload.ShapeLegacy:
			legacy++
		}
	}
	switch {
	case v2 > legacy:
		return payload.ShapeV2
	case legacy > v2:
		return payload.ShapeLegacy
	}
	return payload.ShapeUnknown
}

func (v *Validator) check(rec *payload.Record, shape payload.Shape) []Violation {
	if v.builtin && FastValid(rec, shape) {
		return nil
	}
	return v.slow(rec, shape)
}

// slow checks a record with gojsonschema, and words what it finds.
func (v *Validator) slow(rec *payload.Record, shape payload.Shape) []Violation {
	dups := duplicateKeys(rec)
	s := v.v2
	if shape == payload.ShapeLegacy {
		s = v.legacy
	}
	res, err := s.Validate(gojsonschema.NewRawLoader(instance(rec)))
	if err != nil {
		// The instance is built in memory and never fails to load; keep the reason anyway.
		return append(dups, Violation{Message: "schema check failed: " + err.Error()})
	}
	out := dups
	for _, e := range res.Errors() {
		if viol, ok := translate(rec, shape, e); ok {
			out = append(out, viol)
		}
	}
	out = mergeTypos(out)
	sortViolations(rec, shape, out)
	return out
}

// instance builds the value gojsonschema sees for a record: numbers stay json.Number, as
// gojsonschema's own loaders produce, and exempt fields are left out.
func instance(rec *payload.Record) interface{} {
	if rec.Kind != payload.KindObject {
		return decodeRaw(rec.Kind, rec.Raw)
	}
	m := make(map[string]interface{}, len(rec.Fields))
	for i := range rec.Fields {
		f := &rec.Fields[i]
		if f.SchemaExempt {
			continue
		}
		if _, dup := m[f.Name]; dup {
			continue // the first occurrence is judged; duplicateKeys reports the rest
		}
		m[f.Name] = value(f)
	}
	return m
}

func value(f *payload.Field) interface{} {
	switch f.Kind {
	case payload.KindString:
		return f.Value
	case payload.KindNumber:
		return json.Number(f.Value)
	case payload.KindBool:
		return f.Value == "true"
	case payload.KindNull:
		return nil
	}
	return decodeRaw(f.Kind, f.Value)
}

// decodeRaw decodes the raw JSON of a nested value. Readers clip long nested values, so a value
// that no longer decodes is replaced by an empty one of the same kind: only its type matters to
// the record schemas.
func decodeRaw(kind payload.Kind, raw string) interface{} {
	switch kind {
	case payload.KindString:
		var s string
		if json.Unmarshal([]byte(raw), &s) == nil {
			return s
		}
		return ""
	case payload.KindNumber:
		return json.Number(raw)
	case payload.KindBool:
		return raw == "true"
	case payload.KindNull:
		return nil
	}
	d := json.NewDecoder(bytes.NewReader([]byte(raw)))
	d.UseNumber()
	var x interface{}
	if d.Decode(&x) == nil {
		return x
	}
	if kind == payload.KindArray {
		return []interface{}{}
	}
	return map[string]interface{}{}
}

// duplicateKeys reports repeated keys, which gojsonschema cannot see: a Go map keeps one.
func duplicateKeys(rec *payload.Record) []Violation {
	var out []Violation
	count := make(map[string]int, len(rec.Fields))
	for i := range rec.Fields {
		f := &rec.Fields[i]
		n := count[f.Name]
		count[f.Name] = n + 1
		if n == 0 {
			continue
		}
		first, _ := rec.Field(f.Name)
		out = append(out, Violation{
			Field: f.Name, AtKey: true, Occurrence: n,
			Message: fmt.Sprintf("field %q appears again (first at %s); the API keeps only one of them, so remove the other", f.Name, first.KeyPos),
		})
	}
	return out
}

// mergeTypos folds "missing field email" into "unknown field emial; did you mean email?": one
// typo is one fault, and gets one finding.
func mergeTypos(vs []Violation) []Violation {
	out := vs[:0]
	for _, v := range vs {
		if v.Missing && slices.ContainsFunc(vs, func(u Violation) bool { return u.suggests == v.Field }) {
			continue
		}
		out = append(out, v)
	}
	return out
}

func translate(rec *payload.Record, shape payload.Shape, e gojsonschema.ResultError) (Violation, bool) {
	d := e.Details()
	field := e.Field()
	if field == "(root)" {
		field = ""
	}
	prop, _ := d["property"].(string)
	switch e.Type() {
	case "required":
		if f, ok := rec.Field(prop); ok && f.SchemaExempt {
			return Violation{}, false // present, but left to the rule that words it better
		}
		return Violation{Field: prop, Missing: true,
			Message: fmt.Sprintf("missing required field %q; a %s record needs %s", prop, shape, quoteList(fieldsOf[shape]))}, true
	case "additional_property_not_allowed":
		if near, ok := suggest.Nearest(prop, fieldsOf[shape]); ok {
			return Violation{Field: prop, AtKey: true, suggests: near,
				Message: fmt.Sprintf("unknown field %q; did you mean %q?", prop, near)}, true
		}
		return Violation{Field: prop, AtKey: true,
			Message: fmt.Sprintf("unknown field %q; the API rejects it (a %s record has only %s)", prop, shape, quoteList(fieldsOf[shape]))}, true
	case "invalid_type":
		if field == "" {
			return Violation{Message: fmt.Sprintf("a record must be a JSON object, not %s", describe(rec.Kind, rec.Raw))}, true
		}
		f, _ := rec.Field(field)
		return Violation{Field: field, Message: fmt.Sprintf("%q must be %s, not %s", field, expected(d["expected"]), describeField(f))}, true
	case "string_gte":
		return Violation{Field: field, Message: fmt.Sprintf("%q is empty; give a value", field)}, true
	case "pattern":
		if f, _ := rec.Field(field); f != nil && f.Kind == payload.KindString && strings.TrimSpace(f.Value) == "" {
			if f.Value == "" {
				return Violation{}, false // "is empty", from minLength
			}
			// The built-in schemas' pattern "\S" refuses values of only spaces.
			return Violation{Field: field, Message: fmt.Sprintf("%q is blank (only whitespace); give a value", field)}, true
		}
	case "number_gte":
		f, _ := rec.Field(field)
		return Violation{Field: field, Message: fmt.Sprintf("%q must be a positive integer, not %s", field, clip(f.Value))}, true
	}
	// A violation the messages above do not cover (possible only for a custom schema):
	// gojsonschema's own description.
	desc := e.Description()
	if desc != "" {
		desc = strings.ToLower(desc[:1]) + desc[1:]
	}
	return Violation{Field: field, Message: desc}, true
}

func describeField(f *payload.Field) string {
	if f == nil {
		return "nothing"
	}
	if f.Kind == payload.KindString {
		return describe(f.Kind, fmt.Sprintf("%q", clip(f.Value)))
	}
	return describe(f.Kind, f.Value)
}

// describe words a value for a message: the string "101", the number 42, null, an object.
func describe(k payload.Kind, raw string) string {
	switch k {
	case payload.KindNull:
		return "null"
	case payload.KindObject, payload.KindArray:
		return "an " + k.String()
	}
	return "the " + k.String() + " " + clip(raw)
}

func clip(s string) string {
	const max = 40
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

// expected words gojsonschema's "expected" detail ("integer", "string", "object"...).
func expected(x interface{}) string {
	s, _ := x.(string)
	switch s {
	case "integer":
		return "an integer"
	case "object", "array":
		return "an " + s
	case "":
		return "another type"
	}
	return "a " + s
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// sortViolations orders violations by where they point, so reports do not depend on
// gojsonschema's map iteration.
func sortViolations(rec *payload.Record, shape payload.Shape, vs []Violation) {
	rank := func(v Violation) int {
		for i, n := range fieldsOf[shape] {
			if n == v.Field {
				return i
			}
		}
		return len(fieldsOf[shape])
	}
	sort.SliceStable(vs, func(i, j int) bool {
		if ri, rj := rank(vs[i]), rank(vs[j]); ri != rj {
			return ri < rj
		}
		if vs[i].Field != vs[j].Field {
			return vs[i].Field < vs[j].Field
		}
		return vs[i].Message < vs[j].Message
	})
}
