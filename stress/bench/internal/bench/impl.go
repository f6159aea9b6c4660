package bench

import (
	"slices"
	"sync/atomic"
	"time"
)

// TryQueue is a non-blocking FIFO queue of uint64 values. TryPush reports
// whether v was enqueued (false when full); TryPop reports whether a value
// was taken (false when empty). Both must be safe for concurrent use, except
// that an [Impl] with SingleConsumer set allows one popping goroutine at a
// time.
type TryQueue interface {
	TryPush(v uint64) bool
	TryPop() (uint64, bool)
}

// BlockingQueue is a FIFO queue of uint64 values whose Push waits while the
// queue is full and whose Pop waits while it is empty. The drivers never push
// the value 0 except as an end marker, one per consumer, after every producer
// has finished.
type BlockingQueue interface {
	Push(v uint64)
	Pop() uint64
}

// StealStatus is the outcome of [Stealer.Steal].
type StealStatus int

const (
	// StealEmpty means the deque was observed empty.
	StealEmpty StealStatus = iota
	// StealSuccess means an item was taken.
	StealSuccess
	// StealRetry means a race was lost; the deque may not be empty.
	StealRetry
)

// Deque is a work-stealing deque of uint64 values. Push and Pop must only be
// called by the owner goroutine; the Stealers it hands out are safe for any
// number of goroutines.
type Deque interface {
	Push(v uint64)
	Pop() (uint64, bool)
	Stealer() Stealer
}

// OwnerLoop is implemented by a [Deque] that runs deque-owner's inner loop
// itself, calling its own Push and Pop directly, so that the workload times
// the deque and not the interface dispatch around each call (crossbeam-ref
// calls its deques directly too). PushPopRange runs Push(v); Pop() for each
// v from lo to hi and returns the pairs completed, the sum of the values
// popped, and an error for the first Pop that did not return its v.
type OwnerLoop interface {
	PushPopRange(lo, hi uint64) (n, sum uint64, err error)
}

// BurstLoop is implemented by a [Deque] that runs one burst of the owner's
// loop in deque-owner-batch8, deque-owner-burst256 and deque-steal itself,
// calling its own Push and Pop directly, for the reason given at
// [OwnerLoop]. PushPopBurst pushes the values lo to hi, then pops until a
// Pop finds the deque empty or it has popped limit values, and returns the
// number and the sum of the values it popped.
type BurstLoop interface {
	PushPopBurst(lo, hi uint64, limit int) (n, sum uint64)
}

// pushPopBurst is [BurstLoop.PushPopBurst] through the [Deque] interface.
func pushPopBurst(d Deque, lo, hi uint64, limit int) (n, sum uint64) {
	for v := lo; v <= hi; v++ {
		d.Push(v)
	}
	for ; n < uint64(limit); n++ {
		x, ok := d.Pop()
		if !ok {
			break
		}
		sum += x
	}
	return n, sum
}

// burstOf returns d's [BurstLoop.PushPopBurst], or pushPopBurst on d.
func burstOf(d Deque) func(lo, hi uint64, limit int) (n, sum uint64) {
	if l, ok := d.(BurstLoop); ok {
		return l.PushPopBurst
	}
	return func(lo, hi uint64, limit int) (uint64, uint64) { return pushPopBurst(d, lo, hi, limit) }
}

// Stealer takes the oldest item of a [Deque]; it is safe for concurrent use.
type Stealer interface {
	Steal() (uint64, StealStatus)
}

// Loops is one shared structure under a loop workload (epoch-pin,
// counter-shared). Worker is called once per goroutine, on the driver's
// goroutine before the workers start, and returns a function that the worker
// goroutine calls repeatedly, each call running n operations. Check is called
// once all workers have finished, with the total number of operations run,
// and returns an error if the structure disagrees (a counter that lost adds).
type Loops interface {
	Worker() func(n int)
	Check(ops uint64) error
}

