package validate_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/idlint/idlint/payload"
	"github.com/idlint/idlint/validate"
)

// BenchmarkCheck runs the whole engine (read, schema, rules) over 100,000 generated records
// with 1 % defects in each format; it reports records per second. The report stage is
// measured by package report's benchmarks, and the whole process by scripts/bench.sh.
func BenchmarkCheck(b *testing.B) {
	formats := []struct{ gen, name string }{
		{"csv-legacy", "gen.csv"}, {"csv-v2", "gen.csv"}, {"v2-json", "gen.json"},
		{"legacy-json", "gen.json"}, {"ndjson", "gen.ndjson"},
	}
	const rows = 100000
	for _, f := range formats {
		b.Run(f.gen, func(b *testing.B) {
			data, _ := generate(b, f.gen, rows, "0.01", 1)
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for b.Loop() {
				e, err := validate.New(validate.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := e.Check(f.name, bytes.NewReader(data), payload.FormatUnknown); err != nil {
					b.Fatal(err)
				}
				_ = e.Result()
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkPopularAccount checks 50,000 records that all claim one account, as a placeholder
// identity given to every developer does: each record must cost a constant time, not one that
// grows with the claims before it (it once took 10 s).
func BenchmarkPopularAccount(b *testing.B) {
	const rows = 50000
	var data bytes.Buffer
	data.WriteString("email,applicationType,cloudId\n")
	for i := range rows {
		fmt.Fprintf(&data, "dev%d@acme.com,GITHUB,unknown\n", i)
	}
	for b.Loop() {
		e, err := validate.New(validate.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Check("popular.csv", bytes.NewReader(data.Bytes()), payload.FormatCSV); err != nil {
			b.Fatal(err)
		}
		if n := len(e.Result().Findings); n != rows-1 {
			b.Fatalf("%d findings, want %d", n, rows-1)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows*b.N), "ns/record")
}
