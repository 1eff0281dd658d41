// Package confusables maps characters to the ASCII characters they can be mistaken for, from
// the Unicode Consortium's confusables data (UTS #39), and computes skeletons: two strings
// with the same skeleton look alike ("аcme" with a Cyrillic а, and "acme").
//
// The data is confusables.txt beside this file: the entries of Unicode 17.0.0's
// confusables.txt whose prototype is printable ASCII (see README.md for its provenance and
// LICENSE-UNICODE.txt for its licence). Identity files are overwhelmingly ASCII, so the look-
// alikes that matter are those of ASCII letters and digits; characters whose prototypes are
// not ASCII are left as they are.
package confusables

import (
	"bufio"
	_ "embed"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/idlint/idlint/internal/ascii"
)

//go:embed confusables.txt
var data string

var (
	loadOnce        sync.Once
	prototypes      map[rune]string
	asciiPrototypes [128]string // prototypes of ASCII characters ("1" → "l", "m" → "rn")
	asciiClass      [256]uint8  // by byte: asciiSelf, asciiMapped (in asciiPrototypes) or not ASCII
	// asciiKeys is, by Form, what each ASCII character that is not its own key becomes in a
	// key ("1" → "l" in Words), and "" for the others.
	asciiKeys [2][128]string
	// keyBytes is, by Form, the byte each ASCII character becomes in a key, itself included,
	// and 0 for a character that becomes several ('"' → "''") and for non-ASCII bytes.
	keyBytes [2][256]byte
)

// load parses the data: lines of "SOURCE ;\tPROTOTYPE ;\tMA\t# comment", with code points in
// hexadecimal, the prototype possibly several.
func load() {
	for c := 0x80; c < 0x100; c++ {
		asciiClass[c] = notASCII
	}
	prototypes = make(map[rune]string, 2048)
	sc := bufio.NewScanner(strings.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := strings.Split(line, ";")
		if len(fields) < 2 {
			continue
		}
		src, err := strconv.ParseUint(strings.TrimSpace(fields[0]), 16, 32)
		if err != nil {
			continue
		}
		var proto strings.Builder
		for _, cp := range strings.Fields(fields[1]) {
			r, err := strconv.ParseUint(cp, 16, 32)
			if err != nil {
				proto.Reset()
				break
			}
			proto.WriteRune(rune(r))
		}
		if proto.Len() > 0 {
			prototypes[rune(src)] = proto.String()
			if src < 128 {
				asciiPrototypes[src] = proto.String()
				asciiClass[src] = asciiMapped
			}
		}
	}
	for c := range 128 {
		for _, f := range []Form{Words, Numbers} {
			keyBytes[f][c] = byte(c)
			if key := string(rewrite(appendSkeleton(nil, string(rune(c))), 0, f)); key != string(rune(c)) {
				asciiKeys[f][c] = key
				keyBytes[f][c] = 0
				if len(key) == 1 {
					keyBytes[f][c] = key[0]
				}
			}
		}
	}
}

// Prototype returns the ASCII text r can be mistaken for ("a" for U+0430 CYRILLIC SMALL
// LETTER A), and false when the data has no ASCII look-alike for it.
func Prototype(r rune) (string, bool) {
	loadOnce.Do(load)
	p, ok := prototypes[r]
	return p, ok
}

// The classes of asciiClass. The zero value, asciiSelf, is an ASCII character that is its own
// prototype.
const (
	asciiSelf = iota
	asciiMapped
	notASCII
)

// Skeleton returns the UTS #39 skeleton of s as far as the data goes: NFD, each character
// replaced by its prototype, NFD again. Strings that look alike have equal skeletons.
func Skeleton(s string) string { return string(AppendSkeleton(nil, s)) }

// AppendSkeleton appends the skeleton of s to dst. For ASCII text, which is already in NFD and
// whose prototypes are ASCII, it is one pass with no allocation beyond dst's growth, so it can
// run on every email of a large file.
func AppendSkeleton(dst []byte, s string) []byte {
	loadOnce.Do(load)
	return appendSkeleton(dst, s)
}

// appendSkeleton is AppendSkeleton once the data is loaded.
func appendSkeleton(dst []byte, s string) []byte {
	// One pass: the runs of characters that are their own prototype are copied whole, and the
	// first non-ASCII byte sends the whole string to the general case.
	start, run := len(dst), 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; asciiClass[c] {
		case asciiSelf:
		case asciiMapped:
			dst = append(append(dst, s[run:i]...), asciiPrototypes[c]...)
			run = i + 1
		default:
			return append(dst[:start], skeleton(s)...)
		}
	}
	return append(dst, s[run:]...)
}

// skeleton is the general case of AppendSkeleton.
func skeleton(s string) string {
	s = norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if p, ok := prototypes[r]; ok {
			b.WriteString(p)
		} else {
			b.WriteRune(r)
		}
	}
	return norm.NFD.String(b.String())
}

// A Form writes skeletons as keys. Two strings have the same key in a form exactly when they
// have the same skeleton, but in a form most ASCII text is its own key (see OwnKey), so a
// caller that hashes keys can hash the text it already has instead of building a skeleton.
//
// Skeletons rewrite common ASCII characters: "m" → "rn", "0" → "O", "1" → "l". A form
// rewrites them back: "rn" → "m", "O" → "0", and in Numbers "l" → "1". That loses nothing,
// because no skeleton has an "m", a "0" or a "1" (every one is mapped, and no prototype
// holds one; TestKeyInverse checks it): the rewriting is one-to-one on skeletons. What a
// form cannot give back is which of "l", "1", "I" and "|" a skeleton's "l" was, so each form
// keeps one of them: the one its texts have more often.
type Form uint8

