package validate

import "testing"

func TestIsPlainPositive(t *testing.T) {
	for s, want := range map[string]bool{
		"1": true, "1041": true, "9000000000000000000000": true, "10": true,
		"": false, "0": false, "01": false, "-1": false, "+1": false, "1.0": false, "1e3": false,
		"12a": false, "a12": false, " 1": false, "1 ": false, "１": false, "1\u0661": false,
	} {
		if got := isPlainPositive(s); got != want {
			t.Errorf("isPlainPositive(%q) = %v, want %v", s, got, want)
		}
	}
}
