package validate

// A Text is a string stored by Pass.Keep: where it starts in the store and how long it is.
type Text struct{ pos, n uint32 }

// texts is an append-only store of the strings set rules keep for their messages. It fills
// fixed 1 MiB chunks rather than one growing slice, so it never holds a half-empty doubled
// buffer or copies what it has. Fields are at most 64 KiB (the readers' limit), so a string
// always fits in one chunk; a longer one is cut. After 4096 chunks (4 GiB of text, some hundred
// million records) it keeps nothing more, and messages say "(not kept)" instead.
type texts struct{ chunks [][]byte }

const (
	chunkBits = 20
	chunkSize = 1 << chunkBits
	maxChunks = 1 << (32 - chunkBits)
	notKept   = ^uint32(0)
)

func (t *texts) add(s string) Text { return t.addPair(s, "") }

// addPair stores a and then b as one Text, in one chunk.
func (t *texts) addPair(a, b string) Text {
	a = a[:min(len(a), chunkSize)]
	b = b[:min(len(b), chunkSize-len(a))]
	n := len(a) + len(b)
	last := len(t.chunks) - 1
	if last < 0 || len(t.chunks[last])+n > chunkSize {
		if len(t.chunks) == maxChunks {
			return Text{pos: notKept}
		}
		t.chunks = append(t.chunks, make([]byte, 0, chunkSize))
		last++
	}
	x := Text{pos: uint32(last)<<chunkBits | uint32(len(t.chunks[last])), n: uint32(n)}
	t.chunks[last] = append(append(t.chunks[last], a...), b...)
	return x
}

func (t *texts) bytes(x Text) []byte {
	off := x.pos & (chunkSize - 1)
	return t.chunks[x.pos>>chunkBits][off : off+x.n]
}

// equal reports whether the stored text is s, without making a string of it.
func (t *texts) equal(x Text, s string) bool {
	return x.pos != notKept && string(t.bytes(x)) == s
}

func (t *texts) get(x Text) string {
	if x.pos == notKept {
		return "(not kept)"
	}
	return string(t.bytes(x))
}
