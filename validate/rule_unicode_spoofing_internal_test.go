package validate

import (
	"testing"

	"github.com/idlint/idlint/payload"
)

// TestDisguised: disguised finds what spoofing words, and nothing else: a hidden character, or
// a word that mixes look-alike scripts with a letter that looks like a Latin one.
func TestDisguised(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		want        bool
	}{
		{payload.FieldCloudID, "jane", false},
		{payload.FieldCloudID, "", false},
		{payload.FieldCloudID, "jаne", true},       // a Cyrillic а
		{payload.FieldCloudID, "jane-ѕоре", true},  // Cyrillic ѕ, о, р, е
		{payload.FieldCloudID, "jane\u200b", true}, // a zero-width space
		{payload.FieldCloudID, "a\u202eb", true},   // a right-to-left override
		{payload.FieldCloudID, "λόγος", false},     // one script
		{payload.FieldCloudID, "janeͱ", false},     // mixed, but ͱ looks like no Latin letter
		{payload.FieldEmail, "müller@bücher.de", false},
		{payload.FieldEmail, "иван@пример.рф", false}, // one script in each part
		{payload.FieldEmail, "jаne@acme.com", true},
		{payload.FieldEmail, "jane@аcme.com", true}, // in a domain label
		{payload.FieldEmail, "jane.ѕоре@acme.com", true},
		{payload.FieldEmail, "jane@acme.com\u2066", true},
	} {
		if got := disguised(tc.name, tc.value); got != tc.want {
			t.Errorf("disguised(%q, %q) = %v, want %v", tc.name, tc.value, got, tc.want)
		}
		if msg := spoofing(tc.name, tc.value); (msg != "") != tc.want {
			t.Errorf("spoofing(%q, %q) = %q; want a message: %v", tc.name, tc.value, msg, tc.want)
		}
	}
}
