package main

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/report"
	"github.com/idlint/idlint/validate"
)

type checkFlags struct {
	inputFormat string
	color       string
	format      string
	maxWarnings int
	disable     []string
}

func newCheck(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var fl checkFlags
	cmd := &cobra.Command{
		Use:   "check [flags] FILE|DIR|- ...",
		Short: "Check identity payloads and report every problem",
		Long: `Check reads each FILE, every *.csv, *.json, *.jsonl and *.ndjson file below each DIR, and
standard input for "-". The payload kind comes from the file's extension, then its content;
--input-format overrides both. Set rules (duplicates, conflicts) see the records of all inputs
together.

Exit status: 0 no errors; 1 at least one error, or more warnings than --max-warnings;
2 a bad command line; 3 an input could not be read (the others are still checked).`,
		Example: `  idlint check identities.csv
  idlint check --max-warnings 0 identities/
  export-identities | idlint check --input-format jsonl -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return runCheck(fl, args, stdin, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.inputFormat, "input-format", "", "read every input as `json|csv|jsonl` instead of detecting it")
	f.StringVar(&fl.color, "color", "auto", "colour the report: `auto|always|never` (auto: when stdout is a terminal and NO_COLOR is unset)")
	f.StringVarP(&fl.format, "format", "f", "text", "report format: `text`")
	f.IntVar(&fl.maxWarnings, "max-warnings", -1, "exit 1 when there are more than `N` warnings (-1: no limit)")
	f.StringSliceVar(&fl.disable, "disable", nil, "turn off rules by `ID` (repeat or separate with commas)")
	_ = cmd.RegisterFlagCompletionFunc("input-format", fixed("json", "csv", "jsonl"))
	_ = cmd.RegisterFlagCompletionFunc("color", fixed("auto", "always", "never"))
	_ = cmd.RegisterFlagCompletionFunc("format", fixed(report.Names()...))
	_ = cmd.RegisterFlagCompletionFunc("disable", completeRules)
	return cmd
}

func fixed(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

func runCheck(fl checkFlags, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	format := payload.FormatUnknown
	if fl.inputFormat != "" {
		var err error
		if format, err = payload.ParseFormat(fl.inputFormat); err != nil {
			return usageError{err}
		}
	}
	useColor, err := colorWanted(fl.color, stdout)
	if err != nil {
		return err
	}
	rep, err := report.New(fl.format, report.Options{Color: useColor})
	if err != nil {
		return usageError{err}
	}
	engine, err := validate.New(validate.Options{Disable: fl.disable})
	if err != nil {
		return usageError{err}
	}

	unreadable := false
	for _, in := range expandInputs(args) {
		if in.err != nil {
			fmt.Fprintf(stderr, "idlint: %v\n", in.err)
			unreadable = true
			continue
		}
		if err := checkInput(engine, in, format, stdin); err != nil {
			fmt.Fprintf(stderr, "idlint: %v\n", err)
			unreadable = true
		}
	}

	res := engine.Result()
	r := &report.Report{Findings: res.Findings, Files: res.Files, Records: res.Records, Rules: engine.Rules()}
	if err := rep.Report(stdout, r); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	errs, warns, _ := r.Counts()
	switch {
	case unreadable:
		return exitError{exitInput}
	case errs > 0 || (fl.maxWarnings >= 0 && warns > fl.maxWarnings):
		return exitError{exitFindings}
	}
	return nil
}

// checkInput opens one input and runs the engine over it.
func checkInput(engine *validate.Engine, in input, format payload.Format, stdin io.Reader) error {
	if in.stdin {
		_, err := engine.Check(stdinName, stdin, format)
		if err != nil {
			return fmt.Errorf("%s: %w", stdinName, err)
		}
		return nil
	}
	f, err := os.Open(in.path)
	if err != nil {
		return cannotRead(in.path, err)
	}
	defer f.Close()
	if _, err := engine.Check(in.path, f, format); err != nil {
		return fmt.Errorf("%s: %w", in.path, err)
	}
	return nil
}

func colorWanted(mode string, stdout io.Writer) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		// https://no-color.org: a non-empty NO_COLOR turns colour off unless asked for.
		return os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb" && stdoutIsTerminal(stdout), nil
	}
	return false, usagef("unknown --color %q; expected auto, always or never", mode)
}

func isTerminal(fd uintptr) bool { return isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd) }
