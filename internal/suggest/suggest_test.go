package suggest

import "testing"

func TestNearest(t *testing.T) {
	fields := []string{"email", "integrationId", "identity", "applicationType", "cloudId"}
	types := []string{"GITHUB", "GITHUB_ENTERPRISE", "GITLAB", "BITBUCKET", "JIRA", "CUSTOM"}
	tests := []struct {
		name       string
		word       string
		candidates []string
		want       string
		wantOK     bool
	}{
		{name: "transposition", word: "emial", candidates: fields, want: "email", wantOK: true},
		{name: "case and separators", word: "Cloud_ID", candidates: fields, want: "cloudId", wantOK: true},
		{name: "insertion", word: "GITHUBB", candidates: types, want: "GITHUB", wantOK: true},
		{name: "lowercase", word: "github", candidates: types, want: "GITHUB", wantOK: true},
		{name: "two edits in a long word", word: "identiy", candidates: fields, want: "identity", wantOK: true},
		{name: "too far", word: "SVN", candidates: types, wantOK: false},
		{name: "short word needs an exact normalized match", word: "id", candidates: fields, wantOK: false},
		{name: "empty", word: "", candidates: fields, wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Nearest(tt.word, tt.candidates)
			if ok != tt.wantOK || got != tt.want && tt.wantOK {
				t.Errorf("Nearest(%q) = %q, %v; want %q, %v", tt.word, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{a: "", b: "", want: 0},
		{a: "abc", b: "", want: 3},
		{a: "ab", b: "ba", want: 1},
		{a: "kitten", b: "sitting", want: 3},
		{a: "héllo", b: "hello", want: 1},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
