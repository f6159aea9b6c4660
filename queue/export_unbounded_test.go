package queue

import "unsafe"

// UnboundedSegSize is the number of slots in one segment of an Unbounded.
const UnboundedSegSize = segSize

// UnboundedClaimPush claims the next index of q exactly as TryPush does and
// returns the rest of that push, to be run later: between the two, q has a
// producer that claimed an index and has not stored its item (a goroutine
// descheduled right after its fetch-and-add).
func UnboundedClaimPush[T any](q *Unbounded[T]) (finish func(v T) bool) {
	t := q.tail.Add(1) - 1
	return func(v T) bool { return q.pushSlow(v, t, nil) }
}

// UnboundedSegments reports the id of q's oldest segment and the ids of its
// head and tail hints.
func UnboundedSegments[T any](q *Unbounded[T]) (oldest, head, tail uint64) {
	return q.oldest.Load().id, q.headSeg.Load().id, q.tailSeg.Load().id
}

// UnboundedLayout returns the offsets of q's hot fields and the size of one
// segment, for the padding test.
func UnboundedLayout[T any]() (tail, head, hints, cold, ev, slots uintptr) {
	var q Unbounded[T]
	var s segment[T]
	return unsafe.Offsetof(q.tail), unsafe.Offsetof(q.head), unsafe.Offsetof(q.tailSeg),
		unsafe.Offsetof(q.oldest), unsafe.Offsetof(q.ev), unsafe.Offsetof(s.slots)
}

// UnboundedIndexes returns q's head and tail counters (tail with its closed
// bit), to check that an operation claimed no index.
func UnboundedIndexes[T any](q *Unbounded[T]) (head, tail uint64) {
	return q.head.Load(), q.tail.Load()
}

// SetUnboundedPopEmptyHook installs fn to run inside TryPop's slow path
// after the consumer has abandoned its index and loaded tail, before it
// decides whether the queue is empty (nil removes it). Set it only while no
// queue operation runs.
func SetUnboundedPopEmptyHook(fn func()) { testHookPopEmpty = fn }

// UnboundedCloseBegin runs the first step of q.Close and returns the rest,
// so that a test can run other operations while a Close is half done.
func UnboundedCloseBegin[T any](q *Unbounded[T]) (rest func()) {
	old := q.closeBegin()
	return func() { q.closeEnd(old) }
}

// UnboundedClaimPop claims the next index of q as TryPop does (without its
// emptiness check) and returns the rest of that pop, to be run later:
// between the two, q has a consumer that claimed an index and has not taken
// its item.
func UnboundedClaimPop[T any](q *Unbounded[T]) (finish func() (T, bool)) {
	h := q.head.Add(1) - 1
	return func() (T, bool) { return q.popSlow(h, nil) }
}

// UnboundedWaiters returns the number of goroutines parked (or about to
// park) in Pop.
func UnboundedWaiters[T any](q *Unbounded[T]) int { return q.ev.Waiters() }
