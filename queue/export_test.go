package queue

import "unsafe"

// NewBoundedAt is NewBounded with head and tail starting at lap startLap
// (wrapping), so that a short test crosses the wrap-around of the 64-bit
// positions.
func NewBoundedAt[T any](capacity int, startLap uint64) *Bounded[T] {
	return newBoundedAt[T](capacity, startLap)
}

// BoundedWaiters returns the number of goroutines parked (or about to park)
// in Pop and in Push.
func BoundedWaiters[T any](q *Bounded[T]) (pops, pushes int) {
	return q.notEmpty.Waiters(), q.notFull.Waiters()
}

// BoundedOffset names the offset of a field in a Bounded.
type BoundedOffset struct {
	Name string
	Off  uintptr
}

// BoundedHotOffsets returns, in memory order, the offsets of the words of a
// Bounded that different goroutines write (or, for the first, read on every
// operation while nobody writes it).
//
// Safety: only unsafe.Offsetof and unsafe.Sizeof, evaluated at compile time;
// no pointer is converted.
func BoundedHotOffsets() []BoundedOffset {
	var q Bounded[uint64]
	return []BoundedOffset{
		{"slots, markBit, oneLap (read-only)", unsafe.Offsetof(q.slots)},
		{"head", unsafe.Offsetof(q.head)},
		{"tail", unsafe.Offsetof(q.tail)},
		{"notEmpty", unsafe.Offsetof(q.notEmpty)},
		{"notFull", unsafe.Offsetof(q.notFull)},
		{"end", unsafe.Sizeof(q)},
	}
}
