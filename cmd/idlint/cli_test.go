package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// runInProcess runs idlint's main logic without a subprocess, for cases the txtar cases
// cannot express (a terminal, environment variables).
func runInProcess(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			code, out, errs := runInProcess(t, "", "completion", shell)
			if code != exitOK || !strings.Contains(out, "idlint") {
				t.Errorf("exit %d, stderr %q, stdout starts %q", code, errs, out[:min(len(out), 80)])
			}
		})
	}
}

func TestColorAuto(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("email,applicationType,cloudId\njane,GITHUB,janedoe\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	saved := stdoutIsTerminal
	t.Cleanup(func() { stdoutIsTerminal = saved })

	tests := []struct {
		name     string
		terminal bool
		noColor  string
		flag     string
		want     bool
	}{
		{name: "terminal", terminal: true, flag: "auto", want: true},
		{name: "pipe", terminal: false, flag: "auto", want: false},
		{name: "NO_COLOR on a terminal", terminal: true, noColor: "1", flag: "auto", want: false},
		{name: "always beats NO_COLOR", terminal: false, noColor: "1", flag: "always", want: true},
		{name: "never on a terminal", terminal: true, flag: "never", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdoutIsTerminal = func(io.Writer) bool { return tt.terminal }
			t.Setenv("NO_COLOR", tt.noColor)
			t.Setenv("TERM", "xterm")
			code, out, _ := runInProcess(t, "", "check", "--color", tt.flag, bad)
			if code != exitFindings {
				t.Fatalf("exit %d, want %d", code, exitFindings)
			}
			if got := strings.Contains(out, "\x1b["); got != tt.want {
				t.Errorf("coloured = %v, want %v:\n%s", got, tt.want, out)
			}
		})
	}
}

func TestBadColorValue(t *testing.T) {
	code, _, errs := runInProcess(t, "", "check", "--color", "sometimes", "x.csv")
	if code != exitUsage || !strings.Contains(errs, "--color") {
		t.Errorf("exit %d, stderr %q; want exit %d naming --color", code, errs, exitUsage)
	}
}

// TestUnreadableInput checks that an input that cannot be opened exits 3 while the
// others are still reported.
func TestUnreadableInput(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(good, []byte("email,applicationType,cloudId\njane.doe@acme.com,GITHUB,janedoe\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(dir, "secret.csv")
	if err := os.WriteFile(secret, []byte("email,applicationType,cloudId\n"), 0o000); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, path string }{
		{"a path through a regular file", filepath.Join(good, "nested.csv")},
		{"a directory without identity files", empty},
		{"no permission", secret},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.path == secret {
				if f, err := os.Open(secret); err == nil {
					f.Close()
					t.Skip("this user can read a file with mode 000 (root): no permission to test")
				}
			}
			// The unreadable input comes first: the good one is still checked and reported.
			code, out, errs := runInProcess(t, "", "check", tc.path, good)
			if code != exitInput {
				t.Errorf("exit %d, want %d", code, exitInput)
			}
			if !strings.Contains(errs, tc.path) || !strings.Contains(out, "in 1 record (1 file)") {
				t.Errorf("stdout %q, stderr %q", out, errs)
			}
		})
	}
}

// TestInputChangedUnderTheRun: a file that changes after it was read, while the run goes on
// with the next input, is reported as unreadable when the set rules read it again, on its own
// entry of the report, and its records that changed are left out rather than quoted. The
// next input is a named pipe, so that the change comes exactly between the two. Before them,
// an input that cannot be opened and standard input under the same name as the file must
// not take the error.
func TestInputChangedUnderTheRun(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "first.csv")
	data := "email,applicationType,cloudId\njane.doe@acme.com,GITHUB,janedoe\njohn.roe@acme.com,GITHUB,janedoe\n"
	if err := os.WriteFile(first, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	pipe := filepath.Join(dir, "second.csv")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Skipf("no named pipe: %v", err)
	}
	// A socket is there (stat works) but cannot be opened.
	sock := filepath.Join(dir, "sock.csv")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("no unix socket: %v", err)
	}
	defer l.Close()
	type result struct {
		code     int
		out, err string
	}
	done := make(chan result, 1)
	go func() {
		code, out, errs := runInProcess(t, "email,applicationType,cloudId\n", "check", "--format", "json",
			"--stdin-filename", first, sock, "-", first, pipe)
		done <- result{code, out, errs}
	}()
	// Opening the pipe waits for the run to open it: it has read the first file then.
	w, err := os.OpenFile(pipe, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The same size, another first email: the line the duplicate-cloud-id finding names.
	if err := os.WriteFile(first, []byte(strings.Replace(data, "jane.doe@", "jane.roe@", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "email,applicationType,cloudId\nbo.chen@acme.com,GITLAB,bochen\n")
	w.Close()
	var r result
	select {
	case r = <-done:
	case <-time.After(time.Minute):
		t.Fatal("the run did not end")
	}
	if r.code != exitInput {
		t.Errorf("exit %d, want %d", r.code, exitInput)
	}
	if !strings.Contains(r.err, "first.csv: changed while it was checked") {
		t.Errorf("stderr %q", r.err)
	}
	var rep struct {
		Inputs []struct {
			File, Error string
		}
		Findings []struct{ Rule, Message string }
	}
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, r.out)
	}
	// Each input's error, as far as it matters here.
	var errs []string
	for _, in := range rep.Inputs {
		e := filepath.Base(in.File) + ":"
		for _, what := range []string{"cannot read", "changed while it was checked"} {
			if strings.Contains(in.Error, what) {
				e += " " + what
			}
		}
		errs = append(errs, e)
	}
	want := []string{"sock.csv: cannot read", "first.csv:", "first.csv: changed while it was checked", "second.csv:"}
	if d := cmp.Diff(want, errs); d != "" {
		t.Errorf("the inputs' errors (-want +got):\n%s", d)
	}
	for _, f := range rep.Findings {
		if strings.Contains(f.Message, "jane") || f.Rule == "duplicate-cloud-id" {
			t.Errorf("a finding names the record that changed: %+v", f)
		}
	}
}

