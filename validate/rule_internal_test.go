package validate

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/idlint/idlint/payload"
)

// TestPlainQuiet: a rule that says it is quiet on plain text (Rule.plainQuiet), which the
// engine then does not call for a record whose strings are all plain or empty, reports
// nothing on such records: random printable ASCII, spaces excepted, and empty values, in the
// fields the API takes, in others and in Extra, told plain by the reader or not, beside
// numbers, booleans, objects and arrays whose text may be anything, in CSV and in JSON, and
// past 64 fields. The rules that are not quiet must each report something on some of them, or
// the test would not tell. That a quiet rule reports nothing here is no proof: its code must
// show it.
func TestPlainQuiet(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Plain values that some rule reports, among random ones.
	crafted := []string{"Jane.Doe@acme.com", "jane@acme", "=1+2", "@sum", "-1", "+x", "GITHUB", "github", "GITHUBB",
		"CUSTOM", "1041", "0x1F", "jane_doe-", "a--b", "557058:abc", "x@y@z", strings.Repeat("a", maxIdentityLen+1)}
	word := func() string {
		switch rng.IntN(8) {
		case 0:
			return ""
		case 1, 2, 3:
			return crafted[rng.IntN(len(crafted))]
		}
		b := make([]byte, 1+rng.IntN(24))
		for i := range b {
			b[i] = byte('!' + rng.IntN('~'-'!'+1))
		}
		return string(b)
	}
	names := []string{payload.FieldEmail, payload.FieldApplicationType, payload.FieldCloudID, payload.FieldIdentity, payload.FieldIntegrationID}
	loud := map[string]bool{}
	for _, r := range All {
		if r.Record == nil {
			continue
		}
		st := &stage{enabled: map[string]*Rule{r.ID: r}}
		p := &st.pass
		p.st = st
		check := r.Record()
		anything := []string{"a b", "\x00\xff", "j\u0430ne", "\u200b", "{\"a\": \" x\"}", "[1, \"\u202e\"]", "true", "null", "1e3"}
		for n := range 5000 {
			st.format = []payload.Format{payload.FormatCSV, payload.FormatJSON}[n%2]
			rec := &payload.Record{Kind: payload.KindObject, Pos: payload.Pos{Line: 2, Col: 1}}
			field := func(name string) payload.Field {
				f := payload.Field{Name: name, Value: word(), Kind: payload.KindString}
				switch rng.IntN(6) {
				case 0:
					f.Kind, f.Value = []payload.Kind{payload.KindNumber, payload.KindBool, payload.KindNull, payload.KindObject, payload.KindArray}[rng.IntN(5)], anything[rng.IntN(len(anything))]
				case 1:
					f.Plain = f.Value != "" // as a reader tells it
				case 2:
					f.SchemaExempt = name == payload.FieldIntegrationID // a CSV cell that is no number
				}
				return f
			}
			for _, name := range names[rng.IntN(2):] {
				rec.Fields = append(rec.Fields, field(name))
			}
			for k := range []int{0, 1, 70}[rng.IntN(3)] {
				rec.Fields = append(rec.Fields, field(fmt.Sprint("col", k)))
			}
			rec.Extra = []payload.Field{field("note")}
			p.rec, p.rule = rec, r
			p.notePlain(false)
			if !p.allPlain {
				t.Fatalf("a record of plain and empty values is not noted as all plain: %+v", rec.Fields)
			}
			check(p)
			p.done()
			if len(st.findings) > 0 {
				if r.plainQuiet {
					t.Fatalf("%s, quiet on plain text, reports %q on %+v", r.ID, st.findings[0].Message, rec.Fields)
				}
				loud[r.ID] = true
				st.findings = st.findings[:0]
			}
		}
	}
	for _, r := range All {
		if r.Record != nil && !r.plainQuiet && !loud[r.ID] {
			t.Errorf("%s reports nothing on these records: give the test records it reports", r.ID)
		}
	}
}
