package validate_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

// checkReplayingEverything is check without the sieve: the set rules see every mapped record.
func checkReplayingEverything(t testing.TB, data []byte, format payload.Format) []validate.Finding {
	return checkWith(t, data, format, validate.ReplayEverything)
}

// checkWith is check on an engine that setup prepares.
func checkWith(t testing.TB, data []byte, format payload.Format, setup func(*validate.Engine)) []validate.Finding {
	e, err := validate.New(validate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	setup(e)
	if _, err := e.Check("fuzz", bytes.NewReader(data), format); err != nil {
		t.Fatal(err)
	}
	return result(t, e).Findings
}

// crowdedIdentities writes n CSV rows drawn from small pools of emails, identities and
// integrations, so that every kind of repeat the set rules look for happens often: the same
// mapping, one account for several emails, one developer with several identities, emails that
// differ in case or +tag, a Cyrillic letter in a Latin name, and an all-Cyrillic look-alike
// ("асе" and "ace").
//
// The first plainRows rows are plain ASCII, as most files are throughout: the sieve skips the
// look-alike keys of ASCII texts until it has seen a non-ASCII one.
func crowdedIdentities(n int, seed uint64, legacy bool, plainRows int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	if legacy {
		b.WriteString("email,applicationType,cloudId\n")
	} else {
		b.WriteString("email,integrationId,identity\n")
	}
	names := []string{"jane.doe", "john.roe", "ace", "bo.chen", "j\u0430ne.doe", "\u0430\u0441\u0435"}
	apps := []string{"GITHUB", "gitlab", "JIRA", "BITBUCKET", "GITHUB "}
	type pending struct {
		due int
		row string
	}
	var later []pending // the second rows of look-alike pairs, in the order they are due
	for i := range n {
		name := names[r.IntN(len(names))]
		for i < plainRows && !isASCII(name) {
			name = names[r.IntN(len(names))]
		}
		if r.IntN(4) == 0 {
			name = fmt.Sprintf("dev%d", r.IntN(n)) // mostly unique keys, as in real files
		}
		if r.IntN(8) == 0 {
			name += "+tag"
		}
		email := name + "@acme.com"
		if r.IntN(8) == 0 {
			email = strings.ToUpper(email[:1]) + email[1:]
		}
		id := fmt.Sprintf("id%d", r.IntN(n/3+1))
		if r.IntN(6) == 0 {
			id = strings.ToUpper(id)
		}
		row := func(email, app, id string) string {
			if legacy {
				return fmt.Sprintf("%s,%s,%s\n", email, app, id)
			}
			return fmt.Sprintf("%s,%d,%s\n", email, 1000+len(app)%3, id)
		}
		app := func() string { return apps[r.IntN(len(apps))] }
		b.WriteString(row(email, app(), id))
		if i >= plainRows && r.IntN(16) == 0 {
			// Look-alike pairs seen nowhere else, in either order, the second some hundred
			// rows on: only the sieve's filter of non-ASCII texts can make a suspect of an
			// ASCII second. Two emails, then two identities in one integration.
			k := r.Int()
			emails := []string{fmt.Sprintf("ace%d@acme.com", k), fmt.Sprintf("\u0430\u0441\u0435%d@acme.com", k)}
			ids := []string{fmt.Sprintf("acc%d", k), fmt.Sprintf("\u0430\u0441\u0441%d", k)}
			flip := r.IntN(2)
			a, due := app(), i+100+r.IntN(400)
			b.WriteString(row(emails[flip], app(), fmt.Sprintf("u%d", k)))
			b.WriteString(row(fmt.Sprintf("w%d@acme.com", k), a, ids[flip]))
			later = append(later,
				pending{due, row(emails[1-flip], app(), fmt.Sprintf("v%d", k))},
				pending{due, row(fmt.Sprintf("x%d@acme.com", k), a, ids[1-flip])})
		}
		for len(later) > 0 && (later[0].due <= i || i == n-1) {
			b.WriteString(later[0].row)
			later = later[1:]
		}
	}
	return []byte(b.String())
}

// TestSieveLeavesOutNothing runs the set rules twice over files crowded with repeats — through
// the sieve, and over every record — and requires the same findings. 20,000 rows make the
// sieve's Bloom filter grow several times.
func TestSieveLeavesOutNothing(t *testing.T) {
	for _, tc := range []struct {
		rows, plain int
		legacy      bool
	}{{50, 0, true}, {2000, 0, false}, {20000, 0, true}, {20000, 0, false}, {6000, 4000, true}} {
		t.Run(fmt.Sprintf("%d-plain=%d-legacy=%v", tc.rows, tc.plain, tc.legacy), func(t *testing.T) {
			data := crowdedIdentities(tc.rows, uint64(tc.rows), tc.legacy, tc.plain)
			got := check(t, data, payload.FormatCSV)
			want := checkReplayingEverything(t, data, payload.FormatCSV)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("the sieve changed the findings (-every record +sieve):\n%s", diff)
			}
			tiny := checkWith(t, data, payload.FormatCSV, validate.TinyFilters)
			if diff := cmp.Diff(want, tiny); diff != "" {
				t.Fatalf("the sieve with tiny filters changed the findings (-every record +sieve):\n%s", diff)
			}
			copies := checkWith(t, data, payload.FormatCSV, validate.KeepCopies)
			if diff := cmp.Diff(want, copies); diff != "" {
				t.Fatalf("the sieve keeping copies of the texts changed the findings (-every record +sieve):\n%s", diff)
			}
			// The data must keep exercising every set rule, or the comparison proves nothing.
			perRule := map[string]int{}
			for _, f := range got {
				switch {
				case f.Rule != "unicode-spoofing":
					perRule[f.Rule]++
				case strings.Contains(f.Message, "is a different address"):
					perRule["look-alike email"]++
				case strings.Contains(f.Message, "is a different account"):
					perRule["look-alike identity"]++
				}
			}
			for _, r := range []string{"duplicate-record", "duplicate-cloud-id", "conflicting-mapping", "look-alike email", "look-alike identity"} {
				if tc.rows >= 2000 && perRule[r] < tc.rows/200 {
					t.Errorf("only %d %s findings in %d crowded rows: the test data no longer exercises it", perRule[r], r, tc.rows)
				}
			}
		})
	}
}