// TestOfflineBinary runs the built binary in a network namespace of its own, where no
// connection can be made, on every example; it must behave exactly as it does with a network.
// It needs unshare(1) and the right to make namespaces (root, or user namespaces enabled);
// without them it skips.
func TestOfflineBinary(t *testing.T) {
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("unshare(1) is not installed; skipping the no-network run")
	}
	if err := exec.Command(unshare, "-n", "true").Run(); err != nil {
		if err := exec.Command(unshare, "-rn", "true").Run(); err != nil {
			t.Skipf("cannot make a network namespace here (%v); skipping the no-network run", err)
		}
		unshare += " -r"
	}
	examples := filepath.Join("..", "..", "testdata", "examples")
	with := exec.Command(binary, "check", "--color", "never", examples)
	want, _ := with.CombinedOutput()
	args := append(strings.Fields(unshare)[1:], "-n", binary, "check", "--color", "never", examples)
	without := exec.Command(strings.Fields(unshare)[0], args...)
	got, _ := without.CombinedOutput()
	if without.ProcessState.ExitCode() != with.ProcessState.ExitCode() || string(got) != string(want) {
		t.Errorf("without a network: exit %d\n%s\nwith one: exit %d\n%s",
			without.ProcessState.ExitCode(), got, with.ProcessState.ExitCode(), want)
	}
}

// TestNoSockets runs the built binary under strace on every example and every rule case, the
// schema commands included, and fails on any attempt to open a network socket or connect:
// unlike the run in a network namespace, it also catches an attempt that fails quietly. It
// needs strace(1) and the right to trace (.ci/run installs it); without them it skips.
func TestNoSockets(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace(1) is not installed; skipping the system-call check")
	}
	trace := filepath.Join(t.TempDir(), "trace")
	for _, args := range [][]string{
		{"check", "--color", "never", filepath.Join("..", "..", "testdata", "examples"), filepath.Join("..", "..", "testdata", "rules")},
		{"schema", "v2"},
		{"explain", "unicode-spoofing"},
	} {
		cmd := exec.Command(strace, append([]string{"-f", "-qq", "-o", trace, "-e", "trace=socket,connect,execve", binary}, args...)...)
		out, _ := cmd.CombinedOutput()
		data, err := os.ReadFile(trace)
		// The binary's own execve shows that the trace works: without it, an empty trace
		// would prove nothing.
		if err != nil || cmd.ProcessState.ExitCode() > exitInput || !strings.Contains(string(data), "execve(") {
			t.Skipf("strace could not trace the binary here (exit %d, %v): %s", cmd.ProcessState.ExitCode(), err, out)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, "socket(") || strings.Contains(line, "connect(") {
				t.Errorf("idlint %s: a network system call: %s", strings.Join(args, " "), line)
			}
		}
	}
}

// TestFIFOInDirectory checks that a directory walk skips what is not a regular file: a FIFO
// named *.csv would otherwise block the run forever.
func TestFIFOInDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.csv"), 0o644); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.csv"), []byte("email,applicationType,cloudId\njane.doe@acme.com,GITHUB,janedoe\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "check", dir)
	done := make(chan error, 1)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil || !strings.Contains(out.String(), "in 1 record (1 file)") {
			t.Errorf("err %v, output %q", err, out.String())
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("idlint blocked on a FIFO")
	}
}
