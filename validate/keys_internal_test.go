package validate

import (
	"testing"

	"github.com/idlint/idlint/internal/confusables"
)

// TestKeysRelateAsTheirTexts checks every key of every pair of mappings against what the key
// means, spelt out in strings: two mappings share a key exactly when these strings are equal.
// The texts are their own look-alike keys or not, in both forms, ASCII or not, so the shortcut
// of hashing a text as its own key must agree with hashing its skeleton.
func TestKeysRelateAsTheirTexts(t *testing.T) {
	meaning := map[keyKind]func(m mapping) string{
		keyAccount:           func(m mapping) string { return integrationOf(m) + "\x00" + m.identityKey },
		keyDeveloper:         func(m mapping) string { return integrationOf(m) + "\x00" + developerKey(m.emailKey) },
		keyLookAlike:         func(m mapping) string { return confusables.Skeleton(m.emailKey) },
		keyIdentityLookAlike: func(m mapping) string { return integrationOf(m) + "\x00" + confusables.Skeleton(m.identityKey) },
	}
	emails := []string{"jane.doe@acme.com", "j\u0430ne.doe@acme.com", "Jane.Doe@acme.com", "jane.doe+gh@acme.com",
		"lee1@acme.com", "leel@acme.com", "lee|@acme.com", "vernon@acme.com", "vemon@acme.com", "ve\u0433non@acme.com",
		"o0@acme.com", "oO@acme.com"}
	identities := []string{"jane", "j\u0430ne", "JANE", "557058:1f0a", "557058:lfOa", "557058:1fOa", "557058:lf0a",
		"corn", "com", "l1", "11", "ll", "I1"}
	var ms []mapping
	for _, integration := range []struct {
		name   string
		legacy bool
	}{{"GITHUB", true}, {"BITBUCKET", true}, {"1041", false}} {
		for _, e := range emails {
			for _, id := range identities {
				ms = append(ms, newMapping(e, integration.name, integration.legacy, id))
			}
		}
	}
	var scratch []byte
	for kind, means := range meaning {
		hashes := make([]uint64, len(ms))
		for i := range ms {
			hashes[i] = kind.hash(&ms[i], &scratch)
		}
		for i := range ms {
			for j := range ms {
				if same, want := hashes[i] == hashes[j], means(ms[i]) == means(ms[j]); same != want {
					t.Fatalf("key %d of %+v and %+v: equal is %v, want %v", kind, ms[i], ms[j], same, want)
				}
			}
		}
	}
}

func integrationOf(m mapping) string {
	if m.legacy {
		return "app:" + m.integration
	}
	return "id:" + m.integration
}
