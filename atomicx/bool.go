package atomicx

import "sync/atomic"

// Bool is an atomic bool that passes the chaos point before every operation.
// The zero value is 0 and ready to use. Without the xbeam_chaos tag each
// method compiles to the plain sync/atomic operation, inlined.
//
// A Bool must not be copied after first use.
//
// All operations are sequentially consistent, as in sync/atomic: a Store (or
// successful CompareAndSwap, Swap) synchronizes before every operation that
// observes the value it wrote.
type Bool struct {
	_ noCopy
	v atomic.Bool
}

// Load atomically loads and returns the value.
func (x *Bool) Load() bool { chaosPoint(); return x.v.Load() }

// Store atomically stores val.
func (x *Bool) Store(val bool) { chaosPoint(); x.v.Store(val) }

// Swap atomically stores new and returns the previous value.
func (x *Bool) Swap(new bool) (old bool) { chaosPoint(); return x.v.Swap(new) }

// CompareAndSwap executes the compare-and-swap operation for x and reports
// whether it stored new (that is, whether the value was old).
func (x *Bool) CompareAndSwap(old, new bool) (swapped bool) {
	chaosPoint()
	return x.v.CompareAndSwap(old, new)
}
