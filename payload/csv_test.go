package payload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/internal/ascii"
)

// What the tests compare of a Record, a Field and a Diag.
type (
	csvField struct {
		Name, Value string
		Kind        Kind
		Pos         Pos
		Exempt      bool
	}
	csvRecord struct {
		Index  int
		Pos    Pos
		Fields []csvField
	}
	// csvDiag.Msg is a substring of the message in a want list.
	csvDiag struct {
		Code string
		Pos  Pos
		Msg  string
	}
)

// csvOut is everything ReadCSV reported about one input.
type csvOut struct {
	Records []csvRecord
	Diags   []csvDiag
	Summary Summary
	Err     string

	full []csvFull // records and diags in order, with Text, End and all
}

type csvFull struct {
	Rec  *Record
	Diag *Diag
	Text string
}

func runCSV(r io.Reader, lim csvLimits) csvOut { return runCSVWith(r, lim, false) }

// runCSVWith is runCSV, with Handler.TransientValues set as transient says: the handler then
// copies the values it keeps.
func runCSVWith(r io.Reader, lim csvLimits, transient bool) csvOut {
	var out csvOut
	sum, err := readCSV(r, Handler{
		TransientValues: transient,
		Record: func(cRec *Record) {
			cr := csvRecord{Index: cRec.Index, Pos: cRec.Pos}
			kept := *cRec
			kept.Fields = slices.Clone(cRec.Fields)
			kept.Extra = slices.Clone(cRec.Extra)
			for _, fields := range [][]Field{kept.Fields, kept.Extra} {
				for i := range fields {
					fields[i].Value = strings.Clone(fields[i].Value)
				}
			}
			for _, f := range kept.Fields {
				cr.Fields = append(cr.Fields, csvField{f.Name, f.Value, f.Kind, f.Pos, f.SchemaExempt})
			}
			out.Records = append(out.Records, cr)
			kept.Text = nil
			out.full = append(out.full, csvFull{Rec: &kept, Text: string(cRec.Text)})
		},
		Diag: func(d Diag) {
			out.Diags = append(out.Diags, csvDiag{d.Code, d.Pos, d.Message})
			text := string(d.Text)
			d.Text = nil
			out.full = append(out.full, csvFull{Diag: &d, Text: text})
		},
	}, lim)
	out.Summary = sum
	if err != nil {
		out.Err = err.Error()
	}
	return out
}

func cp(line, col int) Pos { return Pos{line, col} }

func cStr(name, value string, line, col int) csvField {
	return csvField{Name: name, Value: value, Kind: KindString, Pos: cp(line, col)}
}

func cNum(name, value string, line, col int) csvField {
	return csvField{Name: name, Value: value, Kind: KindNumber, Pos: cp(line, col)}
}

// cV2 and cLegacy build the fields of a one-line row whose cells are a, b and c, with ASCII cells.
func cV2(line int, email, id, identity string) []csvField {
	idf := cNum(FieldIntegrationID, id, line, len(email)+2)
	if !csvPositiveInt(id) {
		idf.Kind, idf.Exempt = KindString, true
	}
	return []csvField{
		cStr(FieldEmail, email, line, 1),
		idf,
		cStr(FieldIdentity, identity, line, len(email)+len(id)+3),
	}
}

func cLegacy(line int, email, app, cloud string) []csvField {
	return []csvField{
		cStr(FieldEmail, email, line, 1),
		cStr(FieldApplicationType, app, line, len(email)+2),
		cStr(FieldCloudID, cloud, line, len(email)+len(app)+3),
	}
}

func cRec(index, line int, fields []csvField) csvRecord {
	return csvRecord{Index: index, Pos: cp(line, 1), Fields: fields}
}

const (
	csvHeaderV2     = "email,integrationId,identity\n"
	csvHeaderLegacy = "email,applicationType,cloudId\n"
)

type csvCase struct {
	name    string
	in      string
	records []csvRecord
	diags   []csvDiag
	shape   Shape
}

