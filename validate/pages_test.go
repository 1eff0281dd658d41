package validate

import (
	"testing"
	"unsafe"
)

// TestTouchPages checks that touchPages stores in every page a slice spans, however the slice
// lies across pages: it must store in the first element and the last, and leave less than a
// page unstored between two stores. The slices start filled with ones, so a zero marks a store.
func TestTouchPages(t *testing.T) {
	t.Run("uint64", func(t *testing.T) { testTouchPages(t, 3*pageBytes/8+5, uint64(1)) })
	t.Run("40 bytes", func(t *testing.T) { testTouchPages(t, 1000, [5]uint64{1, 1, 1, 1, 1}) })
	t.Run("odd size", func(t *testing.T) { testTouchPages(t, 2000, [7]byte{1, 1, 1, 1, 1, 1, 1}) })
	t.Run("bigger than a page", func(t *testing.T) { testTouchPages(t, 5, [pageBytes + 8]byte{1}) })
	t.Run("one", func(t *testing.T) { testTouchPages(t, 1, uint64(1)) })
	t.Run("empty", func(t *testing.T) { testTouchPages(t, 0, uint64(1)) })
}

func testTouchPages[T comparable](t *testing.T, n int, one T) {
	s := make([]T, n)
	for i := range s {
		s[i] = one
	}
	touchPages(s)
	var zero T
	size := int(unsafe.Sizeof(zero))
	last := -1 // the last element stored in
	for i := range s {
		if s[i] != zero {
			continue
		}
		if gap := (i - last - 1) * size; last >= 0 && gap >= pageBytes {
			t.Errorf("%d bytes unstored between elements %d and %d: a page may lie within", gap, last, i)
		}
		if last < 0 && i != 0 {
			t.Errorf("first store in element %d, not 0", i)
		}
		last = i
	}
	if last != n-1 {
		t.Errorf("last store in element %d of %d", last, n)
	}
}
