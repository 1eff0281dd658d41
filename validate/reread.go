package validate

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
)

// A source is how the sieve can read an input again, to quote a record it logged without a
// copy of its texts (see sieve.add). The zero source cannot be read again: standard input, a
// pipe, a stream a caller wrapped.
//
// What is read again is checked against a hash of what was read (textRef.sum), not against the
// file's size or time: an editor that saves the same bytes again changes nothing, and a change
// that keeps the size and the time is still caught where it matters.
type source struct {
	ra   io.ReaderAt // an input in memory (a bytes.Reader, a strings.Reader), kept as it is
	path string      // or a regular file, opened again by its path
	base int64       // the offset where reading started: the readers' offset 0
}

// rereadable reports whether the source can be read again. A pointer, so that sieve.add asks
// without copying the source (see chunked.grow).
func (s *source) rereadable() bool { return s.ra != nil || s.path != "" }

// sourceOf returns how to read r again, and r's size when it is a regular file (for
// sieve.expect), from one Stat. A file is opened again rather than kept open, so that a run
// over thousands of files does not hold thousands of descriptors; an in-memory reader cannot
// change and is kept. Anything else gives the zero source: the sieve then keeps copies.
func sourceOf(r io.Reader) (src source, size int64) {
	var fi fs.FileInfo
	if f, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			fi, size = st, st.Size()
		}
	}
	switch r := r.(type) {
	case *os.File:
		// Only a regular file that its name still opens: not one made by os.NewFile with a
		// name that is no path, nor a temporary file already removed.
		if fi == nil {
			return source{}, size
		}
		if named, err := os.Stat(r.Name()); err != nil || !os.SameFile(fi, named) {
			return source{}, size
		}
		src.path = r.Name()
	case *bytes.Reader, *strings.Reader:
		src.ra = r.(io.ReaderAt)
	default:
		return source{}, size // a stream, or a reader not known to stay readable
	}
	base, err := r.(io.Seeker).Seek(0, io.SeekCurrent)
	if err != nil {
		return source{}, size
	}
	src.base = base
	return src, size
}

// errChanged: the input does not hold at an offset what it held when it was read.
var errChanged = errors.New("changed while it was checked")

// A rereader reads the texts of logged records back from one input. The sieve asks for them in
// input order, so it reads ahead in blocks, which serve the records they hold.
//
// The size of a block follows how densely those records lie: it doubles after a block that
// served eight reads or more, up to rereadBlock, and halves after one that served two or
// fewer, down to rereadMinBlock. In a typical run a few records in a hundred are read again,
// kilobytes apart, and 64 KiB blocks copied almost the whole file: 4 KiB blocks took the replay
// of a million-row file from 41 to 34 ms. Where most records are read again (a file uploaded
// twice over), the blocks grow and one read serves many.
type rereader struct {
	file   uint32 // the input's index, Ref.File
	src    source
	f      *os.File // when src is a file
	ra     io.ReaderAt
	buf    []byte
	bufAt  int64 // the input offset of buf[0]
	block  int   // the size of the next block
	served int   // the reads buf has served
	err    error // the first failure: every later read fails too
}

const (
	rereadMinBlock = 4 << 10
	rereadBlock    = 64 << 10
)

// An InputError is an input that the run could not read again as it was, when the set rules
// needed the texts of a record of it: it changed or went away while the run checked it. The
// set rules then left out the records they could not read again, and the later records, of
// any input, that share a key with them: findings may be missing, but none is made up.
type InputError struct {
	Input int    // the input's index, in the order of the calls to Check
	Name  string // its display name
	Err   error
}

func openRereader(src source, file uint32) *rereader {
	rr := &rereader{file: file, src: src, ra: src.ra, bufAt: -1, block: rereadMinBlock}
	if src.path != "" {
		f, err := os.Open(src.path)
		if err != nil {
			rr.err = err
			return rr
		}
		rr.f, rr.ra = f, f
	}
	return rr
}

// read returns the n bytes at offset off of the input (relative to its source's base). They
// are valid until the next read.
func (rr *rereader) read(off int64, n int) ([]byte, error) {
	if rr.err != nil {
		return nil, rr.err
	}
	if off < 0 || n < 0 {
		return nil, errChanged
	}
	if rr.bufAt < 0 || off < rr.bufAt || off+int64(n) > rr.bufAt+int64(len(rr.buf)) {
		switch {
		case rr.served >= 8:
			rr.block = min(2*rr.block, rereadBlock)
		case rr.served <= 2:
			rr.block = max(rr.block/2, rereadMinBlock)
		}
		rr.served = 0
		size := max(rr.block, n)
		if cap(rr.buf) < size {
			rr.buf = make([]byte, size)
		}
		rr.buf = rr.buf[:size]
		k, err := rr.ra.ReadAt(rr.buf, rr.src.base+off)
		rr.buf, rr.bufAt = rr.buf[:k], off
		if k < n {
			if err == nil || err == io.EOF {
				err = errChanged // the input is shorter than it was
			}
			rr.err = err
			return nil, err
		}
	}
	rr.served++
	i := off - rr.bufAt
	return rr.buf[i : i+int64(n)], nil
}

func (rr *rereader) close() {
	if rr.f != nil {
		rr.f.Close()
	}
}
