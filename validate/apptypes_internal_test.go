package validate

import (
	"slices"
	"strings"
	"testing"
)

// TestKnownApplicationType: the switch of knownApplicationType holds ApplicationTypes, and no
// near miss of them.
func TestKnownApplicationType(t *testing.T) {
	for _, typ := range ApplicationTypes {
		if !knownApplicationType(typ) {
			t.Errorf("knownApplicationType(%q) = false; ApplicationTypes has it", typ)
		}
		for _, near := range []string{strings.ToLower(typ), typ + "_", typ[:len(typ)-1], " " + typ} {
			if knownApplicationType(near) != slices.Contains(ApplicationTypes, near) {
				t.Errorf("knownApplicationType(%q) = %v; ApplicationTypes disagrees", near, !slices.Contains(ApplicationTypes, near))
			}
		}
	}
	for _, s := range []string{"", "GITHUBB", "GIT", "BITBUCKET_SERVER2", "AZURE"} {
		if knownApplicationType(s) {
			t.Errorf("knownApplicationType(%q) = true", s)
		}
	}
}
