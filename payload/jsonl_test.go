package payload

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

var jsonlCases = []jsonCase{
	{
		name: "mixed shapes",
		in: `{"email":"a","integrationId":1,"identity":"x"}` + "\n" +
			`{"email":"b","applicationType":"github","cloudId":"c"}` + "\n",
		recs: []tRec{
			v2rec(0, 1, 1, "a", "1", "x", ShapeV2),
			{Index: 1, Pos: lc(2, 1), End: lc(2, 55), Kind: KindObject, Shape: ShapeLegacy, Fields: []tField{
				fld("email", "b", KindString, 2, 2, 2, 10),
				fld("applicationType", "github", KindString, 2, 14, 2, 32),
				fld("cloudId", "c", KindString, 2, 41, 2, 51),
			}},
		},
		shape: ShapeUnknown,
	},
	{
		name: "blank lines, CRLF and spaces",
		in:   "\n{\"a\":1}\r\n   \r\n\t\n  {\"identity\":\"x\"}  \r\n\n",
		recs: []tRec{
			{Index: 0, Pos: lc(2, 1), End: lc(2, 8), Kind: KindObject, Shape: ShapeUnknown, Fields: []tField{fld("a", "1", KindNumber, 2, 2, 2, 6)}},
			{Index: 1, Pos: lc(5, 3), End: lc(5, 19), Kind: KindObject, Shape: ShapeV2, Fields: []tField{fld("identity", "x", KindString, 5, 4, 5, 15)}},
		},
		shape: ShapeV2,
	},
	{
		name: "bad lines",
		in:   "{\"a\":1,}\n[1,2\n{\"email\":\"a\",\"cloudId\":\"c\"}\n\"x\" \"y\"\n{\"a\":\n1}\ntru",
		recs: []tRec{
			{Index: 2, Pos: lc(3, 1), End: lc(3, 28), Kind: KindObject, Shape: ShapeLegacy, Fields: []tField{
				fld("email", "a", KindString, 3, 2, 3, 10),
				fld("cloudId", "c", KindString, 3, 14, 3, 24),
			}},
		},
		diags: []tDiag{
			synDiag(1, 7, "trailing comma before '}'"),
			synDiag(2, 5, "unexpected end of line: the array opened at 2:1 is not closed; a JSON Lines record must be on one line"),
			synDiag(4, 5, `invalid character '"' after the value; a JSON Lines line holds a single JSON value`),
			synDiag(5, 6, "unexpected end of line: the object opened at 5:1 is not closed"),
			synDiag(6, 2, "invalid character '}' after the value"),
			synDiag(7, 4, "unexpected end of input in literal true"),
		},
		shape: ShapeLegacy,
	},
	{
		name: "values that are not objects",
		in:   "[1,2]\n\"s\"\n3\nnull\n",
		recs: []tRec{
			{Index: 0, Pos: lc(1, 1), End: lc(1, 6), Kind: KindArray, Raw: "[1,2]"},
			{Index: 1, Pos: lc(2, 1), End: lc(2, 4), Kind: KindString, Raw: `"s"`},
			{Index: 2, Pos: lc(3, 1), End: lc(3, 2), Kind: KindNumber, Raw: "3"},
			{Index: 3, Pos: lc(4, 1), End: lc(4, 5), Kind: KindNull, Raw: "null"},
		},
	},
	{
		name:  "BOM",
		in:    "\xEF\xBB\xBF{\"identity\":\"x\"}\n",
		recs:  []tRec{{Index: 0, Pos: lc(1, 1), End: lc(1, 17), Kind: KindObject, Shape: ShapeV2, Fields: []tField{fld("identity", "x", KindString, 1, 2, 1, 13)}}},
		shape: ShapeV2,
	},
	{
		name: "string broken by the end of the line",
		in:   "{\"a\":\"x\n\"}\n",
		diags: []tDiag{
			synDiag(1, 8, "unexpected end of line: the string started at 1:6 is not closed"),
			synDiag(2, 3, "unexpected end of line: the string started at 2:1 is not closed"),
		},
	},
	{
		name: "escape broken by the end of the line",
		in:   "{\"a\":\"x\\\n{\"a\":\"\\u00\n",
		diags: []tDiag{
			synDiag(1, 9, "unexpected end of line after '\\' in string"),
			synDiag(2, 11, "unexpected end of line in \\u escape"),
		},
	},
	{
		name:  "value broken by the end of the line",
		in:    "[1,\n{\"a\":-\n",
		diags: []tDiag{synDiag(1, 4, "unexpected end of line: the array opened at 1:1 is not closed"), synDiag(2, 7, "expected a digit after '-', found end of line")},
	},
	{
		name:  "CRLF inside an object",
		in:    "{\"a\":\r\n{}\r\n",
		recs:  []tRec{{Index: 1, Pos: lc(2, 1), End: lc(2, 3), Kind: KindObject}},
		diags: []tDiag{synDiag(1, 6, "unexpected end of line: the object opened at 1:1 is not closed")},
	},
	{
		name:  "nested too deeply, then on",
		in:    nestedArrays(70) + "\n{}\n",
		recs:  []tRec{{Index: 1, Pos: lc(2, 1), End: lc(2, 3), Kind: KindObject}},
		diags: []tDiag{synDiag(1, 65, "nested too deeply")},
	},
	{name: "empty", in: ""},
	{name: "only blank lines", in: "\n\n  \r\n\t"},
	{
		name:  "escaped line break",
		in:    `{"a":"x\ny"}`,
		recs:  []tRec{{Index: 0, Pos: lc(1, 1), End: lc(1, 13), Kind: KindObject, Fields: []tField{fld("a", "x\ny", KindString, 1, 2, 1, 6)}}},
		shape: ShapeUnknown,
	},
	{
		name:  "garbage line",
		in:    "email,identity\n{}",
		recs:  []tRec{{Index: 1, Pos: lc(2, 1), End: lc(2, 3), Kind: KindObject}},
		diags: []tDiag{synDiag(1, 1, "invalid character 'e' looking for beginning of value")},
	},
	{
		name:  "comment line",
		in:    "// header\n{}",
		recs:  []tRec{{Index: 1, Pos: lc(2, 1), End: lc(2, 3), Kind: KindObject}},
		diags: []tDiag{synDiag(1, 1, "JSON has no comments")},
	},
	{
		name:  "records of one shape",
		in:    "{\"cloudId\":\"a\"}\n{\"email\":\"b\"}\n",
		recs:  []tRec{{Index: 0, Pos: lc(1, 1), End: lc(1, 16), Kind: KindObject, Shape: ShapeLegacy, Fields: []tField{fld("cloudId", "a", KindString, 1, 2, 1, 12)}}, {Index: 1, Pos: lc(2, 1), End: lc(2, 14), Kind: KindObject, Fields: []tField{fld("email", "b", KindString, 2, 2, 2, 10)}}},
		shape: ShapeLegacy,
	},
}

