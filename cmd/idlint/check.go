package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/report"
	"github.com/idlint/idlint/validate"
)

type checkFlags struct {
	inputFormat   string
	color         string
	format        string
	output        string
	quiet         bool
	maxFindings   int
	maxWarnings   int
	failOn        string
	redact        string
	stdinFilename string
	disable       []string
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

Output formats (--format): text for people; json (its schema: idlint schema report); sarif for
GitHub code scanning and other SARIF viewers; github for annotations in GitHub Actions; junit
for CI test reports. Every format states the same summary and result.

Exit status: 0 no errors; 1 at least one error, or more warnings than --max-warnings (see also
--fail-on); 2 a bad command line; 3 an input could not be read (the others are still checked).`,
		Example: `  idlint check identities.csv
  idlint check --max-warnings 0 identities/
  idlint check --format sarif --output idlint.sarif --redact identities/
  export-identities | idlint check --stdin-filename export.jsonl -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if fl.stdinFilename != "" && !containsStdin(args) {
				return usagef("--stdin-filename names standard input: give - among the inputs")
			}
			return runCheck(fl, expandInputs(args), stdin, stdout, stderr)
		},
	}
	addCheckFlags(cmd, &fl)
	return cmd
}

// addCheckFlags declares the flags of a check, for `check` and for `hook run`.
func addCheckFlags(cmd *cobra.Command, fl *checkFlags) {
	f := cmd.Flags()
	f.StringVar(&fl.inputFormat, "input-format", "", "read every input as `json|csv|jsonl` instead of detecting it")
	f.StringVar(&fl.color, "color", "auto", "colour the report: `auto|always|never` (auto: when stdout is a terminal and NO_COLOR is unset)")
	f.StringVarP(&fl.format, "format", "f", "text", "report format: `text|json|sarif|github|junit`")
	f.StringVarP(&fl.output, "output", "o", "", "write the report to `FILE` (written whole, then renamed into place) instead of stdout")
	f.BoolVarP(&fl.quiet, "quiet", "q", false, "show errors only (the summary still counts everything)")
	f.IntVar(&fl.maxFindings, "max-findings", -1, "show at most `N` findings per rule, then a count per rule (0: all; default 50 in text, all in other formats)")
	f.IntVar(&fl.maxWarnings, "max-warnings", -1, "exit 1 when there are more than `N` warnings (-1: no limit)")
	f.StringVar(&fl.failOn, "fail-on", "error", "the findings that make the run exit 1: `error|warning|never`")
	f.StringVar(&fl.redact, "redact", "", "mask emails and identities in the report: `mask|hash` (mask: j***@acme.com; hash: a stable 8-digit hash of each value)")
	f.Lookup("redact").NoOptDefVal = "mask"
	f.StringVar(&fl.stdinFilename, "stdin-filename", "", "the `NAME` standard input (-) has in reports; its extension picks the input format")
	f.StringSliceVar(&fl.disable, "disable", nil, "turn off rules by `ID` (repeat or separate with commas)")
	_ = cmd.RegisterFlagCompletionFunc("input-format", fixed("json", "csv", "jsonl"))
	_ = cmd.RegisterFlagCompletionFunc("color", fixed("auto", "always", "never"))
	_ = cmd.RegisterFlagCompletionFunc("format", fixed(report.Names()...))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", fixed("error", "warning", "never"))
	_ = cmd.RegisterFlagCompletionFunc("redact", fixed("mask", "hash"))
	_ = cmd.RegisterFlagCompletionFunc("disable", completeRules)
}

func fixed(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

func containsStdin(args []string) bool {
	for _, a := range args {
		if a == "-" {
			return true
		}
	}
	return false
}

// reportOptions turns the flags into the report's options and gate; errors are usage errors.
func reportOptions(fl checkFlags, stdout io.Writer) (report.Options, report.Gate, error) {
	var opts report.Options
	var gate report.Gate
	var err error
	if gate.FailOn, err = report.ParseFailOn(fl.failOn); err != nil {
		return opts, gate, usageError{err}
	}
	if fl.maxWarnings >= 0 {
		if gate.FailOn != report.FailOnError {
			return opts, gate, usagef("--max-warnings goes with --fail-on error only: --fail-on %s already decides about warnings", fl.failOn)
		}
		gate.LimitWarnings, gate.MaxWarnings = true, fl.maxWarnings
	}
	if opts.Redact, err = report.ParseRedaction(fl.redact); err != nil {
		return opts, gate, usageError{err}
	}
	switch {
	case fl.maxFindings == 0:
		opts.MaxPerRule = report.Unlimited
	case fl.maxFindings > 0:
		opts.MaxPerRule = fl.maxFindings
	case fl.maxFindings < -1:
		return opts, gate, usagef("--max-findings must be 0 (all) or more, not %d", fl.maxFindings)
	}
	// Colour goes to a terminal only: a report written to a file gets none unless asked.
	colorOut := stdout
	if fl.output != "" && fl.output != "-" {
		colorOut = nil
	}
	if opts.Color, err = colorWanted(fl.color, colorOut); err != nil {
		return opts, gate, err
	}
	opts.Quiet = fl.quiet
	opts.Version = version()
	opts.Now = reportClock()
	if wd, err := os.Getwd(); err == nil {
		opts.BaseDir = wd
	}
	return opts, gate, nil
}

// reportClock is the time reports carry (junit's timestamp): now, or SOURCE_DATE_EPOCH when
// it is set, as reproducible builds define it, so that a report can be made byte for byte again.
func reportClock() func() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
			t := time.Unix(sec, 0).UTC()
			return func() time.Time { return t }
		}
	}
	return time.Now
}

