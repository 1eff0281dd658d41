package email

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir holds third-party address cases with expected verdicts (isemail and
// python-email-validator); see its README.md. It lives in the workspace's shared/ folder,
// beside the repository, so it may be absent.
var corpusDir = filepath.Join("..", "..", "shared", "corpora", "email-addresses")

// corpusFloor is the least share of the manifest's verdicts that Check must agree with, on
// the cases the manifest does not mark as standards-valid but impractical. It is the
// measured agreement (204 of 215, 94.9%) rounded down.
const corpusFloor = 0.94

// deliberateDifferences are the corpus cases where idlint disagrees with the manifest on
// purpose. Each says why; a case that starts to agree must be taken off the list.
var deliberateDifferences = map[string]string{
	// Top-level domains. The manifest takes isemail's word (only a DNS warning); idlint
	// refuses what no real TLD looks like, because in an identity file it is a typo.
	"isemail-013": "one-letter TLD (iana.a): no one-letter TLD has ever been delegated; acme.c is a cut-off acme.com",
	"isemail-037": "one-letter TLD (…x.y.z.a.b…u.v): same rule as isemail-013; the many-labels shape is tested in TestCheck",
	"isemail-033": "TLD with a hyphen (iana.co-uk): ASCII TLDs are letters only; co-uk is a typo for co.uk",

	// Non-NFC addresses. python-email-validator normalizes and then accepts; idlint cannot
	// normalize what it only checks, and SEI compares addresses as strings, so a
	// CJK compatibility ideograph (U+F96E for U+8449) would never match the same address
	// typed in its usual form.
	"pev-017": "not NFC-normalized (U+F96E in the local part)",
	"pev-018": "not NFC-normalized (U+F96E in the local part)",
	"pev-019": "not NFC-normalized (U+F96E in the local part)",

	// SMTPUTF8 local parts at ASCII domains. The manifest accepts all SMTPUTF8 addresses; the
	// mail systems that hold work accounts do not create such mailboxes at ASCII domains, so
	// idlint accepts a non-ASCII local part only with an internationalized domain, where it is
	// far less likely to be a look-alike or a mis-paste.
	"pev-020": "non-ASCII local part at an ASCII domain",
	"pev-021": "non-ASCII local part at an ASCII domain",
	"pev-022": "non-ASCII local part at an ASCII domain",
	"pev-023": "non-ASCII local part at an ASCII domain",
	"pev-024": "non-ASCII local part at an ASCII domain",
}

type corpusCase struct {
	id, address, verdict, rfc, unusual string
}

// readCorpus reads cases.tsv, naming its columns by the header row.
func readCorpus(t *testing.T) []corpusCase {
	t.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skip("../shared/corpora not present; corpus test skipped")
	}
	data, err := os.ReadFile(filepath.Join(corpusDir, "cases.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	col := map[string]int{}
	for i, name := range strings.Split(lines[0], "\t") {
		col[name] = i
	}
	for _, name := range []string{"id", "address", "verdict", "rfc", "unusual"} {
		if _, ok := col[name]; !ok {
			t.Fatalf("cases.tsv has no %q column", name)
		}
	}
	var cases []corpusCase
	for n, line := range lines[1:] {
		f := strings.Split(line, "\t")
		if len(f) != len(col) {
			t.Fatalf("cases.tsv line %d has %d fields, want %d", n+2, len(f), len(col))
		}
		var addr string
		if err := json.Unmarshal([]byte(f[col["address"]]), &addr); err != nil {
			t.Fatalf("cases.tsv line %d: address: %v", n+2, err)
		}
		cases = append(cases, corpusCase{
			id: f[col["id"]], address: addr, verdict: f[col["verdict"]],
			rfc: f[col["rfc"]], unusual: f[col["unusual"]],
		})
	}
	return cases
}

// TestCorpus compares Check with the corpus verdicts.
//
// The manifest's verdict answers "is this a usable work address?", which is the question
// Check answers too. Cases it marks rfc=valid with an `unusual` tag (quoted local parts, IP
// literals, comments, display names, dotless or special-use domains, …) are valid under some
// standard but impractical; the manifest's verdict for them is already "invalid", and idlint
// must refuse every one. They are counted apart, since agreeing on them tests only that
// idlint is practical. The other cases measure agreement.
func TestCorpus(t *testing.T) {
	cases := readCorpus(t)
	var (
		impractical, impracticalRefused int
		total, agree, deliberate        int
		ids                             = map[string]bool{}
	)
	for _, c := range cases {
		ids[c.id] = true
		got := Check(c.address)
		gotValid := got == nil
		why := "accepted"
		if got != nil {
			why = got.Message
		}
		if c.rfc == "valid" && c.unusual != "-" {
			impractical++
			if gotValid {
				t.Errorf("%s %q is valid but impractical (%s): Check accepts it, want a refusal",
					c.id, c.address, c.unusual)
			} else {
				impracticalRefused++
			}
			continue
		}
		total++
		if gotValid == (c.verdict == "valid") {
			agree++
			if _, ok := deliberateDifferences[c.id]; ok {
				t.Errorf("%s %q: Check now agrees with the manifest (%s); take it off deliberateDifferences",
					c.id, c.address, c.verdict)
			}
			continue
		}
		if reason, ok := deliberateDifferences[c.id]; ok {
			deliberate++
			t.Logf("deliberate: %s %q: manifest %s, Check: %s (%s)", c.id, c.address, c.verdict, why, reason)
			continue
		}
		t.Errorf("%s %q: manifest says %s, Check says: %s", c.id, c.address, c.verdict, why)
	}
	for id := range deliberateDifferences {
		if !ids[id] {
			t.Errorf("deliberateDifferences lists %s, which is not in the corpus", id)
		}
	}
	if total == 0 {
		t.Fatal("the corpus has no cases to measure")
	}
	rate := float64(agree) / float64(total)
	t.Logf("corpus: %d cases", len(cases))
	t.Logf("agreement on the %d practical cases: %d (%.1f%%); %d deliberate differences; %d of %d agree once those are set aside",
		total, agree, 100*rate, deliberate, agree, total-deliberate)
	t.Logf("valid-but-impractical cases refused: %d of %d", impracticalRefused, impractical)
	if rate < corpusFloor {
		t.Errorf("agreement %.1f%% is below the floor of %.0f%%", 100*rate, 100*corpusFloor)
	}
}
