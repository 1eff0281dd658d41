package email

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// checkCases are the table of TestCheck, and the seeds of FuzzCheck.
var checkCases = []struct {
	name string
	addr string
	want *Problem
}{
	// Valid addresses.
	{name: "plain", addr: "jane.doe@acme.com", want: nil},
	{name: "plus tag", addr: "jane+sei@acme.com", want: nil},
	{name: "plus tag with dots", addr: "jane.doe+ci.bot@acme.com", want: nil},
	{name: "subdomains", addr: "j@mail.eu.acme.co.uk", want: nil},
	{name: "hyphenated domain", addr: "j@acme-corp.com", want: nil},
	{name: "double hyphen outside positions 3-4", addr: "test@c--n.com", want: nil},
	{name: "digits in labels", addr: "j@a1b2.3com.io", want: nil},
	{name: "all-digit label", addr: "test@123.com", want: nil},
	{name: "uppercase accepted", addr: "Jane.Doe@ACME.COM", want: nil},
	{name: "every atext character", addr: "!#$%&'*+-/=?^_`.{|}~@example.tld", want: nil},
	{name: "slash and equals", addr: "user+mailbox/department=shipping@example.tld", want: nil},
	{name: "underscore in local part", addr: "first_last@acme.com", want: nil},
	{name: "one-character local part", addr: "a@acme.com", want: nil},
	{name: "xn-- in local part is just text", addr: "xn--test@iana.org", want: nil},
	{name: "example.com is accepted", addr: "a@example.com", want: nil},
	{name: "example.org is accepted", addr: "a@example.org", want: nil},
	{name: "two-letter country TLD", addr: "test@nic.no", want: nil},
	{name: "long TLD", addr: "test@about.museum", want: nil},
	{name: "local part of 64", addr: strings.Repeat("a", 64) + "@acme.com", want: nil},
	{name: "label of 63", addr: "a@" + strings.Repeat("b", 63) + ".com", want: nil},
	{name: "address of 254", addr: strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 58) + ".io", want: nil},
	{name: "many labels", addr: "a@" + strings.Repeat("b.", 100) + "io", want: nil},
	{name: "IDN: Chinese", addr: "用户@例子.广告", want: nil},
	{name: "IDN: German umlaut in both parts", addr: "josé@exämple.de", want: nil},
	{name: "IDN: ASCII local, Unicode domain", addr: "jeff@臺網中心.tw", want: nil},
	{name: "IDN: uppercase Unicode domain", addr: "a@BÜCHER.de", want: nil},
	{name: "IDN: Greek", addr: "ιωάννης@εεττ.gr", want: nil},
	{name: "IDN: Devanagari", addr: "राम@मोहन.ईन्फो", want: nil},
	{name: "IDN: Arabic, right to left", addr: "user@مثال.إختبار", want: nil},
	{name: "IDN: sharp s stays (non-transitional)", addr: "a@straße.de", want: nil},
	{name: "IDN: ZWNJ in local part", addr: "a\u200cb@例子.广告", want: nil},
	{name: "IDN: Turkish capital dotted I", addr: "a@İstanbul.com.tr", want: nil},
	{name: "IDN: lowercasing composes (T+diaeresis becomes ẗ)", addr: "a@xT\u0308.com", want: nil},
	{name: "IDN: Cherokee capitals stay valid", addr: "a@Ꭰ.com", want: nil},
	{name: "punycode domain", addr: "test@xn--hxajbheg2az3al.xn--jxalpdlp", want: nil},
	{name: "punycode domain, ASCII local", addr: "j@xn--bcher-kva.de", want: nil},
	{name: "punycode domain, uppercase", addr: "J@XN--BCHER-KVA.DE", want: nil},
	{name: "punycode TLD", addr: "a@xn--fsqu00a.xn--55qx5d", want: nil},

	// One or more cases for every kind of problem.
	{name: "empty", addr: "", want: &Problem{Message: "is empty", Offset: 0}},
	{name: "invalid UTF-8", addr: "a\xffb@acme.com", want: &Problem{Message: "is not valid UTF-8", Offset: 1}},
	{name: "invalid UTF-8 after a multibyte character", addr: "é\xff@exämple.de", want: &Problem{Message: "is not valid UTF-8", Offset: 1}},
	{name: "no @", addr: "jane.acme.com", want: &Problem{Message: "has no @", Offset: 0}},
	{name: "full-width @ instead of @", addr: "jane＠acme.com", want: &Problem{Message: "has no @; \"＠\" (U+FF20) only looks like one", Offset: 4}},
	{name: "small @ instead of @", addr: "jane﹫acme.com", want: &Problem{Message: "has no @; \"﹫\" (U+FE6B) only looks like one", Offset: 4}},
	{name: "two @", addr: "a@b@acme.com", want: &Problem{Message: "has 2 @ signs", Offset: 3}},
	{name: "three @", addr: "a@b@c@acme.com", want: &Problem{Message: "has 3 @ signs", Offset: 3}},
	{name: "local part too long", addr: strings.Repeat("a", 70) + "@acme.com", want: &Problem{Message: "local part is 70 characters; at most 64 are allowed", Offset: 64}},
	{name: "non-ASCII local part too long", addr: strings.Repeat("é", 33) + "@exämple.de", want: &Problem{Message: "local part is 66 bytes in UTF-8; at most 64 are allowed", Offset: 32}},
	{name: "address too long", addr: strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 59) + ".io", want: &Problem{Message: "is 255 characters; at most 254 are allowed", Offset: 0}},
	{name: "address too long once IDNA-encoded", addr: strings.Repeat("a", 64) + "@ü" + strings.Repeat("b", 55) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 59) + ".io", want: &Problem{Message: "is 255 characters once the domain is IDNA-encoded; at most 254 are allowed", Offset: 0}},
	{name: "domain too long", addr: "a@" + strings.Repeat("b.", 126) + "io", want: &Problem{Message: "domain is 254 characters; at most 253 are allowed", Offset: 2}},
	{name: "label too long", addr: "a@" + strings.Repeat("b", 64) + ".com", want: &Problem{Message: "domain label \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\" is 64 characters; at most 63 are allowed", Offset: 2}},
	{name: "label too long once IDNA-encoded", addr: "a@ü" + strings.Repeat("b", 58) + ".com", want: &Problem{Message: "domain label \"übbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\" is 66 characters once IDNA-encoded; at most 63 are allowed", Offset: 2}},
	{name: "display name", addr: "Carol <c@x.com>", want: &Problem{Message: "has a display name (\"Carol\"); give only the address: c@x.com", Offset: 0}},
	{name: "quoted display name", addr: `"Carol Smith" <c@x.com>`, want: &Problem{Message: "has a display name (\"\\\"Carol Smith\\\"\"); give only the address: c@x.com", Offset: 0}},
	{name: "angle brackets only", addr: "<c@x.com>", want: &Problem{Message: "is wrapped in angle brackets; give only the address: c@x.com", Offset: 0}},
	{name: "display name around a bad address", addr: "Carol <c@-x.com>", want: &Problem{Message: "has a display name (\"Carol\"); the address in it, c@-x.com, is not usable either: domain label \"-x\" starts with a hyphen", Offset: 0}},
	{name: "display name with no address", addr: "Carol <>", want: &Problem{Message: "has a display name (\"Carol\") with no address in it", Offset: 0}},
	{name: "quoted local part", addr: `"a b"@x.com`, want: &Problem{Message: "quoted local parts are not accepted", Offset: 0}},
	{name: "obsolete quoted word", addr: `a."b"@x.com`, want: &Problem{Message: "quoted local parts are not accepted", Offset: 2}},
	{name: "quoted local part holding @", addr: `"a@b"@x.com`, want: &Problem{Message: "quoted local parts are not accepted", Offset: 0}},
	{name: "comment before", addr: "(work)a@x.com", want: &Problem{Message: "comments are not accepted", Offset: 0}},
	{name: "comment after", addr: "a@x.com(work)", want: &Problem{Message: "comments are not accepted", Offset: 7}},
	{name: "IPv4 literal", addr: "a@[192.0.2.1]", want: &Problem{Message: "IP-literal domains are not accepted", Offset: 2}},
	{name: "IPv6 literal", addr: "a@[IPv6:2001:db8::1]", want: &Problem{Message: "IP-literal domains are not accepted", Offset: 2}},
	{name: "bare IPv4 domain", addr: "a@192.0.2.1", want: &Problem{Message: "IP-address domains are not accepted", Offset: 2}},
	{name: "localhost", addr: "a@localhost", want: &Problem{Message: "domain \"localhost\" is special-use and can never receive mail", Offset: 2}},
	{name: "localhost, uppercase", addr: "a@LOCALHOST", want: &Problem{Message: "domain \"LOCALHOST\" is special-use and can never receive mail", Offset: 2}},
	{name: ".local", addr: "a@corp.local", want: &Problem{Message: "domain \"corp.local\" is special-use and can never receive mail", Offset: 2}},
	{name: ".localhost", addr: "a@host.localhost", want: &Problem{Message: "domain \"host.localhost\" is special-use and can never receive mail", Offset: 2}},
	{name: ".invalid", addr: "a@x.invalid", want: &Problem{Message: "domain \"x.invalid\" is special-use and can never receive mail", Offset: 2}},
	{name: ".test", addr: "a@mycompany.test", want: &Problem{Message: "domain \"mycompany.test\" is special-use and can never receive mail", Offset: 2}},
	{name: "bare test", addr: "a@test", want: &Problem{Message: "domain \"test\" is special-use and can never receive mail", Offset: 2}},
	{name: ".onion", addr: "a@xyz.onion", want: &Problem{Message: "domain \"xyz.onion\" is special-use and can never receive mail", Offset: 2}},
	{name: ".arpa", addr: "a@1.in-addr.arpa", want: &Problem{Message: "domain \"1.in-addr.arpa\" is special-use and can never receive mail", Offset: 2}},
	{name: "no dot", addr: "a@acme", want: &Problem{Message: "domain has no dot", Offset: 2}},
	{name: "digit in TLD", addr: "a@acme.c0m", want: &Problem{Message: "top-level domain \"c0m\" must be letters", Offset: 8}},
	{name: "numeric TLD", addr: "a@acme.123", want: &Problem{Message: "top-level domain \"123\" must be letters", Offset: 7}},
	{name: "hyphen in TLD", addr: "a@acme.co-uk", want: &Problem{Message: "top-level domain \"co-uk\" must be letters", Offset: 9}},
	{name: "one-letter TLD", addr: "a@acme.c", want: &Problem{Message: "top-level domain \"c\" is one letter; every real one has at least two", Offset: 7}},
	{name: "space inside", addr: "a b@x.com", want: &Problem{Message: "contains a space", Offset: 1}},
	{name: "leading space", addr: " a@x.com", want: &Problem{Message: "contains a space", Offset: 0}},
	{name: "trailing space", addr: "a@x.com ", want: &Problem{Message: "contains a space", Offset: 7}},
	{name: "space in domain", addr: "a@x .com", want: &Problem{Message: "contains a space", Offset: 3}},
	{name: "tab", addr: "a\t@x.com", want: &Problem{Message: "contains a tab", Offset: 1}},
	{name: "line feed", addr: "a@x.com\n", want: &Problem{Message: "contains a line break (U+000A)", Offset: 7}},
	{name: "carriage return", addr: "\ra@x.com", want: &Problem{Message: "contains a line break (U+000D)", Offset: 0}},
	{name: "no-break space", addr: "a\u00a0b@x.com", want: &Problem{Message: "contains a space (U+00A0)", Offset: 1}},
	{name: "ideographic space", addr: "用\u3000户@例子.广告", want: &Problem{Message: "contains a space (U+3000)", Offset: 1}},
	{name: "line separator", addr: "a\u2028@x.com", want: &Problem{Message: "contains a line break (U+2028)", Offset: 1}},
	{name: "NUL", addr: "a\x00@x.com", want: &Problem{Message: "contains a control character (U+0000)", Offset: 1}},
	{name: "DEL", addr: "a\x7f@x.com", want: &Problem{Message: "contains a control character (U+007F)", Offset: 1}},
	{name: "C1 control", addr: "a\u009c@x.com", want: &Problem{Message: "contains a control character (U+009C)", Offset: 1}},
	{name: "zero-width space", addr: "a\u200b@x.com", want: &Problem{Message: "contains an invisible formatting character (U+200B)", Offset: 1}},
	{name: "byte-order mark", addr: "\ufeffa@x.com", want: &Problem{Message: "contains an invisible formatting character (U+FEFF)", Offset: 0}},
	{name: "soft hyphen", addr: "jo\u00adhn@x.com", want: &Problem{Message: "contains an invisible formatting character (U+00AD)", Offset: 2}},
	{name: "right-to-left override", addr: "a\u202e@x.com", want: &Problem{Message: "contains an invisible formatting character (U+202E)", Offset: 1}},
	{name: "private use", addr: "a\ue000@x.com", want: &Problem{Message: "contains a private-use character (U+E000)", Offset: 1}},
	{name: "unassigned", addr: "a\ufdef@x.com", want: &Problem{Message: "contains an unassigned character (U+FDEF)", Offset: 1}},
	{name: "replacement character", addr: "a\ufffd@x.com", want: &Problem{Message: "contains the replacement character (U+FFFD), a sign the text was decoded with the wrong encoding", Offset: 1}},
	{name: "local part starts with a dot", addr: ".a@x.com", want: &Problem{Message: "local part starts with a dot", Offset: 0}},
	{name: "local part ends with a dot", addr: "a.@x.com", want: &Problem{Message: "local part ends with a dot", Offset: 1}},
	{name: "two dots in local part", addr: "a..b@x.com", want: &Problem{Message: "has two dots in a row", Offset: 1}},
	{name: "two dots in domain", addr: "a@x..com", want: &Problem{Message: "has two dots in a row", Offset: 3}},
	{name: "domain starts with a dot", addr: "a@.x.com", want: &Problem{Message: "domain starts with a dot", Offset: 2}},
	{name: "domain ends with a dot", addr: "a@x.com.", want: &Problem{Message: "domain ends with a dot", Offset: 7}},
	{name: "local part is empty", addr: "@x.com", want: &Problem{Message: "local part is empty", Offset: 0}},
	{name: "domain is empty", addr: "a@", want: &Problem{Message: "domain is empty", Offset: 2}},
	{name: "comma in local part", addr: "a,b@x.com", want: &Problem{Message: "local part contains \",\", which is not allowed", Offset: 1}},
	{name: "backslash in local part", addr: `a\b@x.com`, want: &Problem{Message: "local part contains \"\\\\\", which is not allowed", Offset: 1}},
	{name: "semicolon in local part", addr: "a;b@x.com", want: &Problem{Message: "local part contains \";\", which is not allowed", Offset: 1}},
	{name: "unbalanced angle bracket", addr: "<a@x.com", want: &Problem{Message: "local part contains \"<\", which is not allowed", Offset: 0}},
	{name: "underscore in domain", addr: "a@x_y.com", want: &Problem{Message: "domain contains \"_\", which is not allowed (only letters, digits, hyphens and dots are)", Offset: 3}},
	{name: "slash in domain", addr: "a@x/y.com", want: &Problem{Message: "domain contains \"/\", which is not allowed (only letters, digits, hyphens and dots are)", Offset: 3}},
	{name: "exclamation in domain", addr: "a@x!.com", want: &Problem{Message: "domain contains \"!\", which is not allowed (only letters, digits, hyphens and dots are)", Offset: 3}},
	{name: "label starts with a hyphen", addr: "a@-x.com", want: &Problem{Message: "domain label \"-x\" starts with a hyphen", Offset: 2}},
	{name: "label ends with a hyphen", addr: "a@x-.com", want: &Problem{Message: "domain label \"x-\" ends with a hyphen", Offset: 3}},
	{name: "TLD ends with a hyphen", addr: "a@x.com-", want: &Problem{Message: "domain label \"com-\" ends with a hyphen", Offset: 7}},
	{name: "hyphens in positions 3 and 4", addr: "a@yy--0.com", want: &Problem{Message: "domain label \"yy--0\" has \"--\" in the 3rd and 4th positions, which only xn-- labels may", Offset: 4}},
	{name: "invalid punycode", addr: "a@xn--0.com", want: &Problem{Message: "internationalized domain \"xn--0.com\" is invalid: label \"xn--0\" is not valid punycode", Offset: 2}},
	{name: "punycode of nonsense", addr: "a@xn--abc.com", want: &Problem{Message: "internationalized domain \"xn--abc.com\" is invalid: label \"xn--abc\" decodes to \"\\u0082\\u0081\\u0080\", which is not a valid IDNA2008 label", Offset: 2}},
	{name: "punycode TLD invalid", addr: "a@例子.xn--0", want: &Problem{Message: "internationalized domain \"例子.xn--0\" is invalid: label \"xn--0\" is not valid punycode", Offset: 5}},
	{name: "full-width letters in domain", addr: "a@ＡＢＣ.com", want: &Problem{Message: "internationalized domain \"ＡＢＣ.com\" is invalid: \"Ａ\" (U+FF21) is not allowed in a domain name; write \"abc.com\" instead", Offset: 2}},
	{name: "full-width hyphen in domain", addr: "a@yy－－0.com", want: &Problem{Message: "internationalized domain \"yy－－0.com\" is invalid: \"－\" (U+FF0D) is not allowed in a domain name; write \"-\" instead", Offset: 4}},
	{name: "ideographic full stop", addr: "a@例子。广告", want: &Problem{Message: "internationalized domain \"例子。广告\" is invalid: \"。\" (U+3002) is not allowed in a domain name; write \"例子.广告\" instead", Offset: 4}},
	{name: "compatibility character in domain", addr: "a@⒈x.com", want: &Problem{Message: "internationalized domain \"⒈x.com\" is invalid: \"⒈\" (U+2488) is not allowed in a domain name", Offset: 2}},
	{name: "title-case compatibility letter in domain", addr: "a@ǅx.com", want: &Problem{Message: "internationalized domain \"ǅx.com\" is invalid: \"ǅ\" (U+01C5) is not allowed in a domain name; write \"džx.com\" instead", Offset: 2}},
	{name: "emoji domain", addr: "a@💩.la", want: &Problem{Message: "internationalized domain \"💩.la\" is invalid: \"💩\" (U+1F4A9) is not allowed in a domain name (IDNA2008 allows letters, marks and digits)", Offset: 2}},
	{name: "emoji domain as punycode", addr: "a@xn--ls8h.la", want: &Problem{Message: "internationalized domain \"xn--ls8h.la\" is invalid: \"💩\" (U+1F4A9) is not allowed in a domain name (IDNA2008 allows letters, marks and digits)", Offset: 2}},
	{name: "domain label starts with a combining mark", addr: "a@\u0301x.com", want: &Problem{Message: "internationalized domain \"́x.com\" is invalid: label \"́x\" starts with a combining mark", Offset: 2}},
	{name: "misplaced zero-width joiner in domain", addr: "a@a\u200db.com", want: &Problem{Message: "internationalized domain \"a\\u200db.com\" is invalid: label \"a\\u200db\" has a zero-width joiner or non-joiner where IDNA does not allow one", Offset: 2}},
	{name: "bidi rule across labels", addr: "a@3com.مثال", want: &Problem{Message: "internationalized domain \"3com.مثال\" is invalid: it mixes right-to-left and left-to-right labels in a way the IDNA bidi rule (RFC 5893) does not allow", Offset: 2}},
	{name: "bidi rule in a label", addr: "a@例子.١٢٣", want: &Problem{Message: "internationalized domain \"例子.١٢٣\" is invalid: label \"١٢٣\" breaks the IDNA bidi rule (RFC 5893)", Offset: 5}},
	{name: "non-NFC local part", addr: "e\u0301@exämple.de", want: &Problem{Message: "is not NFC-normalized: \"é\" (U+0065 U+0301) should be \"é\" (U+00E9)", Offset: 0}},
	{name: "non-NFC domain", addr: "a@exa\u0308mple.de", want: &Problem{Message: "is not NFC-normalized: \"ä\" (U+0061 U+0308) should be \"ä\" (U+00E4)", Offset: 4}},
	{name: "CJK compatibility ideograph", addr: "\uf96e@臺網中心.tw", want: &Problem{Message: "is not NFC-normalized: \"葉\" (U+F96E) should be \"葉\" (U+8449)", Offset: 0}},
	{name: "non-ASCII local part, ASCII domain", addr: "josé@example.de", want: &Problem{Message: "non-ASCII local part needs an internationalized domain", Offset: 3}},
	{name: "non-ASCII local part, punycode domain", addr: "josé@xn--exmple-cua.de", want: &Problem{Message: "non-ASCII local part needs an internationalized domain; write the domain in Unicode (exämple.de), not in its xn-- form", Offset: 3}},
	{name: "combining mark starts local part", addr: "\u0301a@exämple.de", want: &Problem{Message: "local part has a combining mark (U+0301) with nothing to combine with", Offset: 0}},
	{name: "full-width @ in local part", addr: "＠@fullwidth.at", want: &Problem{Message: "local part contains \"＠\" (U+FF20), which looks like @ but is not", Offset: 0}},
	{name: "far too long", addr: strings.Repeat("a", 5000) + "@x.com", want: &Problem{Message: "is 5006 characters; at most 254 are allowed", Offset: 0}},
}

