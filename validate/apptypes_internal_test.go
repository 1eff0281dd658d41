package validate

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestKnownApplicationType: the cases of knownApplicationType's switch are ApplicationTypes,
// no more and no fewer (read from the source, so that a type added to one list and not the
// other fails), and the function answers as a lookup in ApplicationTypes would.
func TestKnownApplicationType(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "apptypes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var cases []string
	for _, d := range file.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "knownApplicationType" {
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if c, ok := n.(*ast.CaseClause); ok {
					for _, e := range c.List {
						v, err := strconv.Unquote(e.(*ast.BasicLit).Value)
						if err != nil {
							t.Fatal(err)
						}
						cases = append(cases, v)
					}
				}
				return true
			})
		}
	}
	if got, want := slices.Sorted(slices.Values(cases)), slices.Sorted(slices.Values(ApplicationTypes)); !slices.Equal(got, want) {
		t.Errorf("knownApplicationType's cases %v, ApplicationTypes %v", got, want)
	}
	for _, typ := range ApplicationTypes {
		for _, s := range []string{typ, strings.ToLower(typ), typ + "_", typ[:len(typ)-1], " " + typ, ""} {
			if knownApplicationType(s) != slices.Contains(ApplicationTypes, s) {
				t.Errorf("knownApplicationType(%q) = %v", s, !slices.Contains(ApplicationTypes, s))
			}
		}
	}
}
