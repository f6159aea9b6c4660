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
	chaos.Point()
	// Safety: atomicx.Uint64 holds its 8-byte-aligned word at offset 0
	// (its other fields have size zero; TestStore64Layout checks it). A
	// plain aligned 8-byte store is single-copy atomic on amd64, so a
	// concurrent Load sees the old or the new value, never a mix.
	*(*uint64)(unsafe.Pointer(x)) = v
}
