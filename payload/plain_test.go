package payload

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// A plainField is what a test expects of a field's Plain.
type plainField struct {
	Name, Value string
	Plain       bool
}

// TestPlainFields: the readers tell a value plain when they scan it as plain text, and not
// when it is quoted, escaped, empty, or has a space, a control character, DEL or a non-ASCII
// character. The CSV reader tells the same read byte by byte with a small buffer, across
// refills; the JSON reader tells only strings its buffer holds whole, and then no more.
func TestPlainFields(t *testing.T) {
	long := "a.very.long.email.address.that.crosses.refills@example.com"
	tests := []struct {
		name    string
		in      string
		read    func(io.Reader, Handler, bool) (Summary, error)
		refills bool // a small buffer tells the same
		want    []plainField
	}{
		{"csv", "email,applicationType,cloudId,note\n" +
			"jane@acme.com,GITHUB,\"quoted\",x y\n" +
			"a\rb@x.com,,-,\"\"\n" +
			long + ",GITHUB,jd,plain\r\n" +
			"jäne@acme.com,GITHUB,tab\there,\x7f\n",
			readCSVFor, true, []plainField{
				{"email", "jane@acme.com", true}, {"applicationType", "GITHUB", true}, {"cloudId", "quoted", false}, {"note", "x y", false},
				{"email", "a\rb@x.com", false}, {"applicationType", "", false}, {"cloudId", "-", true}, {"note", "", false},
				{"email", long, true}, {"applicationType", "GITHUB", true}, {"cloudId", "jd", true}, {"note", "plain", true},
				{"email", "jäne@acme.com", false}, {"applicationType", "GITHUB", true}, {"cloudId", "tab\there", false}, {"note", "\x7f", false},
			}},
		{"json", `[{"email":"jane@acme.com","integrationId":1,"identity":"jd","note":"plain"},` +
			`{"email":"j\u0061ne@acme.com","integrationId":2,"identity":"j d","note":""},` +
			`{"email":"` + long + `","integrationId":3,"identity":"jäne","note":"x` + "\x7f" + `"}]`,
			readJSONFor, false, []plainField{
				{"email", "jane@acme.com", true}, {"integrationId", "1", false}, {"identity", "jd", true}, {"note", "plain", true},
				{"email", "jane@acme.com", false}, {"integrationId", "2", false}, {"identity", "j d", false}, {"note", "", false},
				{"email", long, true}, {"integrationId", "3", false}, {"identity", "jäne", false}, {"note", "x\x7f", false},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, way := range []struct {
				name  string
				r     io.Reader
				small bool
			}{
				{"whole", bytes.NewReader([]byte(tt.in)), false},
				{"a byte at a time, small buffer", iotest.OneByteReader(bytes.NewReader([]byte(tt.in))), true},
			} {
				var got []plainField
				h := Handler{Record: func(rec *Record) {
					for f := range rec.Cells() {
						got = append(got, plainField{f.Name, f.Value, f.Plain})
					}
				}, Diag: func(Diag) {}}
				if _, err := tt.read(way.r, h, way.small); err != nil {
					t.Fatal(err)
				}
				want := tt.want
				if way.small && !tt.refills {
					// No more than whole: Plain only where the whole read tells it.
					want = nil
					for i, f := range tt.want {
						if i < len(got) {
							f.Plain = f.Plain && got[i].Plain
						}
						want = append(want, f)
					}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", way.name, diff)
				}
			}
		})
	}
}
