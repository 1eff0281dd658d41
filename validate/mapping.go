package validate

import (
	"hash/maphash"
	"math/bits"
	"strings"

	"github.com/idlint/idlint/payload"
)

// A mapping is the meaning of one record, normalized the way the set rules compare records:
// fields trimmed, emails lowercased, identities case-folded where the tool's logins are
// case-insensitive.
type mapping struct {
	email       string // trimmed, as written
	emailKey    string // lowercased
	integration string // the applicationType (uppercased) or the integrationId
	legacy      bool   // integration is an applicationType, not an integrationId
	identity    string // trimmed, as written
	identityKey string // case-folded when the integration's logins are case-insensitive
	foldCase    bool   // the integration's logins are case-insensitive
}

// system names the integration in messages: "GITHUB" or "integration 1041".
func (m mapping) system() string {
	if m.legacy {
		return m.integration
	}
	return "integration " + m.integration
}

// mappingOf extracts a record's mapping. ok is false when a field is missing, empty or of the
// wrong type: the schema and the field rules report those, and the set rules skip the record.
func mappingOf(rec *payload.Record) (m mapping, ok bool) {
	email, _, ok := rec.String(payload.FieldEmail)
	if email = strings.TrimSpace(email); !ok || email == "" {
		return m, false
	}
	idName, integration, legacy := payload.FieldIdentity, "", false
	if f, ok := rec.Field(payload.FieldApplicationType); ok && f.Kind == payload.KindString {
		idName, integration, legacy = payload.FieldCloudID, strings.ToUpper(strings.TrimSpace(f.Value)), true
	} else if f, ok := rec.Field(payload.FieldIntegrationID); ok && f.Kind == payload.KindNumber {
		integration = f.Value
	}
	if integration == "" {
		return m, false
	}
	identity, _, ok := rec.String(idName)
	if identity = strings.TrimSpace(identity); !ok || identity == "" {
		return m, false
	}
	return newMapping(email, integration, legacy, identity), true
}

// newMapping derives a mapping's keys from its trimmed email, its integration (an uppercased
// applicationType when legacy, else an integrationId) and its trimmed identity.
func newMapping(email, integration string, legacy bool, identity string) mapping {
	m := mapping{email: email, emailKey: strings.ToLower(email), integration: integration,
		legacy: legacy, identity: identity, identityKey: identity}
	if m.foldCase = legacy && caseInsensitiveLogins(integration); m.foldCase {
		m.identityKey = strings.ToLower(identity)
	}
	return m
}

// seed is fixed for the life of the process: every index of a run must hash alike.
var seed = maphash.MakeSeed()

// key hashes the mapping's integration with the given parts. The set rules index records by
// these 64-bit hashes instead of by strings, so an index costs bytes per record; two different
// keys share a hash with probability about n²/2⁶⁵ (3·10⁻⁸ for a million records), which would
// at worst merge two unrelated keys in one message.
func (m mapping) key(parts ...string) uint64 {
	h := maphash.String(seed, m.integration)
	if m.legacy { // an applicationType and an integrationId never match, however spelt
		h = ^h
	}
	for _, s := range parts {
		h = mix(h, maphash.String(seed, s))
	}
	return h
}

// mix folds the hash of one more part into h. The multiply and rotation keep the parts' order
// and boundaries: ("ab", "c") and ("a", "bc") hash apart.
func mix(h, part uint64) uint64 { return bits.RotateLeft64(h*0x9E3779B97F4A7C15, 31) ^ part }

// hashBytes hashes bytes with the run's seed.
func hashBytes(b []byte) uint64 { return maphash.Bytes(seed, b) }
