// Package ascii classifies and converts text eight bytes at a time: a word of ASCII bytes can
// be tested with a few additions, none of which carries from one byte into the next. Every
// record's emails and identities go through these tests, some several times, so they must
// cost a fraction of a byte-by-byte loop; each is held to one by TestWords and FuzzWords.
package ascii

import (
	"encoding/binary"
	"strings"
	"unicode"
)

// Ones has a one in each byte, and Highs each byte's high bit: c*Ones repeats byte c, and
// x&Highs != 0 when a byte of x is not ASCII.
const (
	Ones  = 0x0101010101010101
	Highs = 0x8080808080808080
)

// Word loads s[i:i+8], little-endian (the compiler makes it one load).
func Word(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// IsASCII reports whether s has only ASCII bytes.
func IsASCII(s string) bool {
	if len(s) < 8 {
		for i := range len(s) {
			if s[i] >= 0x80 {
				return false
			}
		}
		return true
	}
	for i := 0; i+8 < len(s); i += 8 {
		if Word(s, i)&Highs != 0 {
			return false
		}
	}
	return Word(s, len(s)-8)&Highs == 0 // the last eight bytes: see Plain
}

// NotPlain sets the high bit of each byte of x that is not plain text (see Plain), and at
// times of a byte after one, and clears every other bit: a byte below 0x21 borrows its high bit
// in, 0x7F carries it in, and a non-ASCII byte has it. Only a byte flagged already can make a
// borrow or a carry flag the next one, so the lowest flag is exact, and the bytes below it may
// be tested alone by a mask.
func NotPlain(x uint64) uint64 { return ((x - 0x21*Ones) | (x + Ones) | x) & Highs }

// Plain reports whether s has only printable ASCII other than the space (0x21 to 0x7E).
func Plain(s string) bool {
	notPlain := func(x uint64) bool { return NotPlain(x) != 0 }
	if len(s) < 8 {
		for i := range len(s) {
			if s[i] <= ' ' || s[i] >= 0x7f {
				return false
			}
		}
		return true
	}
	for i := 0; i+8 < len(s); i += 8 {
		if notPlain(Word(s, i)) {
			return false
		}
	}
	// The last eight bytes, which may overlap the words before: a test of each byte, so
	// testing one twice changes nothing, and it saves a loop over the last few. IsASCII,
	// HasUpper, Lower and Upper end the same way.
	return !notPlain(Word(s, len(s)-8))
}

// upperIn reports whether x, a word of ASCII bytes, has an uppercase letter.
func upperIn(x uint64) bool { return upperBits(x) != 0 }

// upperBits sets the high bit of each byte of x, a word of ASCII bytes, that is an uppercase
// letter, and clears every other bit: for an ASCII byte, adding 0x3F sets its high bit when it
// is 'A' or more, and adding 0x25 when it is past 'Z'. Neither addition carries out of a byte.
func upperBits(x uint64) uint64 { return (x + 0x3f*Ones) &^ (x + 0x25*Ones) & Highs }

// HasUpper reports whether s has an uppercase letter.
func HasUpper(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := Word(s, i)
		if x&Highs != 0 {
			break // a multi-byte character: the loop below takes it from this word
		}
		if upperIn(x) {
			return true
		}
	}
	if i < len(s) && i+8 > len(s) && i >= 8 {
		// The last bytes, in the last eight, which overlap the words before (see Plain),
		// unless there is a multi-byte character among them.
		if x := Word(s, len(s)-8); x&Highs == 0 {
			return upperIn(x)
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

// Lower returns s in lowercase, and s itself, without a copy, when it has no uppercase letter:
// strings.ToLower looks at each byte for that, this at each word, and lowers ASCII text a word
// at a time too (logins such as "JaneDoe" are common where logins ignore case).
func Lower(s string) string {
	// One pass tells both whether s is ASCII and whether it has an uppercase letter.
	var upper uint64
	if len(s) < 8 {
		for i := range len(s) {
			switch c := s[i]; {
			case c >= 0x80:
				return strings.ToLower(s)
			case 'A' <= c && c <= 'Z':
				upper = Highs
			}
		}
	} else {
		for i := 0; ; i += 8 {
			if i+8 > len(s) {
				i = len(s) - 8 // the last eight bytes, which overlap the words before: see Plain
			}
			x := Word(s, i)
			if x&Highs != 0 {
				return strings.ToLower(s)
			}
			upper |= upperBits(x)
			if i+8 == len(s) {
				break
			}
		}
	}
	if upper == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := Word(s, i)
		x += upperBits(x) >> 2 // 0x20 added to each byte from 'A' to 'Z', which never carries
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

// Upper returns s in uppercase, and s itself, without a copy, when it has no lowercase letter:
// applicationTypes are written in uppercase, and strings.ToUpper looks at each byte for that.
func Upper(s string) string {
	// For an ASCII byte, adding 0x1F sets its high bit when it is 'a' or more, and adding 0x05
	// when it is past 'z'.
	notUpper := func(x uint64) bool { return x&Highs != 0 || (x+0x1f*Ones)&^(x+0x05*Ones)&Highs != 0 }
	if len(s) < 8 {
		for i := range len(s) {
			if c := s[i]; c >= 0x80 || 'a' <= c && c <= 'z' {
				return strings.ToUpper(s)
			}
		}
		return s
	}
	for i := 0; i+8 < len(s); i += 8 {
		if notUpper(Word(s, i)) {
			return strings.ToUpper(s)
		}
	}
	if notUpper(Word(s, len(s)-8)) { // the last eight bytes: see Plain
		return strings.ToUpper(s)
	}
	return s
}

// Equal sets the high bit of each byte of x, a word of ASCII bytes, that equals the byte of c
// (a byte repeated, c*Ones), and clears every other bit: an ASCII byte that differs from c's
// is set to its high bit by adding 0x7F, which never carries out of it.
func Equal(x, c uint64) uint64 { return ^((x ^ c) + 0x7f*Ones) & Highs }