// TestSieveAcrossInputs splits crowded files into several inputs of one run: the sieve must
// name the other input of a repeat as replaying every record does.
func TestSieveAcrossInputs(t *testing.T) {
	data := crowdedIdentities(6000, 7, true, 1000)
	lines := strings.SplitAfter(string(data), "\n")
	header, rows := lines[0], lines[1:]
	var parts [][]byte
	for len(rows) > 0 {
		n := min(len(rows), 1+len(parts)*900) // inputs of growing size, the first of one row
		parts = append(parts, []byte(header+strings.Join(rows[:n], "")))
		rows = rows[n:]
	}
	run := func(setup func(*validate.Engine)) []validate.Finding {
		e, err := validate.New(validate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		setup(e)
		for i, p := range parts {
			if _, err := e.Check(fmt.Sprintf("part%d.csv", i), bytes.NewReader(p), payload.FormatCSV); err != nil {
				t.Fatal(err)
			}
		}
		return e.Result().Findings
	}
	want := run(validate.ReplayEverything)
	if diff := cmp.Diff(want, run(func(*validate.Engine) {})); diff != "" {
		t.Fatalf("the sieve changed the findings (-every record +sieve):\n%s", diff)
	}
	if diff := cmp.Diff(want, run(validate.TinyFilters)); diff != "" {
		t.Fatalf("the sieve with tiny filters changed the findings (-every record +sieve):\n%s", diff)
	}
	if diff := cmp.Diff(want, run(validate.KeepCopies)); diff != "" {
		t.Fatalf("the sieve keeping copies of the texts changed the findings (-every record +sieve):\n%s", diff)
	}
	across := 0
	for _, f := range want {
		if strings.Contains(f.Message, ".csv:") {
			across++
		}
	}
	if across < 100 {
		t.Fatalf("only %d findings name another input: the test no longer exercises repeats across inputs", across)
	}
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// TestLookAlikeKindsApart: the sieve leaves each look-alike kind unhashed until a non-ASCII
// text of that kind comes, so a run whose first non-ASCII email and first non-ASCII identity
// come far apart, in either order, must still find the look-alikes of both with the ASCII
// texts before and after them.
func TestLookAlikeKindsApart(t *testing.T) {
	row := func(email, id string) string { return email + ",GITHUB," + id + "\n" }
	plain := func(b *strings.Builder, from, to int) {
		for i := from; i < to; i++ {
			fmt.Fprintf(b, "%s", row(fmt.Sprintf("dev%d@acme.com", i), fmt.Sprintf("dev%d", i)))
		}
	}
	emailFirst := func(b *strings.Builder, first bool) {
		if first {
			// Cyrillic асе and асс: they look like ace, before, and acc, after.
			b.WriteString(row("\u0430\u0441\u0435@acme.com", "x9") + row("\u0430\u0441\u0441@acme.com", "x8"))
		} else {
			b.WriteString(row("ops@acme.com", "\u0430\u0441\u0435") + row("ops2@acme.com", "\u0430\u0441\u0441"))
		}
	}
	for _, emailBeforeIdentity := range []bool{true, false} {
		t.Run(fmt.Sprintf("email-first=%v", emailBeforeIdentity), func(t *testing.T) {
			var b strings.Builder
			b.WriteString("email,applicationType,cloudId\n")
			b.WriteString(row("jane.doe@acme.com", "jdoe") + row("ace@acme.com", "ace"))
			plain(&b, 0, 300)
			emailFirst(&b, emailBeforeIdentity)
			plain(&b, 300, 600)
			emailFirst(&b, !emailBeforeIdentity)
			plain(&b, 600, 900)
			b.WriteString(row("acc@acme.com", "acc")) // ASCII after both
			data := []byte(b.String())

			want := checkReplayingEverything(t, data, payload.FormatCSV)
			for name, setup := range map[string]func(*validate.Engine){
				"sieve": func(*validate.Engine) {}, "tiny filters": validate.TinyFilters, "copies": validate.KeepCopies,
			} {
				if diff := cmp.Diff(want, checkWith(t, data, payload.FormatCSV, setup)); diff != "" {
					t.Errorf("%s changed the findings (-every record +sieve):\n%s", name, diff)
				}
			}
			var emails, ids int
			for _, f := range want {
				emails += strings.Count(f.Message, "is a different address")
				ids += strings.Count(f.Message, "is a different account")
			}
			if emails < 2 || ids < 2 {
				t.Fatalf("%d look-alike email and %d look-alike identity findings, want 2 of each: the data no longer exercises them\n%v", emails, ids, want)
			}
		})
	}
}