var csvCases = []csvCase{
	{
		name:  "v2",
		in:    csvHeaderV2 + "a@x.io,12,alice\nb@x.io,7,bob\n",
		shape: ShapeV2,
		records: []csvRecord{
			cRec(0, 2, cV2(2, "a@x.io", "12", "alice")),
			cRec(1, 3, cV2(3, "b@x.io", "7", "bob")),
		},
	},
	{
		name:  "legacy",
		in:    csvHeaderLegacy + "a@x.io,github,12345\nb@x.io,jira,acc-1",
		shape: ShapeLegacy,
		records: []csvRecord{
			cRec(0, 2, cLegacy(2, "a@x.io", "github", "12345")),
			cRec(1, 3, cLegacy(3, "b@x.io", "jira", "acc-1")),
		},
	},
	{
		name:    "header with spaces and capitals",
		in:      "Email,Integration ID,Identity\na@x.io,1,al\n",
		shape:   ShapeV2,
		records: []csvRecord{cRec(0, 2, cV2(2, "a@x.io", "1", "al"))},
	},
	{
		name:    "header with underscores and dashes",
		in:      "E-Mail,INTEGRATION_ID,identity\na@x.io,1,al\n",
		shape:   ShapeV2,
		records: []csvRecord{cRec(0, 2, cV2(2, "a@x.io", "1", "al"))},
	},
	{
		name:    "legacy header variants",
		in:      "email,Application Type,cloud_id\na@x.io,github,9\n",
		shape:   ShapeLegacy,
		records: []csvRecord{cRec(0, 2, cLegacy(2, "a@x.io", "github", "9"))},
	},
	{
		name:  "BOM and CRLF",
		in:    "\xEF\xBB\xBFemail,Cloud ID,applicationType\r\na@x.io,9,github\r\nb@x.io,8,jira\r\n",
		shape: ShapeLegacy,
		records: []csvRecord{
			cRec(0, 2, []csvField{cStr(FieldEmail, "a@x.io", 2, 1), cStr(FieldCloudID, "9", 2, 8), cStr(FieldApplicationType, "github", 2, 10)}),
			cRec(1, 3, []csvField{cStr(FieldEmail, "b@x.io", 3, 1), cStr(FieldCloudID, "8", 3, 8), cStr(FieldApplicationType, "jira", 3, 10)}),
		},
	},
	{
		name:  "BOM columns count from 1",
		in:    "\xEF\xBB\xBFemial,integrationId,identity\n",
		shape: ShapeV2,
		diags: []csvDiag{
			{CodeCSVHeader, cp(1, 1), `header lacks column "email" of the v2 shape`},
			{CodeUnknownColumn, cp(1, 1), `unknown column "emial" is ignored by the API; did you mean "email"?`},
		},
	},
	{
		name:  "quoted comma and doubled quotes",
		in:    csvHeaderLegacy + `"a@x.io","git,hub","say ""hi"""` + "\n" + `"",x,""""` + "\n",
		shape: ShapeLegacy,
		records: []csvRecord{
			cRec(0, 2, []csvField{cStr(FieldEmail, "a@x.io", 2, 1), cStr(FieldApplicationType, "git,hub", 2, 10), cStr(FieldCloudID, `say "hi"`, 2, 20)}),
			cRec(1, 3, []csvField{cStr(FieldEmail, "", 3, 1), cStr(FieldApplicationType, "x", 3, 4), cStr(FieldCloudID, `"`, 3, 6)}),
		},
	},
	{
		name:  "multi-line row",
		in:    csvHeaderLegacy + "\"a@x.io\",\"line one\nline two\r\nend\",cloud\nb@x.io,\"x\n\",y\n",
		shape: ShapeLegacy,
		records: []csvRecord{
			cRec(0, 2, []csvField{cStr(FieldEmail, "a@x.io", 2, 1), cStr(FieldApplicationType, "line one\nline two\r\nend", 2, 10), cStr(FieldCloudID, "cloud", 4, 6)}),
			cRec(1, 5, []csvField{cStr(FieldEmail, "b@x.io", 5, 1), cStr(FieldApplicationType, "x\n", 5, 8), cStr(FieldCloudID, "y", 6, 3)}),
		},
	},
	{
		name:  "non-ASCII cells count characters",
		in:    "email,identité,integrationId,identity\nzoë@例え.jp,ü,3,\"ñ,ñ\"\n",
		shape: ShapeV2,
		diags: []csvDiag{{CodeUnknownColumn, cp(1, 7), `unknown column "identité" is ignored by the API`}},
		records: []csvRecord{cRec(0, 2, []csvField{
			cStr(FieldEmail, "zoë@例え.jp", 2, 1), cNum(FieldIntegrationID, "3", 2, 13), cStr(FieldIdentity, "ñ,ñ", 2, 15),
		})},
	},
	{
		name:  "integrationId typing",
		in:    csvHeaderV2 + "a,1,x\na,0,x\na,007,x\na,+5,x\na,-1,x\na,1.5,x\na,9223372036854775807,x\na,9223372036854775808,x\na,,x\na, 5,x\na,1e3,x\n",
		shape: ShapeV2,
		records: []csvRecord{
			cRec(0, 2, cV2(2, "a", "1", "x")),
			cRec(1, 3, cV2(3, "a", "0", "x")),
			cRec(2, 4, cV2(4, "a", "007", "x")),
			cRec(3, 5, cV2(5, "a", "+5", "x")),
			cRec(4, 6, cV2(6, "a", "-1", "x")),
			cRec(5, 7, cV2(7, "a", "1.5", "x")),
			cRec(6, 8, cV2(8, "a", "9223372036854775807", "x")),
			cRec(7, 9, cV2(9, "a", "9223372036854775808", "x")),
			cRec(8, 10, cV2(10, "a", "", "x")),
			cRec(9, 11, cV2(11, "a", " 5", "x")),
			cRec(10, 12, cV2(12, "a", "1e3", "x")),
		},
	},
	{
		name:  "quoted integrationId is still a number",
		in:    csvHeaderV2 + `a,"42",x` + "\n",
		shape: ShapeV2,
		records: []csvRecord{cRec(0, 2, []csvField{
			cStr(FieldEmail, "a", 2, 1), cNum(FieldIntegrationID, "42", 2, 3), cStr(FieldIdentity, "x", 2, 8),
		})},
	},
	{
		name:  "blank rows",
		in:    "\n" + csvHeaderV2 + "a,1,x\n\nb,2,y\n\r\nc,3,z\n\n\n",
		shape: ShapeV2,
		records: []csvRecord{
			cRec(0, 3, cV2(3, "a", "1", "x")),
			cRec(1, 5, cV2(5, "b", "2", "y")),
			cRec(2, 7, cV2(7, "c", "3", "z")),
		},
		diags: []csvDiag{
			{CodeBlankRow, cp(1, 1), "blank line; delete it, as some CSV readers stop or drop rows there"},
			{CodeBlankRow, cp(4, 1), "blank line"},
			{CodeBlankRow, cp(6, 1), "blank line"},
			{CodeBlankRow, cp(8, 1), "blank line"},
			{CodeBlankRow, cp(9, 1), "blank line"},
		},
	},
	{
		name:    "one final csvNewline is not a blank row",
		in:      csvHeaderV2 + "a,1,x\n",
		shape:   ShapeV2,
		records: []csvRecord{cRec(0, 2, cV2(2, "a", "1", "x"))},
	},
	{
		name:    "a final lone CR is a blank line",
		in:      csvHeaderV2 + "a,1,x\n\r",
		shape:   ShapeV2,
		records: []csvRecord{cRec(0, 2, cV2(2, "a", "1", "x"))},
		diags:   []csvDiag{{CodeBlankRow, cp(3, 1), "blank line"}},
	},
	{
		name:  "a lone CR is data",
		in:    csvHeaderV2 + "a\rb,1,x\r\n",
		shape: ShapeV2,
		records: []csvRecord{cRec(0, 2, []csvField{
			cStr(FieldEmail, "a\rb", 2, 1), cNum(FieldIntegrationID, "1", 2, 5), cStr(FieldIdentity, "x", 2, 7),
		})},
	},
	{
		name:  "row of empty fields",
		in:    csvHeaderV2 + "a,1,x\n,,\n\"\",\"\",\n\"\"\nb,2,y\n",
		shape: ShapeV2,
		diags: []csvDiag{
			{CodeBlankRow, cp(3, 1), "row has only empty fields; delete it, as some CSV readers stop or drop rows there"},
			{CodeBlankRow, cp(4, 1), "row has only empty fields"},
			{CodeBlankRow, cp(5, 1), "row has only empty fields"},
		},
		records: []csvRecord{
			cRec(0, 2, cV2(2, "a", "1", "x")),
			cRec(1, 6, cV2(6, "b", "2", "y")),
		},
	},
	{
		name:  "a line of spaces is a row",
		in:    csvHeaderV2 + "   \na,1,x\n",
		shape: ShapeV2,
		diags: []csvDiag{{CodeSyntax, cp(2, 1), "row has 1 field; the header has 3 — the line holds only white space; delete it"}},
		records: []csvRecord{
			cRec(0, 3, cV2(3, "a", "1", "x")),
		},
	},
	{
		name:  "wrong field count",
		in:    csvHeaderV2 + "a,1,x,extra\nb,2\nc,3,z,\nd,4,w\n",
		shape: ShapeV2,
		diags: []csvDiag{
			{CodeSyntax, cp(2, 7), "row has 4 fields; the header has 3 — quote cells that contain a comma"},
			{CodeSyntax, cp(3, 1), "row has 2 fields; the header has 3 — add the missing fields"},
			{CodeSyntax, cp(4, 7), "row has 4 fields; the header has 3 — delete the trailing comma"},
		},
		records: []csvRecord{cRec(0, 5, cV2(5, "d", "4", "w"))},
	},
	{
		name:  "unterminated quote",
		in:    csvHeaderV2 + "a,1,x\nb,2,\"oops\nc,3,z\nd,4,w\n",
		shape: ShapeV2,
		diags: []csvDiag{{CodeSyntax, cp(3, 5), "quoted field starts here but never ends; add the closing quote"}},
		records: []csvRecord{
			cRec(0, 2, cV2(2, "a", "1", "x")),
			cRec(1, 4, cV2(4, "c", "3", "z")),
			cRec(2, 5, cV2(5, "d", "4", "w")),
		},
	},
	{
		name:  "unterminated quote on a later line of a row",
		in:    csvHeaderV2 + "\"a\nb\",1,\"x\nc,3,z\n",
		shape: ShapeV2,
		diags: []csvDiag{{CodeSyntax, cp(3, 6), "quoted field starts here but never ends"}},
		records: []csvRecord{
			cRec(0, 4, cV2(4, "c", "3", "z")),
		},
	},
	{
		name:  "bare quote",
		in:    csvHeaderV2 + "a\"b,1,x\nc,2,y\n",
		shape: ShapeV2,
		diags: []csvDiag{{CodeSyntax, cp(2, 2), "bare quote in an unquoted field"}},
		records: []csvRecord{
			cRec(0, 3, cV2(3, "c", "2", "y")),
		},
	},
	{
		name:  "text after a closing quote",
		in:    csvHeaderV2 + "\"a\"b,1,x\nc,2,\"y\" \n\"d\",3,z\n",
		shape: ShapeV2,
		diags: []csvDiag{
			{CodeSyntax, cp(2, 4), `unexpected "b" after the closing quote`},
			{CodeSyntax, cp(3, 8), `unexpected " " after the closing quote`},
		},
		records: []csvRecord{
			cRec(0, 4, []csvField{cStr(FieldEmail, "d", 4, 1), cNum(FieldIntegrationID, "3", 4, 5), cStr(FieldIdentity, "z", 4, 7)}),
		},
	},
	{
		name:  "white space before an opening quote",
		in:    csvHeaderV2 + "a,1, \"x\"\n",
		shape: ShapeV2,
		diags: []csvDiag{{CodeSyntax, cp(2, 6), "delete the white space before the opening quote"}},
	},
	{
		name:  "unknown columns",
		in:    "emial,integration,identity,notes\na,1,x,n\n",
		shape: ShapeV2,
		diags: []csvDiag{
			{CodeCSVHeader, cp(1, 1), `header lacks columns "email", "integrationId" of the v2 shape`},
			{CodeUnknownColumn, cp(1, 1), `unknown column "emial" is ignored by the API; did you mean "email"?`},
			{CodeUnknownColumn, cp(1, 7), `unknown column "integration" is ignored by the API; did you mean "integrationId"?`},
			{CodeUnknownColumn, cp(1, 28), `unknown column "notes" is ignored by the API; delete it or rename it`},
			{CodeCSVHeader, cp(1, 1), "1 data row was not checked because the header is unusable"},
		},
	},
	{
		name:  "unknown column is not a field",
		in:    "email,Notes,integrationId,identity,\na,n,1,x,\n",
		shape: ShapeV2,
		diags: []csvDiag{
			{CodeUnknownColumn, cp(1, 7), `unknown column "Notes"`},
			{CodeUnknownColumn, cp(1, 36), "blank column name after a trailing comma; delete the trailing comma"},
		},
		records: []csvRecord{cRec(0, 2, []csvField{
			cStr(FieldEmail, "a", 2, 1), cNum(FieldIntegrationID, "1", 2, 5), cStr(FieldIdentity, "x", 2, 7),
		})},
	},
	{
		name:  "typo of a column that is there",
		in:    "email,applicationType,cloudId,emial\na,b,c,d\n",
		shape: ShapeLegacy,
		diags: []csvDiag{{CodeUnknownColumn, cp(1, 31), `it looks like a second "email" column`}},
		records: []csvRecord{
			cRec(0, 2, cLegacy(2, "a", "b", "c")),
		},
	},
	{
		name:  "blank column name",
		in:    "email,,cloudId,applicationType\na,,c,d\n",
		shape: ShapeLegacy,
		diags: []csvDiag{{CodeUnknownColumn, cp(1, 7), "blank column name; the API ignores this column"}},
		records: []csvRecord{cRec(0, 2, []csvField{
			cStr(FieldEmail, "a", 2, 1), cStr(FieldCloudID, "c", 2, 4), cStr(FieldApplicationType, "d", 2, 6),
		})},
	},
	{
		name:  "repeated column",
		in:    "email,integrationId,identity,Email\na,1,x,b\n",
		shape: ShapeV2,
		diags: []csvDiag{{CodeCSVHeader, cp(1, 30), `column "Email" repeats column "email" at 1:1; only the first is read`}},
		records: []csvRecord{
			cRec(0, 2, cV2(2, "a", "1", "x")),
		},
	},
	{
		name: "mixed header",
		in:   "email,integrationId,cloudId,identity\na,1,c,x\nb,2,d,y\n",
		diags: []csvDiag{
			{CodeCSVHeader, cp(1, 21), `header mixes v2 columns ("integrationId", "identity") with legacy columns ("cloudId")`},
			{CodeCSVHeader, cp(1, 1), "2 data rows were not checked because the header is unusable"},
		},
	},
	{
		name:  "missing column",
		in:    "email,applicationType\na,b\n\nc,d,e\n",
		shape: ShapeLegacy,
		diags: []csvDiag{
			{CodeCSVHeader, cp(1, 1), `header lacks column "cloudId" of the legacy shape (email,applicationType,cloudId), inferred from "applicationType"; add it`},
			{CodeBlankRow, cp(3, 1), "blank line"},
			{CodeSyntax, cp(4, 5), "row has 3 fields; the header has 2"},
			{CodeCSVHeader, cp(1, 1), "2 data rows were not checked because the header is unusable"},
		},
	},
	{
		name: "email alone",
		in:   "email\na\n",
		diags: []csvDiag{
			{CodeCSVHeader, cp(1, 1), `header has "email" but neither integrationId,identity (v2) nor applicationType,cloudId (legacy)`},
			{CodeCSVHeader, cp(1, 1), "1 data row was not checked"},
		},
	},
	{
		name: "no header",
		in:   "a@x.io,1,alice\nb@x.io,2,bob\n",
		diags: []csvDiag{
			{CodeCSVHeader, cp(1, 1), "header has no known column; the first row must be email,integrationId,identity (v2) or email,applicationType,cloudId (legacy); the first row looks like data — add a header row above it"},
			{CodeCSVHeader, cp(1, 1), "1 data row was not checked"},
		},
	},
	{
		name: "broken header",
		in:   "email,\"integrationId,identity\na,1,x\n",
		diags: []csvDiag{
			{CodeSyntax, cp(1, 7), "quoted field starts here but never ends"},
			{CodeCSVHeader, cp(1, 1), "1 data row was not checked because the header is unusable"},
		},
	},
	{
		name: "semicolons",
		in:   "email;integrationId;identity\na;1;x\n",
		diags: []csvDiag{
			{CodeCSVHeader, cp(1, 1), `header has no known column; the first row must be email,integrationId,identity (v2) or email,applicationType,cloudId (legacy); the header seems to separate its columns with ";" — separate them with commas`},
			{CodeCSVHeader, cp(1, 1), "1 data row was not checked"},
		},
	},
	{
		name:  "CR line endings",
		in:    "email,integrationId,identity\ra,1,x\r",
		shape: ShapeV2,
		diags: []csvDiag{
			{CodeCSVHeader, cp(1, 1), `header lacks column "identity" of the v2 shape`},
			{CodeUnknownColumn, cp(1, 21), `unknown column "identity\ra" holds a carriage return; the file seems to end its lines with CR alone — save it with LF or CRLF line endings`},
			{CodeUnknownColumn, cp(1, 32), `unknown column "1"`},
			{CodeUnknownColumn, cp(1, 34), `unknown column "x"`},
		},
	},
	{
		name:  "long unknown column is clipped",
		in:    "email,integrationId,identity," + strings.Repeat("é", 100) + "\n",
		shape: ShapeV2,
		diags: []csvDiag{{CodeUnknownColumn, cp(1, 30), `unknown column "` + strings.Repeat("é", 30) + `…" is ignored`}},
	},
	{name: "empty file", in: ""},
	{name: "BOM only", in: "\xEF\xBB\xBF"},
	{
		name:  "blank lines only",
		in:    "\n\r\n",
		diags: []csvDiag{{CodeBlankRow, cp(1, 1), "blank line"}, {CodeBlankRow, cp(2, 1), "blank line"}},
	},
	{name: "header only", in: csvHeaderLegacy, shape: ShapeLegacy},
	{name: "header only without a csvNewline", in: "email,integrationId,identity", shape: ShapeV2},
	{
		name:  "cell over the limit",
		in:    csvHeaderV2 + "a,1," + strings.Repeat("x", maxCSVCell+1) + "\nb,2,y\n",
		shape: ShapeV2,
		diags: []csvDiag{{CodeSyntax, cp(2, 5), "field is longer than 64 KiB; the row was skipped — shorten the field"}},
		records: []csvRecord{
			cRec(0, 3, cV2(3, "b", "2", "y")),
		},
	},
	{
		name:  "runaway quoted cell",
		in:    csvHeaderV2 + "a,1,\"x\n" + strings.Repeat("b,2,"+strings.Repeat("y", 250)+"\n", maxCSVCell/255+1),
		shape: ShapeV2,
		diags: []csvDiag{{CodeSyntax, cp(2, 5), "quoted field starts here and runs past 64 KiB without a closing quote"}},
		records: func() []csvRecord {
			var recs []csvRecord
			for i := range maxCSVCell/255 + 1 {
				recs = append(recs, cRec(i, i+3, cV2(i+3, "b", "2", strings.Repeat("y", 250))))
			}
			return recs
		}(),
	},
	{
		name:  "row over the limit",
		in:    csvHeaderV2 + "a,1," + strings.Repeat(strings.Repeat("x", 1023)+",", maxCSVRow/1024+1) + "\nb,2,y\n",
		shape: ShapeV2,
		diags: []csvDiag{{CodeSyntax, cp(2, 1), "row is longer than 1 MiB; it was skipped — shorten it"}},
		records: []csvRecord{
			cRec(0, 3, cV2(3, "b", "2", "y")),
		},
	},
	{
		name:  "too many fields",
		in:    csvHeaderV2 + "a,1,x" + strings.Repeat(",", maxCSVFields) + "\nb,2,y\n",
		shape: ShapeV2,
		diags: []csvDiag{{CodeSyntax, cp(2, 4100), "row has more than 4096 fields; it was skipped"}},
		records: []csvRecord{
			cRec(0, 3, cV2(3, "b", "2", "y")),
		},
	},
}