const (
	// Words keeps "l": for emails, which are words and names more than numbers.
	Words Form = iota
	// Numbers keeps "1": for account IDs, which are often numbers or hexadecimal.
	Numbers
)

// ownKeyClass classifies bytes for OwnKey, by form: bit ownNot for a byte that is not its
// own key (non-ASCII, or an ASCII character a skeleton maps and the form does not map back),
// ownR and ownN for "r" and "n", which are not their own key together ("rn" → "m").
var ownKeyClass = func() (t [2][256]uint8) {
	for f := range t {
		for c := 0x80; c < 0x100; c++ {
			t[f][c] = ownNot
		}
		for _, c := range "`\"|IO" {
			t[f][c] = ownNot
		}
		t[f]['r'], t[f]['n'] = ownR, ownN
	}
	t[Words]['1'] = ownNot
	t[Numbers]['l'] = ownNot
	return t
}()

const (
	ownNot = 1 << iota
	ownR
	ownN
)

// OwnKey reports whether s is its own key in form f: ASCII, with none of the characters the
// form cannot give back, and no "rn"; and whether s is ASCII, which a caller of OwnKey needs to
// know for the texts that are not their own key. Callers test every text of a run, and most
// texts are their own key, so it tests eight bytes at a time, and the rest with a table.
func OwnKey(s string, f Form) (own, isASCII bool) {
	lost := uint64('1') * ascii.Ones // the one of "l" and "1" that f cannot give back
	if f == Numbers {
		lost = uint64('l') * ascii.Ones
	}
	var r uint64 // 0x80 when the byte before is an "r"
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := ascii.Word(s, i)
		if x&ascii.Highs != 0 {
			return false, false
		}
		bad := ascii.Equal(x, lost) | ascii.Equal(x, '`'*ascii.Ones) | ascii.Equal(x, '"'*ascii.Ones) |
			ascii.Equal(x, '|'*ascii.Ones) | ascii.Equal(x, 'I'*ascii.Ones) | ascii.Equal(x, 'O'*ascii.Ones)
		rs := ascii.Equal(x, 'r'*ascii.Ones)
		if bad|(rs<<8|r)&ascii.Equal(x, 'n'*ascii.Ones) != 0 {
			return false, ascii.IsASCII(s[i+8:])
		}
		r = rs >> 56
	}
	class := &ownKeyClass[f&1]
	var not, k, high uint8
	if r != 0 {
		k = ownR
	}
	for ; i < len(s); i++ {
		c := class[s[i]]
		not |= c&ownNot | k<<1&c // k is ownR after an "r": with an "n" (ownN), an "rn"
		k = c & ownR
		high |= s[i]
	}
	return not == 0, high < 0x80
}

// AppendKey appends the key of s in form f to dst. A caller that hashes keys tests OwnKey
// first, and calls AppendKey only for the texts that are not their own key.
func AppendKey(dst []byte, s string, f Form) []byte {
	loadOnce.Do(load)
	// Most texts that are not their own key differ from it in a byte here and there ("l" in
	// an account ID, "1" in an email): a byte for a byte, from a table, without a branch.
	// The others, and an "rn", take the loop below.
	start, bytes := len(dst), &keyBytes[f&1]
	dst = slices.Grow(dst, len(s))[:start+len(s)]
	key, r := dst[start:], false
	for i := range len(key) {
		c := s[i]
		k := bytes[c]
		if k == 0 || r && c == 'n' {
			return appendKeyLong(dst[:start], s, f)
		}
		key[i], r = k, c == 'r'
	}
	return dst
}

// appendKeyLong is AppendKey for any text.
func appendKeyLong(dst []byte, s string, f Form) []byte {
	// ASCII text in one pass, as in AppendSkeleton, with the form's rewriting folded in:
	// asciiKeys has what each character's prototype becomes, and an "rn" of the text is an
	// "rn" of its skeleton (no prototype of an ASCII character starts with "n" or ends with
	// "r"; TestOwnKey would fail), which becomes "m".
	start, run := len(dst), 0
	keys := &asciiKeys[f&1]
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			return rewrite(appendSkeleton(dst[:start], s), start, f)
		case c == 'n' && i > 0 && s[i-1] == 'r':
			dst = append(append(dst, s[run:i-1]...), 'm')
			run = i + 1
		case keys[c] != "":
			dst = append(append(dst, s[run:i]...), keys[c]...)
			run = i + 1
		}
	}
	return append(dst, s[run:]...)
}

// rewrite turns the skeleton in dst[start:] into f's key, in place: a key is never longer than
// its skeleton.
func rewrite(dst []byte, start int, f Form) []byte {
	out := start
	for i := start; i < len(dst); i++ {
		c := dst[i]
		switch {
		case c == 'r' && i+1 < len(dst) && dst[i+1] == 'n':
			c = 'm'
			i++
		case c == 'O':
			c = '0'
		case c == 'l' && f == Numbers:
			c = '1'
		}
		dst[out] = c
		out++
	}
	return dst[:out]
}
