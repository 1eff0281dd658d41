package validate

import "strings"

// ConflictingMapping warns about one developer split across identities in one integration.
var ConflictingMapping = &Rule{
	ID:       "conflicting-mapping",
	Severity: SeverityWarning,
	Summary:  "one developer has two or more identities in one integration",
	Doc: `Within one integration a developer has one account. The same email mapped to two different
cloud IDs there — or emails that differ only in case or by a +tag ("jane+github@acme.com")
mapped to different cloud IDs — splits the developer: part of their work is attributed to an
account SEI may link to nobody, or to someone else. Keep the mapping to the account the
developer really uses; if two people share an email, give each their own.`,
	Bad: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
jane.doe@acme.com,GITHUB,janedoe
jane.doe@acme.com,GITHUB,jdoe-acme
jane.doe+gitlab@acme.com,GITLAB,jane.doe
jane.doe@acme.com,GITLAB,jdoe
`},
	Good: Example{Name: "identities.csv", Text: `email,applicationType,cloudId
jane.doe@acme.com,GITHUB,janedoe
jane.doe@acme.com,GITLAB,jane.doe
`},
	Set:     newConflictingMapping,
	setKeys: []keyKind{keyDeveloper},
}

// A holding is the first identity a developer was seen with in an integration.
type holding struct {
	identity Text // trimmed, as written
	email    Text // trimmed, as written
	at       Ref
}

func newConflictingMapping() func(*Pass) {
	first := map[uint64]holding{} // (developer, integration) → first identity
	return func(p *Pass) {
		m, ok := p.Mapping()
		if !ok {
			return
		}
		key := keyDeveloper.hash(&m, nil)
		prev, seen := first[key]
		if !seen {
			first[key] = holding{identity: p.Keep(m.identity), email: p.Keep(m.email), at: p.Here()}
			return
		}
		prevEmail, prevIdentity := p.Text(prev.email), p.Text(prev.identity)
		p.Mention(prevEmail, prevIdentity)
		if prevIdentity == m.identity || m.foldCase && strings.EqualFold(prevIdentity, m.identity) {
			return // the same identity: a duplicate-record or a duplicate-cloud-id, if anything
		}
		switch {
		case prevEmail == m.email:
			p.Reportf(p.Record().Pos, "", "%s is already mapped to %q in %s (%s); one developer with two identities in one integration has their work split: keep one",
				m.email, prevIdentity, m.system(), p.Where(prev.at))
		case strings.EqualFold(prevEmail, m.email):
			p.Reportf(p.Record().Pos, "", "%s and %s (%s) differ only in case but map to different identities in %s (%q, %q); if they are one developer, keep one identity",
				m.email, prevEmail, p.Where(prev.at), m.system(), m.identity, prevIdentity)
		default:
			p.Reportf(p.Record().Pos, "", "%s and %s (%s) differ only by a +tag but map to different identities in %s (%q, %q); if they are one developer, keep one identity",
				m.email, prevEmail, p.Where(prev.at), m.system(), m.identity, prevIdentity)
		}
	}
}

// developerKey folds the forms of one mailbox together: case, and a "+tag" after the local
// part ("jane.doe+github@acme.com" is delivered to jane.doe@acme.com).
func developerKey(emailKey string) string {
	if strings.IndexByte(emailKey, '+') < 0 {
		return emailKey // the common case, found faster than the @
	}
	at := strings.LastIndexByte(emailKey, '@')
	if at < 0 {
		return emailKey
	}
	if plus := strings.IndexByte(emailKey[:at], '+'); plus > 0 {
		return emailKey[:plus] + emailKey[at:]
	}
	return emailKey
}
