package validate

import (
	"errors"
	"io"
	"io/fs"
	"os"
)

// A source is how the sieve can read an input again, to quote a record it logged without a
// copy of its texts (see sieve.add). The zero source cannot be read again: standard input, a
// pipe, a stream a caller wrapped.
type source struct {
	ra   io.ReaderAt // an input in memory (a bytes.Reader, a strings.Reader), kept as it is
	path string      // or a regular file, opened again by its path…
	info fs.FileInfo // …and checked to be the same file, unchanged
	base int64       // the offset where reading started: the readers' offset 0
}

func (s source) rereadable() bool { return s.ra != nil || s.path != "" }

// sourceOf returns how to read r again. A file is opened again rather than kept open, so that
// a run over thousands of files does not hold thousands of descriptors; an in-memory reader
// cannot change and is kept. Anything else gives the zero source: the sieve then keeps copies.
func sourceOf(r io.Reader) source {
	switch r := r.(type) {
	case *os.File:
		fi, err := r.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return source{}
		}
		base, err := r.Seek(0, io.SeekCurrent)
		if err != nil {
			return source{}
		}
		return source{path: r.Name(), info: fi, base: base}
	case io.Closer:
		return source{} // something to close is not known to stay readable
	case interface {
		io.ReaderAt
		io.Seeker
	}:
		base, err := r.Seek(0, io.SeekCurrent)
		if err != nil {
			return source{}
		}
		return source{ra: r, base: base}
	}
	return source{}
}

// errChanged: the input does not hold at an offset what it held when it was read.
var errChanged = errors.New("changed while idlint read it")

// A rereader reads the texts of logged records back from one input. The sieve asks for them in
// input order, so it reads ahead in blocks: one read serves many records.
type rereader struct {
	file  uint32 // the input's index, Ref.File
	src   source
	f     *os.File // when src is a file
	ra    io.ReaderAt
	buf   []byte
	bufAt int64 // the input offset of buf[0]
	err   error // the first failure: every later read fails too
}

const rereadBlock = 64 << 10

// An InputError is an input that the run could not read again as it was, when the set rules
// needed the texts of a record of it: it changed or went away while idlint read it. The
// findings about its records may be incomplete, or name texts that are not there any more.
type InputError struct {
	Name string
	Err  error
	file uint32
}

func openRereader(src source, file uint32) *rereader {
	rr := &rereader{file: file, src: src, ra: src.ra, bufAt: -1}
	if src.path != "" {
		f, err := os.Open(src.path)
		if err != nil {
			rr.err = err
			return rr
		}
		fi, err := f.Stat()
		if err != nil || !os.SameFile(fi, src.info) || fi.Size() != src.info.Size() || !fi.ModTime().Equal(src.info.ModTime()) {
			f.Close()
			rr.err = errChanged
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
		size := max(rereadBlock, n)
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
	i := off - rr.bufAt
	return rr.buf[i : i+int64(n)], nil
}

func (rr *rereader) close() {
	if rr.f != nil {
		rr.f.Close()
	}
}
