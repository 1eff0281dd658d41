// Package email decides whether a string is a usable work email address, for idlint's
// email-format rule and for the "email" format of the JSON Schema engine.
//
// It is deliberately narrower than RFC 5322. An identity file maps the address a developer
// commits and signs in with to an account ID, and Harness SEI matches that address as written.
// Quoted local parts, comments, IP-literal domains, display names, dotless and special-use
// domains are all legal in some standard, but no work account uses them; in an identity file
// they are almost always a copy-paste accident, and an address that can never be a mailbox
// silently attributes nothing. So Check accepts the practical form only, and when it refuses
// it says why in words a person can act on.
//
// Check is meant to run on every record of a large file: the common case (a plain ASCII
// address) costs a few passes over its bytes and no allocation. Only internationalized
// domains go through IDNA, and only refused addresses build a message.
package email

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/idlint/idlint/internal/ascii"
)

// Limits from RFC 5321 §4.5.3.1 (local part and whole path, in octets) and RFC 1035 §2.3.4
// (domain and label). The whole-address limit is the 256-octet path minus its angle brackets.
// Lengths are measured after the domain is IDNA-encoded, because the ASCII form is what
// travels in DNS and SMTP.
const (
	maxLocal   = 64
	maxAddress = 254
	maxDomain  = 253
	maxLabel   = 63

	// maxInput bounds the work done on input that cannot be an address at all: more than
	// maxInput bytes is more than maxInput/4 > maxAddress characters, and an ASCII form is
	// never shorter than the number of characters, so it is too long whatever it holds.
	maxInput = 4 * 1024
)

// Problem describes why an address is not a usable work address.
type Problem struct {
	// Message says what is wrong, in lower case without a final period, so that a caller can
	// write `email "x" <Message>`.
	Message string
	// Offset is the 0-based rune offset in the input where the fault is, best effort; 0 when
	// the fault is the address as a whole.
	Offset int
}

// Valid reports whether addr is a usable work address. It has the shape of a gojsonschema
// FormatChecker's test, so that a schema's `format: email` agrees with the email-format rule.
func Valid(addr string) bool { return Check(addr) == nil }

// Check returns nil when addr is a usable work address, and otherwise the first problem found.
//
// Problems are looked for in the order that gives the most useful message: first what is
// wrong with the text as text (invalid UTF-8), then whole-address shapes that would otherwise
// surface as a confusing character error (a display name, a quoted local part, a comment, an
// IP literal), then spaces and control characters, the @, the local part, the domain, and
// last the rules that need both parts (non-ASCII local parts, the total length).
//
// The caller is expected to trim surrounding whitespace; a leading or trailing space that
// is left is reported like any other. Uppercase letters are accepted: case is another rule's
// business.
func Check(addr string) *Problem {
	if addr == "" {
		return &Problem{Message: "is empty"}
	}
	// One pass over the bytes tells whether the slow paths are needed at all: a plain ASCII
	// address with no space, control or structural character goes straight to the parts.
	var seen uint8
	for i := 0; i < len(addr); i++ {
		seen |= class[addr[i]]
	}
	asciiOnly := seen&cNonASCII == 0
	if !asciiOnly && !utf8.ValidString(addr) {
		return problem(addr, firstInvalidUTF8(addr), "is not valid UTF-8")
	}
	if len(addr) > maxInput {
		return &Problem{Message: fmt.Sprintf("is %d characters; at most %d are allowed",
			utf8.RuneCountInString(addr), maxAddress)}
	}
	if seen&(cSpecial|cNonASCII) != 0 {
		if p := checkForm(addr); p != nil {
			return p
		}
		if p := checkChars(addr, asciiOnly); p != nil {
			return p
		}
	}

	at := strings.IndexByte(addr, '@')
	if at < 0 {
		return noAt(addr)
	}
	if next := strings.IndexByte(addr[at+1:], '@'); next >= 0 {
		return problem(addr, at+1+next,
			fmt.Sprintf("has %d @ signs", strings.Count(addr, "@")))
	}

	localNonASCII, p := -1, (*Problem)(nil)
	if local := addr[:at]; seen&(cSpecial|cNonASCII|cOther) != 0 || !plainLocal(local) {
		if localNonASCII, p = checkLocal(addr, at); p != nil {
			return p
		}
	}
	d, p := checkDomain(addr, at+1)
	if p != nil {
		return p
	}

	local := addr[:at]
	if localNonASCII >= 0 {
		// RFC 6531 lets a local part be UTF-8, but only with SMTPUTF8 end to end, and the
		// corporate mail systems that hold work accounts do not create such mailboxes at
		// ASCII domains. A non-ASCII local part at an ASCII domain is far more often a
		// look-alike character or a mis-paste than a real mailbox, so it is accepted only as
		// part of a fully internationalized address.
		if !d.nonASCII {
			msg := "non-ASCII local part needs an internationalized domain"
			if d.aLabel {
				msg += "; write the domain in Unicode (" + unicodeDomain(addr[at+1:]) +
					"), not in its xn-- form"
			}
			return problem(addr, localNonASCII, msg)
		}
		// Addresses are compared as strings: an address that is not NFC will not match the
		// same address typed, or committed, in the usual composed form.
		if !norm.NFC.IsNormalString(local) {
			return nfcProblem(addr, 0, local)
		}
	}

	if n := len(local) + 1 + d.asciiLen; n > maxAddress {
		unit := "characters"
		if localNonASCII >= 0 {
			unit = "bytes"
		}
		how := ""
		if d.nonASCII {
			how = " once the domain is IDNA-encoded"
		}
		return &Problem{Message: fmt.Sprintf("is %d %s%s; at most %d are allowed",
			n, unit, how, maxAddress)}
	}
	return nil
}

