package queue

import "unsafe"

// NewBoundedAt is NewBounded with every ring counter starting at start
// (counter units: two per ticket), so that a short test crosses the
// wrap-around of the 64-bit counters and of the ring cycles.
func NewBoundedAt[T any](capacity int, start uint64) *Bounded[T] {
	return newBoundedAt[T](capacity, start)
}

// BoundedWaiters returns the number of goroutines parked (or about to park)
// in Pop and in Push.
func BoundedWaiters[T any](q *Bounded[T]) (pops, pushes int) {
	return q.notEmpty.Waiters(), q.notFull.Waiters()
}

// BoundedRingSize returns the number of entries of each index ring.
func BoundedRingSize[T any](q *Bounded[T]) int { return len(q.aq.entries) }

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
	aq := unsafe.Offsetof(q.aq)
	fq := unsafe.Offsetof(q.fq)
	var r bRing
	return []BoundedOffset{
		{"closing", unsafe.Offsetof(q.closing)},
		{"aq.head", aq + unsafe.Offsetof(r.head)},
		{"aq.tail", aq + unsafe.Offsetof(r.tail)},
		{"aq.threshold", aq + unsafe.Offsetof(r.threshold)},
		{"fq.entries (read-only)", fq + unsafe.Offsetof(r.entries)},
		{"fq.head", fq + unsafe.Offsetof(r.head)},
		{"fq.tail", fq + unsafe.Offsetof(r.tail)},
		{"fq.threshold", fq + unsafe.Offsetof(r.threshold)},
		{"notEmpty", unsafe.Offsetof(q.notEmpty)},
		{"notFull", unsafe.Offsetof(q.notFull)},
		{"end", unsafe.Sizeof(q)},
	}
}
