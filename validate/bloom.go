package validate

// bloom is a blocked Bloom filter over 32-bit key hashes: it answers "may this key have been
// added before?" with no false negatives and, at its fullest, about one false positive in a
// hundred. Each key sets three bits of one 64-bit word, so a query touches one cache line
// however big the filter grows; a million records' keys take a few megabytes, where a map of
// them takes a hundred.
//
// It doubles when it holds more than one key per bloomBitsPerKey bits, rebuilt from every key
// added so far, which the caller keeps (the sieve's log). Rebuilding costs about as much as
// the adds it follows, so adding stays amortized constant time.
type bloom struct {
	words []uint64
	shift uint // 64 - log2(len(words)): the top bits of a mixed hash pick the word
	keys  int  // keys added since the last rebuild
}

const (
	bloomBitsPerKey = 16
	bloomMinWords   = 1 << 12 // 32 KiB: a small input costs nothing to speak of
)

// reset empties the filter and sizes it to words, a power of two.
func (b *bloom) reset(words int) {
	b.words = make([]uint64, words)
	touchPages(b.words) // warm reads words before add writes them
	b.shift = 64
	for n := words; n > 1; n >>= 1 {
		b.shift--
	}
	b.keys = 0
}

// full reports whether the filter is at capacity and should be rebuilt twice as big.
func (b *bloom) full() bool { return b.keys >= len(b.words)*64/bloomBitsPerKey }

// slot returns the word for h and the three bits it sets there. The word index comes from the
// top of a multiplicative mix of h, the bits from h's low 18 bits, so the two are independent.
func (b *bloom) slot(h uint32) (int, uint64) {
	w := int(uint64(h) * 0x9E3779B97F4A7C15 >> b.shift)
	return w, 1<<(h&63) | 1<<(h>>6&63) | 1<<(h>>12&63)
}

// testAndAdd adds h and reports whether it may have been added before.
func (b *bloom) testAndAdd(h uint32) bool {
	w, bits := b.slot(h)
	seen := b.words[w]&bits == bits
	b.words[w] |= bits
	b.keys++
	return seen
}

// test reports whether h may have been added.
func (b *bloom) test(h uint32) bool {
	w, bits := b.slot(h)
	return b.words[w]&bits == bits
}

// add adds h.
func (b *bloom) add(h uint32) {
	w, bits := b.slot(h)
	b.words[w] |= bits
	b.keys++
}
