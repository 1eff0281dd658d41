package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/idlint/idlint/report"
	"github.com/idlint/idlint/schema"
	"github.com/idlint/idlint/validate"
)

// Exit statuses. A bad command line wins over an unreadable input, which wins over findings:
// the most fundamental failure is the one a script needs to see.
const (
	exitOK       = 0 // no errors, and warnings within --max-warnings
	exitFindings = 1 // at least one error, or more warnings than --max-warnings
	exitUsage    = 2 // a bad command line: unknown flag, command, rule or format
	exitInput    = 3 // an input could not be read; the others were still checked and reported
)

// usageError marks errors that are the command line's fault (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// exitError carries a non-zero exit status out of a command that has already reported.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// run is the whole program, with its environment passed in so tests can run it in-process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	var exit exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &exit):
		return exit.code
	}
	fmt.Fprintf(stderr, "idlint: %v\n", err)
	var usage usageError
	if errors.As(err, &usage) || isCobraUsage(err) {
		fmt.Fprintln(stderr, "Run 'idlint --help' for usage.")
		return exitUsage
	}
	return exitInput
}

// isCobraUsage recognises cobra's own command-line errors (unknown flag or command, bad flag
// value, wrong number of arguments), which it returns as plain errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, s := range []string{"unknown flag", "unknown shorthand flag", "unknown command", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "bad flag syntax"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "idlint",
		Short: "Check developer-identity payloads before they reach the Harness SEI Developer Identity API",
		Long: `idlint checks developer-identity payloads — v2 JSON, legacy JSON, CSV and JSON Lines —
offline, before they are uploaded to the Harness SEI Developer Identity API: schema, email
syntax, application types, duplicate and conflicting mappings, and more. A wrong mapping
silently attributes one developer's work to another; idlint says where and what to do.`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		// Without Args, cobra answers an unknown subcommand with "unknown command" and a
		// suggestion, which run turns into exit 2; but only for a root that can run, so this
		// one shows the help. (With Args: cobra.NoArgs and no RunE, "idlint chekc x" printed
		// the help and exited 0: a CI step with a typo passed.)
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newCheck(stdin, stdout, stderr), newRules(stdout), newExplain(stdout), newSchema(stdout), newHook(stdin, stdout, stderr))
	return root
}

func newRules(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "rules",
		Short: "List every rule with its default severity",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "RULE\tSEVERITY\tSUMMARY")
			for _, r := range validate.All {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Severity, r.Summary)
			}
			return tw.Flush()
		},
	}
}

func newExplain(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:               "explain RULE",
		Short:             "Explain a rule, with a bad and a good example",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeRules,
		RunE: func(_ *cobra.Command, args []string) error {
			r, ok := validate.Lookup(args[0])
			if !ok {
				msg := fmt.Sprintf("unknown rule %q; `idlint rules` lists them", args[0])
				return usageError{errors.New(msg)}
			}
			return explain(stdout, r)
		},
	}
}

func completeRules(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return validate.IDs(), cobra.ShellCompDirectiveNoFileComp
}

// explain prints a rule's documentation and runs its examples, so the findings shown are the
// ones idlint really gives.
func explain(w io.Writer, r *validate.Rule) error {
	fmt.Fprintf(w, "%s (%s): %s\n\n%s\n", r.ID, r.Severity, r.Summary, r.Doc)
	for _, ex := range []struct {
		title string
		ex    validate.Example
	}{{"Bad", r.Bad}, {"Good", r.Good}} {
		fmt.Fprintf(w, "\n%s example (%s):\n\n%s", ex.title, ex.ex.Name, indent(ex.ex.Text))
		res, err := validate.CheckExample(ex.ex)
		if err != nil {
			return err
		}
		var ofRule []validate.Finding
		for _, f := range res.Findings {
			if f.Rule == r.ID {
				ofRule = append(ofRule, f)
			}
		}
		if len(ofRule) == 0 {
			fmt.Fprintf(w, "\nidlint reports nothing for %s here.\n", r.ID)
			continue
		}
		fmt.Fprintf(w, "\nidlint reports:\n\n")
		rep, _ := report.New("text", report.Options{})
		var b strings.Builder
		if err := rep.Report(&b, &report.Report{Findings: ofRule}); err != nil {
			return err
		}
		// Drop the summary line: it counts only this rule's findings.
		out := strings.TrimSuffix(b.String(), "\n")
		out = out[:strings.LastIndexByte(out, '\n')+1]
		fmt.Fprint(w, indent(out))
	}
	return nil
}

func indent(s string) string {
	lines := strings.SplitAfter(strings.TrimSuffix(s, "\n"), "\n")
	return "    " + strings.Join(lines, "    ") + "\n"
}

func newSchema(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:       "schema v2|legacy|report",
		Short:     "Print a payload's JSON Schema (or the json report's), for editors and other tools",
		Args:      cobra.ExactArgs(1),
		ValidArgs: schema.Names,
		RunE: func(_ *cobra.Command, args []string) error {
			src, err := schema.Source(args[0])
			if err != nil {
				return usageError{err}
			}
			_, err = stdout.Write(src)
			return err
		},
	}
}

// stdoutIsTerminal is replaced in tests.
var stdoutIsTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminal(f.Fd())
}