// problem builds a Problem at byte offset off of addr, converting it to a rune offset.
func problem(addr string, off int, msg string) *Problem {
	if off < 0 {
		off = 0
	}
	if off > len(addr) {
		off = len(addr)
	}
	return &Problem{Message: msg, Offset: utf8.RuneCountInString(addr[:off])}
}

// firstInvalidUTF8 returns the byte offset of the first invalid UTF-8 sequence in s.
func firstInvalidUTF8(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return 0
}

// checkForm recognises whole-address shapes that RFC 5322 allows and a work-identity file
// never needs. They are looked for before individual characters so that the message names
// the shape ("comments are not accepted") rather than a symptom ("contains a space").
func checkForm(addr string) *Problem {
	n := len(addr)
	if addr[n-1] == '>' {
		if lt := strings.LastIndexByte(addr, '<'); lt >= 0 {
			return displayName(addr, lt)
		}
	}
	lastAt := strings.LastIndexByte(addr, '@')
	// A '"' before the last @ opens a quoted local part ("a b"@x.org, "a".b@x.org), even an
	// unclosed or misplaced one; quoted strings may hold @ themselves, hence the last @.
	if q := strings.IndexByte(addr, '"'); q >= 0 && q < lastAt {
		return problem(addr, q, "quoted local parts are not accepted")
	}
	if c := strings.IndexByte(addr, '('); c >= 0 {
		return problem(addr, c, "comments are not accepted")
	}
	if lastAt >= 0 && lastAt+1 < n && addr[lastAt+1] == '[' {
		return problem(addr, lastAt+1, "IP-literal domains are not accepted")
	}
	return nil
}

// displayName reports a name-addr ("Carol <c@x.com>") or angle-addr ("<c@x.com>"), whose
// angle brackets open at byte lt, and gives the bare address to use instead. The address
// inside is checked too (once: no recursion), so the suggestion is never itself wrong.
func displayName(addr string, lt int) *Problem {
	inner := addr[lt+1 : len(addr)-1]
	var msg string
	if strings.TrimSpace(addr[:lt]) == "" {
		msg = "is wrapped in angle brackets"
	} else {
		msg = fmt.Sprintf("has a display name (%q)", strings.TrimSpace(addr[:lt]))
	}
	if strings.TrimSpace(inner) == "" {
		msg += " with no address in it"
	} else if p := checkInner(inner); p != nil {
		msg += fmt.Sprintf("; the address in it, %s, is not usable either: %s", inner, p.Message)
	} else {
		msg += "; give only the address: " + inner
	}
	return &Problem{Message: msg}
}

