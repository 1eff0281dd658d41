package validate

import (
	"encoding/binary"
	"strings"
	"unicode"
)

// The byte-class tests every record's texts go through, several times over, eight bytes at a
// time: a word of ASCII bytes can be classified with a few additions, none of which carries
// from one byte into the next. Each is held to a byte-by-byte loop by TestASCIIWords.

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// word loads s[i:i+8], little-endian (the compiler makes it one load).
func word(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// isASCII reports whether s has only ASCII bytes.
func isASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if word(s, i)&highs != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// plainASCII reports whether s has only printable ASCII other than the space (0x21 to 0x7E).
func plainASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		// A byte below 0x21 borrows its high bit in, 0x7F carries it in, and a non-ASCII byte
		// has it. Only a byte flagged already can make a borrow flag the next one.
		if x := word(s, i); ((x-0x21*ones)|(x+ones)|x)&highs != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// hasUpper reports whether s has an uppercase letter.
func hasUpper(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := word(s, i)
		if x&highs != 0 {
			break // a multi-byte character: the loop below takes it from this word
		}
		// For an ASCII byte, adding 0x3F sets its high bit when it is 'A' or more, and adding
		// 0x25 when it is past 'Z'.
		if (x+0x3f*ones)&^(x+0x25*ones)&highs != 0 {
			return true
		}
	}
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case 'A' <= c && c <= 'Z':
			return true
		case c >= 0x80:
			return strings.IndexFunc(s[i:], unicode.IsUpper) >= 0
		}
	}
	return false
}

// lower returns s in lowercase, and s itself, without a copy, when it has no uppercase letter:
// strings.ToLower looks at each byte for that, this at each word, and lowers ASCII text a word
// at a time too (logins such as "JaneDoe" are common where logins ignore case).
func lower(s string) string {
	if !isASCII(s) {
		return strings.ToLower(s)
	}
	if !hasUpper(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := word(s, i)
		// 0x20 added to each byte from 'A' to 'Z' (see hasUpper), which never carries.
		x += (x + 0x3f*ones) &^ (x + 0x25*ones) & highs >> 2
		var w [8]byte
		binary.LittleEndian.PutUint64(w[:], x)
		b.Write(w[:])
	}
	for ; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// upper returns s in uppercase, and s itself, without a copy, when it has no lowercase letter:
// applicationTypes are written in uppercase, and strings.ToUpper looks at each byte for that.
func upper(s string) string {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		// For an ASCII byte, adding 0x1F sets its high bit when it is 'a' or more, and adding
		// 0x05 when it is past 'z'.
		if x := word(s, i); x&highs != 0 || (x+0x1f*ones)&^(x+0x05*ones)&highs != 0 {
			return strings.ToUpper(s)
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || 'a' <= c && c <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}
