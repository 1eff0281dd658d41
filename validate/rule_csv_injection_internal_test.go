package validate

import "testing"

func TestFormula(t *testing.T) {
	tests := []struct {
		cell string
		want bool
	}{
		{"=1+1", true}, {"@SUM(A1)", true}, {"+cmd", true}, {"+1.5", false}, {"-7", false},
		{"-2+3+cmd|' /C calc'!A0", true}, {"-qt_ozk_Upun-GQ", false},
		{"\t=cmd", true}, {"\r=cmd", true}, {"\t\r@x", true}, {"\r\t+cmd", true},
		{"\t", false}, {"\r\r", false}, {"\tabc", false}, {"", false}, {"a=b", false},
	}
	for _, tt := range tests {
		if got := formula(tt.cell); got != tt.want {
			t.Errorf("formula(%q) = %v, want %v", tt.cell, got, tt.want)
		}
	}
}
