package confusables

import "testing"

func TestPrototype(t *testing.T) {
	tests := []struct {
		r    rune
		want string
		ok   bool
	}{
		{r: 'а', want: "a", ok: true}, // U+0430 CYRILLIC SMALL LETTER A
		{r: 'ο', want: "o", ok: true}, // U+03BF GREEK SMALL LETTER OMICRON
		{r: 'ѕ', want: "s", ok: true}, // U+0455 CYRILLIC SMALL LETTER DZE
		{r: 'a', ok: false},
		{r: '中', ok: false},
	}
	for _, tt := range tests {
		got, ok := Prototype(tt.r)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Prototype(%U) = %q, %v; want %q, %v", tt.r, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSkeleton(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{a: "jane.doe@acme.com", b: "jаne.doe@acme.com", same: true},  // Cyrillic а
		{a: "jane.doe@acme.com", b: "jane.doe@acmе.com", same: true},  // Cyrillic е
		{a: "paypal", b: "pаypаl", same: true},                        // two Cyrillic а
		{a: "jane.doe@acme.com", b: "john.roe@acme.com", same: false}, // different people
		{a: "müller", b: "mu\u0308ller", same: true},                  // NFC and NFD
		{a: "jane", b: "jane\u200b", same: false},                     // invisible characters are another rule's
	}
	for _, tt := range tests {
		if got := Skeleton(tt.a) == Skeleton(tt.b); got != tt.same {
			t.Errorf("Skeleton(%q) == Skeleton(%q) is %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

// TestAppendSkeletonASCII checks the ASCII fast path against the general one, after what dst
// already holds, including strings whose first non-ASCII byte comes after characters the fast
// path has already appended.
func TestAppendSkeletonASCII(t *testing.T) {
	for _, s := range []string{"jane.doe@acme.com", "I1l|0O`\"m", "", "x", "m\u0430", "jim.m\u00fcller@acme.com",
		"\u0430ce", "ace\u0301", "1m0\u200b", "557058:d66661e5-a549-4672-ba14-bd3819ae0de7"} {
		for _, dst := range []string{"", "prefix:"} {
			if got, want := string(AppendSkeleton([]byte(dst), s)), dst+skeleton(s); got != want {
				t.Errorf("AppendSkeleton(%q, %q) = %q, want %q", dst, s, got, want)
			}
		}
	}
}

func BenchmarkAppendSkeletonASCII(b *testing.B) {
	var buf []byte
	for b.Loop() {
		buf = AppendSkeleton(buf[:0], "jane.doe+github@acme-corp.com")
	}
}

func BenchmarkAppendSkeletonASCIIIdentity(b *testing.B) {
	var buf []byte
	for b.Loop() {
		buf = AppendSkeleton(buf[:0], "557058:d66661e5-a549-4672-ba14-bd3819ae0de7")
	}
}
