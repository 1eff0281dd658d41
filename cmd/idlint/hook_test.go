package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitRepo makes a git repository in a temporary directory, isolated from the user's and the
// system's git configuration (and from any git environment a hook running these tests set).
func gitRepo(t *testing.T) (dir string, git func(args ...string) (string, int)) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir = t.TempDir()
	home := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	env = append(env, "HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+filepath.Join(home, "gitconfig"), "NO_COLOR=1")
	run := func(args ...string) (string, int) {
		t.Helper()
		var cmd *exec.Cmd
		if args[0] == "idlint" {
			cmd = exec.Command(binary, args[1:]...)
		} else {
			cmd = exec.Command("git", args...)
		}
		cmd.Dir, cmd.Env = dir, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatal(err)
			}
			return out.String(), ee.ExitCode()
		}
		return out.String(), 0
	}
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"config", "user.name", "Test"},
		{"config", "user.email", "test@example.com"},
		{"config", "commit.gpgsign", "false"},
	} {
		if out, code := run(args...); code != 0 {
			t.Fatalf("git %v: %s", args, out)
		}
	}
	return dir, run
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const (
	goodCSV = "email,applicationType,cloudId\njane.doe@acme.com,GITHUB,janedoe\n"
	badCSV  = "email,applicationType,cloudId\njane.doe@acme.com,GITHUBB,janedoe\n"
)

func TestHook(t *testing.T) {
	dir, run := gitRepo(t)
	if out, code := run("idlint", "hook", "install"); code != 0 || !strings.Contains(out, "installed the pre-commit hook") {
		t.Fatalf("install: exit %d: %s", code, out)
	}

	// A good identity file is committed.
	write(t, dir, "ids/team.csv", goodCSV)
	write(t, dir, "notes.txt", "not an identity file, never checked: GITHUBB\n")
	run("add", ".")
	if out, code := run("commit", "-q", "-m", "good"); code != 0 {
		t.Fatalf("a good file was refused: %s", out)
	}

	// A bad one is not, and the report says why.
	write(t, dir, "ids/team.csv", badCSV)
	run("add", "ids/team.csv")
	out, code := run("commit", "-q", "-m", "bad")
	if code == 0 {
		t.Fatalf("a bad file was committed: %s", out)
	}
	want := `ids/team.csv:2:19: error: unknown applicationType "GITHUBB"; did you mean "GITHUB"? [unknown-application-type]`
	if !strings.Contains(out, want) {
		t.Errorf("the hook's output lacks the finding:\n%s", out)
	}

	// The staged content is what counts: a fixed working tree does not let a bad index pass...
	write(t, dir, "ids/team.csv", goodCSV)
	if out, code := run("commit", "-q", "-m", "bad staged, good on disk"); code == 0 {
		t.Errorf("the bad staged content was committed because the working tree was good: %s", out)
	}
	// ...and a good index passes whatever the working tree holds.
	write(t, dir, "ids/team.csv", goodCSV+"john.roe@acme.com,GITHUB,jroe\n")
	run("add", "ids/team.csv")
	write(t, dir, "ids/team.csv", badCSV)
	if out, code := run("commit", "-q", "-m", "good staged, bad on disk"); code != 0 {
		t.Errorf("good staged content was refused because of the working tree: %s", out)
	}

	// Files of all kinds, and duplicates across two staged files, are seen in one run.
	write(t, dir, "a.json", `[{"email": "ann@acme.com", "integrationId": 7, "identity": "ann"}]`)
	write(t, dir, "b.jsonl", `{"email": "bob@acme.com", "integrationId": 7, "identity": "ann"}`+"\n")
	run("add", "a.json", "b.jsonl")
	out, code = run("commit", "-q", "-m", "one account, two people")
	if code == 0 || !strings.Contains(out, "[duplicate-cloud-id]") {
		t.Errorf("a duplicate across two staged files passed (exit %d):\n%s", code, out)
	}
	run("reset", "-q")

	// A deleted identity file is not checked (there is nothing to commit of it).
	run("rm", "-q", "--cached", "ids/team.csv")
	if out, code := run("commit", "-q", "-m", "delete"); code != 0 {
		t.Errorf("deleting a file was refused: %s", out)
	}

	if out, code := run("idlint", "hook", "uninstall"); code != 0 || !strings.Contains(out, "removed") {
		t.Fatalf("uninstall: exit %d: %s", code, out)
	}
	hooks := filepath.Join(dir, ".git", "hooks", "pre-commit")
	if _, err := os.Stat(hooks); !os.IsNotExist(err) {
		t.Errorf("the hook is still there: %v", err)
	}
}

