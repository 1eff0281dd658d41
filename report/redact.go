package report

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/idlint/idlint/validate"
)

// Redaction is how --redact hides personal data: identity files hold people's work emails
// and accounts, and CI logs are widely readable.
type Redaction int

const (
	RedactNone Redaction = iota
	// RedactMask keeps the first character and the email's domain: j***@acme.com, j*****.
	// Short and readable, but two people can share a mask.
	RedactMask
	// RedactHash replaces a value with the first 8 hex digits of its SHA-256, keeping an
	// email's domain: 1c2d3e4f@acme.com. The same value gives the same hash in every finding
	// and every run, so one person stays recognisable. It hides the value from a reader of the
	// log, not from someone who can hash a list of candidate addresses.
	RedactHash
)

// ParseRedaction reads a --redact value.
func ParseRedaction(s string) (Redaction, error) {
	switch s {
	case "mask":
		return RedactMask, nil
	case "hash":
		return RedactHash, nil
	case "none", "":
		return RedactNone, nil
	}
	return 0, fmt.Errorf("unknown --redact %q; expected mask or hash", s)
}

// emailPattern finds email-shaped text that no Finding.Personal names: in the snippets of
// reader findings (a syntax error's line), and anything a rule forgot to mention. It is
// deliberately loose — better to mask a non-address than to print an address.
var emailPattern = regexp.MustCompile(`[\p{L}\p{N}.!#$%&'*+/=?^_{|}~-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*`)

type redactor struct{ mode Redaction }

func newRedactor(mode Redaction) redactor { return redactor{mode} }

// finding returns f with its message and snippet redacted. The snippet's caret stays under
// the same field: SnippetCol moves by what the replacements before it added or took away, and
// Pos, which the report prints, does not change.
func (r redactor) finding(f validate.Finding) validate.Finding {
	if r.mode == RedactNone {
		return f
	}
	values := personalForms(f.Personal)
	f.Message, _ = r.text(f.Message, values, -1)
	if f.Snippet != "" {
		caret := f.Pos.Col - f.SnippetCol
		var moved int
		f.Snippet, moved = r.text(f.Snippet, values, caret)
		if caret >= 0 {
			f.SnippetCol = f.Pos.Col - moved
		}
	}
	f.Personal = nil // nothing personal is left to mask, and nothing downstream may print it
	return f
}

// A form is a way a personal value appears in text: as written, or escaped as %q escapes it
// (a tab as \t) inside a message. value is the value itself, which masks and hashes are made
// of, so both forms redact the same way.
type form struct{ text, value string }

func personalForms(personal []string) []form {
	var out []form
	for _, v := range personal {
		if v == "" {
			continue
		}
		vs := []string{v}
		// "Carol Poe <carol.poe@acme.com>": messages name the display name on its own.
		if name, _, ok := strings.Cut(v, "<"); ok && strings.Contains(v, "@") {
			if name = strings.Trim(strings.TrimSpace(name), `"`); name != "" {
				vs = append(vs, name)
			}
		}
		for _, v := range vs {
			out = append(out, form{v, v})
			if q := strconv.Quote(v); q[1:len(q)-1] != v {
				out = append(out, form{q[1 : len(q)-1], v})
			}
		}
	}
	return out
}

type span struct {
	start, end int // byte offsets in the text
	value      string
}

// text redacts every occurrence of a personal value, and every email-shaped run, in one pass
// over s (so a mask is never masked again). caret is a character offset into s, or -1; text
// returns where that character is in the result.
func (r redactor) text(s string, values []form, caret int) (string, int) {
	var spans []span
	for _, v := range values {
		for from := 0; ; {
			i := strings.Index(s[from:], v.text)
			if i < 0 {
				break
			}
			start, end := from+i, from+i+len(v.text)
			if bounded(s, start, end) {
				spans = append(spans, span{start, end, v.value})
			}
			from = start + max(1, utf8.RuneLen(firstRune(v.text)))
		}
	}
	for _, m := range emailPattern.FindAllStringIndex(s, -1) {
		spans = append(spans, span{m[0], m[1], s[m[0]:m[1]]})
	}
	if len(spans) == 0 {
		return s, caret
	}
	// Earliest first, and of those the longest, so "Carol <carol@x.com>" wins over the
	// address inside it; then drop spans that overlap one already taken.
	slices.SortFunc(spans, func(a, b span) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(b.end, a.end))
	})
	var b strings.Builder
	at, newCaret := 0, caret
	for _, sp := range spans {
		if sp.start < at {
			continue
		}
		b.WriteString(s[at:sp.start])
		repl := r.mask(sp.value)
		if caret >= 0 {
			startCh := utf8.RuneCountInString(s[:sp.start])
			endCh := startCh + utf8.RuneCountInString(s[sp.start:sp.end])
			switch {
			case caret >= endCh:
				newCaret += utf8.RuneCountInString(repl) - (endCh - startCh)
			case caret > startCh:
				newCaret -= caret - startCh // inside the value: point at its start
			}
		}
		b.WriteString(repl)
		at = sp.end
	}
	b.WriteString(s[at:])
	return b.String(), newCaret
}

// bounded reports whether s[start:end] stands on its own: not the middle of a longer word, so
// that a one-letter identity does not mask every "a" of a message.
func bounded(s string, start, end int) bool {
	if start > 0 {
		before, _ := utf8.DecodeLastRuneInString(s[:start])
		first := firstRune(s[start:end])
		if isWord(before) && isWord(first) {
			return false
		}
	}
	if end < len(s) {
		after, _ := utf8.DecodeRuneInString(s[end:])
		last, _ := utf8.DecodeLastRuneInString(s[start:end])
		if isWord(after) && isWord(last) {
			return false
		}
	}
	return true
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// mask redacts one value: an email keeps its domain (which names the organisation, not the
// person), anything else is an identity.
func (r redactor) mask(v string) string {
	local, domain, isEmail := "", "", false
	if i := strings.LastIndexByte(v, '@'); i > 0 && i < len(v)-1 {
		local, domain, isEmail = v[:i], v[i+1:], true
	}
	if r.mode == RedactHash {
		sum := sha256.Sum256([]byte(v))
		h := hex.EncodeToString(sum[:4])
		if isEmail {
			return h + "@" + domain
		}
		return h
	}
	if isEmail {
		return string(firstRune(local)) + "***@" + domain
	}
	return string(firstRune(v)) + "*****"
}
