package validate

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/unicode/runenames"

	"github.com/idlint/idlint/internal/ascii"
	"github.com/idlint/idlint/internal/confusables"
	"github.com/idlint/idlint/payload"
)

// UnicodeSpoofing finds text made to look like something it is not.
var UnicodeSpoofing = &Rule{
	ID:       "unicode-spoofing",
	Severity: SeverityError,
	Summary:  "an invisible or bidirectional control character, mixed scripts, or a look-alike of another email or identity",
	Doc: `An email or account ID that looks right but is not attributes one person's work to another,
and nobody reading the file can see why. idlint finds three kinds of disguise (Unicode TR39):
  - invisible and bidirectional control characters in any field: zero-width space and
    joiners, soft hyphen, word joiner, a byte order mark inside text, and the controls that
    reorder how text is shown (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C);
  - the local part or a domain label of an email, or an identity, that mixes scripts that
    look alike: Latin with Cyrillic, Greek, Armenian or Cherokee ("jаne" with a Cyrillic а);
  - two different emails in the run, or two different identities in one integration, that
    look the same (the same confusable skeleton, from the Unicode confusables data), where
    one of them has non-ASCII characters.
Each finding names the code points and what they look like. Retype the value in plain text.`,
	Bad: Example{Name: "identities.csv", Text: "email,applicationType,cloudId\n" +
		"jane.doe@acme.com,GITHUB,janedoe\n" +
		"j\u0430ne.doe@acme.com,GITLAB,jane.doe\n" +
		"john.roe@acme.com,GITHUB,jroe\u200b\n"},
	Good: Example{Name: "identities.csv", Text: "email,applicationType,cloudId\n" +
		"jane.doe@acme.com,GITHUB,janedoe\n" +
		"müller@bücher.de,GITHUB,mueller\n"},
	Record:     func() func(*Pass) { return checkSpoofing },
	plainQuiet: true,
	Set:        newLookAlikes,
	setKeys:    []keyKind{keyLookAlike, keyIdentityLookAlike},
}

func checkSpoofing(p *Pass) {
	rec := p.Record()
	for i := range rec.Fields {
		f := &rec.Fields[i]
		if f.Kind != payload.KindString || p.Plain(f) {
			continue // plain text hides nothing
		}
		msg := ""
		switch f.Name {
		case payload.FieldEmail, payload.FieldIdentity, payload.FieldCloudID, payload.FieldApplicationType:
			msg = spoofing(f.Name, strings.TrimSpace(f.Value))
		default: // a field the API does not take: only what hides, as free text may mix scripts
			msg = hiddenCharacter(f.Name, f.Value)
		}
		if msg != "" {
			p.ReportField(f, "%s", msg)
		}
	}
	for i := range rec.Extra {
		if f := &rec.Extra[i]; f.Kind == payload.KindString {
			if msg := hiddenCharacter(f.Name, f.Value); msg != "" {
				p.ReportField(f, "%s", msg)
			}
		}
	}
}

// spoofing describes the first disguise in a field's value, or returns "".
func spoofing(name, v string) string {
	d, ok := findDisguise(name, v)
	switch {
	case !ok:
		return ""
	case d.hidden != 0:
		return hiddenMessage(name, v, d.hidden, d.char)
	}
	var foreign []string
	for _, r := range d.word {
		if r >= 0x80 && unicode.IsLetter(r) {
			if proto, ok := confusables.Prototype(r); ok {
				foreign = append(foreign, fmt.Sprintf("%s looks like %q", describeRune(r), proto))
			}
		}
	}
	return fmt.Sprintf("%s %q mixes %s letters in %q: %s; retype it in one script", name, v, strings.Join(d.scripts, " and "), d.word, strings.Join(foreign, ", "))
}

// disguised reports whether spoofing has something to say of a field's value, without the
// words: the rules that leave a disguised value to this one ask it of many values.
func disguised(name, v string) bool {
	_, ok := findDisguise(name, v)
	return ok
}

// A disguise is the first in a value: a hidden character, the char-th, or else a word that
// mixes look-alike scripts.
type disguise struct {
	hidden  rune
	char    int
	word    string
	scripts []string
}

func findDisguise(name, v string) (disguise, bool) {
	if ascii.Plain(v) {
		return disguise{}, false // the common case: nothing to hide in
	}
	if r, char := firstHidden(v); r != 0 {
		return disguise{hidden: r, char: char}, true
	}
	for _, word := range labels(name, v) {
		if scripts := confusableScripts(word); len(scripts) > 1 {
			for _, r := range word {
				if r >= 0x80 && unicode.IsLetter(r) {
					if _, ok := confusables.Prototype(r); ok {
						return disguise{word: word, scripts: scripts}, true
					}
				}
			}
			// Mixed, but nothing in it looks like a Latin letter.
		}
	}
	return disguise{}, false
}

// hiddenCharacter describes the first invisible or bidirectional control character in a
// field's value, or returns "".
func hiddenCharacter(name, v string) string {
	if ascii.Plain(v) {
		return ""
	}
	if r, char := firstHidden(v); r != 0 {
		return hiddenMessage(name, v, r, char)
	}
	return ""
}

// firstHidden returns the first hidden character of v and its place, in characters from 1, or
// 0 if there is none.
func firstHidden(v string) (r rune, char int) {
	for _, r := range v {
		char++
		if hidden(r) {
			return r, char
		}
	}
	return 0, 0
}

func hiddenMessage(name, v string, r rune, char int) string {
	kind := "an invisible character"
	if bidiControl(r) {
		kind = "a bidirectional control character, which reorders how text is shown"
	}
	return fmt.Sprintf("%s %q contains %s, %s, at character %d; retype the value without it", name, v, describeRune(r), kind, char)
}

