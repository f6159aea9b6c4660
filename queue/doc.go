// Package queue provides multi-producer multi-consumer FIFO queues that
// store values without boxing them, report full and empty without waiting,
// and park, rather than spin, while a blocking call waits.
//
// [Bounded] holds at most a fixed number of values in a ring allocated by
// [NewBounded]; a full queue makes [Bounded.TryPush] report false and
// [Bounded.Push] wait. [Unbounded] grows without limit in recycled
// segments; its pushes never wait and fail only once it is closed. Both
// offer a Try form of each operation that never waits for the queue to
// change, a Pop that waits under a [context.Context], and a Close after
// which pushes fail, pops drain what is left and then return [ErrClosed],
// and every parked goroutine wakes.
//
//	q := queue.NewBounded[Job](1024)
//	if !q.TryPush(job) { ... }   // full or closed: never waits
//	err := q.Push(ctx, job)      // waits while full
//	job, ok := q.TryPop()        // empty: never waits
//	job, err = q.Pop(ctx)        // waits while empty
//	q.Close()                    // pushes fail, pops drain, waiters wake
//
// Choosing: a buffered channel is the right tool when select matters
// (waiting on a queue together with timers or other channels), when few
// goroutines share it, or when simplicity matters more than throughput.
// Reach for these queues when many goroutines push and pop at once and a
// channel's lock becomes the bottleneck, when a non-blocking attempt must
// cost a few atomic operations, or when thousands of goroutines wait on one
// queue. Choose Unbounded when producers must never wait and memory is the
// back-pressure you accept, Bounded when a full queue should slow them down.
//
// Every operation of both queues is linearizable; a push of v synchronizes
// before the pop that returns v. Neither allocates per operation. Misuse
// panics with a message: any method of a zero value (create queues with
// their constructors), a nil context, and a capacity NewBounded cannot
// honour. The type docs say what each operation may wait for.
package queue
