package validate

import (
	"strings"

	"github.com/idlint/idlint/payload"
)

// CheckExample runs every rule over a documentation example, as `idlint explain` shows it.
func CheckExample(ex Example) (Result, error) {
	e, err := New(Options{})
	if err != nil {
		return Result{}, err
	}
	if _, err := e.Check(ex.Name, strings.NewReader(ex.Text), payload.FormatUnknown); err != nil {
		return Result{}, err
	}
	return e.Result(), nil
}
