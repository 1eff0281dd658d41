package validate

import "unsafe"

// touchPages writes the zero value in every memory page of s, so that the kernel maps each
// page once, for writing.
//
// A big allocation's pages come fresh from the kernel, not yet mapped. When the first access
// to such a page is a read — warm loading a Bloom filter word before add sets it, or the
// garbage collector scanning the unused end of a slice of pointers — the kernel maps its
// shared zero page, and the first write then faults a second time. Replacing that mapping
// also makes the kernel interrupt the other cores to flush their TLBs, which is slow in a
// virtual machine. On a million-row run these second faults took 3 to 4 % of the CPU time;
// touching the pages first costs one store a page.
func touchPages[T any](s []T) {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if size == 0 {
		return
	}
	// Stores in the first element and the last, with less than a page between two, hit every
	// page the slice spans, however it lies across pages.
	step := max(1, pageBytes/size)
	for i := 0; i < len(s); i += step {
		s[i] = zero
	}
	if len(s) > 0 {
		s[len(s)-1] = zero
	}
}

// pageBytes is the smallest page size of the platforms Go runs on.
const pageBytes = 4096
