package atomicx

import "sync/atomic"

// Pointer is an atomic pointer of type *T that passes the chaos point before
// every operation. The zero value is a nil *T. Without the xbeam_chaos tag
// each method compiles to the plain sync/atomic operation, inlined.
//
// A Pointer must not be copied after first use.
//
// All operations are sequentially consistent, as in sync/atomic: a Store (or
// successful CompareAndSwap, Swap) of p synchronizes before every Load that
// returns p, so whatever was written to *p before the Store is visible to the
// loader.
type Pointer[T any] struct {
	_ noCopy
	v atomic.Pointer[T]
}

// Load atomically loads and returns the pointer.
func (x *Pointer[T]) Load() *T { chaosPoint(); return x.v.Load() }

// Store atomically stores val.
func (x *Pointer[T]) Store(val *T) { chaosPoint(); x.v.Store(val) }

// Swap atomically stores new and returns the previous pointer.
func (x *Pointer[T]) Swap(new *T) (old *T) { chaosPoint(); return x.v.Swap(new) }

// CompareAndSwap executes the compare-and-swap operation for x and reports
// whether it stored new (that is, whether the pointer was old).
func (x *Pointer[T]) CompareAndSwap(old, new *T) (swapped bool) {
	chaosPoint()
	return x.v.CompareAndSwap(old, new)
}
