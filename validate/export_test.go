package validate

import "sync"

// ReplayEverything makes e's set stage replay every mapped record, as if the sieve suspected
// them all: what the set rules find over the whole run, for tests to compare with the sieve.
func ReplayEverything(e *Engine) { e.sieve.everySuspect = true }

// KeepCopies makes e's sieve copy every logged text, as it does for an input it cannot read
// again (standard input), rather than read its inputs again.
func KeepCopies(e *Engine) { e.sieve.copyTexts = true }

// NoPlainShortcut makes Pass.Plain say that no field is plain, and drops what the readers told
// of plain values (payload.Field.Plain), so that the rules look at every text the long way and
// every rule runs on every record: the findings must be the same.
func NoPlainShortcut(e *Engine) { e.noPlain = true }

// PanicAt makes e panic with value as it checks or merges ("check", "merge") its nth batch of
// the run, counting from 0.
func PanicAt(e *Engine, step string, nth int, value any) {
	var mu sync.Mutex
	seen := 0
	e.testHook = func(s string) {
		if s != step {
			return
		}
		mu.Lock()
		n := seen
		seen++
		mu.Unlock()
		if n == nth {
			panic(value)
		}
	}
}

// TinyFilters makes e's sieve start with one-word Bloom filters: they fill at once, so a test
// of a few thousand records sees them rebuilt many times, and many false positives. The
// filter takes in the look-alike keys after the third non-ASCII look-alike text.
func TinyFilters(e *Engine) {
	e.sieve.filter.reset(1)
	e.sieve.nonASCII.reset(1)
	e.sieve.maxLazy = 3
}

// OneRecordBatches makes e read batches of one record (or one reader's finding), and write over
// the values of each batch as it is merged, before the next batch reuses them: a value the run
// keeps past its batch without copying it then shows in the findings.
func OneRecordBatches(e *Engine) {
	e.batchItems = 1
	e.poison = true
}
