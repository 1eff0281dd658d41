package email

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/bidi"
	"golang.org/x/text/unicode/norm"
)

// registration validates internationalized domains.
//
// It is the IDNA2008 registration profile (RFC 5891 §4): STD3 characters only, NFC, the
// hyphen rules, the CONTEXTJ joiner rules and the bidi rule (RFC 5893), non-transitional
// (so "ß" and "ς" stay themselves, as IDNA2008 says), and, unlike the lookup profile, no
// UTS #46 mapping. The lookup profile would silently turn full-width letters, "⒈" or the
// ideographic full stop "。" into something else and accept the result; but an identity file
// stores the address as written, and SEI matches that text, so an address that is only valid
// after mapping will never match the address the developer really uses. The one mapping
// idlint tolerates is case: foldCase lowercases the domain before this profile sees it,
// because case is reported by its own rule.
//
// Lengths are not verified here (VerifyDNSLength off) but by checkALabelLengths and
// checkDomain, which can say which limit failed and by how much.
var registration = idna.New(idna.ValidateForRegistration(), idna.VerifyDNSLength(false))

// mapForHint is the UTS #46 lookup mapping, used only to suggest what a refused character
// should have been ("－" → "-"). Hyphen checks are off because the hint is for one character.
var mapForHint = idna.New(idna.MapForLookup(), idna.CheckHyphens(false))

// toASCII validates the internationalized domain at byte start of addr and returns its
// ASCII form.
func toASCII(addr string, start int) (string, *Problem) {
	dom := addr[start:]
	if !norm.NFC.IsNormalString(dom) {
		return "", nfcProblem(addr, start, dom)
	}
	lower := foldCase(dom)
	ascii, err := registration.ToASCII(lower)
	if err == nil {
		if r, off, ok := nonIDNA2008(dom, lower, ascii); ok {
			reason := fmt.Sprintf("%q (%U) is not allowed in a domain name (IDNA2008 allows letters, marks and digits)", string(r), r)
			return "", problem(addr, start+off, fmt.Sprintf("internationalized domain %q is invalid: %s", dom, reason))
		}
		return ascii, nil
	}
	reason, off := idnaReason(dom, lower, err)
	return "", problem(addr, start+off, fmt.Sprintf("internationalized domain %q is invalid: %s", dom, reason))
}

// idna2008Exceptions are the non-letter, non-digit characters that IDNA2008 allows in a
// label (RFC 5892 §2.6 PVALID and CONTEXTO exceptions, and the CONTEXTJ joiners).
var idna2008Exceptions = [...]rune{
	'\u06fd', '\u06fe', '\u0f0b', '\u3007', // PVALID
	'\u00b7', '\u0375', '\u05f3', '\u05f4', '\u30fb', // CONTEXTO
	zwnj, zwj, // CONTEXTJ
}

// nonIDNA2008 finds a character that the idna package accepts but IDNA2008 does not: the
// package's tables are UTS #46, whose "valid, NV8" characters (symbols and punctuation such
// as emoji, "💩.la") are not IDNA2008 PVALID, and it does not tell them apart. IDNA2008's
// PVALID characters are all letters (Ll, Lu, Lo, Lm), marks (Mn, Mc) or digits (Nd) but for the
// listed exceptions, so anything else is refused here. dom is the domain as written, lower
// its lowercase form and ascii its ASCII form; the returned offset is a byte offset in dom.
func nonIDNA2008(dom, lower, ascii string) (rune, int, bool) {
	u := lower // the Unicode form, unless some label was written as an A-label
	if strings.Contains(lower, "xn--") {
		if v, err := registration.ToUnicode(ascii); err == nil {
			u = v
		}
	}
	for _, r := range u {
		if r < utf8.RuneSelf || unicode.In(r, idna2008Letters...) || slices.Contains(idna2008Exceptions[:], r) {
			continue
		}
		off := strings.IndexRune(dom, r)
		if off < 0 {
			off = 0 // written as an xn-- label, or in another case
		}
		return r, off, true
	}
	return 0, 0, false
}

// idna2008Letters are the categories of IDNA2008's LetterDigits (RFC 5892 §2.1). Uppercase
// letters that reach nonIDNA2008 are those UTS #46 keeps as they are (Cherokee), since
// foldCase lowercases the others and registration refuses what is left.
var idna2008Letters = []*unicode.RangeTable{unicode.Ll, unicode.Lu, unicode.Lo, unicode.Lm, unicode.Mn, unicode.Mc, unicode.Nd}

