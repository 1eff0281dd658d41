package validate

// accounts indexes who claims each account — an identity in an integration — across all inputs
// of a run. duplicate-record and duplicate-cloud-id both read it, so the index is built once
// per record and costs one map entry per distinct account.
type accounts struct {
	first     map[uint64]claim   // account → its first claim
	contested map[uint64][]claim // account → every distinct email's first claim, once there are two
}

// A claim is one email's mapping to an account.
type claim struct {
	email Text // lowercased
	at    Ref
}

// accountView is what the index knew of the current record's account before the record.
type accountView struct {
	// claims are the earlier claims by distinct emails, in input order; nil for a new account.
	claims []claim
	// same is the earlier claim by this record's own email, if any: the record repeats it.
	same *claim
}

// observe records the current record's claim and returns what was known before it.
func (a *accounts) observe(p *Pass, m mapping) accountView {
	key := keyAccount.hash(&m, nil)
	if a.first == nil {
		a.first, a.contested = map[uint64]claim{}, map[uint64][]claim{}
	}
	prev, seen := a.first[key]
	if !seen {
		a.first[key] = claim{email: p.Keep(m.emailKey), at: p.Here()}
		return accountView{}
	}
	claims := a.contested[key]
	if claims == nil {
		claims = []claim{prev}
	}
	for i := range claims {
		if p.st.texts.equal(claims[i].email, m.emailKey) {
			return accountView{claims: claims, same: &claims[i]}
		}
	}
	view := accountView{claims: claims}
	a.contested[key] = append(claims[:len(claims):len(claims)], claim{email: p.Keep(m.emailKey), at: p.Here()})
	return view
}
