// Command idlint checks developer-identity payloads for the Harness SEI Developer Identity API
// before they are uploaded. See README.md, `idlint --help` and `idlint rules`.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