// Impl describes one implementation: a peer or one of xbeam's own
// structures. Each constructor is optional; a workload runs an Impl only if
// the constructor it needs is set (see [Workload.Supports]). Every
// constructor returns a fresh, empty structure.
type Impl struct {
	// Name identifies the implementation in tables, charts and sub-benchmark
	// names (impl=Name). It must not contain spaces, commas or slashes.
	Name string
	// Peer reports whether this is a peer (not xbeam); the best peer is the
	// yardstick of the ratio columns.
	Peer bool
	// Doc says in a few words what is measured.
	Doc string

	// NewTry makes a queue for the spsc, mpsc and mpmc workloads, used
	// through its non-blocking operations.
	NewTry func() TryQueue
	// NewBlocking makes a queue used through blocking operations: in
	// mpmc-blocking, and in spsc, mpsc and mpmc when NewTry is nil.
	NewBlocking func() BlockingQueue
	// SingleConsumer reports whether only one goroutine may pop at a time
	// (the queue is then not run in mpmc and mpmc-blocking).
	SingleConsumer bool

	// NewDeque makes a deque for deque-owner, deque-steal and fork-join.
	NewDeque func() Deque
	// ForkJoin runs the fork-join task tree of 2^depth leaves on at most
	// workers processors by a scheme that needs no Deque (goroutine per
	// task). It stops early, with fewer leaves, once stop says so, and
	// returns the number of leaves run.
	ForkJoin func(depth, workers int, stop Stop) uint64

	// NewTaskPool makes a pool of workers for the task workloads (fib,
	// mergesort, parallel-for, parallel-for-skewed).
	NewTaskPool func(workers int) TaskPool

	// NewPin makes the shared structure for epoch-pin: each worker loop runs
	// n pin/unpin pairs.
	NewPin func() Loops
	// NewCounter makes the shared structure for counter-shared: each worker
	// loop runs n increments.
	NewCounter func() Loops
}

// Peers returns the peer implementations, freshly allocated so that callers
// may append to or reorder the slice.
func Peers() []*Impl {
	return []*Impl{
		ChanImpl(),
		SelectChanImpl(),
		MutexRingImpl(),
		XsyncMPMCImpl(),
		XsyncUMPSCImpl(),
		LSCQUint64Impl(),
		LSCQPointerImpl(),
		MutexDequeImpl(),
		GoroutinesImpl(),
		ChanPoolImpl(),
		ErrgroupImpl(),
		AntsImpl(),
		ConcImpl(),
		SequentialImpl(),
		RWMutexImpl(),
		AtomicCounterImpl(),
		MutexCounterImpl(),
	}
}

// Find returns the Impl called name in impls, or nil.
func Find(impls []*Impl, name string) *Impl {
	i := slices.IndexFunc(impls, func(x *Impl) bool { return x.Name == name })
	if i < 0 {
		return nil
	}
	return impls[i]
}

// ChanName is the name of the blocking Go channel peer, the yardstick of the
// "ratio to chan" column.
const ChanName = "chan"

// QueueCap is the capacity of every bounded queue in the benchmarks.
const QueueCap = 1024

// Stop tells an [Impl.ForkJoin] scheme when the run's deadline has passed.
//
// The gate sets the flag from a timer, but a timer's callback is one more
// goroutine: a scheme that starts goroutines faster than two processors run
// them (goroutine per task does, under the race detector) keeps it queued
// behind its own, under the race detector for longer than the run's
// timeout. Such a scheme calls Tick every so often, which reads the clock
// itself.
type Stop struct {
	flag     *atomic.Bool
	deadline time.Time // zero: no deadline
}

// Stopped reports whether the scheme should start no more tasks. It costs
// one atomic load.
func (s Stop) Stopped() bool { return s.flag.Load() }

// Tick reads the clock and, if the deadline has passed, sets the flag that
// Stopped reports. It costs a clock read: call it every thousand tasks or
// so, not on every one.
func (s Stop) Tick() {
	if !s.deadline.IsZero() && time.Now().After(s.deadline) {
		s.flag.Store(true)
	}
}
