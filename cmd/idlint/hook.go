package main

// `idlint hook` installs a plain git pre-commit hook, for teams that do not use the
// pre-commit framework (which has its own entry: .pre-commit-hooks.yaml).
//
// The hook is a short shell script that runs `idlint hook run`, and hook run does the work
// in Go: it asks git for the staged identity files (NUL-separated, so any file name
// survives), reads each one's staged content from the index — what will be committed, not
// what the working tree holds — and checks them all in one run, so the set rules see
// duplicates across the staged files as `idlint check` would. Doing this in a shell loop of
// `git show :path | idlint check -` would check each file alone and depend on the shell's
// handling of odd names.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// hookSignature marks a hook idlint wrote; uninstall removes only a hook that has it.
const hookSignature = "# idlint-hook: v1"

// hookScript is the pre-commit hook. %s is the idlint that installed it, shell-quoted; when it
// has moved, the hook falls back to an idlint on PATH.
const hookScript = `#!/bin/sh
%s
# Written by 'idlint hook install'; 'idlint hook uninstall' removes it.
# Checks the staged content of the staged identity files (*.csv, *.json, *.jsonl, *.ndjson)
# and stops the commit when idlint finds errors. Skip it once with 'git commit --no-verify'.
idlint=%s
if [ ! -x "$idlint" ]; then
	if command -v idlint >/dev/null 2>&1; then
		idlint=idlint
	else
		echo "idlint pre-commit hook: idlint is not at $idlint nor on PATH; install it, or remove this hook with 'idlint hook uninstall'" >&2
		exit 1
	fi
fi
exec "$idlint" hook run
`

func newHook(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	hook := &cobra.Command{
		Use:   "hook",
		Short: "Install or remove a git pre-commit hook that checks staged identity files",
		Long: `A git pre-commit hook for repositories that keep identity files: before each commit it
checks the staged content of every staged *.csv, *.json, *.jsonl and *.ndjson file, prints
idlint's report, and stops the commit when there are errors. It is written where git looks for
hooks (core.hooksPath is honoured). Teams using the pre-commit framework use the idlint entry
of this repository's .pre-commit-hooks.yaml instead.`,
		Args: cobra.NoArgs,
	}
	var force bool
	install := &cobra.Command{
		Use:   "install",
		Short: "Write the pre-commit hook (an existing hook is kept unless --force)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return installHook(force, stdout)
		},
	}
	install.Flags().BoolVar(&force, "force", false, "replace an existing pre-commit hook that idlint did not write")
	uninstall := &cobra.Command{
		Use:   "uninstall",
		Short: "Remove the pre-commit hook, if idlint wrote it",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return uninstallHook(stdout)
		},
	}
	var fl checkFlags
	run := &cobra.Command{
		Use:   "run [flags]",
		Short: "Check the staged identity files, as the hook does",
		Long: `Run checks the staged content of every staged identity file (added, copied, modified or
renamed) in one run, with the flags of check, and exits as check does. Nothing staged: exit 0.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			inputs, err := stagedInputs()
			if err != nil {
				return err
			}
			if len(inputs) == 0 {
				return nil
			}
			return runCheck(fl, inputs, stdin, stdout, stderr)
		},
	}
	addCheckFlags(run, &fl)
	hook.AddCommand(install, uninstall, run)
	return hook
}

// hookPath is where git runs the pre-commit hook from: `git rev-parse --git-path hooks`
// honours core.hooksPath and linked worktrees.
func hookPath() (string, error) {
	out, err := git("rev-parse", "--git-path", "hooks")
	if err != nil {
		return "", err
	}
	dir := strings.TrimRight(string(out), "\r\n")
	return filepath.Join(dir, "pre-commit"), nil
}

func installHook(force bool, stdout io.Writer) error {
	path, err := hookPath()
	if err != nil {
		return err
	}
	old, err := os.ReadFile(path)
	switch {
	case err == nil && !isOurHook(old) && !force:
		return fmt.Errorf("%s exists and idlint did not write it; keep it, or replace it with 'idlint hook install --force'", path)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		exe = "idlint"
	} else if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	script := fmt.Sprintf(hookScript, hookSignature, shellQuote(filepath.ToSlash(exe)))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	// Written whole and renamed into place, so that git never runs half a hook.
	err = writeAtomic(path, 0o755, func(w io.Writer) error {
		_, err := io.WriteString(w, script)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "idlint: installed the pre-commit hook at %s\n", path)
	return nil
}

func uninstallHook(stdout io.Writer) error {
	path, err := hookPath()
	if err != nil {
		return err
	}
	old, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		fmt.Fprintf(stdout, "idlint: no pre-commit hook at %s\n", path)
		return nil
	case err != nil:
		return err
	case !isOurHook(old):
		return fmt.Errorf("%s was not written by idlint; leaving it alone", path)
	}
	if err := os.Remove(path); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "idlint: removed the pre-commit hook at %s\n", path)
	return nil
}

func isOurHook(script []byte) bool {
	for _, line := range strings.Split(string(script), "\n") {
		if strings.TrimRight(line, "\r") == hookSignature {
			return true
		}
	}
	return false
}

// stagedInputs lists the staged identity files, each read from the index.
func stagedInputs() ([]input, error) {
	out, err := git("diff", "--cached", "--name-only", "--diff-filter=ACMR", "-z")
	if err != nil {
		return nil, err
	}
	var inputs []input
	for _, path := range strings.Split(string(out), "\x00") {
		if path == "" || !identityExt[strings.ToLower(filepath.Ext(path))] {
			continue
		}
		inputs = append(inputs, input{path: path, open: func() (io.ReadCloser, error) { return stagedBlob(path) }})
	}
	return inputs, nil
}

// stagedBlob streams a file's staged content: `git cat-file blob :path` prints the index's
// copy, byte for byte (no textconv, no filters).
func stagedBlob(path string) (io.ReadCloser, error) {
	cmd := exec.Command("git", "cat-file", "blob", ":"+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &gitReader{ReadCloser: out, cmd: cmd, stderr: &stderr}, nil
}

// gitReader is a git command's output; Close waits for the command and reports its failure.
type gitReader struct {
	io.ReadCloser
	cmd    *exec.Cmd
	stderr *bytes.Buffer
}

func (g *gitReader) Close() error {
	io.Copy(io.Discard, g.ReadCloser) // let git finish writing, whatever the reader left
	if err := g.cmd.Wait(); err != nil {
		return fmt.Errorf("git cat-file: %v: %s", err, strings.TrimSpace(g.stderr.String()))
	}
	return nil
}

// git runs a git command in the working directory and returns its output.
func git(args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git %s: %s", args[0], msg)
	}
	return out, nil
}

// shellQuote quotes s for a POSIX shell: in single quotes, with each ' written as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
