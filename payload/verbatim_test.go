package payload

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// A verbatim is what a test expects of a field's Verbatim and Offset.
type verbatim struct {
	Name     string
	Verbatim bool
	Offset   int64 // only when Verbatim
}

// verbatims reads in whole and one byte at a time, with a small buffer, and returns what every
// record's fields say of Verbatim and Offset. It fails t if a verbatim field's value is not at
// its offset in in, or if the two reads disagree.
func verbatims(t *testing.T, in []byte, read func(r io.Reader, h Handler, small bool) (Summary, error)) []verbatim {
	t.Helper()
	run := func(r io.Reader, small bool) []verbatim {
		var out []verbatim
		h := Handler{Record: func(rec *Record) {
			checkFieldIndex(t, rec)
			for _, f := range rec.Fields {
				v := verbatim{Name: f.Name, Verbatim: f.Verbatim}
				if f.Verbatim {
					v.Offset = f.Offset
					if end := f.Offset + int64(len(f.Value)); f.Offset < 0 || end > int64(len(in)) || string(in[f.Offset:end]) != f.Value {
						t.Fatalf("field %s %q is verbatim at %d, but the input has something else there", f.Name, f.Value, f.Offset)
					}
				}
				out = append(out, v)
			}
		}, Diag: func(Diag) {}}
		if _, err := read(r, h, small); err != nil {
			t.Fatal(err)
		}
		return out
	}
	whole := run(bytes.NewReader(in), false)
	if d := cmp.Diff(whole, run(iotest.OneByteReader(bytes.NewReader(in)), true)); d != "" {
		t.Fatalf("reading in small pieces changes Verbatim or Offset (-whole +pieces):\n%s", d)
	}
	return whole
}

func readJSONFor(r io.Reader, h Handler, small bool) (Summary, error) {
	if small {
		return readJSON(r, h, 16)
	}
	return readJSON(r, h, defaultBufSize)
}

func readJSONLFor(r io.Reader, h Handler, small bool) (Summary, error) {
	if small {
		return readJSONL(r, h, 16)
	}
	return readJSONL(r, h, defaultBufSize)
}

func readCSVFor(r io.Reader, h Handler, small bool) (Summary, error) {
	lim := defaultCSVLimits
	if small {
		lim.buf = 16
	}
	return readCSV(r, h, lim)
}

// TestVerbatim: a string field is verbatim, at the offset of its first character, when the
// input has its value as it is; escapes and doubled quotes make it not.
func TestVerbatim(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		read func(io.Reader, Handler, bool) (Summary, error)
		want []verbatim
	}{
		{"json", `[{"email":"a@x.com","integrationId":7,"identity":"jd"}]`, readJSONFor,
			[]verbatim{{"email", true, 11}, {"integrationId", false, 0}, {"identity", true, 50}}},
		{"json escapes", "\xEF\xBB\xBF[\n {\"email\": \"a\\u0040x.com\", \"identity\": \"j\\\"d\", \"cloudId\": \"ü\"}]", readJSONFor,
			[]verbatim{{"email", false, 0}, {"identity", false, 0}, {"cloudId", true, 64}}},
		{"legacy envelope", `{"integrationUsers":[{"email":"b@y.org","applicationType":"JIRA","cloudId":"5b10"}]}`, readJSONFor,
			[]verbatim{{"email", true, 31}, {"applicationType", true, 59}, {"cloudId", true, 76}}},
		{"json lines", "{\"email\":\"a@x.com\"}\n\n{\"email\":\" c@z.net \"}\n", readJSONLFor,
			[]verbatim{{"email", true, 10}, {"email", true, 31}}},
		{"csv", "email,integrationId,identity\r\na@x.com,7,jd\r\n\"b@y.org\",8,\"j\"\"d\"\n", readCSVFor,
			[]verbatim{{"email", true, 30}, {"integrationId", true, 38}, {"identity", true, 40}, {"email", true, 45}, {"integrationId", true, 54}, {"identity", false, 0}}},
		{"csv line break in quotes", "\xEF\xBB\xBFemail,applicationType,cloudId\n\"a\nb@x.com\",GITHUB,\"x\"\"y\"\n", readCSVFor,
			[]verbatim{{"email", true, 34}, {"applicationType", true, 45}, {"cloudId", false, 0}}},
		// A value that is a quote, written doubled: the input has a quote where the value is
		// (the second of the four), but the value is not written as it is.
		{"csv doubled quote only", "email,applicationType,cloudId\na@x.com,GITHUB,\"\"\"\"\n", readCSVFor,
			[]verbatim{{"email", true, 30}, {"applicationType", true, 38}, {"cloudId", false, 0}}},
		{"csv lone CR and quoted comma", "email,applicationType,cloudId\na\rb@x.com,\"GIT,HUB\",\"\"\n", readCSVFor,
			[]verbatim{{"email", true, 30}, {"applicationType", true, 41}, {"cloudId", true, 51}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, verbatims(t, []byte(tc.in), tc.read)); d != "" {
				t.Fatalf("(-want +got):\n%s", d)
			}
		})
	}
}
