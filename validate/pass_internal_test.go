package validate

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/idlint/idlint/payload"
)

// snippetLongWay is snippet as it was before snippets kept the walk along a line: the
// reference the cursor must agree with.
func snippetLongWay(text []byte, textPos, pos payload.Pos) (string, int) {
	line, col, ok := payload.Line(text, textPos, pos.Line)
	if !ok {
		return "", 0
	}
	if utf8.RuneCount(line) > maxSnippet {
		for col < pos.Col-maxSnippet/2 && len(line) > 0 {
			_, n := utf8.DecodeRune(line)
			line, col = line[n:], col+1
		}
		n := 0
		for i := range string(line) {
			if n == maxSnippet {
				line = line[:i]
				break
			}
			n++
		}
	}
	return strings.ToValidUTF8(string(line), "\uFFFD"), col
}

// TestSnippets: the snippets of a record's findings, cut walking on along the line from one
// finding to the next, are those cut from the start of the line for each: on short and long
// lines, ASCII, multi-byte and invalid UTF-8, with findings in and out of column order and
// back and forth between the lines of a record. One snippets serves every record: it must
// tell when the text is another one's, reset or not.
func TestSnippets(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	pieces := []string{"a", "é", "жж", "\xff", "x,y", "😀", " ", "\r"}
	var c snippets
	var texts [][]byte // all kept, so that no text takes the place of one before
	for round := range 300 {
		var text strings.Builder
		lines := 1 + rng.IntN(6)
		for l := range lines {
			for range rng.IntN(2000) {
				text.WriteString(pieces[rng.IntN(len(pieces))])
			}
			if l < lines-1 {
				text.WriteString("\n")
			}
		}
		data := []byte(text.String())
		texts = append(texts, data)
		textPos := payload.Pos{Line: 3, Col: 1 + rng.IntN(5)}
		if rng.IntN(2) == 0 {
			c.reset() // as between records; else the text alone must tell
		}
		for range 40 {
			pos := payload.Pos{Line: textPos.Line + rng.IntN(lines+1), Col: 1 + rng.IntN(2500)}
			gotS, gotC := c.snippet(data, textPos, pos)
			wantS, wantC := snippetLongWay(data, textPos, pos)
			if gotS != wantS || gotC != wantC {
				t.Fatalf("round %d, %v: got %q at %d, want %q at %d", round, pos, gotS, gotC, wantS, wantC)
			}
			if oneS, oneC := snippet(data, textPos, pos); oneS != wantS || oneC != wantC {
				t.Fatalf("round %d, %v: snippet (a diag's) gives %q at %d, want %q at %d", round, pos, oneS, oneC, wantS, wantC)
			}
		}
	}
}

// TestPlain: Pass.Plain answers from what notePlain noted for the first 64 fields of the
// record, and the long way for the others: past the 64th, in Extra (right after Fields, as a
// batch holds them), a copy, a field of another record. To tell the two ways apart, the test
// inverts what notePlain noted.
func TestPlain(t *testing.T) {
	values := []string{"plain", "", " spaced", "jаne", "x", "tab\there"}
	plain := func(f *payload.Field) bool {
		return f.Kind == payload.KindString && f.Value != "" && strings.Trim(f.Value, "abcdefghijklmnopqrstuvwxyz") == ""
	}
	other := &payload.Record{Fields: []payload.Field{{Name: "f", Value: "jаne", Kind: payload.KindString}}}
	for _, n := range []int{5, 70} {
		var all []payload.Field
		for i := range n + 6 {
			kind := payload.KindString
			if i%7 == 6 {
				kind = payload.KindNumber
			}
			all = append(all, payload.Field{Name: "f", Value: values[(i+n)%len(values)], Kind: kind})
		}
		rec := &payload.Record{Fields: all[:n:n], Extra: all[n:]}
		var p Pass
		p.rec = rec
		p.notePlain(false)
		for i := range min(n, 64) {
			if noted := p.plain&(1<<i) != 0; noted != plain(&all[i]) {
				t.Fatalf("%d fields: notePlain noted field %d, %q, as plain: %v", n, i, all[i].Value, noted)
			}
		}
		if p.allPlain {
			t.Errorf("%d fields: a record with spaces and a Cyrillic letter is noted as all plain", n)
		}
		p.plain = ^p.plain
		copied := rec.Fields[3]
		for i, f := range append([]*payload.Field{&copied, &other.Fields[0]}, func() (fs []*payload.Field) {
			for i := range all {
				fs = append(fs, &all[i])
			}
			return fs
		}()...) {
			want := plain(f)
			if i >= 2 && i-2 < min(n, 64) && f.Kind == payload.KindString {
				want = !want // noted, and inverted; Plain says no to a number without asking
			}
			if got := p.Plain(f); got != want {
				t.Errorf("%d fields: field %d, %q: Plain = %v, want %v", n, i, f.Value, got, want)
			}
		}
	}
}

// TestAllPlain: a record is all plain when every string value in Fields and Extra is plain or
// empty; numbers do not count.
func TestAllPlain(t *testing.T) {
	str := func(v string) payload.Field { return payload.Field{Name: "f", Value: v, Kind: payload.KindString} }
	num := payload.Field{Name: "n", Value: "1 2", Kind: payload.KindNumber}
	for _, tc := range []struct {
		fields, extra []payload.Field
		want          bool
	}{
		{[]payload.Field{str("a"), str(""), num}, []payload.Field{str("b")}, true},
		{nil, nil, true},
		{[]payload.Field{str("a b")}, nil, false},
		{[]payload.Field{str("a")}, []payload.Field{str("jаne")}, false},
		{append(make([]payload.Field, 70, 71), str(" x")), nil, false}, // past the 64 noted
	} {
		var p Pass
		p.rec = &payload.Record{Fields: tc.fields, Extra: tc.extra}
		p.notePlain(false)
		if p.allPlain != tc.want {
			t.Errorf("%+v, extra %+v: allPlain %v", tc.fields[max(0, len(tc.fields)-3):], tc.extra, p.allPlain)
		}
		if p.notePlain(true); p.allPlain {
			t.Errorf("all plain with the shortcut off")
		}
	}
}