// foldCase lowercases the uppercase letters of dom the way UTS #46 maps them, and leaves
// every other character alone for registration to judge. Only a true case mapping is
// applied: an uppercase letter with a compatibility decomposition (full-width "Ａ") is a
// different character, not a capital, and must still be refused. The result is put in NFC,
// since lowercasing can make a composable pair ("T̈" becomes "ẗ").
func foldCase(dom string) string {
	changed := false
	var b strings.Builder
	for i, r := range dom {
		lr := string(r)
		switch {
		case 'A' <= r && r <= 'Z':
			lr = string(r + 'a' - 'A')
		case r >= utf8.RuneSelf && (unicode.IsUpper(r) || unicode.IsTitle(r)) && norm.NFKC.IsNormalString(string(r)):
			if m, err := mapForHint.ToUnicode(string(r)); err == nil && m != "" {
				lr = m
			}
		}
		if lr != string(r) && !changed {
			changed = true
			b.Grow(len(dom))
			b.WriteString(dom[:i])
		}
		if changed {
			b.WriteString(lr)
		}
	}
	if !changed {
		return dom
	}
	return norm.NFC.String(b.String())
}

// nfcProblem reports that s, which starts at byte start of addr, is not NFC-normalized,
// pointing at the first character that normalization changes and showing both forms by
// code point, since on screen they usually look the same.
func nfcProblem(addr string, start int, s string) *Problem {
	i := norm.NFC.QuickSpanString(s)
	for i < len(s) {
		n := norm.NFC.NextBoundaryInString(s[i:], true)
		if n <= 0 {
			n = len(s) - i
		}
		seg := s[i : i+n]
		if ns := norm.NFC.String(seg); ns != seg {
			return problem(addr, start+i, fmt.Sprintf("is not NFC-normalized: %s should be %s",
				codePoints(seg), codePoints(ns)))
		}
		i += n
	}
	return problem(addr, start, "is not NFC-normalized")
}

// codePoints shows s quoted and as code points: "é" (U+0065 U+0301).
func codePoints(s string) string {
	var b strings.Builder
	b.WriteString(strconv.Quote(s))
	b.WriteString(" (")
	for i, r := range []rune(s) {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%U", r)
	}
	b.WriteByte(')')
	return b.String()
}

// idnaReason explains why registration refused dom (lowercased: lower), and where, as a byte
// offset in dom. The idna package's errors only name a label or a rune, so the reason is
// found again here, label by label; this runs only for refused domains.
func idnaReason(dom, lower string, err error) (string, int) {
	if r, ok := disallowedRune(err); ok {
		return runeReason(dom, r)
	}
	off := 0
	rest, restLower := dom, lower
	for {
		label, lowerLabel := rest, restLower
		if i := strings.IndexByte(rest, '.'); i >= 0 {
			label = rest[:i]
		}
		if i := strings.IndexByte(restLower, '.'); i >= 0 {
			lowerLabel = restLower[:i]
		}
		if _, err := registration.ToASCII(lowerLabel); err != nil {
			return labelReason(dom, off, label, lowerLabel, err)
		}
		if len(label) == len(rest) || len(lowerLabel) == len(restLower) {
			break
		}
		off += len(label) + 1
		rest, restLower = rest[len(label)+1:], restLower[len(lowerLabel)+1:]
	}
	// Every label is valid on its own: the bidi rule, which applies to all labels of a
	// domain that has a right-to-left label, is what failed (a label starting with a digit
	// next to an Arabic or Hebrew one, for instance).
	if hasRTL(lower) {
		return "it mixes right-to-left and left-to-right labels in a way the IDNA bidi rule (RFC 5893) does not allow", 0
	}
	return strings.TrimPrefix(err.Error(), "idna: "), 0
}