// checkInner checks the address inside angle brackets, which may not itself be bracketed.
func checkInner(inner string) *Problem {
	if strings.HasSuffix(inner, ">") {
		return &Problem{Message: "has nested angle brackets"}
	}
	return Check(inner)
}

// checkChars reports the first space, line break, control, invisible, private-use or
// unassigned character anywhere in addr. None of these can be in a usable address, and
// several are invisible on screen, so each is named with its code point.
func checkChars(addr string, asciiOnly bool) *Problem {
	if asciiOnly {
		for i := 0; i < len(addr); i++ {
			if c := addr[i]; c <= ' ' || c == 0x7f {
				return problem(addr, i, charMessage(rune(c)))
			}
		}
		return nil
	}
	for i, r := range addr {
		if (r <= ' ' || r >= 0x7f) && (r == utf8.RuneError || !(r >= 0xa0 && unicode.In(r, safeTables...))) {
			if msg := charMessage(r); msg != "" {
				return problem(addr, i, msg)
			}
		}
	}
	return nil
}

// safeTables are the categories of characters that checkChars never objects to: letters,
// marks, numbers, punctuation and symbols (whether a domain may hold them is for IDNA).
var safeTables = []*unicode.RangeTable{unicode.L, unicode.M, unicode.N, unicode.P, unicode.S}

const (
	zwnj = '\u200c'
	zwj  = '\u200d'
)

// charMessage returns the problem with r, or "" when r is allowed.
func charMessage(r rune) string {
	switch {
	case r == ' ':
		return "contains a space"
	case r == '\t':
		return "contains a tab"
	case r == '\n' || r == '\r' || r == 0x85 || r == 0x2028 || r == 0x2029:
		return fmt.Sprintf("contains a line break (%U)", r)
	case r < 0x20 || (r >= 0x7f && r < 0xa0):
		return fmt.Sprintf("contains a control character (%U)", r)
	case r < 0x7f:
		return ""
	case unicode.Is(unicode.Zs, r):
		return fmt.Sprintf("contains a space (%U)", r)
	case r == zwnj || r == zwj:
		// Needed inside words of several scripts (Persian, Indic); IDNA's CONTEXTJ rules
		// police them in domains.
		return ""
	case unicode.Is(unicode.Cf, r):
		return fmt.Sprintf("contains an invisible formatting character (%U)", r)
	case unicode.Is(unicode.Co, r):
		return fmt.Sprintf("contains a private-use character (%U)", r)
	case r == utf8.RuneError:
		return "contains the replacement character (U+FFFD), a sign the text was decoded with the wrong encoding"
	case !unicode.In(r, safeTables...):
		return fmt.Sprintf("contains an unassigned character (%U)", r)
	}
	return ""
}

// noAt reports an address without '@', pointing at a look-alike if there is one.
func noAt(addr string) *Problem {
	for i, r := range addr {
		if r == '＠' || r == '﹫' {
			return problem(addr, i, fmt.Sprintf("has no @; %q (%U) only looks like one", string(r), r))
		}
	}
	return &Problem{Message: "has no @"}
}

// Character classes of bytes, for the table below.
const (
	cAtext    = 1 << iota // RFC 5322 atext: allowed in a dot-atom local part
	cLDH                  // letter, digit or hyphen: allowed in a domain label
	cLetter               // ASCII letter: allowed in a top-level domain
	cSpecial              // space, control, or a character that starts a shape checkForm knows
	cNonASCII             // a byte of a multi-byte UTF-8 sequence (or invalid UTF-8)
	cOther                // any other ASCII character that is not atext, a dot or an @
)

