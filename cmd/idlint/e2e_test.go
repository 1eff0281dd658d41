package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the expected stdout, stderr and exit status in testdata/cli/*.txtar")

// binary is the idlint built for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "idlint-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "idlint")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building idlint:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestCLI runs the built binary on each case in testdata/cli. A case is a txtar archive: its
// comment holds "args: ..." (the command line, split on spaces), "exit: N" and any number of
// "env: KEY=VALUE" lines (added to the environment); its files are
// written to a temporary directory the command runs in, except "stdin" (fed to the command),
// "stdout" and "stderr" (the expected output; stderr is compared only when present).
func TestCLI(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("..", "..", "testdata", "cli", "*.txtar"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases in testdata/cli: %v", err)
	}
	for _, path := range cases {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) { runCLICase(t, path) })
	}
}

func runCLICase(t *testing.T, path string) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var args, env []string
	wantExit := -1
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		switch {
		case strings.HasPrefix(line, "args:"):
			args = strings.Fields(strings.TrimPrefix(line, "args:"))
		case strings.HasPrefix(line, "env:"):
			env = append(env, strings.TrimSpace(strings.TrimPrefix(line, "env:")))
		case strings.HasPrefix(line, "exit:"):
			wantExit, err = strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "exit:")))
			if err != nil {
				t.Fatalf("bad exit line: %v", err)
			}
		}
	}
	if args == nil || wantExit < 0 {
		t.Fatal(`the case's comment needs "args:" and "exit:" lines`)
	}

	dir := t.TempDir()
	var stdin []byte
	want := map[string]string{}
	for _, f := range ar.Files {
		switch f.Name {
		case "stdin":
			stdin = f.Data
		case "stdout", "stderr":
			want[f.Name] = string(f.Data)
		default:
			p := filepath.Join(dir, filepath.FromSlash(f.Name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}

	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Env = append(append(os.Environ(), "NO_COLOR="), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	gotExit := 0
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatal(err)
		}
		gotExit = ee.ExitCode()
	}

	if *update {
		var files []txtar.File
		for _, f := range ar.Files {
			if f.Name != "stdout" && f.Name != "stderr" {
				files = append(files, f)
			}
		}
		files = append(files, txtar.File{Name: "stdout", Data: stdout.Bytes()})
		if _, ok := want["stderr"]; ok || stderr.Len() > 0 {
			files = append(files, txtar.File{Name: "stderr", Data: stderr.Bytes()})
		}
		comment := strings.Replace(string(ar.Comment), fmt.Sprintf("exit: %d", wantExit), fmt.Sprintf("exit: %d", gotExit), 1)
		ar.Comment, ar.Files = []byte(comment), files
		if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}

	if gotExit != wantExit {
		t.Errorf("exit status %d, want %d\nstderr:\n%s", gotExit, wantExit, stderr.String())
	}
	if diff := cmp.Diff(want["stdout"], stdout.String()); diff != "" {
		t.Errorf("stdout mismatch (-want +got):\n%s", diff)
	}
	if w, ok := want["stderr"]; ok {
		if diff := cmp.Diff(w, stderr.String()); diff != "" {
			t.Errorf("stderr mismatch (-want +got):\n%s", diff)
		}
	}
}