func runCheck(fl checkFlags, inputs []input, stdin io.Reader, stdout, stderr io.Writer) error {
	format := payload.FormatUnknown
	if fl.inputFormat != "" {
		var err error
		if format, err = payload.ParseFormat(fl.inputFormat); err != nil {
			return usageError{err}
		}
	}
	opts, gate, err := reportOptions(fl, stdout)
	if err != nil {
		return err
	}
	rep, err := report.New(fl.format, opts)
	if err != nil {
		return usageError{err}
	}
	// The findings' lists of personal data serve --redact only, and a report that shows the
	// first few findings of each rule needs no others kept, but counted.
	engine, err := validate.New(validate.Options{Disable: fl.disable,
		OmitPersonal: opts.Redact == report.RedactNone, KeepPerRule: report.Keep(fl.format, opts)})
	if err != nil {
		return usageError{err}
	}
	stdinDisplay := stdinName
	if fl.stdinFilename != "" {
		stdinDisplay = fl.stdinFilename
	}

	var described []report.Input
	var checked []int // the index in described of each input given to engine.Check
	for _, in := range inputs {
		name := in.path
		if in.stdin {
			name = stdinDisplay
		}
		if in.err != nil {
			fmt.Fprintf(stderr, "idlint: %v\n", in.err)
			described = append(described, report.Input{File: name, Err: in.err.Error()})
			continue
		}
		sum, called, err := checkInput(engine, in, name, format, stdin)
		if called {
			checked = append(checked, len(described))
		}
		d := report.Input{File: name, Records: sum.Records}
		if sum.Format != payload.FormatUnknown {
			d.Format = sum.Format.String()
		}
		if sum.Shape != payload.ShapeUnknown {
			d.Shape = sum.Shape.String()
		}
		if err != nil {
			fmt.Fprintf(stderr, "idlint: %v\n", err)
			d.Err = err.Error()
		}
		described = append(described, d)
	}

	res := engine.Result()
	for _, u := range res.Unread {
		// The set rules read some records of the input again, to name them, and found other
		// text there: they left those records out, and the records of any input that repeat
		// their keys.
		msg := fmt.Sprintf("%s: %v; duplicate and conflict findings that involve its records may be missing: check it again", u.Name, u.Err)
		fmt.Fprintf(stderr, "idlint: %s\n", msg)
		if d := &described[checked[u.Input]]; d.Err == "" {
			d.Err = msg
		}
	}
	r := &report.Report{Findings: res.Findings, Totals: res.Counts, Files: res.Files, Records: res.Records,
		Rules: engine.Rules(), Inputs: described, Gate: gate}
	if err := writeReport(fl.output, stdout, func(w io.Writer) error { return rep.Report(w, r) }); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	switch o := r.Outcome(); {
	case o.Unreadable > 0:
		return exitError{exitInput}
	case o.Failed:
		return exitError{exitFindings}
	}
	return nil
}

// checkInput opens one input and runs the engine over it, under its display name. called is
// false when it could not be opened: the engine did not see it.
func checkInput(engine *validate.Engine, in input, name string, format payload.Format, stdin io.Reader) (_ payload.Summary, called bool, _ error) {
	var r io.ReadCloser
	switch {
	case in.stdin:
		r = io.NopCloser(stdin)
	case in.open != nil:
		var err error
		if r, err = in.open(); err != nil {
			return payload.Summary{}, false, cannotRead(name, err)
		}
	default:
		f, err := os.Open(in.path)
		if err != nil {
			return payload.Summary{}, false, cannotRead(in.path, err)
		}
		r = f
	}
	sum, err := engine.Check(name, r, format)
	if cerr := r.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return sum, true, fmt.Errorf("%s: %w", name, err)
	}
	return sum, true, nil
}

// writeReport writes a report to stdout, or to the file path (see writeAtomic); a file that
// is already there keeps its permissions.
func writeReport(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(stdout)
	}
	mode := os.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		if !info.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", path)
		}
		mode = info.Mode().Perm()
	}
	return writeAtomic(path, mode, write)
}

// writeAtomic writes a file in full to a temporary file beside it, then renames it over path:
// a reader (or a run that fails half way) never sees half a file, and the earlier file stays
// whole until the new one is complete.
func writeAtomic(path string, mode os.FileMode, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func colorWanted(mode string, stdout io.Writer) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		// https://no-color.org: a non-empty NO_COLOR turns colour off unless asked for.
		return stdout != nil && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb" && stdoutIsTerminal(stdout), nil
	}
	return false, usagef("unknown --color %q; expected auto, always or never", mode)
}

func isTerminal(fd uintptr) bool { return isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd) }
