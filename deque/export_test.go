package deque

import "unsafe"

// Test hooks and internals, for the black-box tests in package deque_test.

// Cap returns the capacity of w's current buffer.
func Cap[T any](w *Worker[T]) int { return int(w.buf.capacity()) }

// Buffer returns w's current buffer, for identity comparisons.
func Buffer[T any](w *Worker[T]) any { return w.buf }

// SetStealHook installs fn to run inside every steal, right after the
// stealer has pinned and loaded the buffer pointer; nil removes it.
func SetStealHook(fn func()) { testHookSteal = fn }

// SetClaimHook installs fn to run inside a claim-first Steal that has won
// its index, before it reads the slot; nil removes it.
func SetClaimHook(fn func()) { testHookClaim = fn }

// SetTakeHook installs fn to run inside a LIFO Pop of two or more items,
// right after the owner has lowered bottom; nil removes it.
func SetTakeHook(fn func()) { testHookTake = fn }

// SetRetireHook installs fn to see every buffer a Worker retires.
func SetRetireHook(fn func(any)) { testHookRetire = fn }

// Flush flushes the package's epoch collector.
func Flush() { collector.Flush() }

// MaxBatch is the cap on the items one batch steal moves.
const MaxBatch = maxBatch

// MinCap is the smallest buffer capacity.
const MinCap = minCap

// KeepCap is the capacity up to which a Worker[T] does not shrink its
// buffer.
func KeepCap[T any]() int { return int(keepCap[T]()) }

// ShrinkEagerly makes w, new and not yet used, shrink its buffer whenever it
// is a quarter full above MinCap, as if keepBytes were 0: for the tests that
// exercise shrinking with small bursts. It returns w.
func ShrinkEagerly[T any](w *Worker[T]) *Worker[T] {
	w.keepCap = minCap
	return w
}

// Layout returns the offsets of the hot shared words, for the padding test:
// the Worker's top, bottom and buffer pointer (the first of the fields
// thieves only read), and the Injector's head and tail indexes.
func Layout() (workerTop, workerBottom, workerBuf, injHead, injTail uintptr) {
	var w Worker[uint64]
	var q Injector[uint64]
	// Safety: the pointers are only turned into numbers and subtracted,
	// never converted back.
	wbase := uintptr(unsafe.Pointer(&w))
	qbase := uintptr(unsafe.Pointer(&q))
	return uintptr(unsafe.Pointer(&w.shared.top)) - wbase, uintptr(unsafe.Pointer(&w.shared.bottom)) - wbase,
		uintptr(unsafe.Pointer(&w.shared.buf)) - wbase,
		uintptr(unsafe.Pointer(&q.headIndex)) - qbase, uintptr(unsafe.Pointer(&q.tailIndex)) - qbase
}
