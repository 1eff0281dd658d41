// Command floors reads a file as the floors of scripts/bench.sh do, and does nothing else: it
// parses every row with encoding/csv, or decodes every element of a top-level JSON array with
// encoding/json, one element at a time. It prints how many it read. bench.sh times it beside
// idlint, in the same run, since a figure from another day says more about the machine than
// the tool: encoding/csv is about the least a CSV check in Go can take, and encoding/json,
// which idlint does not use, is where a JSON check built on it would start.
//
//	go run ./scripts/floors csv FILE
//	go run ./scripts/floors json FILE
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

func main() {
	if len(os.Args) != 3 || os.Args[1] != "csv" && os.Args[1] != "json" {
		fmt.Fprintln(os.Stderr, "usage: floors csv|json FILE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	in := bufio.NewReaderSize(f, 1<<16)
	var n int
	if os.Args[1] == "csv" {
		n, err = parseCSV(in)
	} else {
		n, err = decodeJSON(in)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", os.Args[2], err)
		os.Exit(1)
	}
	fmt.Println(n)
}

// parseCSV reads every row, the header included. A row that breaks the CSV syntax (a defect of
// the generated file) is counted and read past, as encoding/csv allows.
func parseCSV(in io.Reader) (int, error) {
	r := csv.NewReader(in)
	r.ReuseRecord = true
	r.FieldsPerRecord = -1
	n := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			return n, nil
		}
		if _, bad := errors.AsType[*csv.ParseError](err); err != nil && !bad {
			return n, err
		}
		n++
	}
}

// decodeJSON decodes the elements of a top-level array one at a time, each into a map, as a
// program that streams a payload without knowing its shape would.
func decodeJSON(in io.Reader) (int, error) {
	d := json.NewDecoder(in)
	if _, err := d.Token(); err != nil {
		return 0, err
	}
	n := 0
	for d.More() {
		var v map[string]any
		if err := d.Decode(&v); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