// labelReason explains why label (written at byte off of dom; lowercased: lowerLabel) is not
// a valid IDNA2008 label.
func labelReason(dom string, off int, label, lowerLabel string, err error) (string, int) {
	if r, ok := disallowedRune(err); ok {
		return runeReason(dom, r)
	}
	first, _ := utf8.DecodeRuneInString(lowerLabel)
	switch {
	case strings.HasPrefix(lowerLabel, "xn--"):
		if u, err := idna.Punycode.ToUnicode(lowerLabel); err == nil && u != lowerLabel {
			return fmt.Sprintf("label %q decodes to %q, which is not a valid IDNA2008 label", label, u), off
		}
		return fmt.Sprintf("label %q is not valid punycode", label), off
	case unicode.In(first, unicode.M):
		return fmt.Sprintf("label %q starts with a combining mark", label), off
	case strings.ContainsRune(lowerLabel, zwj) || strings.ContainsRune(lowerLabel, zwnj):
		return fmt.Sprintf("label %q has a zero-width joiner or non-joiner where IDNA does not allow one", label), off
	case len(lowerLabel) >= 4 && lowerLabel[2] == '-' && lowerLabel[3] == '-':
		return fmt.Sprintf("label %q has \"--\" in the 3rd and 4th positions, which only xn-- labels may", label), off
	case hasRTL(lowerLabel):
		return fmt.Sprintf("label %q breaks the IDNA bidi rule (RFC 5893)", label), off
	}
	return fmt.Sprintf("label %q is not a valid IDNA2008 label (%s)", label, strings.TrimPrefix(err.Error(), "idna: ")), off
}

// runeReason explains a character that IDNA2008 does not allow, suggesting what it maps to
// under UTS #46 when that exists (a full-width letter, an ideographic full stop).
func runeReason(dom string, r rune) (string, int) {
	off := 0
	written := r
	for i, c := range dom {
		if c == r || unicode.ToLower(c) == r {
			off, written = i, c
			break
		}
	}
	msg := fmt.Sprintf("%q (%U) is not allowed in a domain name", string(written), written)
	// Suggest the whole domain's standard form when that is valid ("ＡＢＣ.com" → "abc.com"),
	// else what the one character maps to ("－" → "-").
	if m, err := mapForHint.ToUnicode(dom); err == nil && m != dom {
		// registration accepts m first, so checkDomain does not come back here.
		if _, err := registration.ToASCII(m); err == nil && checkDomainOK(m) {
			return msg + fmt.Sprintf("; write %q instead", m), off
		}
	}
	if m, err := mapForHint.ToUnicode(string(written)); err == nil && m != "" && m != string(written) {
		msg += fmt.Sprintf("; write %q instead", m)
	}
	return msg, off
}

// checkDomainOK reports whether dom passes checkDomain.
func checkDomainOK(dom string) bool {
	_, p := checkDomain("x@"+dom, 2)
	return p == nil
}

// disallowedRune extracts the rune from the idna package's "disallowed rune" error. The
// package does not export its error types, so the text is the only handle on them.
func disallowedRune(err error) (rune, bool) {
	hex, ok := strings.CutPrefix(err.Error(), "idna: disallowed rune U+")
	if !ok {
		return 0, false
	}
	n, perr := strconv.ParseUint(hex, 16, 32)
	if perr != nil || n == uint64(utf8.RuneError) {
		return 0, false
	}
	return rune(n), true
}

// hasRTL reports whether s has a right-to-left character, which makes its domain subject
// to the bidi rule.
func hasRTL(s string) bool {
	for _, r := range s {
		if r < utf8.RuneSelf {
			continue
		}
		switch p, _ := bidi.LookupRune(r); p.Class() {
		case bidi.R, bidi.AL, bidi.AN:
			return true
		}
	}
	return false
}

// checkALabelLengths checks the label lengths of ascii, the ASCII form of the domain written
// at byte start of addr. Both have the same labels in the same order.
func checkALabelLengths(addr string, start int, ascii string) *Problem {
	raw := addr[start:]
	off := start
	for {
		a, r := ascii, raw
		if i := strings.IndexByte(ascii, '.'); i >= 0 {
			a = ascii[:i]
		}
		if i := strings.IndexByte(raw, '.'); i >= 0 {
			r = raw[:i]
		}
		if len(a) > maxLabel {
			return problem(addr, off, fmt.Sprintf("domain label %q is %d characters once IDNA-encoded; at most %d are allowed",
				r, len(a), maxLabel))
		}
		if len(a) == len(ascii) || len(r) == len(raw) {
			return nil
		}
		ascii, raw = ascii[len(a)+1:], raw[len(r)+1:]
		off += len(r) + 1
	}
}

// unicodeDomain returns the Unicode form of an ASCII domain with xn-- labels, for a message.
func unicodeDomain(dom string) string {
	u, err := registration.ToUnicode(strings.ToLower(dom))
	if err != nil {
		return dom
	}
	return u
}
