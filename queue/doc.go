// Package queue provides multi-producer multi-consumer FIFO queues that
// store values without boxing them, report full and empty without waiting,
// and park, rather than spin, while a blocking Push or Pop waits.
//
// # Bounded
//
// Bounded[T] holds at most a fixed number of values, stored by value in one
// array allocated up front: no per-value allocation, for any T. It is a ring
// of stamped slots after Vyukov's bounded MPMC queue and crossbeam's
// ArrayQueue, with one change: positions are claimed by a CAS on the slot's
// stamp rather than on the shared head or tail, so that a pop never reads
// the producers' word and a push never reads the consumers'. Every result is
// linearizable and the queue is full at exactly its capacity. The measured
// figures are in the repository's docs/benchmarks.md.
//
//	q := queue.NewBounded[Job](1024)
//	if !q.TryPush(job) { ... }           // full (or closed): never waits
//	err := q.Push(ctx, job)              // waits while full
//	job, ok := q.TryPop()                // empty: never waits
//	job, err := q.Pop(ctx)               // waits while empty
//	q.Close()                            // pushes fail, pops drain, waiters wake
//
// # Unbounded
//
// Unbounded[T] grows without limit: values are stored by value in linked
// segments of 1024 slots claimed with fetch-and-add (Yang and
// Mellor-Crummey's infinite-array queue on segments, as in LCRQ and
// crossbeam's SegQueue, without SegQueue's CAS loop). Segments are recycled
// through package epoch, so pushes and pops allocate nothing in steady state,
// and a queue that drains returns its memory to the garbage collector,
// keeping only a small free list.
//
//	q := queue.NewUnbounded[Event]()
//	_ = q.Push(ev)                       // never waits: nil, or ErrClosed once closed
//	ev, ok := q.TryPop()                 // empty: never waits
//	ev, err := q.Pop(ctx)                // waits while empty
//
// Choose Unbounded when producers must never wait or fail (bursty producers
// that a slow consumer must not slow down, or goroutine graphs where a
// bounded queue could deadlock) and memory is the back-pressure you accept;
// choose Bounded when a full queue should slow producers down.
//
// # Choosing
//
// A buffered channel is the right tool when select matters (waiting on a
// queue together with timers, other channels or cancellation in one
// statement), when there are few goroutines, or when simplicity matters more
// than throughput: a channel is a mutex-protected ring and is fast enough for
// most programs. Reach for these queues when many goroutines push and pop at once
// and the channel's lock becomes the bottleneck, when producers or consumers
// need a non-blocking attempt that costs a few atomic operations, or when
// thousands of goroutines wait on one queue: waiting Push and Pop calls park
// and use no CPU. A mutex around a slice is simpler still and fine for queues
// that are touched rarely.
//
// # Progress
//
// Bounded.TryPush and Bounded.TryPop never wait for the queue to change:
// they report full or empty at once. They do wait for an operation that has
// already claimed the slot they need and is copying a value in or out (a
// few instructions, which in Go always finish once that goroutine runs), so
// in the strict sense Bounded is not lock-free; that wait is what makes
// every failed TryPush a full queue and every failed TryPop an empty one.
// Bounded.Push and Bounded.Pop block: they spin briefly, then park until the
// queue changes, it is closed, or their context is done.
//
// Unbounded.TryPush, Unbounded.Push and Unbounded.TryPop are lock-free. A
// push may claim a second slot when a consumer gave up on its first, and a
// pop may spin briefly for a producer that is storing the value at the head;
// in either case another operation has completed. Unbounded.Pop spins
// briefly, then parks.
//
// # Closing
//
// Close is a one-way switch (for both queues): every push from then on
// fails (Bounded.TryPush and Unbounded.TryPush report false, Bounded.Push
// and Unbounded.Push return ErrClosed), pops drain the
// values that are left and then report ErrClosed, and every goroutine parked
// in Push or Pop wakes up. A push that races with Close either succeeds, and
// its value stays poppable, or fails, and its value was never enqueued.
package queue
