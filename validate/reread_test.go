package validate_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

// checkFile checks the file at path as idlint's CLI does: opened, checked, closed, and only
// then the result, for which the sieve opens it again. before runs before Result.
func checkFile(t *testing.T, path string, before func()) validate.Result {
	t.Helper()
	e, err := validate.New(validate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Check(filepath.Base(path), f, payload.FormatUnknown); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if before != nil {
		before()
	}
	return e.Result()
}

// TestSieveReadsFilesAgain: the sieve quotes the records it did not keep by reading the file
// again; the findings are those of keeping a copy of every text, and of replaying every record.
// The plain rows first make it read the file again in the middle of the run too, when the
// first non-ASCII look-alike comes (see sieve.hashLookAlikes).
func TestSieveReadsFilesAgain(t *testing.T) {
	for _, legacy := range []bool{true, false} {
		data := crowdedIdentities(5000, 11, legacy, 2000)
		path := filepath.Join(t.TempDir(), "ids.csv")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got := checkFile(t, path, nil)
		if len(got.Unread) > 0 {
			t.Fatalf("Unread = %v", got.Unread)
		}
		e, err := validate.New(validate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		validate.ReplayEverything(e)
		if _, err := e.Check("ids.csv", bytes.NewReader(data), payload.FormatCSV); err != nil {
			t.Fatal(err)
		}
		want := e.Result().Findings
		if len(want) < 100 {
			t.Fatalf("only %d findings: the data no longer exercises the set rules", len(want))
		}
		if d := cmp.Diff(want, got.Findings); d != "" {
			t.Fatalf("legacy=%v: reading the file again changed the findings (-every record +sieve):\n%s", legacy, d)
		}
	}
}

// TestChangedInput: a file that changes, or goes away, between being read and being read again
// is named in Result.Unread, rather than quoted wrong without a word.
func TestChangedInput(t *testing.T) {
	data := crowdedIdentities(3000, 5, true, 0)
	// other is data with every identity changed, the same size.
	other := []byte(strings.NewReplacer(",id", ",ie", ",ID", ",IE").Replace(string(data)))
	if bytes.Equal(other, data) || len(other) != len(data) {
		t.Fatal("the replacement no longer changes the data, or changes its size")
	}
	for _, tc := range []struct {
		name   string
		change func(path string) error
		want   error
	}{
		{"rewritten", func(path string) error { return os.WriteFile(path, append(other, '\n'), 0o644) }, nil},
		{"same size and time", func(path string) error {
			fi, err := os.Stat(path)
			if err != nil {
				return err
			}
			if err := os.WriteFile(path, other, 0o644); err != nil {
				return err
			}
			return os.Chtimes(path, time.Time{}, fi.ModTime())
		}, nil},
		{"removed", os.Remove, fs.ErrNotExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ids.csv")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			res := checkFile(t, path, func() {
				if err := tc.change(path); err != nil {
					t.Fatal(err)
				}
			})
			if len(res.Unread) != 1 || res.Unread[0].Name != "ids.csv" {
				t.Fatalf("Unread = %v, want ids.csv", res.Unread)
			}
			err := res.Unread[0].Err
			if tc.want != nil && !errors.Is(err, tc.want) || tc.want == nil && !strings.Contains(err.Error(), "changed") {
				t.Fatalf("Unread[0].Err = %v", err)
			}
		})
	}
}
