package atomicx

import "sync/atomic"

// Int64 is an atomic int64 that passes the chaos point before every operation.
// The zero value is 0 and ready to use. Without the xbeam_chaos tag each
// method compiles to the plain sync/atomic operation, inlined.
//
// A Int64 must not be copied after first use.
//
// All operations are sequentially consistent, as in sync/atomic: a Store (or
// successful CompareAndSwap, Swap, Add) synchronizes before every operation that
// observes the value it wrote.
type Int64 struct {
	_ noCopy
	v atomic.Int64
}

// Load atomically loads and returns the value.
func (x *Int64) Load() int64 { chaosPoint(); return x.v.Load() }

// Store atomically stores val.
func (x *Int64) Store(val int64) { chaosPoint(); x.v.Store(val) }

// Swap atomically stores new and returns the previous value.
func (x *Int64) Swap(new int64) (old int64) { chaosPoint(); return x.v.Swap(new) }

// CompareAndSwap executes the compare-and-swap operation for x and reports
// whether it stored new (that is, whether the value was old).
func (x *Int64) CompareAndSwap(old, new int64) (swapped bool) {
	chaosPoint()
	return x.v.CompareAndSwap(old, new)
}

// Add atomically adds delta and returns the new value.
func (x *Int64) Add(delta int64) (new int64) { chaosPoint(); return x.v.Add(delta) }
