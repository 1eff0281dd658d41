package validate

import (
	"hash/maphash"

	"github.com/idlint/idlint/internal/confusables"
)

// keyHasher computes the keys of one mapping (see keyKind), hashing each of its texts once
// however many keys are made of it. Keys are 64-bit hashes instead of strings, so an index
// costs bytes per record; two different keys share a hash with probability about n²/2⁶⁵
// (3·10⁻⁸ for a million records), which would at worst merge two unrelated keys in one
// message.
//
// A look-alike key hashes the text's key in a confusables.Form rather than its skeleton: the
// same relation, since two texts have equal keys exactly when they have equal skeletons, but
// most texts are their own key, and then the hash of the text, which the other keys need
// anyway, is the look-alike key too, with no skeleton to build.
type keyHasher struct {
	m       *mapping
	scratch *[]byte // for the keys of texts that are not their own; nil will do

	hashed                       uint8 // which of the three below are computed, a bit each
	integration, email, identity uint64
	owns                         uint8 // OwnKey of the email and the identity, once known
}

const (
	hashedIntegration = 1 << iota
	hashedEmail
	hashedIdentity
)

// keyHasher.owns holds what OwnKey told of the email, in the low bits, and of the identity,
// shifted by identityOwns: whether it is known yet, and then its two answers.
const (
	ownKnown = 1 << iota
	ownIsKey
	ownIsASCII

	identityOwns = 3
)

// key returns the mapping's key of kind k.
func (h *keyHasher) key(k keyKind) uint64 {
	m := h.m
	switch k {
	case keyAccount:
		return mix(h.integrationHash(), h.text(hashedIdentity, &h.identity, m.identityKey))
	case keyDeveloper:
		if dev := developerKey(m.emailKey); len(dev) != len(m.emailKey) {
			return mix(h.integrationHash(), maphash.String(seed, dev))
		}
		return mix(h.integrationHash(), h.text(hashedEmail, &h.email, m.emailKey))
	case keyLookAlike:
		if own, _ := h.ownKey(k); own {
			return h.text(hashedEmail, &h.email, m.emailKey)
		}
		return h.formKey(m.emailKey, confusables.Words)
	case keyIdentityLookAlike:
		if own, _ := h.ownKey(k); own {
			return mix(h.integrationHash(), h.text(hashedIdentity, &h.identity, m.identityKey))
		}
		return mix(h.integrationHash(), h.formKey(m.identityKey, confusables.Numbers))
	}
	panic("validate: a set rule without a key")
}

// integrationHash hashes the integration. An applicationType and an integrationId never match,
// however spelt.
func (h *keyHasher) integrationHash() uint64 {
	if h.hashed&hashedIntegration == 0 {
		h.integration = maphash.String(seed, h.m.integration)
		if h.m.legacy {
			h.integration = ^h.integration
		}
		h.hashed |= hashedIntegration
	}
	return h.integration
}

// text returns the hash of s, kept in *sum under the bit done.
func (h *keyHasher) text(done uint8, sum *uint64, s string) uint64 {
	if h.hashed&done == 0 {
		*sum = maphash.String(seed, s)
		h.hashed |= done
	}
	return *sum
}

// ownKey reports whether the text of a look-alike key is its own key in its form, and whether
// it is ASCII.
func (h *keyHasher) ownKey(k keyKind) (own, isASCII bool) {
	shift, text, form := 0, h.m.emailKey, confusables.Words
	if k == keyIdentityLookAlike {
		shift, text, form = identityOwns, h.m.identityKey, confusables.Numbers
	}
	bits := h.owns >> shift
	if bits&ownKnown == 0 {
		bits = ownKnown
		if own, isASCII := confusables.OwnKey(text, form); own {
			bits |= ownIsKey | ownIsASCII
		} else if isASCII {
			bits |= ownIsASCII
		}
		h.owns |= bits << shift
	}
	return bits&ownIsKey != 0, bits&ownIsASCII != 0
}

// formKey hashes the key in form f of a text that is not its own key.
func (h *keyHasher) formKey(s string, f confusables.Form) uint64 {
	var local []byte
	buf := &local
	if h.scratch != nil {
		buf = h.scratch
	}
	*buf = confusables.AppendKey((*buf)[:0], s, f)
	return hashBytes(*buf)
}

// textSum hashes the mapping's email and identity as written (see textRef.sum). They are
// usually the texts of the keys, already hashed: an email without uppercase letters is its
// own emailKey, the very same string (see ascii.Lower).
func (h *keyHasher) textSum() uint32 {
	m := h.m
	var email, identity uint64
	if m.email == m.emailKey {
		email = h.text(hashedEmail, &h.email, m.emailKey)
	} else {
		email = maphash.String(seed, m.email)
	}
	if m.identity == m.identityKey {
		identity = h.text(hashedIdentity, &h.identity, m.identityKey)
	} else {
		identity = maphash.String(seed, m.identity)
	}
	sum := mix(email, identity)
	return uint32(sum>>32) ^ uint32(sum)
}
