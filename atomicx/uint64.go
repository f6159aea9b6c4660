package atomicx

import (
	"sync/atomic"
	"unsafe"
)

// Uint64 is an atomic uint64 that passes the chaos point before every operation.
// The zero value is 0 and ready to use. Without the xbeam_chaos tag each
// method compiles to the plain sync/atomic operation, inlined.
//
// A Uint64 must not be copied after first use.
//
// All operations are sequentially consistent, as in sync/atomic: a Store (or
// successful CompareAndSwap, Swap, Add) synchronizes before every operation that
// observes the value it wrote.
type Uint64 struct {
	_ noCopy
	v atomic.Uint64
}

// Load atomically loads and returns the value.
func (x *Uint64) Load() uint64 { chaosPoint(); return x.v.Load() }

// Store atomically stores val.
func (x *Uint64) Store(val uint64) { chaosPoint(); x.v.Store(val) }

// StoreRelease atomically stores val with release ordering only: every load
// and store that this goroutine did before it happens before any load that
// observes val, as with Store, but a later load of another word by this
// goroutine may take effect before val is visible to others (no
// store-to-load fence). Use it where a store has to publish what came
// before it but no Dekker-style handshake (store one word, then load
// another) depends on it: a stamp that hands a value over (queue.Bounded),
// or a position hint that readers check against other state. It is a
// plain store on amd64 (x86-TSO) and STLR on arm64, where
// Store costs a locked exchange or a full barrier; elsewhere, and under the
// race detector, it is Store.
func (x *Uint64) StoreRelease(val uint64) {
	chaosPoint()
	// atomic.Uint64 holds its word at offset 0 (its other fields are
	// zero-size); TestStoreRelease checks that the store lands there.
	storeRelease64((*uint64)(unsafe.Pointer(&x.v)), val)
}

// Swap atomically stores new and returns the previous value.
func (x *Uint64) Swap(new uint64) (old uint64) { chaosPoint(); return x.v.Swap(new) }

// CompareAndSwap executes the compare-and-swap operation for x and reports
// whether it stored new (that is, whether the value was old).
func (x *Uint64) CompareAndSwap(old, new uint64) (swapped bool) {
	chaosPoint()
	return x.v.CompareAndSwap(old, new)
}

// Add atomically adds delta and returns the new value.
func (x *Uint64) Add(delta uint64) (new uint64) { chaosPoint(); return x.v.Add(delta) }

// And atomically performs a bitwise AND with mask and returns the old value.
func (x *Uint64) And(mask uint64) (old uint64) { chaosPoint(); return x.v.And(mask) }

// Or atomically performs a bitwise OR with mask and returns the old value.
func (x *Uint64) Or(mask uint64) (old uint64) { chaosPoint(); return x.v.Or(mask) }
