package validate

import (
	"hash/maphash"
	"math/bits"
	"strings"

	"github.com/idlint/idlint/internal/ascii"
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

	// Where email and identity are written as they are in the input (see
	// payload.Field.Verbatim); -1 when they are not, or not known. The sieve logs these offsets
	// instead of copies of the texts when it can read the input again.
	emailAt, identityAt int64
}

// system names the integration in messages: "GITHUB" or "integration 1041".
func (m mapping) system() string {
	if m.legacy {
		return m.integration
	}
	return "integration " + m.integration
}

// mappingOf extracts a record's mapping into *m. It is false when a field is missing, empty or
// of the wrong type: the schema and the field rules report those, and the set rules skip the
// record.
func mappingOf(rec *payload.Record, m *mapping) bool {
	email, ef, ok := rec.String(payload.FieldEmail)
	if !ok {
		return false
	}
	if email = trimmed(ef); email == "" {
		return false
	}
	idName, integration, legacy := payload.FieldIdentity, "", false
	if f, ok := rec.Field(payload.FieldApplicationType); ok && f.Kind == payload.KindString {
		idName, integration, legacy = payload.FieldCloudID, ascii.Upper(trimmed(f)), true
	} else if f, ok := rec.Field(payload.FieldIntegrationID); ok && f.Kind == payload.KindNumber {
		integration = f.Value
	}
	if integration == "" {
		return false
	}
	identity, idf, ok := rec.String(idName)
	if !ok {
		return false
	}
	if identity = trimmed(idf); identity == "" {
		return false
	}
	m.set(email, integration, legacy, identity)
	m.emailAt, m.identityAt = offsetOf(ef, email), offsetOf(idf, identity)
	return true
}

// trimmed returns a string field's value without the white space around it: the value itself
// when the reader found it plain, with no white space to trim.
func trimmed(f *payload.Field) string {
	if f.Plain {
		return f.Value
	}
	return strings.TrimSpace(f.Value)
}

// offsetOf returns where trimmed, the field's value trimmed, is written as it is in the input,
// or -1.
func offsetOf(f *payload.Field, trimmed string) int64 {
	if !f.Verbatim {
		return -1
	}
	if len(trimmed) == len(f.Value) {
		return f.Offset
	}
	// trimmed starts with the value's first character that is not a space, so its first
	// occurrence is where the trimming left it.
	return f.Offset + int64(strings.Index(f.Value, trimmed))
}

// newMapping derives a mapping's keys from its trimmed email, its integration (an uppercased
// applicationType when legacy, else an integrationId) and its trimmed identity.
func newMapping(email, integration string, legacy bool, identity string) mapping {
	var m mapping
	m.set(email, integration, legacy, identity)
	return m
}

// set is newMapping, in place, member by member: the record stage sets each record's mapping
// in its batch, where a mapping built and then copied would stall (see chunked.grow).
func (m *mapping) set(email, integration string, legacy bool, identity string) {
	*m = mapping{} // zeroed first: a member added to mapping and not set here is zero
	m.email, m.emailKey, m.integration, m.legacy = email, ascii.Lower(email), integration, legacy
	m.identity, m.identityKey, m.emailAt, m.identityAt = identity, identity, -1, -1
	if m.foldCase = legacy && caseInsensitiveLogins(integration); m.foldCase {
		m.identityKey = ascii.Lower(identity)
	}
}

// seed is fixed for the life of the process: every index of a run must hash alike.
var seed = maphash.MakeSeed()

// mix folds the hash of one more part into h. The multiply and rotation keep the parts' order
// and boundaries: ("ab", "c") and ("a", "bc") hash apart.
func mix(h, part uint64) uint64 { return bits.RotateLeft64(h*0x9E3779B97F4A7C15, 31) ^ part }

// hashBytes hashes bytes with the run's seed.
func hashBytes(b []byte) uint64 { return maphash.Bytes(seed, b) }
