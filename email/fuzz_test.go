package email

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// FuzzCheck checks the properties every caller relies on, for any input: Check does not
// panic, gives the same answer twice, agrees with Valid, points inside the input, and never
// accepts something with other than one @ or with a space.
func FuzzCheck(f *testing.F) {
	for _, tc := range checkCases {
		f.Add(tc.addr)
	}
	for _, addr := range benchAddresses {
		f.Add(addr)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		goodASCII.reset()
		p := Check(addr)
		if again := Check(addr); !cmp.Equal(p, again) { // with its domain remembered, if it passed
			t.Fatalf("Check(%q) is not deterministic: %+v, then %+v", addr, p, again)
		}
		if v := Valid(addr); v != (p == nil) {
			t.Fatalf("Valid(%q) = %v, but Check = %+v", addr, v, p)
		}
		if p != nil {
			if p.Message == "" {
				t.Fatalf("Check(%q) has an empty message", addr)
			}
			if n := utf8.RuneCountInString(addr); p.Offset < 0 || p.Offset > n {
				t.Fatalf("Check(%q).Offset = %d, outside [0, %d]", addr, p.Offset, n)
			}
			return
		}
		if n := strings.Count(addr, "@"); n != 1 {
			t.Fatalf("Check accepts %q, which has %d @", addr, n)
		}
		if !utf8.ValidString(addr) {
			t.Fatalf("Check accepts %q, which is not valid UTF-8", addr)
		}
		if i := strings.IndexFunc(addr, unicode.IsSpace); i >= 0 {
			t.Fatalf("Check accepts %q, which has a space at byte %d", addr, i)
		}
		if len(addr) > 4*maxAddress {
			t.Fatalf("Check accepts %q, which is %d bytes long", addr, len(addr))
		}
	})
}