// class has the character classes of each byte.
var class = func() (t [256]uint8) {
	for c := 0; c <= ' '; c++ {
		t[c] |= cSpecial
	}
	for _, c := range "\x7f\"([<>" {
		t[c] |= cSpecial
	}
	for c := utf8.RuneSelf; c < len(t); c++ {
		t[c] |= cNonASCII
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= cAtext | cLDH | cLetter
		t[c-'a'+'A'] |= cAtext | cLDH | cLetter
	}
	for c := '0'; c <= '9'; c++ {
		t[c] |= cAtext | cLDH
	}
	t['-'] |= cLDH
	for _, c := range "!#$%&'*+-/=?^_`{|}~" {
		t[c] |= cAtext
	}
	for c := range utf8.RuneSelf {
		if t[c] == 0 && c != '.' && c != '@' {
			t[c] |= cOther
		}
	}
	return t
}()

// plainLocal reports whether a local part of atext and dots only is a dot-atom that checkLocal
// passes: the common case, which then needs no look at each character.
func plainLocal(local string) bool {
	return local != "" && local[0] != '.' && local[len(local)-1] != '.' && len(local) <= maxLocal &&
		!strings.Contains(local, "..")
}

// checkLocal checks the local part addr[:at] as an RFC 5322 dot-atom. It returns the byte
// offset of its first non-ASCII character, or -1, for the checks that need the domain too.
func checkLocal(addr string, at int) (nonASCII int, p *Problem) {
	local := addr[:at]
	if local == "" {
		return -1, problem(addr, at, "local part is empty")
	}
	if local[0] == '.' {
		return -1, problem(addr, 0, "local part starts with a dot")
	}
	nonASCII = -1
	for i := 0; i < len(local); i++ {
		c := local[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(local[i:])
			if nonASCII < 0 {
				nonASCII = i
			}
			switch {
			case r == '＠' || r == '﹫':
				return -1, problem(addr, i, fmt.Sprintf("local part contains %q (%U), which looks like @ but is not", string(r), r))
			case (i == 0 || local[i-1] == '.') && unicode.In(r, unicode.M):
				return -1, problem(addr, i, fmt.Sprintf("local part has a combining mark (%U) with nothing to combine with", r))
			}
			i += size - 1
			continue
		}
		if c == '.' {
			if i+1 < len(local) && local[i+1] == '.' {
				return -1, problem(addr, i, "has two dots in a row")
			}
			continue
		}
		if class[c]&cAtext == 0 {
			return -1, problem(addr, i, fmt.Sprintf("local part contains %s, which is not allowed", strconv.Quote(string(c))))
		}
	}
	if local[len(local)-1] == '.' {
		return -1, problem(addr, at-1, "local part ends with a dot")
	}
	if len(local) > maxLocal {
		unit := "characters"
		if nonASCII >= 0 {
			unit = "bytes in UTF-8"
		}
		return -1, problem(addr, maxLocal, fmt.Sprintf("local part is %d %s; at most %d are allowed", len(local), unit, maxLocal))
	}
	return nonASCII, nil
}

// domainInfo is what the cross-part checks need to know about a valid domain.
type domainInfo struct {
	asciiLen int  // length of the ASCII (A-label) form
	nonASCII bool // written with non-ASCII characters (an internationalized domain in Unicode)
	aLabel   bool // has an xn-- label
}

// specialUse are the special-use top-level names (RFC 6761, RFC 7686, RFC 6762 and .arpa)
// that can never hold a mailbox. The example.com/.net/.org domains (RFC 2606) are reserved
// for documentation, not special-use: they are accepted, because tests and samples use them
// and no real identity file would be harmed by them.
var specialUse = [...]string{"localhost", "local", "invalid", "test", "onion", "arpa"}

// isSpecialUse reports whether tld is one of specialUse, in any case.
func isSpecialUse(tld string) bool {
	if n := len(tld); n < 4 || n > 9 {
		return false // the common case: two- and three-letter TLDs
	}
	for _, s := range specialUse {
		if strings.EqualFold(tld, s) {
			return true
		}
	}
	return false
}

