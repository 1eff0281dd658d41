package report

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

func TestRedactFinding(t *testing.T) {
	tests := []struct {
		name        string
		mode        Redaction
		in          validate.Finding
		wantMessage string
		wantSnippet string
		wantCaret   int // characters before the caret in the snippet
	}{
		{
			name: "mask keeps the first character and the domain",
			mode: RedactMask,
			in: validate.Finding{Pos: payload.Pos{Line: 2, Col: 27}, SnippetCol: 1,
				Message: `cloudId "janedoe" is mapped to jane.doe@acme.com and john.roe@acme.com`,
				Snippet: "jane.doe@acme.com,GITHUB,janedoe", Personal: []string{"jane.doe@acme.com", "janedoe", "john.roe@acme.com"}},
			wantMessage: `cloudId "j*****" is mapped to j***@acme.com and j***@acme.com`,
			wantSnippet: "j***@acme.com,GITHUB,j*****", wantCaret: 21,
		},
		{
			name: "hash is stable and tells people apart",
			mode: RedactHash,
			in: validate.Finding{Pos: payload.Pos{Line: 2, Col: 27}, SnippetCol: 1,
				Message: `jane.doe@acme.com and john.roe@acme.com, and jane.doe@acme.com again`,
				Snippet: "jane.doe@acme.com,GITHUB,janedoe", Personal: []string{"jane.doe@acme.com", "janedoe"}},
			wantMessage: `7ab2023f@acme.com and bd70a4f8@acme.com, and 7ab2023f@acme.com again`,
			wantSnippet: "7ab2023f@acme.com,GITHUB,7618385c", wantCaret: 25,
		},
		{
			name: "a reader finding has no Personal: emails by pattern",
			mode: RedactMask,
			in: validate.Finding{Pos: payload.Pos{Line: 8, Col: 19}, SnippetCol: 1,
				Message: `unterminated quote`, Snippet: `mary.poe@acme.com,"GITHUB,mpoe`},
			wantMessage: `unterminated quote`, wantSnippet: `m***@acme.com,"GITHUB,mpoe`, wantCaret: 14,
		},
		{
			name: "a display-name address and its name",
			mode: RedactMask,
			in: validate.Finding{Pos: payload.Pos{Line: 1, Col: 11}, SnippetCol: 1,
				Message: `email "Carol Poe <carol@acme.com>": has a display name ("Carol Poe"); give only the address: carol@acme.com`,
				Snippet: `{"email": "Carol Poe <carol@acme.com>", "cloudId": "cpoe"}`, Personal: []string{"Carol Poe <carol@acme.com>", "cpoe"}},
			wantMessage: `email "C***@acme.com>": has a display name ("C*****"); give only the address: c***@acme.com`,
			wantSnippet: `{"email": "C***@acme.com>", "cloudId": "c*****"}`, wantCaret: 10,
		},
		{
			name: "a value as %q escapes it in the message",
			mode: RedactMask,
			in: validate.Finding{Pos: payload.Pos{Line: 1, Col: 1}, SnippetCol: 1,
				Message: `cloudId "ann\tlee" contains a tab`, Snippet: "ann\tlee,JIRA", Personal: []string{"ann\tlee"}},
			wantMessage: `cloudId "a*****" contains a tab`, wantSnippet: "a*****,JIRA", wantCaret: 0,
		},
		{
			name: "a one-letter identity does not mask inside words",
			mode: RedactMask,
			in: validate.Finding{Pos: payload.Pos{Line: 1, Col: 1}, SnippetCol: 1,
				Message: `cloudId "a" is too short for a real account`, Snippet: "x@y.com,JIRA,a", Personal: []string{"a"}},
			wantMessage: `cloudId "a*****" is too short for a***** real account`, wantSnippet: "x***@y.com,JIRA,a*****", wantCaret: 0,
		},
		{
			name: "a caret inside a masked value moves to its start",
			mode: RedactMask,
			in: validate.Finding{Pos: payload.Pos{Line: 1, Col: 6}, SnippetCol: 1,
				Message: `hidden character`, Snippet: "jane.doe@acme.com,JIRA,jd", Personal: []string{"jane.doe@acme.com"}},
			wantMessage: `hidden character`, wantSnippet: "j***@acme.com,JIRA,jd", wantCaret: 0,
		},
		{
			name: "a clipped snippet (SnippetCol past 1)",
			mode: RedactMask,
			in: validate.Finding{Pos: payload.Pos{Line: 1, Col: 154}, SnippetCol: 120,
				Message: `identity "bob" is short`, Snippet: `"email":"bob@acme.com","identity":"bob"}`, Personal: []string{"bob@acme.com", "bob"}},
			wantMessage: `identity "b*****" is short`, wantSnippet: `"email":"b***@acme.com","identity":"b*****"}`, wantCaret: 35,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newRedactor(tt.mode).finding(tt.in)
			if got.Message != tt.wantMessage {
				t.Errorf("message\n got %q\nwant %q", got.Message, tt.wantMessage)
			}
			if got.Snippet != tt.wantSnippet {
				t.Errorf("snippet\n got %q\nwant %q", got.Snippet, tt.wantSnippet)
			}
			if caret := got.Pos.Col - got.SnippetCol; caret != tt.wantCaret {
				t.Errorf("caret at %d, want %d", caret, tt.wantCaret)
			}
			if got.Pos != tt.in.Pos {
				t.Errorf("Pos changed: %v, want %v", got.Pos, tt.in.Pos)
			}
		})
	}
}

// TestRedactEveryFormat: with --redact, no format prints a personal value of the sample —
// message, snippet or the address in a reader finding's line.
func TestRedactEveryFormat(t *testing.T) {
	personal := []string{"john.roe@acme.com", "jroe", "jane.doe@acme.com", "janedoe", "mary.poe@acme.com", "c@x.com"}
	for _, mode := range []Redaction{RedactMask, RedactHash} {
		for _, format := range Names() {
			t.Run(format, func(t *testing.T) {
				r := sample()
				// No rule documentation: SARIF would print it, and its examples name made-up
				// people such as jane.doe@acme.com.
				r.Rules = []*validate.Rule{}
				out := string(render(t, format, Options{Redact: mode, Now: fixedClock}, r))
				for _, v := range personal {
					if strings.Contains(out, v) {
						t.Errorf("--redact %d %s output shows %q", mode, format, v)
					}
				}
				want := "j***@acme.com"
				if mode == RedactHash {
					want = "7ab2023f@acme.com" // jane.doe@acme.com
				}
				if !strings.Contains(out, want) {
					t.Errorf("--redact %d %s output lacks %q", mode, format, want)
				}
			})
		}
	}
}

func TestParseRedaction(t *testing.T) {
	got := map[string]Redaction{}
	for _, s := range []string{"mask", "hash", "none"} {
		r, err := ParseRedaction(s)
		if err != nil {
			t.Fatal(err)
		}
		got[s] = r
	}
	if diff := cmp.Diff(map[string]Redaction{"mask": RedactMask, "hash": RedactHash, "none": RedactNone}, got); diff != "" {
		t.Error(diff)
	}
	if _, err := ParseRedaction("blur"); err == nil {
		t.Error(`ParseRedaction("blur") gave no error`)
	}
}
