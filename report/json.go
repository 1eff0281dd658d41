package report

// The json format is idlint's own, documented and versioned: its JSON Schema is
// schema/report.json, printed by `idlint schema report`, and a test validates real output
// against it. "version" changes only when a field is removed or changes meaning; new fields
// may appear in any version, so readers should ignore fields they do not know.

import (
	"bufio"
	"io"

	"github.com/idlint/idlint/validate"
)

// jsonVersion is the version of the json report's layout.
const jsonVersion = 1

// jsonReport is the report's top level, in the order of its members; Report writes them one by
// one, with "findings" (jsonFinding) streamed after "inputs".
type jsonReport struct {
	Version  int            `json:"version"`
	Tool     jsonTool       `json:"tool"`
	Inputs   []jsonInput    `json:"inputs"`
	Quiet    bool           `json:"quiet,omitempty"`
	Redacted string         `json:"redacted,omitempty"`
	Omitted  map[string]int `json:"omitted,omitempty"`
	Summary  jsonSummary    `json:"summary"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonInput struct {
	File    string `json:"file"`
	Format  string `json:"format,omitempty"`
	Shape   string `json:"shape,omitempty"`
	Records int    `json:"records"`
	Error   string `json:"error,omitempty"`
}

type jsonFinding struct {
	Rule     string  `json:"rule"`
	Severity string  `json:"severity"`
	Message  string  `json:"message"`
	File     string  `json:"file"`
	Line     int     `json:"line"`
	Column   int     `json:"column"`
	Record   *int    `json:"record"`
	Field    *string `json:"field"`
	Snippet  string  `json:"snippet,omitempty"`
}

type jsonSummary struct {
	Errors   int      `json:"errors"`
	Warnings int      `json:"warnings"`
	Infos    int      `json:"infos"`
	Records  int      `json:"records"`
	Files    int      `json:"files"`
	Result   string   `json:"result"`
	Reasons  []string `json:"reasons"`
	Text     string   `json:"text"`
}

type jsonReporter struct{ opts Options }

func newJSON(opts Options) Reporter { return jsonReporter{opts} }

func (j jsonReporter) Report(w io.Writer, r *Report) error {
	v := newView(r, j.opts, 0)
	e, wn, i := r.Counts()
	o := r.Outcome()
	out := jsonReport{
		Version: jsonVersion,
		Tool:    jsonTool{Name: "idlint", Version: j.opts.version()},
		Inputs:  make([]jsonInput, 0, len(r.Inputs)),
		Quiet:   j.opts.Quiet,
		Summary: jsonSummary{Errors: e, Warnings: wn, Infos: i, Records: r.Records, Files: r.Files,
			Result: o.Result(), Reasons: o.Reasons, Text: r.Summary()},
	}
	if out.Summary.Reasons == nil {
		out.Summary.Reasons = []string{}
	}
	switch j.opts.Redact {
	case RedactMask:
		out.Redacted = "mask"
	case RedactHash:
		out.Redacted = "hash"
	}
	for _, in := range r.Inputs {
		out.Inputs = append(out.Inputs, jsonInput{File: in.File, Format: in.Format, Shape: in.Shape, Records: in.Records, Error: in.Err})
	}
	for _, rc := range v.omissions() {
		if out.Omitted == nil {
			out.Omitted = map[string]int{}
		}
		out.Omitted[rc.rule] = rc.omitted
	}
	// Written member by member, the findings one at a time (see objectWriter), in the order
	// of jsonReport's fields.
	bw := bufio.NewWriter(w)
	obj := newObject(bw, 0)
	obj.field("version", out.Version)
	obj.field("tool", out.Tool)
	obj.field("inputs", out.Inputs)
	obj.array("findings", len(v.shown), func(i int) any { return toJSONFinding(v.shown[i]) })
	if out.Quiet {
		obj.field("quiet", true)
	}
	if out.Redacted != "" {
		obj.field("redacted", out.Redacted)
	}
	if out.Omitted != nil {
		obj.field("omitted", out.Omitted)
	}
	obj.field("summary", out.Summary)
	if err := obj.close(); err != nil {
		return err
	}
	bw.WriteString("\n")
	return bw.Flush()
}

func toJSONFinding(f validate.Finding) jsonFinding {
	jf := jsonFinding{Rule: f.Rule, Severity: f.Severity.String(), Message: f.Message, File: f.File,
		Line: f.Pos.Line, Column: f.Pos.Col, Snippet: f.Snippet}
	if f.Record >= 0 {
		rec := f.Record
		jf.Record = &rec
	}
	if f.Field != "" {
		field := f.Field
		jf.Field = &field
	}
	return jf
}
