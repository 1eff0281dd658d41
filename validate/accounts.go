package validate

import "hash/maphash"

// accounts indexes who claims each account — an identity in an integration — across all inputs
// of a run. duplicate-record and duplicate-cloud-id both read it, so the index is built once
// per record and costs one map entry per distinct account, and one per distinct email of an
// account that several emails claim. Each record costs a constant time, however many emails
// claim its account: a placeholder identity ("unknown", a shared bot) given to thousands of
// developers is a common fault, and must not make a run quadratic.
type accounts struct {
	first     map[uint64]claim    // account → its first claim
	contested map[uint64]*contest // account → its claims, once a second email claims it
	// claimed: (account, email) → that email's first claim of a contested account, for the
	// claims past those the contest names.
	claimed map[uint64]claim
}

// A claim is one email's mapping to an account.
type claim struct {
	email Text // lowercased
	at    Ref
}

// A contest is what is known of an account that several emails claim.
type contest struct {
	named []claim // the first claims by distinct emails, in input order: as many as a message names
	count int     // the claims by distinct emails
	// overflow holds the claims past the named ones whose key in accounts.claimed another
	// email has taken: two emails whose hashes collide, almost never.
	overflow []claim
}

// accountView is what the index knew of the current record's account before the record.
type accountView struct {
	// claims are the first earlier claims by distinct emails, in input order, at most
	// maxClaimsNamed+1 of them; nil for a new account. count is how many there were in all.
	claims []claim
	count  int
	// same is the earlier claim by this record's own email, if any: the record repeats it.
	same *claim
}

// observe records the current record's claim and returns what was known before it.
func (a *accounts) observe(p *Pass, m mapping) accountView {
	key := keyAccount.hash(&m, nil)
	if a.first == nil {
		a.first, a.contested, a.claimed = map[uint64]claim{}, map[uint64]*contest{}, map[uint64]claim{}
	}
	prev, seen := a.first[key]
	if !seen {
		a.first[key] = claim{email: p.Keep(m.emailKey), at: p.Here()}
		return accountView{}
	}
	texts := &p.st.texts
	c := a.contested[key]
	if c == nil {
		if texts.equal(prev.email, m.emailKey) {
			return accountView{claims: []claim{prev}, count: 1, same: &prev}
		}
		c = &contest{named: []claim{prev}, count: 1}
		a.contested[key] = c
	}
	for i := range c.named {
		if texts.equal(c.named[i].email, m.emailKey) {
			return accountView{claims: c.named, count: c.count, same: &c.named[i]}
		}
	}
	view := accountView{claims: c.named[:len(c.named):len(c.named)], count: c.count}
	if len(c.named) <= maxClaimsNamed { // then every claim is named: this one is new
		c.named = append(c.named, claim{email: p.Keep(m.emailKey), at: p.Here()})
		c.count++
		return view
	}
	// The claims past the named ones are in claimed, by email, or in the overflow.
	ek := emailClaimKey(key, m.emailKey)
	same, taken := a.claimed[ek]
	if taken && texts.equal(same.email, m.emailKey) {
		view.same = &same
		return view
	}
	for i := range c.overflow {
		if texts.equal(c.overflow[i].email, m.emailKey) {
			view.same = &c.overflow[i]
			return view
		}
	}
	mine := claim{email: p.Keep(m.emailKey), at: p.Here()}
	if taken {
		c.overflow = append(c.overflow, mine)
	} else {
		a.claimed[ek] = mine
	}
	c.count++
	return view
}

// emailClaimKey keys an email's claim of an account; a variable, so that a test can make
// every email collide.
var emailClaimKey = func(account uint64, emailKey string) uint64 {
	return mix(account, maphash.String(seed, emailKey))
}
