package schema

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/xeipuuv/gojsonschema"

	"github.com/idlint/idlint/internal/nonet"
	"github.com/idlint/idlint/payload"
)

func builtin(t testing.TB) *Validator {
	t.Helper()
	v, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func rec(shape payload.Shape, fields ...payload.Field) *payload.Record {
	return &payload.Record{Kind: payload.KindObject, Shape: shape, Fields: fields}
}

func str(name, value string) payload.Field {
	return payload.Field{Name: name, Value: value, Kind: payload.KindString}
}

func num(name, value string) payload.Field {
	return payload.Field{Name: name, Value: value, Kind: payload.KindNumber}
}

func TestCheck(t *testing.T) {
	v := builtin(t)
	tests := []struct {
		name string
		rec  *payload.Record
		want []Violation
	}{
		{
			name: "valid v2",
			rec:  rec(payload.ShapeV2, str("email", "a@b.co"), num("integrationId", "1041"), str("identity", "x")),
		},
		{
			name: "valid legacy",
			rec:  rec(payload.ShapeLegacy, str("email", "a@b.co"), str("applicationType", "GITHUB"), str("cloudId", "x")),
		},
		{
			name: "typo in a field name",
			rec:  rec(payload.ShapeV2, str("emial", "a@b.co"), num("integrationId", "1041"), str("identity", "x")),
			want: []Violation{
				{Field: "emial", AtKey: true, Message: `unknown field "emial"; did you mean "email"?`},
			},
		},
		{
			name: "integer as a string",
			rec:  rec(payload.ShapeV2, str("email", "a@b.co"), str("integrationId", "101"), str("identity", "x")),
			want: []Violation{{Field: "integrationId", Message: `"integrationId" must be an integer, not the string "101"`}},
		},
		{
			name: "zero integrationId",
			rec:  rec(payload.ShapeV2, str("email", "a@b.co"), num("integrationId", "0"), str("identity", "x")),
			want: []Violation{{Field: "integrationId", Message: `"integrationId" must be a positive integer, not 0`}},
		},
		{
			name: "empty string",
			rec:  rec(payload.ShapeLegacy, str("email", ""), str("applicationType", "GITHUB"), str("cloudId", "x")),
			want: []Violation{{Field: "email", Message: `"email" is empty; give a value`}},
		},
		{
			name: "blank string",
			rec:  rec(payload.ShapeV2, str("email", "  "), num("integrationId", "1"), str("identity", "\t")),
			want: []Violation{
				{Field: "email", Message: `"email" is blank (only whitespace); give a value`},
				{Field: "identity", Message: `"identity" is blank (only whitespace); give a value`},
			},
		},
		{
			name: "null email",
			rec: rec(payload.ShapeLegacy, payload.Field{Name: "email", Kind: payload.KindNull, Value: "null"},
				str("applicationType", "GITHUB"), str("cloudId", "x")),
			want: []Violation{{Field: "email", Message: `"email" must be a string, not null`}},
		},
		{
			name: "repeated key",
			rec:  rec(payload.ShapeV2, str("email", "a@b.co"), str("email", "c@d.co"), num("integrationId", "1"), str("identity", "x")),
			want: []Violation{{Field: "email", AtKey: true, Occurrence: 1, Message: `field "email" appears again (first at 0:0); the API keeps only one of them, so remove the other`}},
		},
		{
			name: "not an object",
			rec:  &payload.Record{Kind: payload.KindString, Raw: `"hello"`, Shape: payload.ShapeV2},
			want: []Violation{{Message: `a record must be a JSON object, not the string "hello"`}},
		},
		{
			name: "exempt CSV integrationId is left to its rule",
			rec: rec(payload.ShapeV2, str("email", "a@b.co"),
				payload.Field{Name: "integrationId", Value: "#1", Kind: payload.KindString, SchemaExempt: true}, str("identity", "x")),
		},
		{
			name: "unknown shape judged by the schema it breaks less",
			rec:  rec(payload.ShapeUnknown, str("email", "a@b.co"), str("cloudId", "x")),
			want: []Violation{{Field: "applicationType", Missing: true, Message: `missing required field "applicationType"; a legacy record needs "email", "applicationType" and "cloudId"`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, v.Check(tt.rec), cmpopts.IgnoreUnexported(Violation{})); diff != "" {
				t.Errorf("violations mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// randomRecord builds a record from pieces that straddle every boundary of the schemas.
func randomRecord(r *rand.Rand) *payload.Record {
	names := []string{"email", "integrationId", "identity", "applicationType", "cloudId", "emial", "x"}
	values := []payload.Field{
		str("", ""), str("", "a"), str("", " x"), str("", "1041"), str("", " \t"), str("", "\u00a0"),
		num("", "0"), num("", "1"), num("", "1041"), num("", "-1"), num("", "1.5"), num("", "1e3"),
		num("", "1041.0"), num("", "99999999999999999999"), num("", "0.0"),
		{Kind: payload.KindBool, Value: "true"}, {Kind: payload.KindNull, Value: "null"},
		{Kind: payload.KindObject, Value: "{}"}, {Kind: payload.KindArray, Value: "[1]"},
	}
	rec := &payload.Record{Kind: payload.KindObject}
	if r.IntN(40) == 0 {
		return &payload.Record{Kind: payload.KindString, Raw: `"s"`}
	}
	n := r.IntN(5)
	if r.IntN(2) == 0 {
		n = 3
	}
	for range n {
		f := values[r.IntN(len(values))]
		f.Name = names[r.IntN(len(names))]
		if r.IntN(3) > 0 { // mostly plausible records
			f.Name = names[len(rec.Fields)%3]
		}
		f.SchemaExempt = f.Name == "integrationId" && f.Kind == payload.KindString && r.IntN(2) == 0
		rec.Fields = append(rec.Fields, f)
	}
	return rec
}

// TestFastPathAgreesWithGojsonschema is the differential test behind the fast path: on many
// random records, whenever FastValid says a record is valid, gojsonschema (through the same
// instance) finds no violation. It also counts how often the fast path is taken at all.
func TestFastPathAgreesWithGojsonschema(t *testing.T) {
	v := builtin(t)
	r := rand.New(rand.NewPCG(1, 2))
	var fast, valid int
	for i := range 10000 {
		rec := randomRecord(r)
		for _, shape := range []payload.Shape{payload.ShapeV2, payload.ShapeLegacy} {
			slow := v.slow(rec, shape)
			if FastValid(rec, shape) {
				fast++
				if len(slow) > 0 {
					t.Fatalf("record %d (%s): fast path says valid, gojsonschema says %v\n%+v", i, shape, slow, rec)
				}
			}
			if len(slow) == 0 {
				valid++
			}
		}
	}
	if fast == 0 {
		t.Fatal("the fast path was never taken: the generator is broken")
	}
	t.Logf("fast path taken for %d of %d valid records", fast, valid)
}

// FuzzFastPath checks the same property on records decoded from fuzzed JSON objects.
func FuzzFastPath(f *testing.F) {
	f.Add(`{"email":"a@b.co","integrationId":1041,"identity":"x"}`, true)
	f.Add(`{"email":"a@b.co","applicationType":"GITHUB","cloudId":"x"}`, false)
	f.Add(`{"email":"","integrationId":1.0,"identity":"x"}`, true)
	v := builtin(f)
	f.Fuzz(func(t *testing.T, doc string, v2 bool) {
		d := json.NewDecoder(strings.NewReader(doc))
		d.UseNumber()
		var m map[string]any
		if d.Decode(&m) != nil {
			return
		}
		rec := &payload.Record{Kind: payload.KindObject}
		for k, x := range m {
			f := payload.Field{Name: k}
			switch x := x.(type) {
			case string:
				f.Kind, f.Value = payload.KindString, x
			case json.Number:
				f.Kind, f.Value = payload.KindNumber, string(x)
			case bool:
				f.Kind, f.Value = payload.KindBool, "false"
				if x {
					f.Value = "true"
				}
			case nil:
				f.Kind, f.Value = payload.KindNull, "null"
			default:
				b, _ := json.Marshal(x)
				f.Kind, f.Value = payload.KindObject, string(b)
				if _, ok := x.([]any); ok {
					f.Kind = payload.KindArray
				}
			}
			rec.Fields = append(rec.Fields, f)
		}
		shape := payload.ShapeLegacy
		if v2 {
			shape = payload.ShapeV2
		}
		if FastValid(rec, shape) && len(v.slow(rec, shape)) > 0 {
			t.Fatalf("fast path says valid, gojsonschema disagrees: %s", doc)
		}
	})
}

// TestEmailFormatRegistered checks that a schema using format: email uses idlint's checker,
// not net/mail's, which accepts display names.
func TestEmailFormatRegistered(t *testing.T) {
	builtin(t)
	s, err := gojsonschema.NewSchema(gojsonschema.NewStringLoader(`{"type":"string","format":"email"}`))
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]bool{"jane@acme.com": true, "Jane <jane@acme.com>": false, "a@b": false} {
		res, err := s.Validate(gojsonschema.NewGoLoader(addr))
		if err != nil {
			t.Fatal(err)
		}
		if res.Valid() != want {
			t.Errorf("format email on %q: valid = %v, want %v", addr, res.Valid(), want)
		}
	}
}

func TestSource(t *testing.T) {
	for _, name := range Names {
		src, err := Source(name)
		if err != nil {
			t.Fatal(err)
		}
		// Each printed schema must itself compile, so editors can use it as-is.
		if _, err := gojsonschema.NewSchema(gojsonschema.NewBytesLoader(src)); err != nil {
			t.Errorf("schema %s does not compile: %v", name, err)
		}
	}
	if _, err := Source("v3"); err == nil {
		t.Error("Source(v3) gave no error")
	}
}

// BenchmarkCheckValid measures the common case: a valid record, answered by the fast path.
func BenchmarkCheckValid(b *testing.B) {
	v := builtin(b)
	r := rec(payload.ShapeV2, str("email", "a@b.co"), num("integrationId", "1041"), str("identity", "x"))
	for b.Loop() {
		v.Check(r)
	}
}

// BenchmarkCheckInvalid measures a record that goes to gojsonschema.
func BenchmarkCheckInvalid(b *testing.B) {
	v := builtin(b)
	r := rec(payload.ShapeV2, str("email", "a@b.co"), str("integrationId", "1041"), str("identity", "x"))
	for b.Loop() {
		v.Check(r)
	}
}

// TestRemoteRefRefused checks that a schema with a reference outside itself is refused before
// gojsonschema could fetch it, and that local references still work.
func TestRemoteRefRefused(t *testing.T) {
	nonet.Forbid(t)

	tests := []struct {
		name    string
		src     string
		wantErr string
	}{
		{name: "remote", src: `{"properties": {"a": {"$ref": "https://example.com/s.json"}}}`, wantErr: `refers to "https://example.com/s.json"`},
		{name: "relative file", src: `{"items": [{"$ref": "other.json#/x"}]}`, wantErr: `refers to "other.json#/x"`},
		{name: "local", src: `{"definitions": {"x": {"type": "string"}}, "$ref": "#/definitions/x"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compile([]byte(tt.src))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("compile: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("compile error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