// checkDomain checks the domain that starts at byte start of addr.
func checkDomain(addr string, start int) (domainInfo, *Problem) {
	var d domainInfo
	dom := addr[start:]
	if dom == "" {
		return d, problem(addr, start, "domain is empty")
	}
	if dom[0] == '.' {
		return d, problem(addr, start, "domain starts with a dot")
	}
	if dom[len(dom)-1] == '.' {
		// A trailing dot is legal in DNS (the root) but never part of a mail address.
		return d, problem(addr, len(addr)-1, "domain ends with a dot")
	}

	if goodASCII.has(dom) {
		return domainInfo{asciiLen: len(dom)}, nil
	}

	// Syntax of the labels as written. Non-ASCII labels are left to IDNA, but the hyphen
	// rules are the same in both forms and read better about the label as written.
	labelStart, labelASCII := 0, true
	for i := 0; i <= len(dom); i++ {
		if i < len(dom) && dom[i] != '.' {
			c := dom[i]
			if c >= utf8.RuneSelf {
				d.nonASCII, labelASCII = true, false
			} else if class[c]&cLDH == 0 {
				return d, problem(addr, start+i, fmt.Sprintf(
					"domain contains %s, which is not allowed (only letters, digits, hyphens and dots are)",
					strconv.Quote(string(c))))
			}
			continue
		}
		label := dom[labelStart:i]
		off := start + labelStart
		switch {
		case label == "":
			return d, problem(addr, start+i-1, "has two dots in a row")
		case label[0] == '-':
			return d, problem(addr, off, fmt.Sprintf("domain label %q starts with a hyphen", label))
		case label[len(label)-1] == '-':
			return d, problem(addr, off+len(label)-1, fmt.Sprintf("domain label %q ends with a hyphen", label))
		case labelASCII && len(label) > maxLabel:
			return d, problem(addr, off, fmt.Sprintf("domain label %q is %d characters; at most %d are allowed",
				label, len(label), maxLabel))
		case len(label) >= 4 && label[2] == '-' && label[3] == '-':
			// RFC 5891 §4.2.3.1: "--" in the 3rd and 4th positions is reserved for IDNA's
			// "xn--"; registries accept no other such label.
			if strings.EqualFold(label[:2], "xn") {
				d.aLabel = true
			} else if labelASCII {
				return d, problem(addr, off+2, fmt.Sprintf(
					"domain label %q has \"--\" in the 3rd and 4th positions, which only xn-- labels may", label))
			}
		}
		labelStart, labelASCII = i+1, true
	}

	ascii := dom
	if d.nonASCII || d.aLabel {
		if ok, found := goodIDN.Load(dom); found {
			return ok.(domainInfo), nil
		}
		var p *Problem
		if ascii, p = toASCII(addr, start); p != nil {
			return d, p
		}
		if p := checkALabelLengths(addr, start, ascii); p != nil {
			return d, p
		}
	}
	d.asciiLen = len(ascii)
	if len(ascii) > maxDomain {
		how := ""
		if d.nonASCII {
			how = " once IDNA-encoded"
		}
		return d, problem(addr, start, fmt.Sprintf("domain is %d characters%s; at most %d are allowed",
			len(ascii), how, maxDomain))
	}

	lastDot := strings.LastIndexByte(ascii, '.')
	tld := ascii[lastDot+1:]
	if isSpecialUse(tld) {
		return d, problem(addr, start, fmt.Sprintf("domain %q is special-use and can never receive mail", dom))
	}
	if lastDot < 0 {
		return d, problem(addr, start, "domain has no dot")
	}
	rawTLDStart := start + strings.LastIndexByte(dom, '.') + 1
	if p := checkTLD(addr, rawTLDStart, tld); p != nil {
		return d, p
	}
	if (d.nonASCII || d.aLabel) && goodIDNs.Add(1) <= maxGoodIDNs {
		goodIDN.Store(strings.Clone(dom), d) // as goodASCII.add: not pinning, nor trusting, the caller's text
	} else if !d.nonASCII && !d.aLabel {
		goodASCII.add(dom)
	}
	return d, nil
}

// goodASCII remembers ASCII domains (without xn-- labels) that passed checkDomain, whose
// result is then only the domain's length: a file's addresses share a handful of domains, and
// comparing one costs a fraction of checking its labels, which was a third of a check.
var goodASCII domainCache

