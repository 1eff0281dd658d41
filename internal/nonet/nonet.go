// Package nonet lets a test prove that the code it runs makes no HTTP request: idlint never
// touches the network, and gojsonschema would make one to fetch a remote schema reference.
package nonet

import (
	"net/http"
	"testing"
)

// Forbid replaces http.DefaultTransport, until the test ends, with one that fails the test on
// any request.
func Forbid(t testing.TB) {
	t.Helper()
	saved := http.DefaultTransport
	http.DefaultTransport = forbidden{t}
	t.Cleanup(func() { http.DefaultTransport = saved })
}

type forbidden struct{ t testing.TB }

func (f forbidden) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("a network request was made: %s %s", r.Method, r.URL)
	return nil, http.ErrUseLastResponse
}
