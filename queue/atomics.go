package queue

import (
	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/internal/eventcount"
	"github.com/xbeam/xbeam/internal/release"
)

// u64, u32 and flag are atomicx.Uint64, atomicx.Uint32 and atomicx.Bool
// behind methods of this package, for the fields that the generic fast
// paths of Bounded and Unbounded touch; notify wraps the event count.
//
// Why: a generic method is compiled (as a shape instantiation) in the
// package that instantiates it, the user's. There, with Go 1.26, a call to a
// non-generic method of a package the user does not import itself, such as
// atomicx.(*Uint32).Load or eventcount.(*EventCount).NotifyOne, is not
// inlined (seen with go tool objdump on a package that imports only queue).
// A call to a non-generic method of this package, which the user does
// import, is inlined together with the call inside it. The deque package
// does the same (deque/atomics.go).
//
// Each method is the atomicx operation of the same name: sequentially
// consistent, passing the chaos point under the xbeam_chaos tag; StoreRelease
// is internal/release's Store64 (a release-only store).
type u64 struct{ v atomicx.Uint64 }

func (x *u64) Load() uint64            { return x.v.Load() }
func (x *u64) Store(val uint64)        { x.v.Store(val) }
func (x *u64) StoreRelease(val uint64) { release.Store64(&x.v, val) }
func (x *u64) Add(delta uint64) uint64 { return x.v.Add(delta) }
func (x *u64) Or(mask uint64) uint64   { return x.v.Or(mask) }
func (x *u64) CompareAndSwap(old, new uint64) bool {
	return x.v.CompareAndSwap(old, new)
}

type u32 struct{ v atomicx.Uint32 }

func (x *u32) Load() uint32            { return x.v.Load() }
func (x *u32) Store(val uint32)        { x.v.Store(val) }
func (x *u32) Add(delta uint32) uint32 { return x.v.Add(delta) }
func (x *u32) Or(mask uint32) uint32   { return x.v.Or(mask) }

type flag struct{ v atomicx.Bool }

func (x *flag) Load() bool     { return x.v.Load() }
func (x *flag) Store(val bool) { x.v.Store(val) }

// notify is an event count whose Notify methods inline into the generic
// fast paths (see u64).
type notify struct{ eventcount.EventCount }

func (e *notify) NotifyOne() { e.EventCount.NotifyOne() }
func (e *notify) NotifyAll() { e.EventCount.NotifyAll() }
