package payload

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/internal/ascii"
)

// ---- what the tests compare ----

// tRec is the part of a Record the table tests compare.
type tRec struct {
	Index  int
	Pos    Pos
	End    Pos
	Kind   Kind
	Shape  Shape
	Raw    string
	Fields []tField
}

type tField struct {
	Name   string
	Value  string
	Kind   Kind
	Pos    Pos
	KeyPos Pos
}

// tDiag is a Diag as the table tests compare it: Msg is a substring of the message.
type tDiag struct {
	Code string
	Pos  Pos
	Msg  string
}

// result is everything a reader handed over, Text included.
type result struct {
	Recs    []tRec
	Texts   []string // Record.Text
	TextPos []Pos
	Diags   []Diag
	Sum     Summary
	Err     error
}

type readFunc func(io.Reader, Handler) (Summary, error)

func collect(read readFunc, r io.Reader) result { return collectWith(read, r, false) }

// collectWith is collect, with Handler.TransientValues set as transient says: the handler
// then copies the values it keeps.
func collectWith(read readFunc, r io.Reader, transient bool) result {
	var res result
	h := Handler{
		TransientValues: transient,
		Record: func(r *Record) {
			tr := tRec{Index: r.Index, Pos: r.Pos, End: r.End, Kind: r.Kind, Shape: r.Shape, Raw: r.Raw}
			for _, f := range r.Fields {
				tr.Fields = append(tr.Fields, tField{f.Name, strings.Clone(f.Value), f.Kind, f.Pos, f.KeyPos})
			}
			res.Recs = append(res.Recs, tr)
			res.Texts = append(res.Texts, string(r.Text))
			res.TextPos = append(res.TextPos, r.TextPos)
		},
		Diag: func(d Diag) { res.Diags = append(res.Diags, d) },
	}
	res.Sum, res.Err = read(r, h)
	return res
}

// diagsFor turns diags into tDiags, keeping only the part of each message that the wanted
// diag at the same index expects (so that cmp shows a clear difference otherwise).
func diagsFor(got []Diag, want []tDiag) []tDiag {
	if len(got) == 0 {
		return nil
	}
	out := make([]tDiag, len(got))
	for i, d := range got {
		out[i] = tDiag{d.Code, d.Pos, d.Message}
		if i < len(want) && want[i].Msg != "" && strings.Contains(d.Message, want[i].Msg) {
			out[i].Msg = want[i].Msg
		}
	}
	return out
}

// f makes a tField.
func fld(name, value string, kind Kind, keyLine, keyCol, line, col int) tField {
	return tField{name, value, kind, Pos{line, col}, Pos{keyLine, keyCol}}
}

func lc(line, col int) Pos { return Pos{line, col} }

func synDiag(line, col int, msg string) tDiag { return tDiag{CodeSyntax, Pos{line, col}, msg} }
func schDiag(line, col int, msg string) tDiag { return tDiag{CodeSchema, Pos{line, col}, msg} }

// v2rec is {"email":"<e>","integrationId":<id>,"identity":"<u>"} starting at line:col, all ASCII.
func v2rec(index, line, col int, email, id, ident string, shape Shape) tRec {
	c := col
	ek := c + 1
	ev := ek + 8
	ik := ev + len(email) + 3
	iv := ik + 16
	uk := iv + len(id) + 1
	uv := uk + 11
	end := uv + len(ident) + 3
	return tRec{Index: index, Pos: lc(line, c), End: lc(line, end), Kind: KindObject, Shape: shape, Fields: []tField{
		fld("email", email, KindString, line, ek, line, ev),
		fld("integrationId", id, KindNumber, line, ik, line, iv),
		fld("identity", ident, KindString, line, uk, line, uv),
	}}
}

func v2json(email, id, ident string) string {
	return fmt.Sprintf(`{"email":"%s","integrationId":%s,"identity":"%s"}`, email, id, ident)
}

type jsonCase struct {
	name  string
	in    string
	recs  []tRec
	diags []tDiag
	shape Shape
}