// compareCSV checks out against what c wants.
func compareCSV(t *testing.T, c csvCase, out csvOut) {
	t.Helper()
	if out.Err != "" {
		t.Errorf("error %s", out.Err)
	}
	if diff := cmp.Diff(c.records, out.Records); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	got := append([]csvDiag(nil), out.Diags...)
	for i := range min(len(got), len(c.diags)) {
		if strings.Contains(got[i].Msg, c.diags[i].Msg) {
			got[i].Msg = c.diags[i].Msg
		}
	}
	if diff := cmp.Diff(c.diags, got); diff != "" {
		t.Errorf("diags (-want +got):\n%s", diff)
	}
	want := Summary{Format: FormatCSV, Shape: c.shape, Records: len(c.records)}
	if out.Summary != want {
		t.Errorf("summary %+v, want %+v", out.Summary, want)
	}
}

func TestReadCSV(t *testing.T) {
	for _, c := range csvCases {
		t.Run(c.name, func(t *testing.T) {
			for _, transient := range []bool{false, true} {
				out := runCSVWith(strings.NewReader(c.in), defaultCSVLimits, transient)
				compareCSV(t, c, out)
				checkCSVInvariants(t, []byte(c.in), defaultCSVLimits, out)
			}
		})
	}
}

// Reading in small pieces into a small buffer must give the same result.
func TestReadCSVChunked(t *testing.T) {
	lim := defaultCSVLimits
	lim.buf = 16
	for _, c := range csvCases {
		t.Run(c.name, func(t *testing.T) {
			whole := runCSV(strings.NewReader(c.in), defaultCSVLimits)
			for _, r := range []io.Reader{
				iotest.OneByteReader(strings.NewReader(c.in)),
				iotest.HalfReader(strings.NewReader(c.in)),
				iotest.DataErrReader(strings.NewReader(c.in)),
			} {
				if diff := cmp.Diff(whole.full, runCSV(r, lim).full, cmp.AllowUnexported(Record{})); diff != "" {
					t.Fatalf("chunked reading differs (-whole +chunked):\n%s", diff)
				}
			}
		})
	}
}

