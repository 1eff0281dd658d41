package payload

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestDetect(t *testing.T) {
	long := strings.Repeat(`"xxxxxxxxxx",`, 6000) // 78 KB, more than Detect looks at
	tests := []struct {
		name string
		file string
		in   string
		want Format
	}{
		{"json extension", "ids.json", "email,identity\n", FormatJSON},
		{"json extension in capitals", "IDS.JSON", "", FormatJSON},
		{"jsonl extension", "ids.jsonl", "[]", FormatJSONL},
		{"ndjson extension", "dir.json/ids.NDJSON", "[]", FormatJSONL},
		{"csv extension", "ids.csv", "[]", FormatCSV},
		{"other extension: content", "ids.txt", "[]", FormatJSON},
		{"array", "-", `[{"email":"a"}]`, FormatJSON},
		{"array after whitespace", "", " \r\n\t[", FormatJSON},
		{"array after BOM", "", "\xEF\xBB\xBF\n[]", FormatJSON},
		{"legacy", "", `{"integrationUsers": []}`, FormatJSON},
		{"legacy pretty", "", "{\n  \"integrationUsers\": [\n", FormatJSON},
		{"legacy after BOM, first key on line 2", "", "\xEF\xBB\xBF{\n\"integrationUsers\":[]}\n{}", FormatJSON},
		{"legacy with integrationUsers not first", "", "{\n  \"x\": 1,\n  \"integrationUsers\": []\n}\n", FormatJSON},
		{"JSON Lines", "", "{\"email\":\"a\"}\n{\"email\":\"b\"}\n", FormatJSONL},
		{"JSON Lines with CRLF and blank lines", "", "{\"email\":\"a\"}\r\n\r\n  \n  {\"email\":\"b\"}", FormatJSONL},
		{"JSON Lines with a broken first line", "", "{\"email\": 'a'}\n{\"email\":\"b\"}\n", FormatJSONL},
		{"JSON Lines with a non-object second line", "", "{\"email\":\"a\"}\n[1]\n", FormatJSON},
		{"single one-line object", "", `{"email":"a","integrationId":1,"identity":"x"}`, FormatJSON},
		{"single one-line object and a line break", "", "{\"email\":\"a\"}\n\n", FormatJSON},
		{"pretty-printed object", "", "{\n  \"email\": \"a\"\n}\n", FormatJSON},
		{"pretty-printed objects one after another", "", "{\n  \"a\": 1\n}\n{\n  \"b\": 2\n}\n", FormatJSONL},
		{"object spanning lines with an error", "", "{\n  \"a\": 1,,\n}\n{}", FormatJSON},
		{"object then garbage", "", "{\"a\":1}\n]", FormatJSON},
		{"object cut off by the peek limit", "", "{\"a\":[" + long + "1]}\n{}\n", FormatJSON},
		{"long first line within the peek limit", "", "{\"a\":[" + long[:13*4600] + "1]}\n{}\n", FormatJSONL},
		{"CSV", "", "email,integrationId,identity\na@b.c,1,x\n", FormatCSV},
		{"CSV after BOM", "", "\xEF\xBB\xBFemail\n", FormatCSV},
		{"empty", "", "", FormatCSV},
		{"blank", "", " \n ", FormatCSV},
		{"BOM only", "", "\xEF\xBB\xBF", FormatCSV},
		{"lone brace", "", "{", FormatJSON},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, slow := range []bool{false, true} {
				var r io.Reader = strings.NewReader(tc.in)
				if slow {
					r = iotest.OneByteReader(r)
				}
				got, r2 := Detect(tc.file, r)
				if got != tc.want {
					t.Errorf("Detect = %v, want %v", got, tc.want)
				}
				all, err := io.ReadAll(r2)
				if err != nil || string(all) != tc.in {
					t.Errorf("the reader gave %d bytes (error %v), want the %d of the input", len(all), err, len(tc.in))
				}
			}
		})
	}
}

func TestDetectReadsLittle(t *testing.T) {
	// A JSON Lines stream that never ends: Detect must decide from what it can see.
	r := io.MultiReader(strings.NewReader("{\"a\":1}\n{\"a\":2}\n"), iotest.TimeoutReader(strings.NewReader("x")))
	got, _ := Detect("", r)
	if got != FormatJSONL {
		t.Errorf("Detect = %v, want jsonl", got)
	}
}

func TestRead(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		format  Format
		in      string
		want    Format
		records int
	}{
		{"detected JSON", "-", FormatUnknown, "[{},{}]", FormatJSON, 2},
		{"detected JSON Lines", "", FormatUnknown, "\xEF\xBB\xBF{}\n{}\n{}", FormatJSONL, 3},
		{"JSON by extension", "x.json", FormatUnknown, "{}\n{}\n", FormatJSON, 0},
		{"forced JSON Lines", "x.json", FormatJSONL, "{}\n{}\n", FormatJSONL, 2},
		{"detected CSV", "", FormatUnknown, "email\n", FormatCSV, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			records := 0
			sum, err := Read(strings.NewReader(tc.in), tc.file, tc.format, Handler{Record: func(*Record) { records++ }, Diag: func(Diag) {}})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Format != tc.want || (tc.records >= 0 && records != tc.records) {
				t.Errorf("format %v with %d records, want %v with %d", sum.Format, records, tc.want, tc.records)
			}
		})
	}
	if _, err := Read(bytes.NewReader(nil), "", Format(42), Handler{}); err == nil {
		t.Error("unknown format: no error")
	}
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"[]", "{\"integrationUsers\":[]}", "{}\n{}\n", "{\n}\n{", "a,b\n", "\xEF\xBB\xBF{"} {
		f.Add([]byte(s))
	}
	for _, tc := range jsonlCases {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, r := Detect("", iotest.HalfReader(bytes.NewReader(in)))
		again, _ := Detect("stdin", bytes.NewReader(in))
		if got != again {
			t.Fatalf("Detect is not deterministic: %v, then %v", got, again)
		}
		all, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(all, in) {
			t.Fatalf("the reader lost bytes: %d of %d (%v)", len(all), len(in), err)
		}
		if got != FormatJSON && got != FormatJSONL && got != FormatCSV {
			t.Fatalf("Detect = %v", got)
		}
	})
}

func TestUTF16Order(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{name: "LE BOM", in: []byte{0xFF, 0xFE, 'e', 0}, want: "little-endian"},
		{name: "BE BOM", in: []byte{0xFE, 0xFF, 0, 'e'}, want: "big-endian"},
		{name: "LE without BOM", in: []byte{'e', 0, 'm', 0}, want: "little-endian, without a byte order mark"},
		{name: "BE without BOM", in: []byte{0, '[', 0, '{'}, want: "big-endian, without a byte order mark"},
		{name: "UTF-8 BOM", in: []byte{0xEF, 0xBB, 0xBF, 'e'}, want: ""},
		{name: "plain", in: []byte("email"), want: ""},
		{name: "short", in: []byte{'e', 0}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := utf16Order(tt.in); got != tt.want {
				t.Errorf("utf16Order(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
