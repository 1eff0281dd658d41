package report

// SARIF 2.1.0, as GitHub code scanning reads it:
//
//   - the format: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
//   - what GitHub uses of it: https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
//
// Choices, and why:
//   - tool.driver.rules lists every rule of the run, with both descriptions, help text and the
//     default level; each result names its rule by ruleId and ruleIndex. GitHub shows the
//     short and full descriptions at the top of an alert.
//   - File URIs are relative to the working directory, with uriBaseId %SRCROOT%, so that a run
//     from the repository root gives the paths GitHub knows; a file outside it gets an
//     absolute file:// URI. No originalUriBaseIds: it would put the machine's directory into
//     every report.
//   - columnKind is unicodeCodePoints: idlint's columns count characters, not UTF-16 units.
//   - partialFingerprints hash the rule, the file, the field and the text of the line (the
//     message when there is none), never the line number, plus an occurrence count for
//     identical hashes: an alert keeps its identity when rows are added above it. GitHub
//     matches alerts across runs with it.
//   - Findings about a whole input (line 0) are put at line 1, column 1: GitHub needs a
//     region to show an alert.

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/idlint/idlint/validate"
)

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	// fingerprintKey names idlint's fingerprint; its version changes when the hash does, so
	// that GitHub does not match alerts across two ways of hashing.
	fingerprintKey = "idlint/v1"
	srcRoot        = "%SRCROOT%"
)

// The log is {"$schema", "version", "runs": [run]}, and a run is sarifRun's members with
// "results" (sarifResult) streamed after "columnKind": Report writes them in that order.
type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	ColumnKind  string            `json:"columnKind"`
	Properties  map[string]any    `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string        `json:"id"`
	Name                 string        `json:"name"`
	ShortDescription     sarifText     `json:"shortDescription"`
	FullDescription      sarifText     `json:"fullDescription"`
	Help                 sarifText     `json:"help"`
	DefaultConfiguration sarifRuleConf `json:"defaultConfiguration"`
}

type sarifRuleConf struct {
	Level string `json:"level"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string           `json:"level"`
	Message   sarifText        `json:"message"`
	Locations []sarifLocation  `json:"locations,omitempty"`
	Rule      *sarifRuleRefObj `json:"associatedRule,omitempty"`
}