func TestCheck(t *testing.T) {
	for _, tc := range checkCases {
		t.Run(tc.name, func(t *testing.T) {
			got := Check(tc.addr)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Check(%q) mismatch (-want +got):\n%s", tc.addr, diff)
			}
			if v := Valid(tc.addr); v != (tc.want == nil) {
				t.Errorf("Valid(%q) = %v, want %v", tc.addr, v, tc.want == nil)
			}
		})
	}
}

// TestMessageStyle keeps messages in the form the rule prints them in: `email "x" <message>`.
func TestMessageStyle(t *testing.T) {
	for _, tc := range checkCases {
		p := Check(tc.addr)
		if p == nil {
			continue
		}
		m := p.Message
		if m == "" || strings.HasSuffix(m, ".") || (m[0] >= 'A' && m[0] <= 'Z' && !strings.HasPrefix(m, "IP-")) {
			t.Errorf("Check(%q).Message = %q: want lower case, no final period", tc.addr, m)
		}
		if n := utf8.RuneCountInString(tc.addr); p.Offset < 0 || p.Offset > n {
			t.Errorf("Check(%q).Offset = %d, outside [0, %d]", tc.addr, p.Offset, n)
		}
	}
}

// TestCheckDoesNotAllocate guards the happy path, which runs once per record of a file: with
// its domain remembered, and with another domain holding its slot of the cache.
func TestCheckDoesNotAllocate(t *testing.T) {
	goodASCII.reset()
	other := ""
	for i := 1; other == "" && i < 100000; i++ {
		if dom := fmt.Sprintf("d%d.acme.com", i); goodASCII.slot(dom) == goodASCII.slot("d0.acme.com") {
			other = dom
		}
	}
	Check("x@d0.acme.com") // takes the slot of other
	for _, addr := range []string{"jane.doe@acme.com", "Jane.Doe+ci@Mail.Acme-Corp.co.uk", "jane.doe@" + other} {
		if p := Check(addr); p != nil {
			t.Fatalf("Check(%q) = %+v, want nil", addr, p)
		}
		if n := testing.AllocsPerRun(100, func() { Check(addr) }); n != 0 {
			t.Errorf("Check(%q) allocates %v times, want 0", addr, n)
		}
	}
}