func nestedArrays(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

var jsonCases = []jsonCase{
	// ---- v2 ----
	{
		name:  "v2 one record",
		in:    `[{"email":"a","integrationId":1,"identity":"x"}]`,
		recs:  []tRec{v2rec(0, 1, 2, "a", "1", "x", ShapeV2)},
		shape: ShapeV2,
	},
	{
		name: "v2 one record per line",
		in: "[\n  " + v2json("jane.doe@acme.com", "1041", "janedoe") + ",\n  " +
			v2json("joe@acme.com", "7", "joe") + "\n]\n",
		recs: []tRec{
			v2rec(0, 2, 3, "jane.doe@acme.com", "1041", "janedoe", ShapeV2),
			v2rec(1, 3, 3, "joe@acme.com", "7", "joe", ShapeV2),
		},
		shape: ShapeV2,
	},
	{
		name: "v2 written by hand",
		in:   "[{\"email\": \"a\", \"integrationId\": 12, \"identity\": \"x\"}]",
		recs: []tRec{{Index: 0, Pos: lc(1, 2), End: lc(1, 54), Kind: KindObject, Shape: ShapeV2, Fields: []tField{
			fld("email", "a", KindString, 1, 3, 1, 12),
			fld("integrationId", "12", KindNumber, 1, 17, 1, 34),
			fld("identity", "x", KindString, 1, 38, 1, 50),
		}}},
		shape: ShapeV2,
	},
	{name: "empty array", in: "[]", shape: ShapeV2},
	{name: "empty array with spaces", in: " [ \n ] \n", shape: ShapeV2},
	{name: "empty input", in: "", shape: ShapeUnknown},
	{name: "only whitespace", in: " \r\n\t\n", shape: ShapeUnknown},
	{name: "only a BOM", in: "\xEF\xBB\xBF", shape: ShapeUnknown},
	{name: "BOM and whitespace", in: "\xEF\xBB\xBF  \n", shape: ShapeUnknown},
	{
		name:  "BOM before v2",
		in:    "\xEF\xBB\xBF" + `[{"email":"a","integrationId":1,"identity":"x"}]`,
		recs:  []tRec{v2rec(0, 1, 2, "a", "1", "x", ShapeV2)},
		shape: ShapeV2,
	},
	{
		name: "pretty-printed records",
		in:   "[\n  {\n    \"email\": \"a\",\n    \"integrationId\": 1\n  },\n  {\"identity\": \"x\"}\n]\n",
		recs: []tRec{
			{Index: 0, Pos: lc(2, 3), End: lc(5, 4), Kind: KindObject, Shape: ShapeV2, Fields: []tField{
				fld("email", "a", KindString, 3, 5, 3, 14),
				fld("integrationId", "1", KindNumber, 4, 5, 4, 22),
			}},
			{Index: 1, Pos: lc(6, 3), End: lc(6, 20), Kind: KindObject, Shape: ShapeV2, Fields: []tField{
				fld("identity", "x", KindString, 6, 4, 6, 16),
			}},
		},
		shape: ShapeV2,
	},
	{
		name: "CRLF line breaks",
		in:   "[\r\n{\"a\":1},\r\n  {\"a\":2}\r\n]\r\n",
		recs: []tRec{
			{Index: 0, Pos: lc(2, 1), End: lc(2, 8), Kind: KindObject, Shape: ShapeV2, Fields: []tField{fld("a", "1", KindNumber, 2, 2, 2, 6)}},
			{Index: 1, Pos: lc(3, 3), End: lc(3, 10), Kind: KindObject, Shape: ShapeV2, Fields: []tField{fld("a", "2", KindNumber, 3, 4, 3, 8)}},
		},
		shape: ShapeV2,
	},
	{
		name: "escapes and non-ASCII count as one column each",
		in:   `[{"é":"\u00e9é\ud83d\ude00","k":"ü"}, {"😀":"x"}]`,
		recs: []tRec{
			{Index: 0, Pos: lc(1, 2), End: lc(1, 37), Kind: KindObject, Shape: ShapeV2, Fields: []tField{
				fld("é", "éé😀", KindString, 1, 3, 1, 7),
				fld("k", "ü", KindString, 1, 29, 1, 33),
			}},
			{Index: 1, Pos: lc(1, 39), End: lc(1, 48), Kind: KindObject, Shape: ShapeV2, Fields: []tField{
				fld("😀", "x", KindString, 1, 40, 1, 44),
			}},
		},
		shape: ShapeV2,
	},
	{
		name: "every escape",
		in:   `[{"s":"\"\\\/\b\f\n\r\t\u0041\u00DF\uD834\uDD1E"}]`,
		recs: []tRec{{Index: 0, Pos: lc(1, 2), End: lc(1, 50), Kind: KindObject, Shape: ShapeV2, Fields: []tField{
			fld("s", "\"\\/\b\f\n\r\tAß\U0001D11E", KindString, 1, 3, 1, 7),
		}}},
		shape: ShapeV2,
	},
	{
		name: "lone surrogates decode to U+FFFD",
		in:   `[{"a":"\ud800","b":"\udc00x","c":"\ud800\u0041","d":"\ud800\ud800","e":"\uDBFF\uDFFF"}]`,
		recs: []tRec{{Index: 0, Pos: lc(1, 2), End: lc(1, 87), Kind: KindObject, Shape: ShapeV2, Fields: []tField{
			fld("a", "\uFFFD", KindString, 1, 3, 1, 7),
			fld("b", "\uFFFDx", KindString, 1, 16, 1, 20),
			fld("c", "\uFFFDA", KindString, 1, 30, 1, 34),
			fld("d", "\uFFFD\uFFFD", KindString, 1, 49, 1, 53),
			fld("e", "\U0010FFFF", KindString, 1, 68, 1, 72),
		}}},
		shape: ShapeV2,
	},
	{
		name: "invalid UTF-8 and DEL in strings pass through",
		in:   "[{\"a\":\"\xff\xfe\x7f\",\"b\":\"\xe2\x82\"}]",
		recs: []tRec{{Index: 0, Pos: lc(1, 2), End: lc(1, 21), Kind: KindObject, Shape: ShapeV2, Fields: []tField{
			fld("a", "\xff\xfe\x7f", KindString, 1, 3, 1, 7),
			fld("b", "\xe2\x82", KindString, 1, 13, 1, 17),
		}}},
		shape: ShapeV2,
	},
	{
		name: "duplicate keys are kept in order",
		in:   `[{"email":"a","email":"b","email":1}]`,
		recs: []tRec{{Index: 0, Pos: lc(1, 2), End: lc(1, 37), Kind: KindObject, Shape: ShapeV2, Fields: []tField{
			fld("email", "a", KindString, 1, 3, 1, 11),
			fld("email", "b", KindString, 1, 15, 1, 23),
			fld("email", "1", KindNumber, 1, 27, 1, 35),
		}}},
		shape: ShapeV2,
	},
	{
		name: "nested values and every kind",
		in:   `[{"a":{"b":[1, 2]},"c":[],"d":true,"e":null,"f":false,"g":-1.5e-3,"h":0,"i":{ }}]`,
		recs: []tRec{{Index: 0, Pos: lc(1, 2), End: lc(1, 81), Kind: KindObject, Shape: ShapeV2, Fields: []tField{
			fld("a", `{"b":[1, 2]}`, KindObject, 1, 3, 1, 7),
			fld("c", `[]`, KindArray, 1, 20, 1, 24),
			fld("d", "true", KindBool, 1, 27, 1, 31),
			fld("e", "null", KindNull, 1, 36, 1, 40),
			fld("f", "false", KindBool, 1, 45, 1, 49),
			fld("g", "-1.5e-3", KindNumber, 1, 55, 1, 59),
			fld("h", "0", KindNumber, 1, 67, 1, 71),
			fld("i", "{ }", KindObject, 1, 73, 1, 77),
		}}},
		shape: ShapeV2,
	},
	{
		name: "empty object and empty key",
		in:   `[{}, {"":""}]`,
		recs: []tRec{
			{Index: 0, Pos: lc(1, 2), End: lc(1, 4), Kind: KindObject, Shape: ShapeV2},
			{Index: 1, Pos: lc(1, 6), End: lc(1, 13), Kind: KindObject, Shape: ShapeV2, Fields: []tField{fld("", "", KindString, 1, 7, 1, 10)}},
		},
		shape: ShapeV2,
	},
	{
		name: "elements that are not objects",
		in:   `[1, "s", null, true, [1,{}], -0.5, false]`,
		recs: []tRec{
			{Index: 0, Pos: lc(1, 2), End: lc(1, 3), Kind: KindNumber, Shape: ShapeV2, Raw: "1"},
			{Index: 1, Pos: lc(1, 5), End: lc(1, 8), Kind: KindString, Shape: ShapeV2, Raw: `"s"`},
			{Index: 2, Pos: lc(1, 10), End: lc(1, 14), Kind: KindNull, Shape: ShapeV2, Raw: "null"},
			{Index: 3, Pos: lc(1, 16), End: lc(1, 20), Kind: KindBool, Shape: ShapeV2, Raw: "true"},
			{Index: 4, Pos: lc(1, 22), End: lc(1, 28), Kind: KindArray, Shape: ShapeV2, Raw: "[1,{}]"},
			{Index: 5, Pos: lc(1, 30), End: lc(1, 34), Kind: KindNumber, Shape: ShapeV2, Raw: "-0.5"},
			{Index: 6, Pos: lc(1, 36), End: lc(1, 41), Kind: KindBool, Shape: ShapeV2, Raw: "false"},
		},
		shape: ShapeV2,
	},
	{
		name: "numbers",
		in:   `[{"a":0,"b":-0,"c":10.25,"d":1E9,"e":2e+10,"f":3E-2,"g":123456789012345678901234567890}]`,
		recs: []tRec{{Index: 0, Pos: lc(1, 2), End: lc(1, 88), Kind: KindObject, Shape: ShapeV2, Fields: []tField{
			fld("a", "0", KindNumber, 1, 3, 1, 7),
			fld("b", "-0", KindNumber, 1, 9, 1, 13),
			fld("c", "10.25", KindNumber, 1, 16, 1, 20),
			fld("d", "1E9", KindNumber, 1, 26, 1, 30),
			fld("e", "2e+10", KindNumber, 1, 34, 1, 38),
			fld("f", "3E-2", KindNumber, 1, 44, 1, 48),
			fld("g", "123456789012345678901234567890", KindNumber, 1, 53, 1, 57),
		}}},
		shape: ShapeV2,
	},

	// ---- legacy ----
	{
		name: "legacy",
		in:   `{"integrationUsers": [{"email":"a","applicationType":"github","cloudId":"c1"}]}`,
		recs: []tRec{{Index: 0, Pos: lc(1, 23), End: lc(1, 78), Kind: KindObject, Shape: ShapeLegacy, Fields: []tField{
			fld("email", "a", KindString, 1, 24, 1, 32),
			fld("applicationType", "github", KindString, 1, 36, 1, 54),
			fld("cloudId", "c1", KindString, 1, 63, 1, 73),
		}}},
		shape: ShapeLegacy,
	},
	{
		name: "legacy pretty-printed with a non-object element",
		in:   "{\n  \"integrationUsers\": [\n    {\"cloudId\": \"c1\"},\n    7\n  ]\n}\n",
		recs: []tRec{
			{Index: 0, Pos: lc(3, 5), End: lc(3, 22), Kind: KindObject, Shape: ShapeLegacy, Fields: []tField{
				fld("cloudId", "c1", KindString, 3, 6, 3, 17),
			}},
			{Index: 1, Pos: lc(4, 5), End: lc(4, 6), Kind: KindNumber, Shape: ShapeLegacy, Raw: "7"},
		},
		shape: ShapeLegacy,
	},
	{name: "legacy with no records", in: `{"integrationUsers":[]}`, shape: ShapeLegacy},

	// ---- envelope problems ----
	{
		name:  "top-level string",
		in:    `"x"`,
		diags: []tDiag{schDiag(1, 1, `the payload must be a JSON array of identities (v2) or an object with "integrationUsers" (legacy)`)},
	},
	{
		name:  "top-level number after whitespace",
		in:    "\n  42\n",
		diags: []tDiag{schDiag(2, 3, "the payload must be a JSON array")},
	},
	{name: "top-level null", in: `null`, diags: []tDiag{schDiag(1, 1, "the payload must be a JSON array")}},
	{
		name:  "top-level scalar with trailing data",
		in:    `true false`,
		diags: []tDiag{schDiag(1, 1, "the payload must be a JSON array"), synDiag(1, 6, "invalid character 'f' after the top-level value")},
	},
	{
		name:  "empty object",
		in:    `{}`,
		diags: []tDiag{schDiag(1, 2, `the object has no "integrationUsers" field`)},
		shape: ShapeLegacy,
	},
	{
		name: "single record object",
		in:   `{"email":"a","integrationId":1}`,
		diags: []tDiag{
			schDiag(1, 2, `the payload is a single identity record, not an upload body; wrap it in [ ] for the v2 API`),
		},
		shape: ShapeLegacy,
	},
	{
		name: "unknown top-level fields",
		in:   `{"version":2,"integrationUsers":[],"extra":true}`,
		diags: []tDiag{
			schDiag(1, 2, `unknown top-level field "version"; the legacy body has only "integrationUsers"`),
			schDiag(1, 36, `unknown top-level field "extra"`),
		},
		shape: ShapeLegacy,
	},
	{
		name:  "integrationUsers is an object",
		in:    `{"integrationUsers": {"email":"a"}}`,
		diags: []tDiag{schDiag(1, 22, `"integrationUsers" must be an array of identities, found an object`)},
		shape: ShapeLegacy,
	},
	{
		name:  "integrationUsers is null",
		in:    `{"integrationUsers": null}`,
		diags: []tDiag{schDiag(1, 22, `"integrationUsers" must be an array of identities, found null`)},
		shape: ShapeLegacy,
	},
	{
		name: "unknown top-level field before and after",
		in:   `{"foo": 1, "integrationUsers": [{"email":"a"}], "bar": [1, {"x": "y"}]}`,
		recs: []tRec{{Index: 0, Pos: lc(1, 33), End: lc(1, 46), Kind: KindObject, Shape: ShapeLegacy, Fields: []tField{
			fld("email", "a", KindString, 1, 34, 1, 42),
		}}},
		diags: []tDiag{
			schDiag(1, 2, `unknown top-level field "foo"`),
			schDiag(1, 49, `unknown top-level field "bar"`),
		},
		shape: ShapeLegacy,
	},
	{
		name: "integrationUsers repeated",
		in:   `{"integrationUsers": [{"email":"a"}], "integrationUsers": [{"email":"b"}]}`,
		recs: []tRec{{Index: 0, Pos: lc(1, 23), End: lc(1, 36), Kind: KindObject, Shape: ShapeLegacy, Fields: []tField{
			fld("email", "a", KindString, 1, 24, 1, 32),
		}}},
		diags: []tDiag{schDiag(1, 39, `"integrationUsers" is repeated`)},
		shape: ShapeLegacy,
	},
	{
		name: "integrationUsers in the wrong case",
		in:   `{"IntegrationUsers": []}`,
		diags: []tDiag{
			schDiag(1, 2, `did you mean "integrationUsers"?`),
			schDiag(1, 24, `the object has no "integrationUsers" field`),
		},
		shape: ShapeLegacy,
	},

	// ---- syntax errors ----
	{
		name:  "trailing comma in the array",
		in:    `[1,2,]`,
		recs:  []tRec{{Index: 0, Pos: lc(1, 2), End: lc(1, 3), Kind: KindNumber, Shape: ShapeV2, Raw: "1"}, {Index: 1, Pos: lc(1, 4), End: lc(1, 5), Kind: KindNumber, Shape: ShapeV2, Raw: "2"}},
		diags: []tDiag{synDiag(1, 5, "trailing comma before ']'")},
		shape: ShapeV2,
	},
	{
		name:  "trailing comma on the line before",
		in:    "[\n  {\"a\":1},\n]",
		recs:  []tRec{{Index: 0, Pos: lc(2, 3), End: lc(2, 10), Kind: KindObject, Shape: ShapeV2, Fields: []tField{fld("a", "1", KindNumber, 2, 4, 2, 8)}}},
		diags: []tDiag{synDiag(2, 10, "trailing comma before ']'")},
		shape: ShapeV2,
	},
	{name: "trailing comma in a record", in: `[{"a":1,}]`, diags: []tDiag{synDiag(1, 8, "trailing comma before '}'")}, shape: ShapeV2},
	{name: "trailing comma in a nested array", in: `[{"a":[1,]}]`, diags: []tDiag{synDiag(1, 9, "trailing comma before ']'")}, shape: ShapeV2},
	{name: "trailing comma in the envelope", in: `{"integrationUsers":[],}`, diags: []tDiag{synDiag(1, 23, "trailing comma before '}'")}, shape: ShapeLegacy},
	{name: "leading zero", in: `[01]`, diags: []tDiag{synDiag(1, 3, "leading zero")}, shape: ShapeV2},
	{name: "leading zero negative", in: `[{"a":-00}]`, diags: []tDiag{synDiag(1, 9, "leading zero")}, shape: ShapeV2},
	{name: "single quotes for a value", in: `['a']`, diags: []tDiag{synDiag(1, 2, `invalid character '\'' looking for beginning of value; strings must be in double quotes`)}, shape: ShapeV2},
	{name: "single quotes for a key", in: `[{'a':1}]`, diags: []tDiag{synDiag(1, 3, `expected a string for the object key, found '\''; keys must be in double quotes`)}, shape: ShapeV2},
	{name: "bare key", in: `[{email:1}]`, diags: []tDiag{synDiag(1, 3, `found 'e'; keys must be in double quotes`)}, shape: ShapeV2},
	{name: "line comment", in: "[1 // one\n]", recs: []tRec{{Index: 0, Pos: lc(1, 2), End: lc(1, 3), Kind: KindNumber, Shape: ShapeV2, Raw: "1"}}, diags: []tDiag{synDiag(1, 4, "expected ',' or ']' after array element, found '/'; JSON has no comments")}, shape: ShapeV2},
	{name: "block comment", in: "/* c */ []", diags: []tDiag{synDiag(1, 1, "invalid character '/' looking for beginning of value; JSON has no comments")}},
	{name: "NaN", in: `[{"a":NaN}]`, diags: []tDiag{synDiag(1, 7, "invalid character 'N' looking for beginning of value; NaN and Infinity")}, shape: ShapeV2},
	{name: "Infinity", in: `[-Infinity]`, diags: []tDiag{synDiag(1, 3, "expected a digit after '-', found 'I'")}, shape: ShapeV2},
	{name: "plus sign", in: `[+1]`, diags: []tDiag{synDiag(1, 2, "a number must not start with '+'")}, shape: ShapeV2},
	{name: "leading dot", in: `[.5]`, diags: []tDiag{synDiag(1, 2, "a number must start with a digit")}, shape: ShapeV2},
	{name: "dot without digits", in: `[1.]`, diags: []tDiag{synDiag(1, 4, "expected a digit after '.', found ']'")}, shape: ShapeV2},
	{name: "exponent without digits", in: `[1e]`, diags: []tDiag{synDiag(1, 4, "expected a digit in the exponent, found ']'")}, shape: ShapeV2},
	{name: "exponent sign without digits", in: `[1E+]`, diags: []tDiag{synDiag(1, 5, "expected a digit in the exponent, found ']'")}, shape: ShapeV2},
	{name: "minus alone", in: `[-]`, diags: []tDiag{synDiag(1, 3, "expected a digit after '-', found ']'")}, shape: ShapeV2},
	{name: "hex number", in: `[0x1]`, recs: []tRec{{Index: 0, Pos: lc(1, 2), End: lc(1, 3), Kind: KindNumber, Shape: ShapeV2, Raw: "0"}}, diags: []tDiag{synDiag(1, 3, "expected ',' or ']' after array element, found 'x'")}, shape: ShapeV2},
	{name: "misspelt literal", in: `[tru]`, diags: []tDiag{synDiag(1, 5, "invalid character ']' in literal true (expecting 'e')")}, shape: ShapeV2},
	{name: "capitalised literal", in: `[True]`, diags: []tDiag{synDiag(1, 2, "invalid character 'T' looking for beginning of value")}, shape: ShapeV2},
	{name: "literal cut by the end", in: `[nul`, diags: []tDiag{synDiag(1, 5, "unexpected end of input in literal null")}, shape: ShapeV2},
	{name: "literal with more letters", in: `[nullx]`, recs: []tRec{{Index: 0, Pos: lc(1, 2), End: lc(1, 6), Kind: KindNull, Shape: ShapeV2, Raw: "null"}}, diags: []tDiag{synDiag(1, 6, "expected ',' or ']' after array element, found 'x'")}, shape: ShapeV2},
	{name: "two commas", in: `[1,,2]`, recs: []tRec{{Index: 0, Pos: lc(1, 2), End: lc(1, 3), Kind: KindNumber, Shape: ShapeV2, Raw: "1"}}, diags: []tDiag{synDiag(1, 4, "invalid character ',' looking for beginning of value")}, shape: ShapeV2},
	{name: "missing comma", in: `[{"a":1} {"a":2}]`, recs: []tRec{{Index: 0, Pos: lc(1, 2), End: lc(1, 9), Kind: KindObject, Shape: ShapeV2, Fields: []tField{fld("a", "1", KindNumber, 1, 3, 1, 7)}}}, diags: []tDiag{synDiag(1, 10, "expected ',' or ']' after array element, found '{'")}, shape: ShapeV2},
	{name: "wrong closing bracket", in: `[{"a":1}}`, recs: []tRec{{Index: 0, Pos: lc(1, 2), End: lc(1, 9), Kind: KindObject, Shape: ShapeV2, Fields: []tField{fld("a", "1", KindNumber, 1, 3, 1, 7)}}}, diags: []tDiag{synDiag(1, 9, "expected ',' or ']' after array element, found '}'")}, shape: ShapeV2},
	{name: "wrong closing brace", in: `[{"a":1]`, diags: []tDiag{synDiag(1, 8, "expected ',' or '}' after object member, found ']'")}, shape: ShapeV2},
	{name: "missing colon", in: `{"integrationUsers" []}`, diags: []tDiag{synDiag(1, 21, "expected ':' after object key, found '['")}, shape: ShapeLegacy},
	{name: "missing value", in: `[{"a":}]`, diags: []tDiag{synDiag(1, 7, "invalid character '}' looking for beginning of value")}, shape: ShapeV2},
	{name: "comma where a key belongs", in: `[{,}]`, diags: []tDiag{synDiag(1, 3, "expected a string for the object key, found ','")}, shape: ShapeV2},
	{name: "unclosed array", in: `[`, diags: []tDiag{synDiag(1, 2, "unexpected end of input: the array opened at 1:1 is not closed")}, shape: ShapeV2},
	{name: "unclosed array after records", in: "[\n {\"a\":1},\n {\"a\":2}\n", recs: []tRec{
		{Index: 0, Pos: lc(2, 2), End: lc(2, 9), Kind: KindObject, Shape: ShapeV2, Fields: []tField{fld("a", "1", KindNumber, 2, 3, 2, 7)}},
		{Index: 1, Pos: lc(3, 2), End: lc(3, 9), Kind: KindObject, Shape: ShapeV2, Fields: []tField{fld("a", "2", KindNumber, 3, 3, 3, 7)}},
	}, diags: []tDiag{synDiag(4, 1, "unexpected end of input: the array opened at 1:1 is not closed")}, shape: ShapeV2},
	{name: "unclosed object", in: "[\n  {\"a\": 1\n", diags: []tDiag{synDiag(3, 1, "unexpected end of input: the object opened at 2:3 is not closed")}, shape: ShapeV2},
	{name: "unclosed object after comma", in: `[{"a":1,`, diags: []tDiag{synDiag(1, 9, "unexpected end of input: the object opened at 1:2 is not closed")}, shape: ShapeV2},
	{name: "unclosed object after colon", in: `{"integrationUsers":`, diags: []tDiag{synDiag(1, 21, "unexpected end of input: the object opened at 1:1 is not closed")}, shape: ShapeLegacy},
	{name: "unclosed string", in: `[{"a":"x`, diags: []tDiag{synDiag(1, 9, "unexpected end of input: the string started at 1:7 is not closed")}, shape: ShapeV2},
	{name: "unclosed string after non-ASCII", in: `[{"é":"😀😀`, diags: []tDiag{synDiag(1, 10, "unexpected end of input: the string started at 1:7 is not closed")}, shape: ShapeV2},
	{name: "unclosed escape", in: `["\`, diags: []tDiag{synDiag(1, 4, "unexpected end of input in an escape sequence")}, shape: ShapeV2},
	{name: "number cut by the end", in: `[1.`, diags: []tDiag{synDiag(1, 4, "unexpected end of input: expected a digit after '.'")}, shape: ShapeV2},
	{name: "tab in a string", in: "[{\"a\":\"x\ty\"}]", diags: []tDiag{synDiag(1, 9, `invalid character '\t' (U+0009) in string: control characters must be escaped, as \t`)}, shape: ShapeV2},
	{name: "line break in a string", in: "[{\"a\":\"x\ny\"}]", diags: []tDiag{synDiag(1, 9, `unexpected end of line: the string started at 1:7 is not closed (a line break in a string must be written \n)`)}, shape: ShapeV2},
	{name: "NUL in a string", in: "[\"é\x00\"]", diags: []tDiag{synDiag(1, 4, `invalid character '\x00' (U+0000) in string`)}, shape: ShapeV2},
	{name: "invalid escape", in: `[{"a":"\x41"}]`, diags: []tDiag{synDiag(1, 9, `invalid escape '\' followed by 'x'`)}, shape: ShapeV2},
	{name: "invalid escape after non-ASCII", in: `["éé\a"]`, diags: []tDiag{synDiag(1, 6, `invalid escape '\' followed by 'a'`)}, shape: ShapeV2},
	{name: "bad hex in \\u", in: `[{"a":"\u12G4"}]`, diags: []tDiag{synDiag(1, 12, `invalid \u escape: expected a hex digit, found 'G'`)}, shape: ShapeV2},
	{name: "short \\u", in: `["\u12"]`, diags: []tDiag{synDiag(1, 7, `invalid \u escape: expected a hex digit, found '"'`)}, shape: ShapeV2},
	{name: "bad hex in the second half of a pair", in: `["\ud800\uZ"]`, diags: []tDiag{synDiag(1, 11, `invalid \u escape: expected a hex digit, found 'Z'`)}, shape: ShapeV2},
	{name: "NUL outside strings", in: "[\x00]", diags: []tDiag{synDiag(1, 2, `invalid character '\x00' (U+0000) looking for beginning of value`)}, shape: ShapeV2},
	{name: "form feed is not whitespace", in: "[\f]", diags: []tDiag{synDiag(1, 2, `'\f' (U+000C) looking for beginning of value`)}, shape: ShapeV2},
	{name: "non-breaking space is not whitespace", in: "[\u00a01]", diags: []tDiag{synDiag(1, 2, `invalid character '\u00a0' (U+00A0) looking for beginning of value`)}, shape: ShapeV2},
	{name: "non-ASCII outside strings", in: `["é", é]`, recs: []tRec{{Index: 0, Pos: lc(1, 2), End: lc(1, 5), Kind: KindString, Shape: ShapeV2, Raw: `"é"`}}, diags: []tDiag{synDiag(1, 7, "invalid character 'é' (U+00E9) looking for beginning of value")}, shape: ShapeV2},
	{name: "invalid UTF-8 outside strings", in: "[\xff]", diags: []tDiag{synDiag(1, 2, "byte 0xFF (not valid UTF-8)")}, shape: ShapeV2},
	{name: "data after the array", in: `[] x`, diags: []tDiag{synDiag(1, 4, "invalid character 'x' after the top-level value")}, shape: ShapeV2},
	{name: "second array", in: "[]\n[]", diags: []tDiag{synDiag(2, 1, "invalid character '[' after the top-level value")}, shape: ShapeV2},
	{name: "closing bracket alone", in: `]`, diags: []tDiag{synDiag(1, 1, "invalid character ']' looking for beginning of value")}},
	{name: "garbage", in: "id,email\n", diags: []tDiag{synDiag(1, 1, "invalid character 'i' looking for beginning of value")}},
	{name: "error on a later line after records", in: "[\n  {\"a\": 1},\n  {\"a\": 2\n  \"b\": 3}\n]\n", recs: []tRec{
		{Index: 0, Pos: lc(2, 3), End: lc(2, 11), Kind: KindObject, Shape: ShapeV2, Fields: []tField{fld("a", "1", KindNumber, 2, 4, 2, 9)}},
	}, diags: []tDiag{synDiag(4, 3, "expected ',' or '}' after object member, found '\"'")}, shape: ShapeV2},
	{name: "error after CRLF", in: "[\r\n1,\r\n]", recs: []tRec{{Index: 0, Pos: lc(2, 1), End: lc(2, 2), Kind: KindNumber, Shape: ShapeV2, Raw: "1"}}, diags: []tDiag{synDiag(2, 2, "trailing comma before ']'")}, shape: ShapeV2},
	{name: "nested too deeply", in: "[{\"a\":" + nestedArrays(63) + "}]", diags: []tDiag{synDiag(1, 69, "nested too deeply")}, shape: ShapeV2},
	{name: "deepest nesting allowed", in: "[{\"a\":" + nestedArrays(62) + "}]", recs: []tRec{{Index: 0, Pos: lc(1, 2), End: lc(1, 132), Kind: KindObject, Shape: ShapeV2, Fields: []tField{
		fld("a", nestedArrays(62), KindArray, 1, 3, 1, 7),
	}}}, shape: ShapeV2},
	{name: "nested too deeply at the top", in: nestedArrays(100), diags: []tDiag{synDiag(1, 65, "nested too deeply")}, shape: ShapeV2},
	{name: "the error stops the reading", in: `[1,x,{"a":1}`, recs: []tRec{{Index: 0, Pos: lc(1, 2), End: lc(1, 3), Kind: KindNumber, Shape: ShapeV2, Raw: "1"}}, diags: []tDiag{synDiag(1, 4, "invalid character 'x'")}, shape: ShapeV2},
}

func TestReadJSON(t *testing.T) {
	for _, tc := range jsonCases {
		t.Run(tc.name, func(t *testing.T) {
			res := collect(ReadJSON, strings.NewReader(tc.in))
			if res.Err != nil {
				t.Fatalf("error: %v", res.Err)
			}
			if diff := cmp.Diff(tc.recs, res.Recs); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.diags, diagsFor(res.Diags, tc.diags)); diff != "" {
				t.Errorf("diags (-want +got):\n%s", diff)
			}
			want := Summary{Format: FormatJSON, Shape: tc.shape, Records: len(tc.recs)}
			if res.Sum != want {
				t.Errorf("summary = %+v, want %+v", res.Sum, want)
			}
			if diff := cmp.Diff(res, collectWith(ReadJSON, strings.NewReader(tc.in), true)); diff != "" {
				t.Errorf("transient values differ (-kept +transient):\n%s", diff)
			}
			checkPositions(t, []byte(tc.in), res)
		})
	}
}

// TestReadJSONText checks Record.Text and Diag.Text with their positions.
func TestReadJSONText(t *testing.T) {
	type text struct {
		Text string
		Pos  Pos
	}
	tests := []struct {
		name  string
		in    string
		recs  []text
		diags []text
	}{
		{
			name: "one record per line",
			in:   "[\n  {\"a\":1},\n  {\"a\":2}\n]",
			recs: []text{{`  {"a":1},`, lc(2, 1)}, {`  {"a":2}`, lc(3, 1)}},
		},
		{
			name: "record over several lines",
			in:   "[\n  {\n    \"a\": 1\n  }, {\"b\": 2}\n]",
			recs: []text{{"  {\n    \"a\": 1\n  }, {\"b\": 2}", lc(2, 1)}, {`  }, {"b": 2}`, lc(4, 1)}},
		},
		{
			name: "CRLF",
			in:   "[\r\n  {\r\n \"a\": 1\r\n  },\r\n  2\r\n]",
			recs: []text{{"  {\r\n \"a\": 1\r\n  },", lc(2, 1)}, {"  2", lc(5, 1)}},
		},
		{
			name: "BOM",
			in:   "\xEF\xBB\xBF[{\"a\":1}] x",
			recs: []text{{`[{"a":1}] x`, lc(1, 1)}},
			diags: []text{
				{`[{"a":1}] x`, lc(1, 1)},
			},
		},
		{
			name:  "syntax error",
			in:    "[\n 1,\n 2 3\n]",
			recs:  []text{{" 1,", lc(2, 1)}, {" 2 3", lc(3, 1)}},
			diags: []text{{" 2 3", lc(3, 1)}},
		},
		{
			name:  "trailing comma on an earlier line",
			in:    "{\"integrationUsers\": [],\n\n}",
			diags: []text{{`{"integrationUsers": [],`, lc(1, 1)}},
		},
		{
			name:  "end of input",
			in:    "[\n {\"a\": \"x",
			diags: []text{{` {"a": "x`, lc(2, 1)}},
		},
		{
			name:  "schema",
			in:    "{\n  \"foo\": 1\n}",
			diags: []text{{`  "foo": 1`, lc(2, 1)}, {"}", lc(3, 1)}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := collect(ReadJSON, strings.NewReader(tc.in))
			var recs, diags []text
			for i := range res.Recs {
				recs = append(recs, text{res.Texts[i], res.TextPos[i]})
			}
			for _, d := range res.Diags {
				diags = append(diags, text{string(d.Text), d.TextPos})
			}
			if diff := cmp.Diff(tc.recs, recs); diff != "" {
				t.Errorf("record text (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.diags, diags); diff != "" {
				t.Errorf("diag text (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadJSONMinified checks positions and clipped texts in a long one-line payload.
func TestReadJSONMinified(t *testing.T) {
	// Each record is 103 bytes, 102 characters; with the comma, record k starts at byte
	// 1+104k, column 2+103k.
	email := strings.Repeat("a", 47) + "é@acme.com"
	rec := v2json(email, "1", "x")
	if len(rec) != 103 || utf8.RuneCountInString(rec) != 102 {
		t.Fatalf("record is %d bytes", len(rec))
	}
	const n = 20
	var b strings.Builder
	b.WriteString("[")
	for k := 0; k < n; k++ {
		if k > 0 {
			b.WriteString(",")
		}
		b.WriteString(rec)
	}
	b.WriteString("]")
	in := b.String()
	res := collect(ReadJSON, strings.NewReader(in))
	if len(res.Recs) != n || len(res.Diags) != 0 {
		t.Fatalf("got %d records, %d diags", len(res.Recs), len(res.Diags))
	}
	for k, got := range res.Recs {
		want := v2rec(k, 1, 2+103*k, email, "1", "x", ShapeV2)
		// v2rec counts bytes: the é after the email's start is one column less.
		for i := 1; i < 3; i++ {
			want.Fields[i].KeyPos.Col--
			want.Fields[i].Pos.Col--
		}
		want.End.Col--
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("record %d (-want +got):\n%s", k, diff)
		}
		// The text: up to 200 bytes either side, not cutting a character.
		start := 1 + 104*k // byte offset of the record
		lo, hi := max(0, start-200), min(len(in), start+len(rec)+200)
		for lo < start && !utf8.RuneStart(in[lo]) {
			lo++
		}
		for hi < len(in) && !utf8.RuneStart(in[hi]) {
			hi--
		}
		if res.Texts[k] != in[lo:hi] {
			t.Errorf("record %d text = %q..., want %q...", k, res.Texts[k][:20], in[lo:lo+20])
		}
		if wantPos := lc(1, 1+utf8.RuneCountInString(in[:lo])); res.TextPos[k] != wantPos {
			t.Errorf("record %d text position = %v, want %v", k, res.TextPos[k], wantPos)
		}
	}

	// A syntax error at the end of the long line.
	res = collect(ReadJSON, strings.NewReader(in[:len(in)-1]+"}"))
	if len(res.Diags) != 1 {
		t.Fatalf("diags = %v", res.Diags)
	}
	d := res.Diags[0]
	if want := lc(1, 1+utf8.RuneCountInString(in)-1); d.Pos != want {
		t.Errorf("diag at %v, want %v", d.Pos, want)
	}
	wantText := in[len(in)-1-200 : len(in)-1]
	for !utf8.RuneStart(wantText[0]) {
		wantText = wantText[1:]
	}
	if string(d.Text) != wantText+"}" {
		t.Errorf("diag text = %q, want %q", d.Text, wantText+"}")
	}
}

// TestReadJSONChunked reads every case through a one-byte reader into a tiny buffer, so that
// every token is cut by a refill, and expects exactly the same result, texts included.
func TestReadJSONChunked(t *testing.T) {
	for _, tc := range jsonCases {
		t.Run(tc.name, func(t *testing.T) {
			want := collect(ReadJSON, strings.NewReader(tc.in))
			for _, size := range []int{16, 17, 64} {
				got := collect(func(r io.Reader, h Handler) (Summary, error) { return readJSON(r, h, size) },
					iotest.OneByteReader(strings.NewReader(tc.in)))
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("buffer %d (-whole +chunked):\n%s", size, diff)
				}
			}
		})
	}
}

func TestReadJSONReadError(t *testing.T) {
	errBoom := errors.New("boom")
	in := `[{"email":"a","integrationId":1,"identity":"x"},{"email":"b"`
	r := io.MultiReader(strings.NewReader(in), iotest.ErrReader(errBoom))
	res := collect(ReadJSON, r)
	if !errors.Is(res.Err, errBoom) {
		t.Errorf("error = %v, want boom", res.Err)
	}
	if len(res.Recs) != 1 || len(res.Diags) != 0 {
		t.Errorf("got %d records and diags %v; want 1 record and no diags", len(res.Recs), res.Diags)
	}
	// A read error after a complete payload is still an error.
	res = collect(ReadJSONL, io.MultiReader(strings.NewReader("{}\n{\"a\":"), iotest.ErrReader(errBoom)))
	if !errors.Is(res.Err, errBoom) || len(res.Recs) != 1 || len(res.Diags) != 0 {
		t.Errorf("JSONL: error %v, %d records, diags %v", res.Err, len(res.Recs), res.Diags)
	}
}

// TestReadJSONKeepStrings checks that the strings of a record stay valid after the callback,
// while its Fields slice is reused.
func TestReadJSONKeepStrings(t *testing.T) {
	var kept []Field
	in := "[" + v2json("a@x", "1", "u1") + "," + v2json("b@x", "2", "u2") + "," + `{"k\u00e9y":"v\n"}` + "]"
	_, err := ReadJSON(strings.NewReader(in), Handler{Record: func(r *Record) { kept = append(kept, r.Fields...) }})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range kept {
		got = append(got, f.Name+"="+f.Value)
	}
	want := []string{"email=a@x", "integrationId=1", "identity=u1", "email=b@x", "integrationId=2", "identity=u2", "kéy=v\n"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// ---- limits ----

func TestReadJSONLimits(t *testing.T) {
	big := strings.Repeat("x", maxStringBytes)
	tests := []struct {
		name    string
		in      string
		records []int // indexes of the records handed over
		diags   []tDiag
		check   func(t *testing.T, res result)
	}{
		{
			name:    "string at the limit",
			in:      `[{"a":"` + big + `"},{"a":1}]`,
			records: []int{0, 1},
		},
		{
			name:    "string over the limit",
			in:      `[{"a":1,"b":"` + big + `x"},{"a":1}]`,
			records: []int{1},
			diags:   []tDiag{synDiag(1, 13, "string is longer than 64 KiB; the record is skipped")},
		},
		{
			name:    "escaped string over the limit",
			in:      `[{"b":"` + strings.Repeat(`\u00e9`, maxStringBytes/2+1) + `"},{"a":1}]`,
			records: []int{1},
			diags:   []tDiag{synDiag(1, 7, "string is longer than 64 KiB")},
		},
		{
			name:    "key over the limit",
			in:      `[{"` + big + `x":1},{"a":1}]`,
			records: []int{1},
			diags:   []tDiag{synDiag(1, 3, "key is longer than 64 KiB")},
		},
		{
			name:    "number over the limit",
			in:      `[{"a":` + strings.Repeat("1", maxStringBytes+1) + `},{"a":1}]`,
			records: []int{1},
			diags:   []tDiag{synDiag(1, 7, "number is longer than 64 KiB")},
		},
		{
			name:    "long string in a nested value is fine",
			in:      `[{"a":["` + big + `x"]},{"a":1}]`,
			records: []int{0, 1},
			check: func(t *testing.T, res result) {
				if v := res.Recs[0].Fields[0].Value; len(v) != maxNestedRaw || !strings.HasPrefix(v, `["xxx`) {
					t.Errorf("nested value is %d bytes: %.20q", len(v), v)
				}
			},
		},
		{
			name:    "record over 1 MiB",
			in:      "[{\"a\":1},\n {\"a\":[" + strings.Repeat(`"`+strings.Repeat("y", 1000)+`",`, 1100) + "1]},\n{\"a\":2}]",
			records: []int{0, 2},
			diags:   []tDiag{synDiag(2, 2, "record is larger than 1 MiB; it is skipped")},
			check: func(t *testing.T, res result) {
				if d := res.Diags[0]; !bytes.HasPrefix(d.Text, []byte(` {"a":["yyy`)) || len(d.Text) > 1+200+10 || d.TextPos != lc(2, 1) {
					t.Errorf("diag text %v %.30q (%d bytes)", d.TextPos, d.Text, len(d.Text))
				}
			},
		},
		{
			name:    "non-object element over 1 MiB",
			in:      `[[` + strings.Repeat(`1,`, 600_000) + `1],2]`,
			records: []int{1},
			diags:   []tDiag{synDiag(1, 2, "record is larger than 1 MiB")},
		},
		{
			name:    "syntax error in a record over 1 MiB",
			in:      `[{"a":1},{"a":[` + strings.Repeat(`1,`, 800_000) + `x]}]`,
			records: []int{0},
			diags:   []tDiag{synDiag(1, 10, "record is larger than 1 MiB"), synDiag(1, 16+1_600_000, "invalid character 'x'")},
		},
		{
			name:    "raw of a non-object element is clipped",
			in:      `["` + strings.Repeat("é", 100) + `"]`,
			records: []int{0},
			check: func(t *testing.T, res result) {
				if raw := res.Recs[0].Raw; raw != `"`+strings.Repeat("é", 49) {
					t.Errorf("raw = %q", raw)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, chunked := range []int{0, 1, 2} {
				var r io.Reader = strings.NewReader(tc.in)
				switch chunked {
				case 1:
					r = iotest.HalfReader(r)
				case 2:
					r = iotest.OneByteReader(r)
				}
				res := collect(ReadJSON, r)
				var idx []int
				for _, r := range res.Recs {
					idx = append(idx, r.Index)
				}
				if diff := cmp.Diff(tc.records, idx); diff != "" {
					t.Errorf("records (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tc.diags, diagsFor(res.Diags, tc.diags)); diff != "" {
					t.Errorf("diags (-want +got):\n%s", diff)
				}
				if tc.check != nil && len(res.Recs) > 0 {
					tc.check(t, res)
				}
				if res.Sum.Records != len(tc.records) {
					t.Errorf("summary counts %d records", res.Sum.Records)
				}
			}
		})
	}
}

// genReader yields head, then body repeated count times, then tail, without holding it all.
type genReader struct {
	parts [][]byte
	count int // repetitions of parts[1] left
	cur   []byte
	stage int
}

func newGenReader(head, body, tail string, count int) *genReader {
	return &genReader{parts: [][]byte{[]byte(head), []byte(body), []byte(tail)}, count: count}
}

func (g *genReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(g.cur) == 0 {
			switch {
			case g.stage == 0:
				g.cur, g.stage = g.parts[0], 1
			case g.stage == 1 && g.count > 0:
				g.cur = g.parts[1]
				g.count--
			case g.stage == 1:
				g.cur, g.stage = g.parts[2], 2
			default:
				if n == 0 {
					return 0, io.EOF
				}
				return n, nil
			}
		}
		k := copy(p[n:], g.cur)
		g.cur = g.cur[k:]
		n += k
	}
	return n, nil
}

// TestReadJSONBoundedMemory reads large inputs that never end a line and checks that the
// buffer stays small.
func TestReadJSONBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	rec := v2json("jane.doe@acme.com", "1041", "janedoe") + ","
	tests := []struct {
		name    string
		r       io.Reader
		records int
		diags   int
		maxBuf  int
	}{
		{"minified, 60 MB", newGenReader("[", rec, `{}]`, 800_000), 800_001, 0, defaultBufSize},
		{"one 50 MB string in a record", newGenReader(`[{"a":"`, strings.Repeat("z", 1000), `"},{}]`, 50_000), 1, 1, 4 * maxRecordBytes},
		{"50 MB of spaces after a comma", newGenReader(`{"integrationUsers":[{}],`, strings.Repeat(" ", 1000), `"x":1}`, 50_000), 1, 1, 4 * maxRecordBytes},
		{"50 MB record of small strings", newGenReader(`[{"a":[`, `"abc",`, `1]},{}]`, 8_000_000), 1, 1, 4 * maxRecordBytes},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			records, diags := 0, 0
			p := newParser(tc.r, Handler{
				Record: func(*Record) { records++ },
				Diag:   func(d Diag) { diags++; t.Logf("%v: %s", d.Pos, d.Message) },
			}, defaultBufSize)
			if _, err := p.readJSON(); err != nil {
				t.Fatal(err)
			}
			if records != tc.records || diags != tc.diags {
				t.Errorf("%d records, %d diags; want %d, %d", records, diags, tc.records, tc.diags)
			}
			if len(p.buf) > tc.maxBuf || cap(p.scratch) > 4*maxStringBytes {
				t.Errorf("buffer grew to %d bytes, scratch to %d", len(p.buf), cap(p.scratch))
			}
		})
	}
}

// ---- positions within the input ----

// checkPositions checks that every position lies within the input and that texts are parts of it.
func checkPositions(t *testing.T, in []byte, res result) {
	t.Helper()
	in = bytes.TrimPrefix(in, []byte("\xEF\xBB\xBF"))
	lines := bytes.Split(in, []byte("\n"))
	inside := func(what string, p Pos) {
		if p.Line < 1 || p.Line > len(lines) || p.Col < 1 || p.Col > countChars(lines[p.Line-1])+1 {
			t.Errorf("%s position %v is outside the input", what, p)
		}
	}
	for i, r := range res.Recs {
		inside("record", r.Pos)
		inside("record end", r.End)
		if !r.Pos.Before(r.End) {
			t.Errorf("record %d ends at %v before it starts at %v", i, r.End, r.Pos)
		}
		inside("record text", res.TextPos[i])
		if !bytes.Contains(in, []byte(res.Texts[i])) {
			t.Errorf("record %d text %q is not in the input", i, res.Texts[i])
		}
		for _, f := range r.Fields {
			inside("key", f.KeyPos)
			inside("value", f.Pos)
			if !f.KeyPos.Before(f.Pos) || f.Pos.Before(r.Pos) || !f.Pos.Before(r.End) {
				t.Errorf("field %q at %v/%v is out of order in record %v-%v", f.Name, f.KeyPos, f.Pos, r.Pos, r.End)
			}
		}
	}
	for _, d := range res.Diags {
		inside("diag", d.Pos)
		if d.Text != nil {
			inside("diag text", d.TextPos)
			if !bytes.Contains(in, d.Text) {
				t.Errorf("diag text %q is not in the input", d.Text)
			}
		}
	}
}

// ---- JSONTestSuite ----

func corpusDir(t *testing.T) string {
	dir := filepath.Join("..", "..", "shared", "corpora", "json-test-suite")
	if _, err := os.Stat(filepath.Join(dir, "expected.tsv")); err != nil {
		t.Skipf("JSONTestSuite corpus not found at %s (%v); it lives in the shared corpora checkout", dir, err)
	}
	return dir
}

// TestJSONTestSuite runs nst/JSONTestSuite: the plain validator must accept every y_ file and
// reject every n_ file; ReadJSON must report a syntax or schema problem for every n_ file
// except the empty ones (empty input is the engine's empty-payload finding) and never panic.
func TestJSONTestSuite(t *testing.T) {
	dir := corpusDir(t)
	manifest, err := os.ReadFile(filepath.Join(dir, "expected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var agree, total int
	var accepted, rejected []string
	for i, line := range strings.Split(strings.TrimSpace(string(manifest)), "\n") {
		cols := strings.Split(line, "\t")
		if i == 0 || len(cols) < 4 {
			continue
		}
		name, expected, goValid := cols[0], cols[1], cols[3]
		data, err := os.ReadFile(filepath.Join(dir, "test_parsing", name))
		if err != nil {
			t.Fatal(err)
		}
		d, bad := checkJSON(bytes.NewReader(data))
		verdict := "accept"
		if bad {
			verdict = "reject"
		}
		total++
		switch expected {
		case "accept":
			if bad {
				t.Errorf("%s: rejected at %v: %s", name, d.Pos, d.Message)
			} else {
				agree++
			}
		case "reject":
			if !bad {
				t.Errorf("%s: accepted", name)
			} else {
				agree++
			}
		default:
			if bad {
				rejected = append(rejected, name)
			} else {
				accepted = append(accepted, name)
			}
		}
		if expected != "either" && verdict != goValid {
			t.Logf("%s: json.Valid says %s", name, goValid)
		}

		// Through ReadJSON.
		res := collect(ReadJSON, bytes.NewReader(data))
		if expected == "reject" {
			found := false
			for _, d := range res.Diags {
				found = found || d.Code == CodeSyntax || d.Code == CodeSchema
			}
			empty := len(bytes.Trim(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), " \t\r\n")) == 0
			if !found && !empty {
				t.Errorf("%s: ReadJSON found nothing wrong", name)
			}
			if empty && len(res.Diags) > 0 {
				t.Errorf("%s: empty input gave diags %v", name, res.Diags)
			}
		}
		if res.Err != nil {
			t.Errorf("%s: %v", name, res.Err)
		}
		checkPositions(t, data, res)
	}
	t.Logf("validator agrees with the suite on %d of %d y_/n_ files (%d files in all)", agree, total-len(accepted)-len(rejected), total)
	t.Logf("i_ files accepted (%d): %s", len(accepted), strings.Join(accepted, " "))
	t.Logf("i_ files rejected (%d): %s", len(rejected), strings.Join(rejected, " "))
}

// ---- fuzzing ----

func fuzzSeeds(f *testing.F) {
	for _, tc := range jsonCases {
		f.Add([]byte(tc.in))
	}
	for _, tc := range jsonlCases {
		f.Add([]byte(tc.in))
	}
}

// fuzzCheck reads in twice, whole and through a one-byte reader into a tiny buffer, and checks
// that the results agree and that every position lies within the input.
func fuzzCheck(t *testing.T, in []byte, read func(io.Reader, Handler, int) (Summary, error)) result {
	res := collect(func(r io.Reader, h Handler) (Summary, error) { return read(r, h, defaultBufSize) }, bytes.NewReader(in))
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	again := collect(func(r io.Reader, h Handler) (Summary, error) { return read(r, h, 16) }, iotest.OneByteReader(bytes.NewReader(in)))
	if !reflect.DeepEqual(res, again) { // cmp.Diff only to explain: it is slow
		t.Fatalf("whole and chunked reads differ (-whole +chunked):\n%s", cmp.Diff(res, again))
	}
	transient := collectWith(func(r io.Reader, h Handler) (Summary, error) { return read(r, h, defaultBufSize) }, bytes.NewReader(in), true)
	if !reflect.DeepEqual(res, transient) {
		t.Fatalf("transient values differ (-kept +transient):\n%s", cmp.Diff(res, transient))
	}
	checkPositions(t, in, res)
	return res
}

func hasSyntax(ds []Diag, line int) bool {
	for _, d := range ds {
		if d.Code == CodeSyntax && (line == 0 || d.Pos.Line == line) {
			return true
		}
	}
	return false
}

func tooDeep(ds []Diag) bool {
	for _, d := range ds {
		if strings.Contains(d.Message, "nested too deeply") {
			return true
		}
	}
	return false
}

func FuzzReadJSON(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		res := fuzzCheck(t, in, readJSON)
		verbatims(t, in, readJSONFor)
		body := bytes.TrimPrefix(in, []byte("\xEF\xBB\xBF"))
		if len(bytes.Trim(body, " \t\r\n")) == 0 {
			if len(res.Diags) > 0 || len(res.Recs) > 0 {
				t.Fatalf("empty input gave %v", res)
			}
			return
		}
		valid := json.Valid(body)
		if syn := hasSyntax(res.Diags, 0); syn == valid && !(valid && tooDeep(res.Diags)) {
			t.Fatalf("json.Valid = %v, but syntax diags: %v", valid, res.Diags)
		}
		if _, bad := checkJSON(bytes.NewReader(body)); bad == valid && !(valid && bad && deepInput(body)) {
			t.Fatalf("json.Valid = %v, checkJSON rejects = %v", valid, bad)
		}
		if valid && !tooDeep(res.Diags) && utf8.Valid(body) {
			compareWithDecoder(t, body, res)
			if n, ok := countRecords(body); ok && n != len(res.Recs) {
				t.Fatalf("the payload holds %d records, the reader handed over %d", n, len(res.Recs))
			}
		}
		checkNothingVanishes(t, in, res)
	})
}

// countRecords counts, with encoding/json, the elements of a valid payload's records array:
// the top-level array, or the "integrationUsers" array of a top-level object. ok is false when
// the object has no such key, or more than one, or its value is not an array.
func countRecords(body []byte) (n int, ok bool) {
	elements := func(array []byte) (int, bool) {
		dec := json.NewDecoder(bytes.NewReader(array))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			return 0, false
		}
		n := 0
		for ; dec.More(); n++ {
			var v json.RawMessage
			if dec.Decode(&v) != nil {
				return 0, false
			}
		}
		return n, true
	}
	if b := bytes.TrimLeft(body, " \t\r\n"); len(b) > 0 && b[0] == '[' {
		return elements(b)
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return 0, false
	}
	users, ok := top["integrationUsers"]
	if !ok || bytes.Count(body, []byte(`"integrationUsers"`)) != 1 {
		return 0, false // absent, repeated, or written with escapes: not worth telling apart
	}
	return elements(users)
}

// checkNothingVanishes checks that a syntax error that ends the reading names the lines left
// unread: every line after it with anything but whitespace on it.
func checkNothingVanishes(t *testing.T, in []byte, res result) {
	var fatal *Diag
	for i := range res.Diags {
		if d := &res.Diags[i]; d.Code == CodeSyntax && !strings.Contains(d.Message, "skipped") {
			fatal = d
		}
	}
	if fatal == nil {
		return
	}
	first, last := 0, 0
	for n, line := range bytes.Split(in, []byte("\n")) {
		if n+1 > fatal.Pos.Line && len(bytes.Trim(line, " \t\r]},")) > 0 {
			if last = n + 1; first == 0 {
				first = n + 1
			}
		}
	}
	want := fmt.Sprintf("lines %d-%d", first, last)
	if first == last {
		want = fmt.Sprintf("line %d", first)
	}
	if first > 0 && !strings.Contains(fatal.Message, want+" are not checked") && !strings.Contains(fatal.Message, want+" is not checked") {
		t.Fatalf("lines %d-%d follow the syntax error that ends the reading, but its message does not say %q: %s", first, last, want, fatal.Message)
	}
	if first == 0 && strings.Contains(fatal.Message, "lines") {
		t.Fatalf("nothing follows the syntax error, but its message says: %s", fatal.Message)
	}
}

// deepInput reports whether body nests more than maxDepth levels (a rough count is enough for
// the inputs the fuzzer finds: json.Valid accepts them, checkJSON does not).
func deepInput(body []byte) bool {
	var d Diag
	_, _ = newParser(bytes.NewReader(body), Handler{Diag: func(x Diag) { d = x }}, 64).readJSON()
	return strings.Contains(d.Message, "nested too deeply")
}

// compareWithDecoder checks the records of a valid v2 payload against encoding/json's tokens.
func compareWithDecoder(t *testing.T, body []byte, res result) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('[') {
		return
	}
	elements := 0
	for i := 0; dec.More(); i++ {
		elements++
		if i >= len(res.Recs) {
			t.Fatalf("decoder has more than %d records", len(res.Recs))
		}
		rec := res.Recs[i]
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			t.Fatal(err)
		}
		if raw[0] != '{' {
			if rec.Kind == KindObject || (len(raw) <= maxElemRaw && rec.Raw != string(raw)) {
				t.Fatalf("record %d: %+v, decoder %s", i, rec, raw)
			}
			continue
		}
		fd := json.NewDecoder(bytes.NewReader(raw))
		fd.UseNumber()
		fd.Token()
		for k := 0; fd.More(); k++ {
			key, _ := fd.Token()
			var v json.RawMessage
			fd.Decode(&v)
			if k >= len(rec.Fields) {
				t.Fatalf("record %d: decoder has more fields", i)
			}
			fl := rec.Fields[k]
			if fl.Name != key.(string) {
				t.Fatalf("record %d field %d: name %q, decoder %q", i, k, fl.Name, key)
			}
			var want string
			switch v[0] {
			case '"':
				json.Unmarshal(v, &want)
			case '{', '[':
				want = fl.Value // raw text; compact forms differ
			default:
				want = string(v)
			}
			if fl.Value != want {
				t.Fatalf("record %d field %q: value %q, decoder %q", i, fl.Name, fl.Value, want)
			}
		}
	}
	if elements != len(res.Recs) {
		t.Fatalf("the decoder has %d elements, the reader %d records", elements, len(res.Recs))
	}
}

func FuzzReadJSONL(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		res := fuzzCheck(t, in, readJSONL)
		verbatims(t, in, readJSONLFor)
		body := bytes.TrimPrefix(in, []byte("\xEF\xBB\xBF"))
		for n, line := range bytes.Split(body, []byte("\n")) {
			if len(bytes.Trim(line, " \t\r")) == 0 {
				if hasSyntax(res.Diags, n+1) {
					t.Fatalf("blank line %d has a syntax diag: %v", n+1, res.Diags)
				}
				continue
			}
			valid := json.Valid(line)
			if syn := hasSyntax(res.Diags, n+1); syn == valid && !(valid && tooDeep(res.Diags)) {
				t.Fatalf("line %d %q: json.Valid = %v, but diags %v", n+1, line, valid, res.Diags)
			}
			// Nothing vanishes: a line with content is a record, or has a diag of its own.
			if !slices.ContainsFunc(res.Recs, func(r tRec) bool { return r.Pos.Line == n+1 }) &&
				!slices.ContainsFunc(res.Diags, func(d Diag) bool { return d.Pos.Line == n+1 }) {
				t.Fatalf("line %d %q is in no record and has no diag: %v", n+1, line, res.Diags)
			}
		}
	})
}

// ---- benchmarks ----

// benchV2 builds a v2 payload of n records, one per line, or all on one line.
func benchV2(n int, minified bool) []byte {
	var b bytes.Buffer
	b.WriteString("[")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		if !minified {
			b.WriteString("\n  ")
		}
		fmt.Fprintf(&b, `{"email":"jane.doe%d@acme.com","integrationId":%d,"identity":"janedoe%d"}`, i, 1000+i%5000, i)
	}
	if !minified {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	return b.Bytes()
}

func benchmarkReadJSON(b *testing.B, data []byte, n int) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	records := 0
	h := Handler{
		Record: func(r *Record) { records++ },
		Diag:   func(d Diag) { b.Fatalf("unexpected diag %v %s", d.Pos, d.Message) },
	}
	for b.Loop() {
		records = 0
		if _, err := ReadJSON(bytes.NewReader(data), h); err != nil {
			b.Fatal(err)
		}
	}
	if records != n {
		b.Fatalf("got %d records, want %d", records, n)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/record")
}

// BenchmarkReadJSON reads a 100,000-record v2 payload with one record per line (about 8 MB).
func BenchmarkReadJSON(b *testing.B) {
	const n = 100_000
	benchmarkReadJSON(b, benchV2(n, false), n)
}

// BenchmarkReadJSONMinified reads the same payload written on a single line.
func BenchmarkReadJSONMinified(b *testing.B) {
	const n = 100_000
	benchmarkReadJSON(b, benchV2(n, true), n)
}

// BenchmarkReadJSONDetect is BenchmarkReadJSON through Read and Detect, as for standard input.
func BenchmarkReadJSONDetect(b *testing.B) {
	const n = 100_000
	data := benchV2(n, false)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	h := Handler{Record: func(r *Record) {}}
	for b.Loop() {
		if _, err := Read(bufio.NewReader(bytes.NewReader(data)), "-", FormatUnknown, h); err != nil {
			b.Fatal(err)
		}
	}
}

// TestUncheckedWording checks what a syntax error that ends the reading says is left.
func TestUncheckedWording(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`[{"identity":x}]`, ""}, // only the offending character and closing brackets follow
		{`[{"identity":xy}]`, "; idlint reads no further, so the rest of line 1 is not checked: fix this and run it again"},
		{"[{\"identity\":x},\n{\"a\":1}]\n", "; idlint reads no further, so line 2 is not checked: fix this and run it again"},
		{"[{\"identity\":x, \"b\":1},\n{\"a\":1}]\n", "; idlint reads no further, so the rest of line 1 and line 2 are not checked: fix this and run it again"},
		{"[{\"identity\":x}\n,\n{\"a\":1},\n{\"b\":2}]", "; idlint reads no further, so lines 3-4 are not checked: fix this and run it again"},
		{"[{\"identity\":\"a\nb\"}]", "; idlint reads no further, so line 2 is not checked: fix this and run it again"},
		{`[{"identity":"a"}`, ""}, // the end of the input
	} {
		res := collect(func(r io.Reader, h Handler) (Summary, error) { return readJSON(r, h, defaultBufSize) }, strings.NewReader(tc.in))
		var got string
		for _, d := range res.Diags {
			if d.Code == CodeSyntax {
				_, got, _ = strings.Cut(d.Message, ";")
				if got != "" {
					got = ";" + got
				}
			}
		}
		if got != tc.want {
			t.Errorf("%q: message ends %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestStringRun: stringRun stops where a byte-by-byte loop over strSpecial stops, and tells
// plain text as ascii.Plain does, over random runs of bytes at every start, the bytes around
// the edges of plain text and of the fast path among them.
func TestStringRun(t *testing.T) {
	naive := func(b []byte, i int) (int, bool) {
		start := i
		for i < len(b) && !strSpecial[b[i]] {
			i++
		}
		return i, i == start || ascii.Plain(string(b[start:i]))
	}
	randomRuns("ab\"\\\x00\x1f\x20\x21\x7e\x7f\x80\xff{}:,", func(b []byte, i int) {
		got, gotPlain := stringRun(b, i)
		if want, wantPlain := naive(b, i); got != want || gotPlain != wantPlain {
			t.Fatalf("stringRun(%q, %d) = %d, %v; want %d, %v", b, i, got, gotPlain, want, wantPlain)
		}
	})
}
