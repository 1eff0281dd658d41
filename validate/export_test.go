package validate

// ReplayEverything makes e's set stage replay every mapped record, as if the sieve suspected
// them all: what the set rules find over the whole run, for tests to compare with the sieve.
func ReplayEverything(e *Engine) { e.sieve.everySuspect = true }
