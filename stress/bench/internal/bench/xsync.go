package bench

import "github.com/puzpuzpuz/xsync/v4"

// XsyncMPMC adapts xsync.MPMCQueue (Vyukov's bounded queue with per-slot
// turn counters, after rigtorp/MPMCQueue), capacity QueueCap.
type XsyncMPMC struct{ q *xsync.MPMCQueue[uint64] }

// TryPush reports whether v was enqueued.
func (x XsyncMPMC) TryPush(v uint64) bool { return x.q.TryEnqueue(v) }

// TryPop reports whether a value was dequeued.
func (x XsyncMPMC) TryPop() (uint64, bool) { return x.q.TryDequeue() }

// XsyncMPMCImpl returns the xsync MPMCQueue peer, "xsync-mpmc" (Try
// operations only: its blocking forms were removed in v4).
func XsyncMPMCImpl() *Impl {
	return &Impl{
		Name:   "xsync-mpmc",
		Peer:   true,
		Doc:    "github.com/puzpuzpuz/xsync/v4 v4.5.0 MPMCQueue, cap 1024",
		NewTry: func() TryQueue { return XsyncMPMC{xsync.NewMPMCQueue[uint64](QueueCap)} },
	}
}

// XsyncUMPSC adapts xsync.UMPSCQueue, an unbounded multi-producer
// single-consumer queue whose Dequeue waits while empty.
type XsyncUMPSC struct{ q *xsync.UMPSCQueue[uint64] }

// Push enqueues v; it never waits.
func (x XsyncUMPSC) Push(v uint64) { x.q.Enqueue(v) }

// Pop dequeues a value, waiting while the queue is empty. Only one goroutine
// may call it at a time.
func (x XsyncUMPSC) Pop() uint64 { return x.q.Dequeue() }

// XsyncUMPSCImpl returns the xsync UMPSCQueue peer, "xsync-umpsc". It has no
// non-blocking pop, so the drivers use its blocking form, with one consumer.
func XsyncUMPSCImpl() *Impl {
	return &Impl{
		Name:           "xsync-umpsc",
		Peer:           true,
		Doc:            "github.com/puzpuzpuz/xsync/v4 v4.5.0 UMPSCQueue (unbounded, one consumer)",
		NewBlocking:    func() BlockingQueue { return XsyncUMPSC{xsync.NewUMPSCQueue[uint64]()} },
		SingleConsumer: true,
	}
}
