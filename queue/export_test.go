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
		{"slots, clear, busy, oneLap, closed (read-mostly)", unsafe.Offsetof(q.slots)},
		{"head", unsafe.Offsetof(q.head)},
		{"tail", unsafe.Offsetof(q.tail)},
		{"notEmpty", unsafe.Offsetof(q.notEmpty)},
		{"notFull", unsafe.Offsetof(q.notFull)},
		{"end", unsafe.Sizeof(q)},
	}
}

// SetBoundedWaitHook sets the function run each time a Bounded push or pop
// waits for an operation in flight at its slot (nil: none).
func SetBoundedWaitHook(fn func()) { testHookBoundedWait = fn }

// BoundedClaimPush does the first half of a push by hand: it claims the
// slot at tail and moves tail on, as a push does before it stores its value.
// publish is the second half. The queue must have room.
func BoundedClaimPush[T any](q *Bounded[T]) (publish func(T)) {
	t := q.tail.Load()
	s := q.slot(t)
	if !s.stamp.CompareAndSwap(t, t|q.busy) {
		panic("BoundedClaimPush: the slot at tail is not free")
	}
	q.tail.StoreRelease(q.next(t))
	return func(v T) { s.publish(t, v) }
}

// BoundedClaimPop does the first half of a pop by hand: it claims the value
// at head, as a pop does before it copies the value out. release is the
// second half. The queue must not be empty.
func BoundedClaimPop[T any](q *Bounded[T]) (release func() T) {
	h := q.head.Load()
	s := q.slot(h)
	if !s.stamp.CompareAndSwap(h+1, (h+1)|q.busy) {
		panic("BoundedClaimPop: no value at head")
	}
	return func() T {
		v := s.take(h, q.oneLap, q.clear)
		q.head.StoreRelease(q.next(h))
		return v
	}
}

// BoundedSlotValue returns the value stored in the slot of index i,
// whatever the slot's state; only for a queue no goroutine is using.
func BoundedSlotValue[T any](q *Bounded[T], i int) T { return q.slots[i].val }