func TestReadCSVText(t *testing.T) {
	in := "\xEF\xBB\xBF" + csvHeaderLegacy + "a,b,c\r\n\"x\r\ny\",\"é\",z\r\nbad,row\r\n"
	out := runCSV(strings.NewReader(in), defaultCSVLimits)
	type view struct {
		Text     string
		TextPos  Pos
		Pos, End Pos
	}
	var got []view
	for _, f := range out.full {
		if f.Rec != nil {
			got = append(got, view{f.Text, f.Rec.TextPos, f.Rec.Pos, f.Rec.End})
		} else {
			got = append(got, view{Text: f.Text, TextPos: f.Diag.TextPos, Pos: f.Diag.Pos})
		}
	}
	want := []view{
		{"a,b,c", cp(2, 1), cp(2, 1), cp(2, 6)},
		{"\"x\r\ny\",\"é\",z", cp(3, 1), cp(3, 1), cp(4, 9)},
		{Text: "bad,row", TextPos: cp(5, 1), Pos: cp(5, 1)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	line, col, ok := Line([]byte(got[1].Text), got[1].TextPos, 4)
	if string(line) != `y","é",z` || col != 1 || !ok {
		t.Errorf("Line(4) = %q, %d, %v", line, col, ok)
	}
}

// A failing reader is the only error; what came before it is reported.
func TestReadCSVReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader(csvHeaderV2+"a,1,x\n"), iotest.ErrReader(boom))
	var n int
	sum, err := ReadCSV(r, Handler{Record: func(*Record) { n++ }})
	if !errors.Is(err, boom) || n != 1 || sum.Records != 1 {
		t.Errorf("got %v, %d records, %+v", err, n, sum)
	}
	if _, err := ReadCSV(strings.NewReader(csvHeaderV2+"a,1,x\n"), Handler{}); err != nil {
		t.Errorf("nil handler funcs: %v", err)
	}
}