type sarifRuleRefObj struct {
	ID string `json:"id"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           *int              `json:"ruleIndex,omitempty"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
	ContextRegion    *sarifRegion  `json:"contextRegion,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int        `json:"startLine"`
	StartColumn int        `json:"startColumn,omitempty"`
	Snippet     *sarifText `json:"snippet,omitempty"`
}

type sarifReporter struct{ opts Options }

func newSARIF(opts Options) Reporter { return sarifReporter{opts} }

func (s sarifReporter) Report(w io.Writer, r *Report) error {
	v := newView(r, s.opts, 0)
	rules := r.Rules
	if rules == nil {
		rules = validate.All
	}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{Name: "idlint", Version: s.opts.version(),
			InformationURI: "https://github.com/idlint/idlint", Rules: make([]sarifRule, 0, len(rules))}},
		ColumnKind: "unicodeCodePoints",
	}
	index := map[string]int{}
	for i, rule := range rules {
		index[rule.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID:                   rule.ID,
			Name:                 ruleName(rule.ID),
			ShortDescription:     sarifText{rule.Summary},
			FullDescription:      sarifText{firstParagraph(rule.Doc)},
			Help:                 sarifText{rule.Doc + "\n\nRun `idlint explain " + rule.ID + "` for a bad and a good example."},
			DefaultConfiguration: sarifRuleConf{sarifLevel(rule.Severity)},
		})
	}
	inv := sarifInvocation{ExecutionSuccessful: r.Outcome().Unreadable == 0}
	for _, in := range r.Inputs {
		if in.Err == "" {
			continue
		}
		uri, base := s.uri(in.File)
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level: "error", Message: sarifText{in.Err},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri, URIBaseID: base}}}},
		})
	}
	for _, rc := range v.omissions() {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level: "note", Message: sarifText{moreLine(rc) + fmt.Sprintf(" (--max-findings %d)", v.limit)},
			Rule: &sarifRuleRefObj{ID: rc.rule},
		})
	}
	run.Invocations = []sarifInvocation{inv}
	run.Properties = map[string]any{"summary": r.Summary(), "result": r.Outcome().Result()}

	// Written member by member, the results one at a time (see objectWriter).
	seen := map[string]int{} // fingerprint base -> occurrences so far
	bw := bufio.NewWriter(w)
	top := newObject(bw, 0)
	top.field("$schema", sarifSchema)
	top.field("version", sarifVersion)
	top.key("runs")
	bw.WriteString("[\n" + indentOf(2))
	obj := newObject(bw, 2)
	obj.field("tool", run.Tool)
	obj.field("invocations", run.Invocations)
	obj.field("columnKind", run.ColumnKind)
	obj.array("results", len(v.shown), func(i int) any { return s.result(v.shown[i], index, seen) })
	obj.field("properties", run.Properties)
	if err := obj.close(); err != nil {
		return err
	}
	bw.WriteString("\n" + indentOf(1) + "]")
	if err := top.close(); err != nil {
		return err
	}
	bw.WriteString("\n")
	return bw.Flush()
}

// result is one finding as a SARIF result; seen counts the fingerprints given so far.
func (s sarifReporter) result(f validate.Finding, index map[string]int, seen map[string]int) sarifResult {
	uri, base := s.uri(f.File)
	res := sarifResult{
		RuleID:  f.Rule,
		Level:   sarifLevel(f.Severity),
		Message: sarifText{f.Message},
		Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
			ArtifactLocation: sarifArtifact{URI: uri, URIBaseID: base},
			Region:           &sarifRegion{StartLine: max(1, f.Pos.Line), StartColumn: max(1, f.Pos.Col)},
		}}},
	}
	if i, ok := index[f.Rule]; ok {
		res.RuleIndex = &i
	}
	if f.Snippet != "" && f.Pos.Line > 0 {
		res.Locations[0].PhysicalLocation.ContextRegion = &sarifRegion{StartLine: f.Pos.Line, Snippet: &sarifText{f.Snippet}}
	}
	fp := fingerprint(f, uri)
	seen[fp]++
	res.PartialFingerprints = map[string]string{fingerprintKey: fmt.Sprintf("%s:%d", fp, seen[fp])}
	return res
}

// uri turns a display name into an artifact URI: relative to BaseDir with %SRCROOT% when the
// file is inside it, an absolute file URI otherwise.
func (s sarifReporter) uri(file string) (uri, baseID string) {
	p := file
	if s.opts.BaseDir != "" {
		abs := p
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(s.opts.BaseDir, abs)
		}
		if rel, err := filepath.Rel(s.opts.BaseDir, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			p = rel
		} else {
			return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String(), ""
		}
	}
	if filepath.IsAbs(p) {
		return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String(), ""
	}
	segs := strings.Split(filepath.ToSlash(p), "/")
	for i, seg := range segs {
		// ':' too: "a:b.csv" would otherwise read as a URI with scheme "a".
		segs[i] = strings.ReplaceAll(url.PathEscape(seg), ":", "%3A")
	}
	return strings.Join(segs, "/"), srcRoot
}

// fingerprint identifies a finding by what it is about rather than where the line is.
func fingerprint(f validate.Finding, uri string) string {
	what := strings.TrimSpace(f.Snippet)
	if what == "" {
		what = f.Message
	}
	h := sha256.New()
	for _, part := range []string{f.Rule, uri, f.Field, what} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func sarifLevel(s validate.Severity) string {
	switch s {
	case validate.SeverityError:
		return "error"
	case validate.SeverityWarning:
		return "warning"
	}
	return "note"
}

// ruleName is the rule ID in the PascalCase SARIF suggests for names: "duplicate-cloud-id"
// is "DuplicateCloudId".
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part == "" {
			continue
		}
		r := []rune(part)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	return b.String()
}

// firstParagraph is a rule's Doc up to its first blank line, unwrapped.
func firstParagraph(doc string) string {
	p, _, _ := strings.Cut(strings.TrimSpace(doc), "\n\n")
	return strings.Join(strings.Fields(p), " ")
}
