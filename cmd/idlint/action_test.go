package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runAction runs scripts/action.sh, the GitHub Action's step, as the runner would: in the
// workspace, with the action's inputs and GitHub's files in the environment.
func runAction(t *testing.T, workspace string, env ...string) (stdout string, code int, outputs, summary string) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "action.sh"))
	if err != nil {
		t.Fatal(err)
	}
	runner := t.TempDir()
	outFile, sumFile := filepath.Join(runner, "output"), filepath.Join(runner, "summary")
	cmd := exec.Command("bash", script)
	cmd.Dir = workspace
	cmd.Env = append(os.Environ(), "GITHUB_ACTIONS=true", "GITHUB_WORKSPACE="+workspace,
		"GITHUB_OUTPUT="+outFile, "GITHUB_STEP_SUMMARY="+sumFile, "RUNNER_TEMP="+runner, "NO_COLOR=1")
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatal(err)
		}
		code = ee.ExitCode()
	}
	o, _ := os.ReadFile(outFile)
	s, _ := os.ReadFile(sumFile)
	if errb.Len() > 0 {
		t.Logf("stderr: %s", errb.String())
	}
	return out.String(), code, string(o), string(s)
}

func actionWorkspace(t *testing.T) string {
	dir := t.TempDir()
	write(t, dir, "identities/good.csv", goodCSV)
	write(t, dir, "identities/bad.csv", badCSV)
	write(t, dir, "other/more.jsonl", `{"email":"Ann@acme.com","integrationId":7,"identity":"ann"}`+"\n")
	return dir
}

func TestActionScript(t *testing.T) {
	ws := actionWorkspace(t)
	stdout, code, outputs, summary := runAction(t, ws, "IDLINT_BIN="+binary,
		"INPUT_PATHS=identities\nother/more.jsonl", "INPUT_SARIF=reports/idlint.sarif", "INPUT_FAIL_ON=error", "INPUT_REDACT=", "INPUT_ARGS=")
	if code != exitFindings {
		t.Errorf("exit %d, want %d", code, exitFindings)
	}
	for _, want := range []string{
		"::error file=identities/bad.csv,line=2,col=19,title=unknown-application-type::",
		"::warning file=other/more.jsonl,line=1,col=10,title=email-case::",
		"idlint: 1 error, 1 warning in 3 records (3 files)\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(outputs, "exit-code=1\n") || !strings.Contains(outputs, "sarif=reports/idlint.sarif\n") {
		t.Errorf("GITHUB_OUTPUT:\n%s", outputs)
	}
	if !strings.Contains(summary, "### idlint\n\n1 error, 1 warning in 3 records (3 files)\n") {
		t.Errorf("GITHUB_STEP_SUMMARY:\n%s", summary)
	}
	b, err := os.ReadFile(filepath.Join(ws, "reports", "idlint.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs[0].Results) != 2 {
		t.Errorf("SARIF report: %v, version %q, %d runs", err, sarif.Version, len(sarif.Runs))
	}
}

func TestActionScriptInputs(t *testing.T) {
	tests := []struct {
		name     string
		env      []string
		wantCode int
		want     []string
		notWant  []string
	}{
		{name: "a clean path passes", env: []string{"INPUT_PATHS=identities/good.csv"}, wantCode: exitOK,
			want: []string{"idlint: 0 errors, 0 warnings in 1 record (1 file)"}},
		{name: "fail-on never", env: []string{"INPUT_PATHS=identities", "INPUT_FAIL_ON=never"}, wantCode: exitOK,
			want: []string{"::error file=identities/bad.csv", "passes: --fail-on never"}},
		{name: "fail-on warning", env: []string{"INPUT_PATHS=other", "INPUT_FAIL_ON=warning"}, wantCode: exitFindings,
			want: []string{"fails: 1 warning with --fail-on warning"}},
		{name: "redact", env: []string{"INPUT_PATHS=other", "INPUT_REDACT=mask"}, wantCode: exitOK,
			want: []string{`email "A***@acme.com" has uppercase letters`}, notWant: []string{"Ann@acme.com"}},
		{name: "extra flags", env: []string{"INPUT_PATHS=identities", "INPUT_ARGS=--disable unknown-application-type --max-warnings 0"}, wantCode: exitOK,
			want: []string{"idlint: 0 errors, 0 warnings"}},
		{name: "default path is the workspace", env: []string{"INPUT_PATHS="}, wantCode: exitFindings,
			want: []string{"in 3 records (3 files)"}},
		{name: "a path is never run as shell", env: []string{"INPUT_PATHS=$(touch${IFS}pwned) identities"}, wantCode: exitInput,
			want: []string{"::error file=$(touch${IFS}pwned),title=unreadable::"}},
		{name: "a bad flag", env: []string{"INPUT_PATHS=identities", "INPUT_FAIL_ON=sometimes"}, wantCode: exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := actionWorkspace(t)
			stdout, code, outputs, _ := runAction(t, ws, append([]string{"IDLINT_BIN=" + binary}, tt.env...)...)
			if code != tt.wantCode || !strings.Contains(outputs, "exit-code=") {
				t.Errorf("exit %d, want %d; outputs %q\n%s", code, tt.wantCode, outputs, stdout)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, stdout)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(stdout, w) {
					t.Errorf("output shows %q:\n%s", w, stdout)
				}
			}
			if _, err := os.Stat(filepath.Join(ws, "pwned")); err == nil {
				t.Error("an input was run as a shell command")
			}
		})
	}
}

// TestActionScriptBuilds runs the script as the action does, building idlint from the
// action's checkout (here, this work tree) with go install.
func TestActionScriptBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds idlint; skipped with -short")
	}
	src, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	ws := actionWorkspace(t)
	stdout, code, _, _ := runAction(t, ws, "IDLINT_SOURCE="+src, "IDLINT_BIN=", "INPUT_PATHS=identities/good.csv")
	if code != exitOK || !strings.Contains(stdout, "idlint: 0 errors") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}
