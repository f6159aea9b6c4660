package atomicx

import "sync/atomic"

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
