package validate_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/idlint/idlint/internal/nonet"
	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

// TestNoNetwork runs every rule case through a fresh engine — schema compilation included —
// with HTTP replaced by a transport that fails the test if it is used. (The built binary is
// also run without any network in cmd/idlint's TestOfflineBinary.)
func TestNoNetwork(t *testing.T) {
	nonet.Forbid(t)

	cases, err := filepath.Glob(filepath.Join("..", "testdata", "rules", "*", "*"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no rule cases: %v", err)
	}
	e, err := validate.New(validate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if filepath.Ext(c) == ".want" {
			continue
		}
		f, err := os.Open(c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Check(c, f, payload.FormatUnknown); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	if len(e.Result().Findings) == 0 {
		t.Fatal("no findings at all: the cases were not checked")
	}
}
