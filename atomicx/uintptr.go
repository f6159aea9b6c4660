package atomicx

import "sync/atomic"

// Uintptr is an atomic uintptr that passes the chaos point before every operation.
// The zero value is 0 and ready to use. Without the xbeam_chaos tag each
// method compiles to the plain sync/atomic operation, inlined.
//
// A Uintptr must not be copied after first use.
//
// All operations are sequentially consistent, as in sync/atomic: a Store (or
// successful CompareAndSwap, Swap, Add) synchronizes before every operation that
// observes the value it wrote.
type Uintptr struct {
	_ noCopy
	v atomic.Uintptr
}

// Load atomically loads and returns the value.
func (x *Uintptr) Load() uintptr { chaosPoint(); return x.v.Load() }

// Store atomically stores val.
func (x *Uintptr) Store(val uintptr) { chaosPoint(); x.v.Store(val) }

// Swap atomically stores new and returns the previous value.
func (x *Uintptr) Swap(new uintptr) (old uintptr) { chaosPoint(); return x.v.Swap(new) }

// CompareAndSwap executes the compare-and-swap operation for x and reports
// whether it stored new (that is, whether the value was old).
func (x *Uintptr) CompareAndSwap(old, new uintptr) (swapped bool) {
	chaosPoint()
	return x.v.CompareAndSwap(old, new)
}

// Add atomically adds delta and returns the new value.
func (x *Uintptr) Add(delta uintptr) (new uintptr) { chaosPoint(); return x.v.Add(delta) }

// And atomically performs a bitwise AND with mask and returns the old value.
func (x *Uintptr) And(mask uintptr) (old uintptr) { chaosPoint(); return x.v.And(mask) }

// Or atomically performs a bitwise OR with mask and returns the old value.
func (x *Uintptr) Or(mask uintptr) (old uintptr) { chaosPoint(); return x.v.Or(mask) }