// The strings of a Record may be kept after the callback.
func TestReadCSVKeepStrings(t *testing.T) {
	var b strings.Builder
	b.WriteString(csvHeaderV2)
	const n = 1000
	for i := range n {
		fmt.Fprintf(&b, "u%d@x.io,%d,id%d\n", i, i+1, i)
	}
	var kept [][]string
	if _, err := ReadCSV(strings.NewReader(b.String()), Handler{Record: func(r *Record) {
		var vals []string
		for _, f := range r.Fields {
			vals = append(vals, f.Value)
		}
		kept = append(kept, vals)
	}}); err != nil {
		t.Fatal(err)
	}
	if len(kept) != n {
		t.Fatalf("%d records", len(kept))
	}
	for i, vals := range kept {
		if want := []string{fmt.Sprintf("u%d@x.io", i), fmt.Sprint(i + 1), fmt.Sprintf("id%d", i)}; !slices.Equal(vals, want) {
			t.Fatalf("record %d changed: %q, want %q", i, vals, want)
		}
	}
}

func TestCanonicalColumn(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"email", FieldEmail, true},
		{"E-Mail", FieldEmail, true},
		{" EMAIL ", FieldEmail, true},
		{"Integration ID", FieldIntegrationID, true},
		{"integration_id", FieldIntegrationID, true},
		{"INTEGRATIONID", FieldIntegrationID, true},
		{"integrationId", FieldIntegrationID, true},
		{"Identity", FieldIdentity, true},
		{"Application Type", FieldApplicationType, true},
		{"application-type", FieldApplicationType, true},
		{"Cloud ID", FieldCloudID, true},
		{"cloud_id", FieldCloudID, true},
		{"cloudId", FieldCloudID, true},
		{"", "", false},
		{"emails", "", false},
		{"e\tmail", "", false},
		{"\u212Aemail", "", false}, // KELVIN SIGN lower-cases to k in Unicode; not a column
		{"emaİl", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := CanonicalColumn(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("CanonicalColumn(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestSuggestColumn(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"emial", FieldEmail},
		{"emal", FieldEmail},
		{"Email Address", FieldEmail},
		{"mail", FieldEmail},
		{"integration", FieldIntegrationID},
		{"Integration-Idd", FieldIntegrationID},
		{"identiy", FieldIdentity},
		{"idnetity", FieldIdentity},
		{"app type", ""},
		{"application", FieldApplicationType},
		{"cloud", FieldCloudID},
		{"cloudids", FieldCloudID},
		{"notes", ""},
		{"id", ""},
		{"é", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := suggestColumn(tt.in, csvAllColumns)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("suggestColumn(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
			}
		})
	}
}

