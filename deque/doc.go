// Package deque provides work-stealing deques for building task schedulers:
// Chase-Lev deques (Worker and Stealer) and a global FIFO (Injector).
//
// A work-stealing scheduler gives each worker goroutine a Worker of its own.
// The worker pushes the tasks it spawns onto its Worker and pops them back
// (newest first with NewLIFO, for depth-first locality; oldest first with
// NewFIFO, for fairness). When its Worker runs dry it steals from the
// Injector, where outside goroutines submit work, and from the Stealers of
// its siblings, which hand out their oldest (typically largest) tasks.
// StealBatch and StealBatchAndPop move about half of the victim's items at
// once, so a thief does not come back for each task. The Example (fork-join
// over a binary task tree on GOMAXPROCS workers that park when idle) shows
// the whole loop.
//
// When to use something else: a deque does not block; it has no Close and
// no way to wait for an item. For a plain producer-consumer hand-off use a
// channel or the queue package; a mutex-guarded slice is simpler and fast
// enough when the tasks are long (milliseconds). The deques pay off when
// tasks are short and spawn each other, so that most of them never leave
// the goroutine that made them.
//
// Progress: Worker.Push and Worker.Pop are wait-free for the owner (no
// loops, at most one CAS) except for a buffer resize, which is amortized
// O(1) and takes a buffer from an epoch.Pool (a short lock).
// Stealer operations are lock-free: a Retry means that another operation
// made progress. Injector.Push is lock-free except while a new block is
// being linked, and Injector steals may wait briefly for a pusher that has
// reserved a slot to finish writing it (as in crossbeam-deque).
//
// Status reports the outcome of a steal: Success, Empty (observed empty) or
// Retry (lost a race; the source may not be empty). A typical loop:
//
//	for {
//		v, st := s.Steal()
//		switch st {
//		case deque.Success:
//			run(v)
//		case deque.Empty:
//			return
//		}
//		// Retry: try again (or try another victim first)
//	}
//
// The Worker and Stealer follow Chase and Lev (SPAA 2005) with the memory
// orderings of Lê, Pop, Cohen and Zappa Nardelli (PPoPP 2013); the Injector
// follows crossbeam-deque's Injector. Buffers and blocks are recycled through
// package epoch, so that steady-state operation allocates nothing.
package deque