// benchAddresses is a realistic mix for an identity file: mostly plain work addresses, some
// with case or plus tags, a few internationalized, and about one in ten refused.
var benchAddresses = []string{
	"jane.doe@acme.com",
	"john.roe@acme.com",
	"dev-bot+ci@acme-corp.io",
	"Priya.Sharma@Acme.com",
	"m.garcia@eu.acme.co.uk",
	"k8s-admin@platform.acme.dev",
	"lee_chen@acme.com",
	"a.b.c.d@mail.subsidiary.acme.com",
	"sam@acme.com",
	"first.last+sei@acme.com",
	"ops@123.acme.net",
	"noreply@github.com",
	"user@example.org",
	"josé@exämple.de",
	"jeff@臺網中心.tw",
	"Jane Doe <jane.doe@acme.com>",
	"john..roe@acme.com",
	"jane.doe@acme",
	"jane.doe@acme.com.",
	"jane doe@acme.com",
}

func BenchmarkCheck(b *testing.B) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Check(benchAddresses[i%len(benchAddresses)])
		i++
	}
}

// BenchmarkCheckValidASCII is the common case on its own.
func BenchmarkCheckValidASCII(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Check("first.last+sei@mail.acme-corp.com")
	}
}

// TestGoodIDNCache: a domain that passed is remembered (goodIDN), and the answers stay those of
// a first check, for passes and problems alike, from several goroutines at once.
func TestGoodIDNCache(t *testing.T) {
	addrs := []string{"иван@пример.рф", "a@пример.рф", "b@xn--e1afmkfd.xn--p1ai", "c@пример-.рф",
		"d@пример.р", "e@bücher.de", "f@bücher.d3"}
	want := map[string]string{}
	for _, a := range addrs {
		want[a] = fmt.Sprint(Check(a))
	}
	if want["c@пример-.рф"] == "<nil>" || want["a@пример.рф"] != "<nil>" {
		t.Fatalf("first answers %v: the cases no longer pass and fail as meant", want)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 50 {
				for _, a := range addrs {
					if got := fmt.Sprint(Check(a)); got != want[a] {
						t.Errorf("Check(%q) = %s, first %s", a, got, want[a])
					}
				}
			}
		})
	}
	wg.Wait()
	if _, ok := goodIDN.Load("пример.рф"); !ok {
		t.Error("пример.рф passed but is not remembered")
	}
}

