// Command idlint checks developer-identity payloads for the Harness SEI Developer Identity API
// before they are uploaded. See README.md, `idlint --help` and `idlint rules`.
package main

import "os"

// The garbage collector runs at Go's default pace (GOGC=100). Collecting twice as often kept a
// million-row run 7 to 11 MB smaller but took 4 to 7 % longer, and up to 16 % at ten million
// rows (scripts/bench.sh, alternated runs): a run allocates more than twice what it keeps, and
// while a collection runs, every pointer write of the readers and workers costs more.
func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
