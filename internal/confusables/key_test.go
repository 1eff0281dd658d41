package confusables

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// unkey undoes a form's rewriting of a skeleton. That it gives back the skeleton for every
// string is what makes keys as discerning as skeletons: equal keys, equal skeletons.
func unkey(key string, f Form) string {
	r := strings.NewReplacer("m", "rn", "0", "O")
	if f == Numbers {
		r = strings.NewReplacer("m", "rn", "0", "O", "1", "l")
	}
	return r.Replace(key)
}

// keyTexts are strings that exercise every rewriting: each character of the data and its
// prototype, every printable ASCII character, and texts of the kinds keys are made of.
func keyTexts() []string {
	loadOnce.Do(load)
	texts := []string{"", "jane.doe@acme.com", "vernon.m@acme.com", "rnm", "mrn", "rrn", "rnn",
		"I1l|0O`\"m", "ltaylor7@acme-corp.com", "557058:d66661e5-a549-4672-ba14-bd3819ae0de7",
		"j\u0430ne.doe@acme.com", "r\u0301n", "\u1e3f", "\u217f", "m\u00fcller", "\u0430ce\u0301"}
	for c := ' '; c < 0x7f; c++ {
		texts = append(texts, string(c), "r"+string(c), string(c)+"n")
	}
	for r, p := range prototypes {
		texts = append(texts, string(r), p, "x"+string(r)+"n", "r"+string(r))
	}
	return texts
}

func TestKeyInverse(t *testing.T) {
	for _, s := range keyTexts() {
		sk := Skeleton(s)
		if strings.ContainsAny(sk, "m01") {
			t.Fatalf("Skeleton(%q) = %q has an m, 0 or 1: forms would not be one-to-one", s, sk)
		}
		for _, f := range []Form{Words, Numbers} {
			key := keyOf(s, f)
			if got := unkey(key, f); got != sk {
				t.Errorf("form %d: key %q of %q undoes to %q, want its skeleton %q", f, key, s, got, sk)
			}
		}
	}
}

// TestOwnKey checks OwnKey against AppendKey's slow path on every ASCII string of up to three
// printable characters, after a prefix, both forms.
func TestOwnKey(t *testing.T) {
	var ascii []string
	for c := ' '; c < 0x7f; c++ {
		ascii = append(ascii, string(c))
	}
	texts, last := []string{""}, []string{""}
	for range 3 {
		var next []string
		for _, s := range last {
			for _, c := range ascii {
				next = append(next, s+c)
			}
		}
		texts, last = append(texts, next...), next
	}
	// The same strings after and between eight-byte words, which OwnKey tests whole, and
	// after an "r" that ends a word.
	var long []string
	for _, s := range texts {
		long = append(long, "abcdefg"+s, "abcdefgh"+s+"abcdefgh", "abcdefgr"+s, "abcdefgr"+s+"abcdefgh", "abcd"+s+"efghijkl"+s)
	}
	// Every ASCII byte, controls and DEL included, on its own, inside a word, and inside a word
	// that a non-ASCII character follows: OwnKey's tables are written out, and the data could
	// one day map one of these.
	for c := range 0x80 {
		long = append(long, string(rune(c)), "abcd"+string(rune(c))+"efghijk", "abcd"+string(rune(c))+"efg"+"é")
	}
	for _, s := range slices.Concat(texts, long, keyTexts()) {
		for _, f := range []Form{Words, Numbers} {
			slow := string(rewrite(AppendSkeleton([]byte("p:"), s), 2, f))
			own, ascii := OwnKey(s, f)
			if want := utf8.ValidString(s) && isASCII(s) && slow == "p:"+s; own != want {
				t.Fatalf("form %d: OwnKey(%q) = %v, want %v (key %q)", f, s, own, want, slow)
			}
			if ascii != isASCII(s) {
				t.Fatalf("form %d: OwnKey(%q) tells ASCII %v", f, s, ascii)
			}
			if got := "p:" + keyOf(s, f); got != slow {
				t.Fatalf("form %d: AppendKey(%q) = %q, want %q", f, s, got, slow)
			}
		}
	}
}

// keyOf returns the key of s in form f.
func keyOf(s string, f Form) string { return string(AppendKey(nil, s, f)) }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func FuzzKey(f *testing.F) {
	for _, s := range keyTexts()[:40] {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sk := Skeleton(s)
		for _, form := range []Form{Words, Numbers} {
			key := keyOf(s, form)
			if got := unkey(key, form); got != sk {
				t.Fatalf("form %d: key %q of %q undoes to %q, want its skeleton %q", form, key, s, got, sk)
			}
			if own, _ := OwnKey(s, form); own && key != s {
				t.Fatalf("form %d: OwnKey(%q), but its key is %q", form, s, key)
			}
		}
	})
}

func BenchmarkOwnKey(b *testing.B) {
	for b.Loop() {
		OwnKey("jane.doe+github@acme-corp.com", Words)
		OwnKey("557058:d66661e5-a549-4672-ba14-bd3819ae0de7", Numbers)
	}
}

func BenchmarkAppendKey(b *testing.B) {
	var buf []byte
	for b.Loop() {
		buf = AppendKey(buf[:0], "lauren.johnson138", Numbers)
		buf = AppendKey(buf[:0], "williamss187", Numbers)
	}
}