// hidden reports characters that show as nothing: format characters (Cf: zero-width space,
// joiners, soft hyphen, bidirectional controls, a byte order mark) and the fillers that
// render as blank (combining grapheme joiner, Hangul fillers).
func hidden(r rune) bool {
	switch r {
	case 0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0:
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

func bidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// describeRune names a code point: U+0430 CYRILLIC SMALL LETTER A.
func describeRune(r rune) string {
	if name := runenames.Name(r); name != "" {
		return fmt.Sprintf("%U %s", r, name)
	}
	return fmt.Sprintf("%U", r)
}

// labels splits a value into the parts that must each be written in one script: an email's
// local part and each label of its domain, any other value whole. So "jane.ѕоре@acme.com" (with
// a Cyrillic "ѕоре") mixes scripts in its local part, and the identity "jane-ѕоре" in itself.
func labels(name, v string) []string {
	at := strings.LastIndexByte(v, '@')
	if name != payload.FieldEmail || at < 0 {
		return []string{v}
	}
	return append([]string{v[:at]}, strings.Split(v[at+1:], ".")...)
}

// lookAlikeScripts are the scripts whose letters pass for Latin ones.
var lookAlikeScripts = []struct {
	name  string
	table *unicode.RangeTable
}{
	{"Latin", unicode.Latin}, {"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek},
	{"Armenian", unicode.Armenian}, {"Cherokee", unicode.Cherokee},
}

// confusableScripts lists the look-alike scripts whose letters a word uses.
func confusableScripts(word string) []string {
	var seen []string
	for _, r := range word {
		for _, s := range lookAlikeScripts {
			if unicode.Is(s.table, r) {
				if !containsString(seen, s.name) {
					seen = append(seen, s.name)
				}
				break
			}
		}
	}
	return seen
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A lookAlike is the first text seen with a skeleton.
type lookAlike struct {
	text      Text // the email lowercased, or the identity case-folded as the integration does
	at        Ref
	nonASCII  bool
	disguised bool // the record half reported it already
}

// newLookAlikes finds two different emails, or two different identities of one integration,
// that look the same. Only pairs where one side has non-ASCII characters are reported: "jdoe1"
// and "jdoel" share a skeleton too, but plain ASCII is what people can check by eye. The sieve
// relies on this (see sieve.lookAlikeSuspect).
func newLookAlikes() func(*Pass) {
	emails := map[uint64]lookAlike{}     // email skeleton → first email
	identities := map[uint64]lookAlike{} // (integration, identity skeleton) → first identity
	var buf []byte
	return func(p *Pass) {
		m, _ := p.Mapping()
		if other, at, diff, ok := firstLookAlike(p, emails, keyLookAlike.hash(&m, &buf), payload.FieldEmail, m.email, m.emailKey); ok {
			f, _ := p.Record().Field(payload.FieldEmail)
			p.ReportField(f, "email %q looks the same as %q (%s) but is a different address%s; if they are one developer, use one spelling", m.email, other, p.Where(at), diff)
		}
		name := payload.FieldIdentity
		if m.legacy {
			name = payload.FieldCloudID
		}
		if other, at, diff, ok := firstLookAlike(p, identities, keyIdentityLookAlike.hash(&m, &buf), name, m.identity, m.identityKey); ok {
			f, _ := p.Record().Field(name)
			p.ReportField(f, "%s %q in %s looks the same as %q (%s) but is a different account%s; keep the one the developer really uses", name, m.identity, m.system(), other, p.Where(at), diff)
		}
	}
}

// firstLookAlike records the text (value as written, key as compared) under its skeleton key and
// returns the earlier text that looks the same, where it is and how they differ, if there is
// one to report.
func firstLookAlike(p *Pass, first map[uint64]lookAlike, key uint64, field, value, text string) (other string, at Ref, diff string, ok bool) {
	nonASCII := !ascii.IsASCII(text)
	// Reported already: by the record half, or, for an email not in NFC, by email-format, which
	// names the composed form (the composed twin is the right spelling, not a look-alike).
	// Asked only where it matters: most texts are repeats of the first with their skeleton.
	reported := func() bool {
		return nonASCII && (disguised(field, value) ||
			field == payload.FieldEmail && p.st.enabled[emailFormatID] != nil && !norm.NFC.IsNormalString(value))
	}
	prev, seen := first[key]
	if !seen {
		first[key] = lookAlike{text: p.Keep(text), at: p.Here(), nonASCII: nonASCII, disguised: reported()}
		return "", Ref{}, "", false
	}
	if !prev.nonASCII && !nonASCII || prev.disguised {
		return "", Ref{}, "", false // plain ASCII both, or the first already reported by the record half
	}
	if other = p.Text(prev.text); other == text || reported() {
		return "", Ref{}, "", false // the same text, or this one reported by the record half
	}
	p.Mention(other)
	return other, prev.at, differences(text, other), true
}

// differences names the non-ASCII characters of a that b does not have: ": it has U+0430
// CYRILLIC SMALL LETTER A".
func differences(a, b string) string {
	var diff []string
	for _, r := range a {
		if r >= 0x80 && !strings.ContainsRune(b, r) {
			diff = append(diff, describeRune(r))
		}
	}
	if len(diff) == 0 {
		for _, r := range b {
			if r >= 0x80 && !strings.ContainsRune(a, r) {
				diff = append(diff, describeRune(r))
			}
		}
		if len(diff) == 0 {
			return ""
		}
		return ": the other has " + strings.Join(diff, ", ")
	}
	return ": it has " + strings.Join(diff, ", ")
}