// csvScanAll returns the cells of every row that rowScanner reads from in, and the number of rows
// that had a problem or were blank.
func csvScanAll(in []byte, lim csvLimits) (rows [][]string, bad int) {
	var s rowScanner
	s.init(bytes.NewReader(in), lim)
	for {
		switch s.scan() {
		case rowEOF:
			return rows, bad
		case rowBlank:
			bad++
		case rowData:
			if len(s.probs) > 0 {
				bad++
				continue
			}
			row := make([]string, len(s.cells))
			for i, c := range s.cells {
				row[i] = string(s.dec[c.start:c.end])
			}
			rows = append(rows, row)
		}
	}
}

// The rows of csv-spectrum (https://github.com/maxogden/csv-spectrum), a shared corpus.
func TestRowScannerCSVSpectrum(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpora", "csv-spectrum")
	manifest, err := os.ReadFile(filepath.Join(dir, "expected.tsv"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("csv-spectrum corpus not found at %s (it lives in the shared corpora beside the repository)", dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(manifest), "\n"), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "csv\texpected_json\texpected_rows\tdata_records\t") {
		t.Fatalf("unexpected manifest header %q", lines[0])
	}
	agree := 0
	for _, line := range lines[1:] {
		cols := strings.Split(line, "\t")
		if len(cols) < 5 {
			t.Fatalf("bad manifest line %q", line)
		}
		t.Run(filepath.Base(cols[0]), func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join(dir, cols[0]))
			if err != nil {
				t.Fatal(err)
			}
			js, err := os.ReadFile(filepath.Join(dir, cols[2]))
			if err != nil {
				t.Fatal(err)
			}
			var want [][]string
			if err := json.Unmarshal(js, &want); err != nil {
				t.Fatal(err)
			}
			got, bad := csvScanAll(in, defaultCSVLimits)
			if diff := cmp.Diff(want, got); diff != "" || bad != 0 {
				t.Errorf("rows (-want +got), %d bad rows:\n%s", bad, diff)
				return
			}
			if fmt.Sprint(len(got)-1) != cols[3] {
				t.Errorf("%d data records, manifest says %s", len(got)-1, cols[3])
			}
			// The files are valid CSV: ReadCSV finds nothing wrong but their unknown header.
			out := runCSV(bytes.NewReader(in), defaultCSVLimits)
			for _, d := range out.Diags {
				if d.Code != CodeUnknownColumn && d.Code != CodeCSVHeader {
					t.Errorf("diag %+v", d)
				}
			}
			agree++
		})
	}
	t.Logf("csv-spectrum: the row scanner agrees with %d of %d cases", agree, len(lines)-1)
}

