//go:build amd64 && !race

package release

import (
	"unsafe"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/internal/chaos"
)

// Store64 stores v into x with release ordering: every load and store this
// goroutine did before it happens before a Load of x that returns v.
func Store64(x *atomicx.Uint64, v uint64) {
	// Safety: atomicx.Uint64 holds its 8-byte-aligned word at offset 0
	// (its other fields have size zero; TestStore64Layout checks it). The
	// body repeats StoreUint64's rather than calling it: each call level
	// adds to the inlining cost of the fast paths that store through it.
	chaos.Point()
	*(*uint64)(unsafe.Pointer(x)) = v
}

// StoreUint64 stores v at addr, an 8-byte-aligned word that other
// goroutines read only with sync/atomic loads, with release ordering.
func StoreUint64(addr *uint64, v uint64) {
	chaos.Point()
	// A plain aligned 8-byte store is single-copy atomic on amd64, so a
	// concurrent atomic load sees the old or the new value, never a mix.
	*addr = v
}
