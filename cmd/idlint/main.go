// Command idlint checks developer-identity payloads for the Harness SEI Developer Identity API
// before they are uploaded. See README.md, `idlint --help` and `idlint rules`.
package main

import (
	"os"
	"runtime/debug"
)

func main() {
	// What a big run keeps to its end is mostly pointer-free (the set stage's log and filter,
	// see package validate), so a collection costs little, while Go's default lets the heap
	// grow to twice what is live before one. Collecting at half keeps a million-row run about
	// 15 MB smaller at the same speed (scripts/bench.sh). GOGC in the environment wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
