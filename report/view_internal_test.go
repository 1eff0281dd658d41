package report

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idlint/idlint/validate"
)

// TestViewShown: a view shows the findings the options leave, as the options change them,
// and never changes the report's own. With nothing left out or changed it shows the report's
// findings without a copy (newView says why).
func TestViewShown(t *testing.T) {
	tests := []struct {
		name   string
		opts   Options
		shared bool
	}{
		{"everything", Options{}, true},
		{"quiet", Options{Quiet: true}, false},
		{"cap", Options{MaxPerRule: 1}, false},
		{"redact", Options{Redact: RedactMask}, false},
		{"quiet and redact", Options{Quiet: true, Redact: RedactHash}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sample()
			// Two findings of one rule, the second at the end: the cap leaves it out last.
			r.Findings = append(r.Findings, r.Findings[2])
			before := slices.Clone(r.Findings)
			for i := range before {
				before[i].Personal = slices.Clone(before[i].Personal)
			}

			// What the view must show, the plain way.
			var want []validate.Finding
			perRule := map[string]int{}
			red := newRedactor(tt.opts.Redact)
			for _, f := range before {
				if tt.opts.Quiet && f.Severity != validate.SeverityError {
					continue
				}
				if perRule[f.Rule]++; tt.opts.MaxPerRule > 0 && perRule[f.Rule] > tt.opts.MaxPerRule {
					continue
				}
				want = append(want, red.finding(f))
			}

			v := newView(r, tt.opts, 0)
			if diff := cmp.Diff(want, v.shown); diff != "" {
				t.Errorf("shown (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, r.Findings); diff != "" {
				t.Errorf("the report's findings changed (-before +after):\n%s", diff)
			}
			if shared := len(v.shown) > 0 && &v.shown[0] == &r.Findings[0]; shared != tt.shared {
				t.Errorf("shown shares the report's findings: %v, want %v", shared, tt.shared)
			}
		})
	}
}
