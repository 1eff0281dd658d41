package validate_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

// noNetwork fails the test on any HTTP request, which is how gojsonschema would fetch a
// remote schema reference.
type noNetwork struct{ t *testing.T }

func (n noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	n.t.Errorf("idlint made a network request: %s %s", r.Method, r.URL)
	return nil, http.ErrUseLastResponse
}

// TestNoNetwork runs every rule case through a fresh engine — schema compilation included —
// with HTTP replaced by a transport that fails the test if it is used. (The built binary is
// also run without any network in cmd/idlint's TestOfflineBinary.)
func TestNoNetwork(t *testing.T) {
	saved := http.DefaultTransport
	http.DefaultTransport = noNetwork{t}
	t.Cleanup(func() { http.DefaultTransport = saved })

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