func TestRowScannerLimits(t *testing.T) {
	lim := csvLimits{cell: 6, row: 14, fields: 3, buf: 16}
	in := "abcd,ef\nabcdefg,f\n\"a\nb\"\n\"ab\nc\nd,x\n123,4567,890123\nok\n1,2,3,4\n"
	got, bad := csvScanAll([]byte(in), lim)
	// "abcdefg" is too long; the quoted cell of line 5 runs past the limit, so the scan resumes
	// at line 6; line 8 is a row over 14 bytes; line 10 has more than 3 fields.
	want := [][]string{{"abcd", "ef"}, {"a\nb"}, {"c"}, {"d", "x"}, {"ok"}}
	if diff := cmp.Diff(want, got); diff != "" || bad != 4 {
		t.Errorf("rows (-want +got), %d bad rows:\n%s", bad, diff)
	}
}

// checkCSVInvariants checks what must hold for any input: positions lie in the input, Texts are
// the input's lines, and every line is in a record, named by a Diag, or the header.
func checkCSVInvariants(t *testing.T, in []byte, lim csvLimits, out csvOut) {
	t.Helper()
	body := bytes.TrimPrefix(in, []byte("\xEF\xBB\xBF"))
	lines := strings.Split(string(body), "\n")
	if len(lines) > 1 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1] // the final line break ends the last line
	}
	inInput := func(what string, p Pos) {
		t.Helper()
		if p.Line < 1 || p.Line > len(lines) || p.Col < 1 || p.Col > csvChars([]byte(lines[p.Line-1]))+1 {
			t.Errorf("%s at %v is outside the input (%d lines)", what, p, len(lines))
		}
	}
	covered := make([]bool, len(lines)+2)
	cover := func(text string, at Pos) {
		t.Helper()
		n := strings.Count(text, "\n")
		if at.Line < 1 || at.Line+n > len(lines) {
			t.Errorf("text %q at %v is outside the input", text, at)
			return
		}
		if src := strings.Join(lines[at.Line-1:at.Line+n], "\n"); !strings.HasPrefix(src, text) {
			t.Errorf("text %q at %v is not the input's %q", text, at, src)
		}
		for l := at.Line; l <= at.Line+n; l++ {
			covered[l] = true
		}
	}
	all := false
	for _, f := range out.full {
		if f.Rec != nil {
			inInput("record", f.Rec.Pos)
			for _, fd := range f.Rec.Fields {
				inInput("field "+fd.Name, fd.Pos)
			}
			cover(f.Text, f.Rec.TextPos)
			continue
		}
		d := f.Diag
		inInput("diag "+d.Message, d.Pos)
		if d.Pos.Line < d.TextPos.Line || d.Pos.Line > d.TextPos.Line+strings.Count(f.Text, "\n") {
			t.Errorf("diag %q at %v is not in its text at %v", d.Message, d.Pos, d.TextPos)
		}
		cover(f.Text, d.TextPos)
		if strings.Contains(d.Message, "because the header is unusable") {
			all = true
		}
	}
	if all {
		return
	}
	// The header is the first row that is not blank.
	var s rowScanner
	s.init(bytes.NewReader(in), lim)
	for k := s.scan(); k != rowEOF; k = s.scan() {
		if k == rowData {
			n := strings.Count(string(s.text()), "\n")
			for l := s.rowLine; l <= s.rowLine+n && l < len(covered); l++ {
				covered[l] = true
			}
			break
		}
	}
	for l := 1; l <= len(lines); l++ {
		if !covered[l] && !(len(lines) == 1 && lines[0] == "") {
			t.Errorf("line %d %q is in no record and no diag", l, lines[l-1])
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, c := range csvCases {
		if len(c.in) < 4096 {
			f.Add([]byte(c.in))
		}
	}
	f.Add([]byte("\xEF\xBB\xBF\xEF\xBB\xBFemail,\xff,\"\x00\"\r\r\n\"\"\"\n,\r"))
	small := csvLimits{cell: 7, row: 40, fields: 4, buf: 16}
	f.Fuzz(func(t *testing.T, in []byte) {
		verbatims(t, in, readCSVFor)
		for _, lim := range []csvLimits{defaultCSVLimits, small} {
			out := runCSV(bytes.NewReader(in), lim)
			if out.Err != "" {
				t.Fatalf("error %s", out.Err)
			}
			if diff := cmp.Diff(out, runCSV(bytes.NewReader(in), lim), cmp.AllowUnexported(csvOut{}, Record{})); diff != "" {
				t.Fatalf("second run differs:\n%s", diff)
			}
			if diff := cmp.Diff(out, runCSVWith(bytes.NewReader(in), lim, true), cmp.AllowUnexported(csvOut{}, Record{})); diff != "" {
				t.Fatalf("transient values differ (-kept +transient):\n%s", diff)
			}
			chunked := lim
			chunked.buf = 16
			if diff := cmp.Diff(out.full, runCSV(iotest.OneByteReader(bytes.NewReader(in)), chunked).full, cmp.AllowUnexported(Record{})); diff != "" {
				t.Fatalf("reading byte by byte differs (-whole +chunked):\n%s", diff)
			}
			if out.Summary.Records != len(out.Records) {
				t.Fatalf("summary %+v, %d records", out.Summary, len(out.Records))
			}
			checkCSVInvariants(t, in, lim, out)
		}
	})
}

// csvLegacyInput builds a cLegacy CSV of n rows.
func csvLegacyInput(n int) []byte {
	var b bytes.Buffer
	b.WriteString(csvHeaderLegacy)
	apps := []string{"github", "jira", "gitlab", "bitbucket"}
	for i := range n {
		fmt.Fprintf(&b, "developer.%07d@example.com,%s,%d\n", i, apps[i%len(apps)], 10000000+i*7)
	}
	return b.Bytes()
}

func BenchmarkReadCSV(b *testing.B) {
	const rows = 100_000
	in := csvLegacyInput(rows)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	n := 0
	h := Handler{Record: func(*Record) { n++ }, Diag: func(d Diag) { b.Fatalf("diag %+v", d) }}
	for b.Loop() {
		if _, err := ReadCSV(bytes.NewReader(in), h); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&ms1)
	if n != rows*b.N {
		b.Fatalf("%d records", n)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/row")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(n), "allocs/row")
}

// TestCSVPlainRun: csvPlainRun finds the same end as a byte-by-byte loop, and tells plain text
// as ascii.Plain does, over random runs of bytes at every start, the bytes around the edges of
// plain text among them.
func TestCSVPlainRun(t *testing.T) {
	naive := func(b []byte, i int) (int, bool) {
		start := i
		for i < len(b) && !csvSpecial[b[i]] {
			i++
		}
		return i, i == start || ascii.Plain(string(b[start:i]))
	}
	randomRuns("ab,\n\r\"\x00\x80\xff\x01\x2b\x2d\x21\x22\x23\x0a\x0b\x0c\x0d\x20\x7e\x7f\x1f", func(b []byte, i int) {
		got, gotPlain := csvPlainRun(b, i)
		if want, wantPlain := naive(b, i); got != want || gotPlain != wantPlain {
			t.Fatalf("csvPlainRun(%q, %d) = %d, %v; want %d, %v", b, i, got, gotPlain, want, wantPlain)
		}
	})
}

// randomRuns calls f at every start of 20,000 byte strings of up to 39 bytes: mostly 'x', the
// others from alphabet. Word-at-a-time scanners meet every alignment and every tail with them.
func randomRuns(alphabet string, f func(b []byte, i int)) {
	seed := uint64(1)
	for n := range 20000 {
		b := make([]byte, n%40)
		for i := range b {
			seed = seed*6364136223846793005 + 1442695040888963407
			if seed>>60 < 12 {
				b[i] = 'x'
			} else {
				b[i] = alphabet[int(seed>>33)%len(alphabet)]
			}
		}
		for i := 0; i <= len(b); i++ {
			f(b, i)
		}
	}
}