// A domainCache holds a few strings, each in the slot its hash picks.
// A slot keeps the first string it gets: the domains a file uses most come early and often,
// and a rare one that collides with them must not evict them. Checks run on several
// goroutines at once, hence the atomic pointers: a reader sees a whole string or none.
type domainCache struct {
	slots [256]atomic.Pointer[string]
}

// slot picks dom's slot from its length and its first and last eight bytes. That takes no call,
// where hash/maphash took a fifth of a check; a domain that ties with another for its slot
// just goes without the cache, and domains that share their last eight bytes ("acme.com") are
// told apart by the length or the first bytes.
func (c *domainCache) slot(dom string) *atomic.Pointer[string] {
	var h uint64
	if n := len(dom); n >= 8 {
		h = ascii.Word(dom, 0) ^ bits.RotateLeft64(ascii.Word(dom, n-8), 31)
	} else {
		for i := range n {
			h = h<<8 | uint64(dom[i])
		}
	}
	h = (h ^ uint64(len(dom))) * 0x9E3779B97F4A7C15
	return &c.slots[h>>56]
}

func (c *domainCache) has(dom string) bool {
	p := c.slot(dom).Load()
	return p != nil && *p == dom
}

// reset empties the cache, for tests.
func (c *domainCache) reset() {
	for i := range c.slots {
		c.slots[i].Store(nil)
	}
}

func (c *domainCache) add(dom string) {
	if slot := c.slot(dom); slot.Load() == nil {
		kept := strings.Clone(dom) // not pinning the rest of the caller's text
		slot.CompareAndSwap(nil, &kept)
	}
}

// goodIDN holds internationalized domains that passed checkDomain, with what it found: IDNA
// conversion is by far the costliest part of a check, and a file has few domains, each on
// many addresses. Only a pass is kept, since a problem's position depends on the whole
// address; and only the first maxGoodIDNs domains, so that a file of unique domains cannot
// grow it without bound. Whether a domain passes depends on the domain alone.
var (
	goodIDN  sync.Map // domain as written → domainInfo
	goodIDNs atomic.Int64
)

const maxGoodIDNs = 4096

// checkTLD checks the top-level domain, whose ASCII form is tld and which is written at
// byte rawStart of addr. Every real top-level domain is letters only, or an IDNA label whose
// Unicode form is letters (and the marks that go with them); anything else (a digit, a
// hyphen, a single letter) is a typo or a truncation that DNS can never resolve.
func checkTLD(addr string, rawStart int, tld string) *Problem {
	raw := addr[rawStart:]
	if len(tld) >= 4 && strings.EqualFold(tld[:4], "xn--") {
		u := raw
		if ascii.IsASCII(raw) {
			u, _ = registration.ToUnicode(strings.ToLower(raw))
		}
		for i, r := range u {
			if !unicode.In(r, unicode.L, unicode.M) {
				return problem(addr, rawStart+min(i, len(raw)), fmt.Sprintf("top-level domain %q must be letters", raw))
			}
		}
		return nil
	}
	for i := 0; i < len(tld); i++ {
		if class[tld[i]]&cLetter == 0 {
			if isDottedQuad(addr[strings.LastIndexByte(addr, '@')+1:]) {
				return problem(addr, strings.LastIndexByte(addr, '@')+1, "IP-address domains are not accepted")
			}
			return problem(addr, rawStart+i, fmt.Sprintf("top-level domain %q must be letters", raw))
		}
	}
	if len(tld) < 2 {
		// ICANN has never delegated a one-letter top-level domain; "acme.c" is a cut-off ".com".
		return problem(addr, rawStart, fmt.Sprintf("top-level domain %q is one letter; every real one has at least two", raw))
	}
	return nil
}

// isDottedQuad reports whether dom looks like an IPv4 address written without brackets.
func isDottedQuad(dom string) bool {
	parts := 0
	for _, label := range strings.Split(dom, ".") {
		if label == "" || len(label) > 3 {
			return false
		}
		for i := 0; i < len(label); i++ {
			if label[i] < '0' || label[i] > '9' {
				return false
			}
		}
		parts++
	}
	return parts == 4
}
