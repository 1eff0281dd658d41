package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

const stdinName = "<stdin>"

// An input is one thing to check: a file, or standard input. err is set for an argument that
// cannot be read, so it is reported in its place.
type input struct {
	path  string
	stdin bool
	err   error
	// open, when set, reads the input from somewhere other than the file at path: the
	// pre-commit hook reads the staged content from git's index.
	open func() (io.ReadCloser, error)
}

// identityExt lists the extensions a directory walk picks up.
var identityExt = map[string]bool{".csv": true, ".json": true, ".jsonl": true, ".ndjson": true}

// expandInputs turns the arguments into inputs: "-" is standard input, a file is itself, and a
// directory is every identity file below it, in lexical order, skipping hidden directories
// (.git and the like). A file named explicitly is read whatever its extension.
func expandInputs(args []string) []input {
	var out []input
	for _, arg := range args {
		if arg == "-" {
			out = append(out, input{stdin: true})
			continue
		}
		info, err := os.Stat(arg)
		if err != nil {
			out = append(out, input{path: arg, err: cannotRead(arg, err)})
			continue
		}
		if !info.IsDir() {
			out = append(out, input{path: arg})
			continue
		}
		found := 0
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				out = append(out, input{path: path, err: cannotRead(path, err)})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if path != arg && strings.HasPrefix(d.Name(), ".") {
					return fs.SkipDir
				}
				return nil
			}
			// Regular files only: a FIFO or device named *.csv would block the run forever.
			if d.Type().IsRegular() && identityExt[strings.ToLower(filepath.Ext(path))] {
				out = append(out, input{path: path})
				found++
			}
			return nil
		})
		if err != nil && !errors.Is(err, fs.SkipDir) {
			out = append(out, input{path: arg, err: err})
		}
		if found == 0 && err == nil {
			out = append(out, input{path: arg, err: fmt.Errorf("%s: no identity files (*.csv, *.json, *.jsonl, *.ndjson) in this directory", arg)})
		}
	}
	return dedupe(out)
}

// cannotRead words a failure to open or stat an input: "cannot read x.csv: permission denied".
func cannotRead(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot read %s: %w", path, err)
}

// dedupe drops an input given twice (a file named on its own and found again in a directory,
// or two paths to one file), which would otherwise be reported as a duplicate of itself, and
// refuses a second "-": standard input can be read only once.
func dedupe(in []input) []input {
	var out []input
	var seen []os.FileInfo
	stdin := false
	for _, x := range in {
		switch {
		case x.err != nil:
		case x.stdin && stdin:
			x = input{path: "-", err: errors.New(`"-" is given more than once; standard input can be read only once`)}
		case x.stdin:
			stdin = true
		default:
			if info, err := os.Stat(x.path); err == nil {
				if slices.ContainsFunc(seen, func(s os.FileInfo) bool { return os.SameFile(s, info) }) {
					continue
				}
				seen = append(seen, info)
			}
		}
		out = append(out, x)
	}
	return out
}
