package deque

import (
	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/internal/release"
)

// u64 and i32 are atomicx.Uint64 and atomicx.Int32 behind methods of this
// package, for the fields that the generic fast paths touch.
//
// Why: a generic method is compiled (as a shape instantiation) in the
// package that instantiates it, the user's. There, with Go 1.26, a call to a
// non-generic method of a package the user does not import itself, such as
// atomicx.(*Uint64).Store, is not inlined: the owner's Push and Pop made
// three real calls per operation (seen with go tool objdump). A call to a
// non-generic method of this package, which the user does import, is
// inlined, together with the atomicx call inside it.
//
// Each method is the atomicx operation of the same name: sequentially
// consistent, passing the chaos point under the xbeam_chaos tag; StoreRelease
// is internal/release's Store64 (a release-only store, a plain MOV on amd64).
type u64 struct{ v atomicx.Uint64 }

func (x *u64) Load() uint64                        { return x.v.Load() }
func (x *u64) Store(val uint64)                    { x.v.Store(val) }
func (x *u64) StoreRelease(val uint64)             { release.Store64(&x.v, val) }
func (x *u64) Add(delta uint64) uint64             { return x.v.Add(delta) }
func (x *u64) CompareAndSwap(old, new uint64) bool { return x.v.CompareAndSwap(old, new) }

// storeFenced stores val in x with release ordering and then adds 0 to
// fence, a word that no other goroutine touches, so that no load after
// storeFenced takes effect before the store: a sequentially consistent store
// as far as this goroutine's later loads are concerned, without a locked
// instruction on x's line. On amd64 without -race the store is a plain MOV
// and the add a LOCK XADD: a locked instruction drains the store buffer
// before any later load runs (x86-TSO; Intel SDM vol. 3A, "Memory Ordering
// in P6 and More Recent Processor Families": loads and stores are not
// reordered with locked instructions), and gc keeps the store before the add
// and the load after it (each atomic takes the memory state of the operation
// before it). Elsewhere the store is sync/atomic's Store, and the store, the
// add and the load are sequentially consistent by the memory model itself.
// TestStoreFencedStoreBuffering checks the ordering.
func (x *u64) storeFenced(val uint64, fence *u64) {
	x.StoreRelease(val)
	fence.Add(0)
}

// recheck is Load for the second read of a sequence lock: it keeps the
// plain reads before it from passing it (see loadsInOrder).
func (x *u64) recheck() uint64 {
	if loadsInOrder {
		return x.v.Load()
	}
	return x.v.Add(0)
}

type i32 struct{ v atomicx.Int32 }

func (x *i32) Load() int32           { return x.v.Load() }
func (x *i32) Add(delta int32) int32 { return x.v.Add(delta) }