func TestReadJSONL(t *testing.T) {
	for _, tc := range jsonlCases {
		t.Run(tc.name, func(t *testing.T) {
			res := collect(ReadJSONL, strings.NewReader(tc.in))
			if res.Err != nil {
				t.Fatalf("error: %v", res.Err)
			}
			if diff := cmp.Diff(tc.recs, res.Recs); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.diags, diagsFor(res.Diags, tc.diags)); diff != "" {
				t.Errorf("diags (-want +got):\n%s", diff)
			}
			want := Summary{Format: FormatJSONL, Shape: tc.shape, Records: len(tc.recs)}
			if res.Sum != want {
				t.Errorf("summary = %+v, want %+v", res.Sum, want)
			}
			checkPositions(t, []byte(tc.in), res)
			for _, size := range []int{16, 33} {
				chunked := collect(func(r io.Reader, h Handler) (Summary, error) { return readJSONL(r, h, size) },
					iotest.OneByteReader(strings.NewReader(tc.in)))
				if diff := cmp.Diff(res, chunked); diff != "" {
					t.Errorf("buffer %d (-whole +chunked):\n%s", size, diff)
				}
			}
		})
	}
}

func TestReadJSONLText(t *testing.T) {
	in := "{\"a\":1}\r\n\n  [2] \n{\"a\":\n" + "{\"b\":\"" + strings.Repeat("x", 300) + "\"}"
	res := collect(ReadJSONL, strings.NewReader(in))
	wantTexts := []string{`{"a":1}`, "  [2] ", `{"b":"` + strings.Repeat("x", 300) + `"}`}
	if diff := cmp.Diff(wantTexts, res.Texts); diff != "" {
		t.Errorf("texts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Pos{lc(1, 1), lc(3, 1), lc(5, 1)}, res.TextPos); diff != "" {
		t.Errorf("text positions (-want +got):\n%s", diff)
	}
	if len(res.Diags) != 1 || string(res.Diags[0].Text) != `{"a":` || res.Diags[0].TextPos != lc(4, 1) {
		t.Errorf("diags = %+v", res.Diags)
	}
}

func TestReadJSONLLimits(t *testing.T) {
	in := "{\"a\":1}\n{\"a\":\"" + strings.Repeat("é", maxStringBytes) + "\"}\n" +
		"[" + strings.Repeat("1,", maxRecordBytes/2+1) + "1] x\n{\"b\":2}\n"
	res := collect(ReadJSONL, strings.NewReader(in))
	want := []tDiag{
		synDiag(2, 6, "string is longer than 64 KiB; the record is skipped"),
		synDiag(3, 1, "record is larger than 1 MiB; it is skipped"),
		synDiag(3, maxRecordBytes+7, "invalid character 'x' after the value"),
	}
	if diff := cmp.Diff(want, diagsFor(res.Diags, want)); diff != "" {
		t.Errorf("diags (-want +got):\n%s", diff)
	}
	var idx []int
	for _, r := range res.Recs {
		idx = append(idx, r.Index)
	}
	if diff := cmp.Diff([]int{0, 3}, idx); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
}

// TestReadJSONLBoundedMemory reads lines that go on and on after their record.
func TestReadJSONLBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	var texts []string
	diags := 0
	p := newParser(newGenReader(`{"a":1}`, strings.Repeat(" ", 1000), "\n{}\n{} x"+strings.Repeat(" ", 3<<20)+"\n{}", 3000), Handler{
		Record: func(r *Record) { texts = append(texts, string(r.Text)) },
		Diag:   func(d Diag) { diags++; t.Logf("%v: %s", d.Pos, d.Message) },
	}, defaultBufSize)
	sum, err := p.readJSONL()
	if err != nil {
		t.Fatal(err)
	}
	if sum.Records != 3 || diags != 1 || len(texts) != 3 {
		t.Fatalf("%d records, %d diags", sum.Records, diags)
	}
	if want := `{"a":1}` + strings.Repeat(" ", 200); texts[0] != want {
		t.Errorf("text = %q (%d bytes), want %d bytes", texts[0][:20], len(texts[0]), len(want))
	}
	if len(p.buf) > defaultBufSize {
		t.Errorf("buffer grew to %d bytes", len(p.buf))
	}
}