// TestGoodASCIICache: an ASCII domain that passed is remembered (goodASCII), and the answers
// stay those of a check with nothing remembered, for passes and problems alike, at domains
// that share a slot, from several goroutines at once.
func TestGoodASCIICache(t *testing.T) {
	addrs := []string{"jane@acme.com", "john..roe@acme.com", "a@acme.com.", "b@acme.co", "c@acme.c0m",
		"d@acme.local", "e@xn--bcher-kva.de", "f@acme-.com", "g@sub.acme.com", "h@ACME.com", "i@acme.com"}
	// Domains in one slot: the cache must tell them apart, whichever holds the slot.
	slot := goodASCII.slot("acme.com")
	for i := 0; len(addrs) < 24 && i < 100000; i++ {
		if dom := fmt.Sprintf("d%d.acme.com", i); goodASCII.slot(dom) == slot {
			addrs = append(addrs, "k@"+dom, "k@"+dom[:len(dom)-1]+"-")
		}
	}
	want := map[string]string{}
	for _, a := range addrs {
		goodASCII.reset()
		want[a] = fmt.Sprint(Check(a))
	}
	if want["jane@acme.com"] != "<nil>" || want["john..roe@acme.com"] == "<nil>" || want["d@acme.local"] == "<nil>" {
		t.Fatalf("first answers %v: the cases no longer pass and fail as meant", want)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 * len(addrs) {
				a := addrs[(i*(g+1))%len(addrs)]
				if got := fmt.Sprint(Check(a)); got != want[a] {
					t.Errorf("Check(%q) = %s, first %s", a, got, want[a])
				}
			}
		})
	}
	wg.Wait()
	goodASCII.reset()
	Check("jane@acme.com")
	if !goodASCII.has("acme.com") {
		t.Error("acme.com passed but is not remembered")
	}
}

