// Package queue provides concurrent multi-producer multi-consumer FIFO
// queues that scale with the number of goroutines and park, rather than
// spin, while they wait.
//
// # Bounded
//
// Bounded[T] holds at most a fixed number of values, stored by value in one
// array allocated up front: no per-value allocation, for any T. It is
// Nikolaev's scalable circular queue (SCQ, DISC 2019): positions are claimed
// with fetch-and-add rather than a compare-and-swap loop on a shared index,
// so throughput holds up as producers and consumers are added, where
// CAS-claim rings and a mutex around a ring fall off.
//
//	q := queue.NewBounded[Job](1024)
//	if !q.TryPush(job) { ... }           // full (or closed): never waits
//	err := q.Push(ctx, job)              // waits while full
//	job, ok := q.TryPop()                // empty: never waits
//	job, err := q.Pop(ctx)               // waits while empty
//	q.Close()                            // pushes fail, pops drain, waiters wake
//
// # Choosing
//
// A buffered channel is the right tool when select matters (waiting on a
// queue together with timers, other channels or cancellation in one
// statement), when there are few goroutines, or when simplicity matters more
// than throughput: a channel is a mutex-protected ring and is fast enough for
// most programs. Reach for Bounded when many goroutines push and pop at once
// and the channel's lock becomes the bottleneck, when producers or consumers
// need a non-blocking attempt that costs a few atomic operations, or when
// thousands of goroutines wait on one queue: waiting Push and Pop calls park
// and use no CPU. A mutex around a slice is simpler still and fine for queues
// that are touched rarely.
//
// # Progress
//
// Bounded.TryPush and Bounded.TryPop are lock-free and never wait for
// another goroutine: each returns within a bounded number of its own steps
// unless other goroutines keep completing operations. Bounded.Push and
// Bounded.Pop block: they spin briefly, then park until the queue changes,
// it is closed, or their context is done.
//
// # Closing
//
// Close is a one-way switch: every push from then on fails, pops drain the
// values that are left and then report ErrClosed, and every goroutine parked
// in Push or Pop wakes up. A push that races with Close either succeeds, and
// its value stays poppable, or fails, and its value was never enqueued.
package queue
