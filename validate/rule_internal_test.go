package validate

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/idlint/idlint/payload"
)

// TestPlainQuiet: a rule that says it is quiet on plain text (Rule.plainQuiet), which the
// engine then does not call for a record whose strings are all plain or empty, reports
// nothing on such records: random printable ASCII, spaces excepted, in every field the API
// takes and in an extra column, and empty values among them. The rules that are not quiet must
// each report something on some of them, or the test would not tell.
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
		st := &stage{enabled: map[string]*Rule{r.ID: r}, format: payload.FormatCSV}
		p := &st.pass
		p.st = st
		check := r.Record()
		for range 5000 {
			rec := &payload.Record{Kind: payload.KindObject, Pos: payload.Pos{Line: 2, Col: 1}}
			for _, name := range names[rng.IntN(2):] {
				kind := payload.KindString
				if name == payload.FieldIntegrationID && rng.IntN(2) == 0 {
					kind = payload.KindNumber
				}
				rec.Fields = append(rec.Fields, payload.Field{Name: name, Value: word(), Kind: kind})
			}
			rec.Extra = []payload.Field{{Name: "note", Value: word(), Kind: payload.KindString}}
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
			t.Errorf("%s reports nothing on random plain text: if it never does, mark it quiet on plain text", r.ID)
		}
	}
}