// TestPlainLocal holds Check's shortcut for local parts of atext and dots to checkLocal, on
// every such local part of up to five characters from an alphabet with dots in it, and at the
// length limit.
func TestPlainLocal(t *testing.T) {
	locals, last := []string{""}, []string{""}
	for range 5 {
		var next []string
		for _, s := range last {
			for _, c := range []string{"a", ".", "+", "9"} {
				next = append(next, s+c)
			}
		}
		locals, last = append(locals, next...), next
	}
	locals = append(locals, strings.Repeat("a", maxLocal), strings.Repeat("a", maxLocal+1), strings.Repeat("a.", maxLocal/2))
	for _, local := range locals {
		_, p := checkLocal(local+"@x.com", len(local))
		if got := plainLocal(local); got != (p == nil) {
			t.Errorf("plainLocal(%q) = %v, but checkLocal says %v", local, got, p)
		}
	}
}

// TestCachesCopyDomains: the domain caches keep copies of what they remember. A caller may
// pass an address whose bytes it writes over once Check returns (the engine does: see
// payload.Handler.TransientValues); a cache that kept the caller's text would then hold
// another domain under the first one's hash.
func TestCachesCopyDomains(t *testing.T) {
	for _, tc := range []struct{ addr, domain string }{
		{"jane@copies.example.com", "copies.example.com"}, // goodASCII
		{"jane@büchercopies.de", "büchercopies.de"},       // goodIDN
	} {
		goodASCII.reset()
		goodIDN.Delete(tc.domain)
		buf := []byte(tc.addr)
		if p := Check(unsafe.String(&buf[0], len(buf))); p != nil {
			t.Fatalf("Check(%q) = %v", tc.addr, p)
		}
		for i := range buf {
			buf[i] = '#'
		}
		_, idn := goodIDN.Load(tc.domain)
		if !idn && !goodASCII.has(tc.domain) {
			t.Errorf("%s: the cache lost it when the caller wrote over its address", tc.domain)
		}
	}
}
