// Package deque provides the queues of a work-stealing task scheduler:
// the Chase-Lev deque ([Worker] and its [Stealer]) and a global FIFO
// ([Injector]).
//
// Each worker goroutine owns a Worker. It pushes the tasks it spawns and
// pops them back: newest first with [NewLIFO] (depth-first, cache-warm) or
// oldest first with [NewFIFO] (fair). When its Worker runs dry it steals
// from the Injector, where outside goroutines submit work, and from its
// siblings' Stealers, which hand out their oldest (typically largest)
// tasks. [Stealer.StealBatch] and [Stealer.StealBatchAndPop] move about
// half of the victim's items at once, so a thief does not come back for
// each task.
//
// A deque never blocks: it has no Close and no way to wait for an item. For
// a producer-consumer hand-off use a channel or the queue package; a
// mutex-guarded slice is simpler and fast enough when tasks are long
// (milliseconds). The deques pay off when tasks are short and spawn each
// other, so that most of them never leave the goroutine that made them.
//
// Progress: the owner's Push and Pop are wait-free (no loops, at most one
// claim by compare-and-swap or atomic add) apart from a buffer resize,
// amortized O(1). Push is inlined into its caller, which calls out only
// when the buffer needs attention (about once per buffer's worth of
// pushes). Pop is one function call: it is too large for Go's inliner,
// except at call sites that a build with profile-guided optimization
// (go build -pgo) finds hot.
// Steals are lock-free: [Retry] means another operation made progress.
// Buffers and blocks are recycled, so steady-state use allocates nothing,
// and a value leaves the structure's memory when it is taken out.
//
// [Status] reports the outcome of a steal: [Success], [Empty] (observed
// empty) or [Retry] (lost a race; the source may not be empty):
//
//	for {
//		v, st := s.Steal()
//		switch st {
//		case deque.Success:
//			run(v)
//		case deque.Empty:
//			return
//		}
//		// Retry: try again, or try another victim first.
//	}
package deque
