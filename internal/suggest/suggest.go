// Package suggest finds the nearest known name to a misspelt one, for "did you mean" hints.
package suggest

import "strings"

// Nearest returns the candidate closest to word and true when it is close enough to be a
// likely typo: equal ignoring case, '_', '-' and spaces, or within an optimal string alignment
// (Damerau-Levenshtein) distance of maxDist(word) on that normalized form.
func Nearest(word string, candidates []string) (string, bool) {
	w := Normalize(word)
	if w == "" {
		return "", false
	}
	best, bestDist := "", -1
	for _, c := range candidates {
		d := Distance(w, Normalize(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	if bestDist < 0 || bestDist > maxDist(w) {
		return "", false
	}
	return best, true
}

// maxDist allows one edit in short words and two in longer ones: "emial" (transposition) and
// "GITHUBB" (insertion) are typos, while "id" is not a typo of "email".
func maxDist(w string) int {
	switch n := len(w); {
	case n <= 3:
		return 0
	case n <= 5:
		return 1
	default:
		return 2
	}
}

// Normalize lowercases s and drops spaces, '_' and '-', the characters people vary most when
// writing the same name ("Cloud ID", "cloud_id", "cloudId").
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case ' ', '_', '-', '\t':
			continue
		}
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Distance is the optimal string alignment distance between a and b, counted in runes:
// insertions, deletions, substitutions and transpositions of adjacent runes each cost one.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows suffice: the transposition step looks two rows back.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
