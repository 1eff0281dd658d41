package ascii

import (
	"strings"
	"testing"
	"unicode"
)

// The byte-by-byte definitions the word-at-a-time tests must agree with.

func isASCIIBytes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func plainASCIIBytes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

func hasUpperBytes(s string) bool { return strings.IndexFunc(s, unicode.IsUpper) >= 0 }

func checkWords(t *testing.T, s string) {
	t.Helper()
	if got, want := IsASCII(s), isASCIIBytes(s); got != want {
		t.Fatalf("IsASCII(%q) = %v, want %v", s, got, want)
	}
	if got, want := Plain(s), plainASCIIBytes(s); got != want {
		t.Fatalf("Plain(%q) = %v, want %v", s, got, want)
	}
	if got, want := HasUpper(s), hasUpperBytes(s); got != want {
		t.Fatalf("HasUpper(%q) = %v, want %v", s, got, want)
	}
	if got, want := Lower(s), strings.ToLower(s); got != want {
		t.Fatalf("Lower(%q) = %q, want %q", s, got, want)
	}
	if got, want := Upper(s), strings.ToUpper(s); got != want {
		t.Fatalf("Upper(%q) = %q, want %q", s, got, want)
	}
}

// TestWords puts each byte at the edges of the classes, and pairs of them, at every
// position of strings of up to 19 bytes: in the words, across their boundaries and in the
// tails.
func TestWords(t *testing.T) {
	edges := []byte{0x00, 0x01, 0x1f, ' ', '!', '"', '@', 'A', 'B', 'Y', 'Z', '[', '`', 'a', 'z', '{', '~', 0x7f, 0x80, 0xc3, 0xc4, 0xff}
	for n := range 20 {
		for _, base := range []byte{'x', '!', '~', 'A'} {
			for i := range n {
				for _, b := range edges {
					s := []byte(strings.Repeat(string(base), n))
					s[i] = b
					checkWords(t, string(s))
					for j := i + 1; j < n; j++ {
						for _, c := range edges {
							s[j] = c
							checkWords(t, string(s))
						}
						s[j] = base
					}
				}
			}
		}
	}
	for _, s := range []string{"", "jane.doe@acme.com", "Jane.Doe@Acme.com", "JÖRG@bücher.de", "jörg@BÜCHER.de",
		"müller@bücher.de", "ǅ", "ǆ", "\xc3\x28", "abcdefgh\u0130"} {
		checkWords(t, s)
	}
}

func FuzzWords(f *testing.F) {
	f.Add("jane.doe@acme.com")
	f.Add("Jane.Doe@Acme.com\x7f")
	f.Add("müller@BÜCHER.de")
	f.Fuzz(checkWords)
}

func BenchmarkLower(b *testing.B) {
	for b.Loop() {
		Lower("JaneDoe-Contractor42")
		Lower("Lauren.Johnson@Acme-Corp.com")
	}
}

func BenchmarkToLower(b *testing.B) {
	for b.Loop() {
		strings.ToLower("JaneDoe-Contractor42")
		strings.ToLower("Lauren.Johnson@Acme-Corp.com")
	}
}