// TestHookForeign: an existing hook idlint did not write is kept, unless --force; uninstall
// never removes it.
func TestHookForeign(t *testing.T) {
	dir, run := gitRepo(t)
	path := filepath.Join(dir, ".git", "hooks", "pre-commit")
	foreign := "#!/bin/sh\necho someone else's hook\n"
	if err := os.WriteFile(path, []byte(foreign), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, code := run("idlint", "hook", "install"); code == 0 || !strings.Contains(out, "--force") {
		t.Errorf("install over a foreign hook: exit %d: %s", code, out)
	}
	if out, code := run("idlint", "hook", "uninstall"); code == 0 || !strings.Contains(out, "not written by idlint") {
		t.Errorf("uninstall of a foreign hook: exit %d: %s", code, out)
	}
	if b, _ := os.ReadFile(path); string(b) != foreign {
		t.Fatalf("the foreign hook changed:\n%s", b)
	}
	if out, code := run("idlint", "hook", "install", "--force"); code != 0 {
		t.Fatalf("install --force: exit %d: %s", code, out)
	}
	b, _ := os.ReadFile(path)
	if !isOurHook(b) {
		t.Errorf("--force did not write idlint's hook:\n%s", b)
	}
	// Installing again over its own hook needs no --force.
	if out, code := run("idlint", "hook", "install"); code != 0 {
		t.Errorf("reinstall: exit %d: %s", code, out)
	}
}

// TestHookHooksPath: with core.hooksPath set, the hook goes where git will run it.
func TestHookHooksPath(t *testing.T) {
	dir, run := gitRepo(t)
	run("config", "core.hooksPath", ".githooks")
	if out, code := run("idlint", "hook", "install"); code != 0 {
		t.Fatalf("install: exit %d: %s", code, out)
	}
	info, err := os.Stat(filepath.Join(dir, ".githooks", "pre-commit"))
	if err != nil || info.Mode().Perm()&0o100 == 0 {
		t.Fatalf("no executable hook in .githooks: %v", err)
	}
	write(t, dir, "x.csv", badCSV)
	run("add", "x.csv")
	if out, code := run("commit", "-q", "-m", "bad"); code == 0 {
		t.Errorf("a bad file was committed: %s", out)
	}
}

// TestHookScript: the script carries its signature and quotes the path it runs, and a hook
// whose idlint has moved runs the idlint on PATH.
func TestHookScript(t *testing.T) {
	script := []byte(strings.Replace(hookScript, "%s", hookSignature, 1))
	if !isOurHook(script) {
		t.Error("the hook script does not carry its signature")
	}
	if got := shellQuote(`/opt/it's here/idlint`); got != `'/opt/it'\''s here/idlint'` {
		t.Errorf("shellQuote = %s", got)
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	dir, run := gitRepo(t)
	if out, code := run("idlint", "hook", "install"); code != 0 {
		t.Fatalf("install: %s", out)
	}
	hook := filepath.Join(dir, ".git", "hooks", "pre-commit")
	b, _ := os.ReadFile(hook)
	// Point the hook at an idlint that is gone, and put the real one on PATH.
	moved := strings.Replace(string(b), shellQuote(binary), shellQuote(filepath.Join(dir, "gone", "idlint")), 1)
	if moved == string(b) {
		t.Fatalf("the hook does not name the binary %s:\n%s", binary, b)
	}
	if err := os.WriteFile(hook, []byte(moved), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "x.csv", badCSV)
	run("add", "x.csv")
	cmd := exec.Command("sh", hook)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "PATH="+filepath.Dir(binary)+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || !strings.Contains(string(out), "[unknown-application-type]") {
		t.Errorf("the hook with idlint on PATH: %v\n%s", err, out)
	}
}
