package validate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idlint/idlint/payload"
)

// TestDisguised: disguised says whether spoofing has a message, for every value of the rule
// cases (split at commas and quotes, which makes more values still) and a few more.
func TestDisguised(t *testing.T) {
	// "janeͱ" mixes Latin with a Greek letter that looks like none: not a disguise.
	values := []string{"", "plain", "jаne", "jane\u200b", "λόγος", "jane-λ", "janeͱ", "a\u202eb", "müller@bücher.de", "jаne@acme.com", "jane@аcme.com"}
	cases, _ := filepath.Glob(filepath.Join("..", "testdata", "rules", "*", "*"))
	for _, c := range cases {
		data, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, strings.FieldsFunc(string(data), func(r rune) bool { return strings.ContainsRune(",\"\n:{}[]", r) })...)
	}
	disguises := 0
	for _, v := range values {
		for _, name := range []string{payload.FieldEmail, payload.FieldCloudID} {
			msg := spoofing(name, v)
			if got := disguised(name, v); got != (msg != "") {
				t.Errorf("disguised(%q, %q) = %v; spoofing says %q", name, v, got, msg)
			}
			if msg != "" {
				disguises++
			}
		}
	}
	if disguises < 10 {
		t.Errorf("only %d values are disguised: the test no longer tells much", disguises)
	}
}
