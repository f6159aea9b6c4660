package atomicx

import "sync/atomic"

// Int32 is an atomic int32 that passes the chaos point before every operation.
// The zero value is 0 and ready to use. Without the xbeam_chaos tag each
// method compiles to the plain sync/atomic operation, inlined.
//
// A Int32 must not be copied after first use.
//
// All operations are sequentially consistent, as in sync/atomic: a Store (or
// successful CompareAndSwap, Swap, Add) synchronizes before every operation that
// observes the value it wrote.
type Int32 struct {
	_ noCopy
	v atomic.Int32
}

// Load atomically loads and returns the value.
func (x *Int32) Load() int32 { chaosPoint(); return x.v.Load() }

// Store atomically stores val.
func (x *Int32) Store(val int32) { chaosPoint(); x.v.Store(val) }

// Swap atomically stores new and returns the previous value.
func (x *Int32) Swap(new int32) (old int32) { chaosPoint(); return x.v.Swap(new) }

// CompareAndSwap executes the compare-and-swap operation for x and reports
// whether it stored new (that is, whether the value was old).
func (x *Int32) CompareAndSwap(old, new int32) (swapped bool) {
	chaosPoint()
	return x.v.CompareAndSwap(old, new)
}

// Add atomically adds delta and returns the new value.
func (x *Int32) Add(delta int32) (new int32) { chaosPoint(); return x.v.Add(delta) }
