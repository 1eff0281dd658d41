package validate_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

// Values for TestSieveRandomRuns, few enough to repeat.
var randomEmails = []string{"jane@acme.com", "Jane@acme.com", " jane@acme.com ", "jane+x@acme.com", "j\u0430ne@acme.com",
	"ace@acme.com", "\u0430\u0441\u0435@acme.com", "jose\u0301@b\u00fccher.de", "jos\u00e9@b\u00fccher.de", "jose@bucher.de",
	"bob@acme.com", "b\u200bob@acme.com", "rn@x.io", "m@x.io", "bob@acme.com", "acc@acme.com", "acc"}
var randomIDs = []string{"janedoe", "JaneDoe", "acc", "\u0430\u0441\u0441", "jane@acme.com", "ace@acme.com", "x1", "x2", "jdoe", "j\u0430ne", "b\u200bob", "rn", "m", "acc "}
var randomApps = []string{"GITHUB", "github", "JIRA", "CUSTOM", "GITLAB", " GITHUB"}
var randomInts = []string{"1", "2", "17", ""}

// randomPick picks one of s.
func randomPick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// randomInput makes one random input of rows records.
func randomInput(r *rand.Rand, rows int) (string, []byte, payload.Format) {
	legacy := r.IntN(2) == 0
	var b strings.Builder
	switch r.IntN(3) {
	case 0:
		if legacy {
			b.WriteString("email,applicationType,cloudId,notes\n")
		} else {
			b.WriteString("email,integrationId,identity,notes\n")
		}
		for range rows {
			e, id := randomPick(r, randomEmails), randomPick(r, randomIDs)
			if r.IntN(10) == 0 {
				id = e
			}
			in := randomPick(r, randomApps)
			if !legacy {
				in = randomPick(r, randomInts)
			}
			if r.IntN(15) == 0 {
				e = ""
			}
			q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
			fmt.Fprintf(&b, "%s,%s,%s,%s\n", q(e), q(in), q(id), q(randomPick(r, []string{"", "+1", "x\u200b"})))
		}
		return "in.csv", []byte(b.String()), payload.FormatCSV
	default:
		jsonl := r.IntN(2) == 0
		if !jsonl {
			b.WriteString("[\n")
		}
		for i := range rows {
			e, id := randomPick(r, randomEmails), randomPick(r, randomIDs)
			if r.IntN(10) == 0 {
				id = e
			}
			var line string
			if legacy {
				line = fmt.Sprintf(`{"email":%s,"applicationType":%s,"cloudId":%s}`, strconv.Quote(e), strconv.Quote(randomPick(r, randomApps)), strconv.Quote(id))
			} else {
				in := randomPick(r, randomInts)
				if in == "" {
					in = `"3"`
				}
				line = fmt.Sprintf(`{"email":%s,"integrationId":%s,"identity":%s}`, strconv.Quote(e), in, strconv.Quote(id))
			}
			if !jsonl && i < rows-1 {
				line += ","
			}
			b.WriteString(line + "\n")
		}
		if jsonl {
			return "in.jsonl", []byte(b.String()), payload.FormatJSONL
		}
		b.WriteString("]\n")
		return "in.json", []byte(b.String()), payload.FormatJSON
	}
}

// TestSieveRandomRuns compares the sieve, with normal and tiny filters, with replaying every
// record, on many small random runs: CSV with an unknown column, JSON and JSON Lines, one to
// three inputs, random sets of rules turned off, and values chosen to collide: case, +tags,
// padding, look-alikes, a zero-width space, NFC and NFD twins, emails used as identities,
// records without a mapping.
func TestSieveRandomRuns(t *testing.T) {
	const iters = 150
	setRules := []string{"duplicate-record", "duplicate-cloud-id", "conflicting-mapping", "unicode-spoofing", "email-format", "schema"}
	for it := range iters {
		r := rand.New(rand.NewPCG(uint64(it), 99))
		type in struct {
			name string
			data []byte
			f    payload.Format
		}
		var ins []in
		for k := range 1 + r.IntN(3) {
			rows := r.IntN(40)
			n, d, f := randomInput(r, rows)
			ins = append(ins, in{fmt.Sprintf("%d-%s", k, n), d, f})
		}
		var dis []string
		for _, s := range setRules {
			if r.IntN(3) == 0 {
				dis = append(dis, s)
			}
		}
		run := func(setup func(*validate.Engine)) []validate.Finding {
			e, err := validate.New(validate.Options{Disable: dis})
			if err != nil {
				t.Fatal(err)
			}
			setup(e)
			for _, x := range ins {
				if _, err := e.Check(x.name, bytes.NewReader(x.data), x.f); err != nil {
					t.Fatal(err)
				}
			}
			return e.Result().Findings
		}
		want := run(validate.ReplayEverything)
		for name, setup := range map[string]func(*validate.Engine){"sieve": func(*validate.Engine) {}, "tiny": validate.TinyFilters, "copies": validate.KeepCopies} {
			if d := cmp.Diff(want, run(setup)); d != "" {
				for _, x := range ins {
					t.Logf("%s:\n%s", x.name, x.data)
				}
				t.Fatalf("iter %d disable=%v %s differs (-every +sieve):\n%s", it, dis, name, d)
			}
		}
	}
}
