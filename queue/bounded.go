package queue

import (
	"context"
	"math/bits"
	"reflect"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/internal/typeinfo"
)

// bMaxCapacity bounds NewBounded's capacity: 2^30 slots is already 8 GiB of
// stamps before the values, and anything larger is a bug in the caller, not a
// queue size.
const bMaxCapacity = 1 << 30

// Bounded is a multi-producer multi-consumer FIFO queue of at most Cap()
// values of type T, with non-blocking TryPush and TryPop and blocking Push
// and Pop that park.
//
// # Algorithm
//
// Bounded is a ring of Cap() slots, each a value and a stamp, with a head
// position for consumers and a tail position for producers: Vyukov's bounded
// MPMC queue (D. Vyukov, "Bounded MPMC queue", 1024cores.net, 2010), with
// the lap-and-index positions of crossbeam's ArrayQueue (which make any
// capacity exact, not only powers of two), changed in one respect: a
// position is claimed by a CAS on its slot's stamp, not on head or tail, and
// head and tail only follow the claims. A position p is a lap number and an
// index below Cap(); a slot's stamp says where in its cycle the slot is:
//
//	p        free for the push at p
//	p|busy   claimed by the push at p, which is storing its value
//	p+1      holds the value pushed at p
//	p+1|busy claimed by the pop at p, which is copying the value out
//	p+lap    free for the push one lap later
//
// A push reads tail t, finds stamp t in t's slot, claims the slot by a CAS
// to t|busy, checks that the queue is not closed, stores its value, stores
// the stamp t+1, and stores t's successor in tail. A pop reads head h,
// finds stamp h+1, claims by a CAS to h+1|busy, copies the value out, stores
// h+lap, and stores h's successor in head. Only the claimer of a position
// moves head or tail on from it, so moving them is a store, not a
// read-modify-write, and an operation that finds the slot at head or tail
// already claimed waits for the claimer's store (a few instructions away).
// Both hand the slot over before they move head or tail on: stores become
// visible in program order (x86-TSO), and the head or tail line may first
// have to be fetched from another core where several goroutines push or
// pop, so stored first it would hold back the hand-over that the other
// side is waiting for. (The commit that reordered a push's stores gives
// the before-and-after figures, from test binaries run alternately, since
// no single xbeam-bench run in docs/benchmarks.md separates that change.)
// Per operation that is one atomic read-modify-write, the claim; every
// other write is a release store (internal/release.Store64, a plain store
// on amd64). For head and tail that is enough because nothing is published
// through them and every reader checks them against the stamps. For the
// stamp that ends a push or pop it is enough because it only has to order
// the value's write (or the popper's read of it) before the hand-over, which
// a release store does; the one ordering that needs more, a store before a
// later load (the waker's half of the event count's Dekker pair, see
// internal/eventcount), is carried by the claim, a full barrier: a waiter
// whose re-check comes after the claim sees the slot claimed and waits for
// the release store rather than reporting empty or full.
//
// Why claim on the slot: in Vyukov's queue a pop that finds its slot not yet
// written must read tail to tell an empty queue from a push that has claimed
// the position and not yet written it (the crossbeam form), or report empty
// in both cases and lose linearizability (Vyukov's original, xsync's
// MPMCQueue). Here the stamp alone tells: p means no push has claimed p, so
// tail was at p when the stamp was read and the queue was empty; p-lap+1 at a
// push's slot means no pop has claimed the value one lap back, so head was a
// lap behind and the queue was full. So a pop never reads tail and a push
// never reads head: the only lines one side writes and the other reads are
// the slots themselves.
//
// Why not a fetch-and-add ring: issue 5 and Nikolaev's SCQ (DISC 2019)
// suggest that claiming with a fetch-and-add on head or tail scales where a
// CAS loop collapses. This package shipped SCQ (two index rings over a value
// array, about eight atomic read-modify-writes per item) until commit
// 429ef43. Run back to back on two cores (docs/benchmarks.md, 12:18 UTC),
// SCQ moved 0.15-0.50x a channel's items per second in the spsc, mpsc and
// mpmc workloads and this ring 0.98-2.24x (mpmc: 2.5-3.9 against 18.6-19.4
// Mops/s). On the 16-core machine of docs/benchmarks.md an early SCQ
// moved 2.5-4.5 Mops/s in mpmc at every P from 1 to 16, and xsync's
// MPMCQueue, a CAS-claim ring, 17.8 at P=1 and 3.0-4.8 from P=2 up: SCQ's
// fetch-and-add put it at most 1.25x ahead (P=8). The eight come from
// the Try operations: a fetch-and-add takes a position whether or not it
// can be used, so a TryPush that finds its position's slot still full
// cannot report "full" without undoing a claim others may already have
// passed; SCQ keeps full and empty exact with a second ring of free
// indices, at two ring operations per push and per pop. The blocking
// operations alone could draw their positions by fetch-and-add, since
// they wait anyway; but a drawn position cannot be given back, so a push
// must wait for the pop that empties its slot a lap behind, and a pop for
// the push of its own position, however long those goroutines stay
// descheduled (a convoy when goroutines outnumber cores). Measured beside this
// ring as impl=ref-faa-ticket in BenchmarkBoundedMPMCBlocking (a ticket
// ring without cancellation, Close or parking, so an upper bound on that
// design), it moved this ring's items per second times 0.84 at P=1, 0.56
// at P=2, 0.62 at P=4 and 0.29 at P=64, where it fell below a channel
// (two cores, medians of 4 runs, -benchtime 2000000x, 2026-11-28,
// hand-off 230 ns). Whether this ring holds up at 16 cores is not
// measured yet; the benchmark is there to run beside it. A lost
// claim backs off (atomicx.Backoff.Spin) before it retries.
//
// Close sets a flag. A push reads it after its claim: if it is set, the push
// puts the stamp back (it has written nothing yet) and fails, without moving
// tail. So every push that succeeds read the flag clear after claiming its
// position, and a queue whose slot at head is unclaimed when read after the
// flag was seen set is drained for good: every position before head was
// taken by a pop, none after it can be claimed before it, and any later
// claim of it reads the flag set.
//
// # Progress and waiting
//
// TryPush and TryPop never wait for the queue to change: a full queue makes
// TryPush return false, an empty one makes TryPop return false, at once. The
// one thing they wait for is an operation that has already claimed the slot
// they need and is copying a value in or out (a pop that finds the push at
// its position between claim and publication, or a push that finds the pop
// one lap back between claim and release), or that has claimed the position
// at head or tail and not yet moved it on. That window is a few
// instructions with no call that can block, so in Go it ends as soon as the
// goroutine in it runs again; the waiter spins, then yields to let it run.
// Waiting there instead of reporting "empty" or "full" is what keeps every
// result linearizable (crossbeam makes the same choice). In the strict sense
// of progress guarantees Bounded is therefore not lock-free: a goroutine
// stopped forever inside that window would stop the queue at its slot.
//
// Push and Pop call the Try paths, spin briefly (or yield instead, where
// the goroutine they wait for could not run meanwhile: GOMAXPROCS 1, or
// more Ps than cores; see atomicx.Backoff.Snooze), and then park on an event
// count (internal/eventcount) until a pop makes room or a push brings a
// value, Close is called, or their context is done. Waiting costs the Try
// paths one atomic load per call (the event count's waiter word) while
// nobody waits.
//
// # Linearizability
//
// Every operation, successful or not, takes effect at one instant inside the
// call: a push or pop at the CAS that claims its slot; a failed TryPush at
// its load of a stamp that still held the value one lap back; a failed
// TryPop at its load of a stamp that no push had claimed; a push failed by
// Close at its load of the flag; a Pop that returns ErrClosed at its second
// load of the unclaimed stamp at head, after the flag's; Close at its store
// of the flag. The queue is full at exactly Cap() values, concurrency or
// not.
//
// A Bounded must not be copied after first use. All methods are safe for
// concurrent use.
//
// Memory model: a successful push of v (TryPush or Push) synchronizes before
// the pop that returns v. Close synchronizes before every push that fails
// because of it and before every Pop that returns ErrClosed. A pop that
// returns v synchronizes before the push that next reuses v's slot, so the
// popper's reads of v never race with a later push. A failed TryPush or
// TryPop orders nothing.
type Bounded[T any] struct {
	_ bNoCopy

	// Read-only after NewBounded.
	//
	// stamps[i] and vals[i] serve the positions whose index is i (see
	// bSlot): vals[i] is owned by the push that has claimed the stamp
	// (writes it), then by nobody until a pop claims it (reads it, and
	// zeroes it if clear); the stamp transitions hand it over. Two arrays,
	// not one of pairs, so that a cache line carries eight stamps and a
	// pop writes no value line when clear is false: fewer lines cross
	// between the cores per item, and where a crossing costs hundreds of
	// nanoseconds that shows (see the commit that split them).
	// len(stamps) == len(vals) is the capacity.
	stamps []u64
	vals   []T
	// clear is whether a pop must zero the value it takes: whether T holds
	// pointers, which would keep the value alive for the collector until
	// the slot is reused a lap later.
	clear bool
	// busy is the least power of two above the capacity. In a position
	// the bits below it are the index and the bits above oneLap-1 the lap;
	// in a stamp the bit itself is the busy bit.
	busy uint64
	// oneLap is 2*busy: what a position gains when its index wraps.
	oneLap uint64
	// closed is set by Close and never cleared; written once, it shares the
	// read-only line. Atomic because pushes read it after their claim to
	// order themselves against Close (see push).
	closed flag
	_      atomicx.Pad

	// head is the position of the oldest value not yet claimed by a pop,
	// or the one before it while the pop that claimed that one has not yet
	// moved head on. Only that pop writes head, with a store: a pop claims
	// position h only after reading head == h (a stale h has a stamp past
	// h+1, and the claim fails), and head leaves h only by that pop's
	// store, so the stores come one after another and head never goes
	// back. Atomic because pops read it while it moves; a release store
	// is enough, since a stale head only sends a pop to a slot whose stamp
	// shows it has moved on (and the pop waits and reloads). Only pops
	// read it, and Len.
	head u64
	_    atomicx.Pad
	// tail is the same for pushes: the first position not claimed by a
	// push, or the one before it while the push that claimed that one has
	// not yet moved tail on; written only by that push, with a release
	// store (as for head), after it has read Close's flag clear and
	// published its value. So a pop may take that value, and head pass
	// tail by one, before tail moves on. Only pushes read it, and Len.
	tail u64
	_    atomicx.Pad

	// notEmpty parks Pop; notified (one waiter) after each successful push,
	// all on Close. notFull parks Push; notified after each successful pop,
	// all on Close.
	notEmpty notify
	_        atomicx.Pad
	notFull  notify
	_        atomicx.Pad
}

// bSlot is one cell of the ring: the value, and the stamp that says which
// position may use it next and whether an operation holds it (see Bounded).
// The stamp is atomic because it is where pushes and pops claim positions
// (CAS), and where a value or an emptied slot is handed from one side to
// the other (a store after the value, a load before it). The two live in
// Bounded's stamps and vals arrays; a bSlot points at one of each.
type bSlot[T any] struct {
	stamp *u64
	val   *T
}

// publish is the second half of a push that has claimed position t: it
// stores v and then the stamp that hands it to the pop at t. The push
// moves tail on after it.
func (s bSlot[T]) publish(t uint64, v T) {
	*s.val = v
	s.stamp.StoreRelease(t + 1)
}

// take is the second half of a pop that has claimed position h: it copies
// the value out, zeroes it if clear (dropping the references it holds for
// the collector), and stores the stamp that hands the slot to the push one
// lap later (h+lap).
func (s bSlot[T]) take(h, oneLap uint64, clear bool) T {
	v := *s.val
	if clear {
		var zero T
		*s.val = zero
	}
	s.stamp.StoreRelease(h + oneLap)
	return v
}

// bNoCopy makes go vet's copylocks check report copies of a Bounded.
type bNoCopy struct{}

func (*bNoCopy) Lock()   {}
func (*bNoCopy) Unlock() {}

// bStatus is the outcome of a push or pop attempt.
type bStatus uint8

const (
	bOK    bStatus = iota
	bFull          // push: no free slot
	bEmpty         // pop: nothing to take
	bDone          // push: closed; pop: closed and drained
)

// NewBounded returns an empty queue that holds at most capacity values.
// The capacity is exact (Cap returns it); memory is one value and one 8-byte
// stamp per unit of capacity. NewBounded panics if capacity is less than 1
// or more than 2^30.
func NewBounded[T any](capacity int) *Bounded[T] {
	return newBoundedAt[T](capacity, 0)
}

// newBoundedAt is NewBounded with head and tail starting at lap startLap
// (wrapping), so that tests can put the wrap-around of the 64-bit positions
// inside a short run.
func newBoundedAt[T any](capacity int, startLap uint64) *Bounded[T] {
	if capacity < 1 {
		panic("queue: capacity must be at least 1")
	}
	if capacity > bMaxCapacity {
		panic("queue: capacity must be at most 1<<30")
	}
	busyBit := uint64(1) << bits.Len64(uint64(capacity))
	q := &Bounded[T]{
		stamps: make([]u64, capacity),
		vals:   make([]T, capacity),
		clear:  typeinfo.HasPointers(reflect.TypeFor[T]()),
		busy:   busyBit,
		oneLap: 2 * busyBit,
	}
	start := startLap * q.oneLap
	for i := range q.stamps {
		q.stamps[i].Store(start + uint64(i))
	}
	q.head.Store(start)
	q.tail.Store(start)
	return q
}

// slot returns the slot of position p.
func (q *Bounded[T]) slot(p uint64) bSlot[T] {
	i := p & (q.busy - 1)
	return bSlot[T]{&q.stamps[i], &q.vals[i]}
}

// next returns the position after p: the next index, or index 0
// of the next lap.
func (q *Bounded[T]) next(p uint64) uint64 {
	if p&(q.busy-1)+1 < uint64(len(q.stamps)) {
		return p + 1
	}
	return p&^(q.oneLap-1) + q.oneLap
}

// TryPush appends v to the queue if there is room and reports whether it did.
// It reports false if the queue is full or closed. It never waits for room;
// it may wait for a pop that has already taken the value in its slot to
// finish copying it out (see Bounded). It is safe for concurrent use.
func (q *Bounded[T]) TryPush(v T) bool {
	return q.push(v) == bOK
}

// push is one attempt to append v: bOK, bFull or bDone (closed).
func (q *Bounded[T]) push(v T) bStatus {
	if q.closed.Load() {
		return bDone
	}
	var bo atomicx.Backoff
	t := q.tail.Load()
	for {
		s := q.slot(t)
		switch st := s.stamp.Load(); st {
		case t:
			// Free for position t: the CAS claims it for us alone.
			if !s.stamp.CompareAndSwap(t, t|q.busy) {
				bo.Spin()
				break
			}
			// Read after the claim: clear means Close has not happened
			// yet, and a Close from now on finds t claimed (see pop).
			if q.closed.Load() {
				s.stamp.Store(t) // give t back untouched
				return bDone
			}
			s.publish(t, v)
			q.tail.StoreRelease(q.next(t))
			q.notEmpty.NotifyOne()
			return bOK
		case t - q.oneLap + 1, (t - q.oneLap) | q.busy:
			// The push one lap back has claimed the slot (and may have
			// stored its value; it has moved tail past its position, so it
			// read the flag clear and will succeed), and no pop has claimed
			// it: head was a lap behind t at this load, and the queue full.
			return bFull
		default:
			// A pop is copying the value one lap back out of the slot, or
			// the slot has moved past t and its claimer has not yet moved
			// tail on (or t is stale): wait for it.
			q.pushWait(&bo)
		}
		t = q.tail.Load()
	}
}

// pushWait backs off while a pop in flight empties the slot a push needs. It
// is kept out of line so that the fast path stays small.
//
//go:noinline
func (q *Bounded[T]) pushWait(bo *atomicx.Backoff) {
	if testHookBoundedWait != nil {
		testHookBoundedWait()
	}
	bo.Snooze()
}

// TryPop removes and returns the oldest value and true, or reports false if
// the queue is empty (closed or not). It never waits for a value; it may wait
// for a push that has already claimed the oldest position to finish storing
// its value (see Bounded). It is safe for concurrent use.
func (q *Bounded[T]) TryPop() (T, bool) {
	v, st := q.pop(false)
	return v, st == bOK
}

// pop is one attempt to take the oldest value: bOK or bEmpty, or, if done is
// true, bDone instead of bEmpty when the queue is closed and drained (which
// costs a load of the flag and another of the stamp, that TryPop does
// without).
func (q *Bounded[T]) pop(done bool) (v T, st bStatus) {
	var bo atomicx.Backoff
	h := q.head.Load()
	for {
		s := q.slot(h)
		switch st := s.stamp.Load(); st {
		case h + 1:
			// The value pushed at h: the CAS claims it for us alone.
			if !s.stamp.CompareAndSwap(h+1, (h+1)|q.busy) {
				bo.Spin()
				break
			}
			v = s.take(h, q.oneLap, q.clear)
			// Only the pop that claimed h moves head from h (see the head
			// field), so a store does, and a release store is enough: it
			// stays after the stamp's store, so a pop that sees the new
			// head sees the slot released.
			q.head.StoreRelease(q.next(h))
			q.notFull.NotifyOne()
			return v, bOK
		case h:
			// No push has claimed h: tail was at most h at this load (it
			// passes h only after the push at h has claimed and published),
			// head was at h (the slot would have moved past h with it
			// otherwise), and the queue was empty.
			if !done || !q.closed.Load() {
				return v, bEmpty
			}
			// Closed. Drained too if h is still unclaimed now, after the
			// flag's load (see Close in the Bounded doc). Otherwise a push
			// claimed h in between: it will publish its value or, having
			// read the flag set, give h back; look again rather than
			// report empty and park, since a push that gives h back wakes
			// nobody.
			if s.stamp.Load() == h {
				return v, bDone
			}
		default:
			// A push has claimed h and is storing its value (h|busy), or
			// the slot has moved past position h and the pop that claimed
			// h has not yet moved head on (or h is stale). Wait for it.
			q.popWait(&bo)
		}
		h = q.head.Load()
	}
}

// popWait backs off while a push in flight fills the slot a pop needs. It is
// kept out of line so that the fast path stays small.
//
//go:noinline
func (q *Bounded[T]) popWait(bo *atomicx.Backoff) {
	if testHookBoundedWait != nil {
		testHookBoundedWait()
	}
	bo.Snooze()
}

// testHookBoundedWait, if not nil, runs each time a push or pop waits for an
// operation in flight at its slot (set by tests only, while no queue
// operation runs).
var testHookBoundedWait func()

// Push appends v, waiting while the queue is full. It returns nil once v is
// enqueued, ErrClosed if the queue is closed (v was not enqueued), or
// ctx.Err() if ctx is done first (v was not enqueued). If the queue has room,
// Push succeeds even if ctx is already done. A waiting Push spins briefly and
// then parks without using CPU. It is safe for concurrent use.
func (q *Bounded[T]) Push(ctx context.Context, v T) error {
	if st := q.push(v); st != bFull {
		return bErr(st)
	}
	return q.pushSlow(ctx, v)
}

func (q *Bounded[T]) pushSlow(ctx context.Context, v T) error {
	// Pops wake notFull.
	return q.await(ctx, &q.notFull, func(bool) bStatus { return q.push(v) })
}

// Pop removes and returns the oldest value, waiting while the queue is
// empty. It returns ErrClosed once the queue is closed and drained, or
// ctx.Err() if ctx is done first (nothing was removed). If a value is
// available, Pop returns it even if ctx is already done. A waiting Pop spins
// briefly and then parks without using CPU. It is safe for concurrent use.
func (q *Bounded[T]) Pop(ctx context.Context) (T, error) {
	if v, st := q.pop(true); st != bEmpty {
		return v, bErr(st)
	}
	return q.popSlow(ctx)
}

func (q *Bounded[T]) popSlow(ctx context.Context) (v T, err error) {
	// Pushes wake notEmpty.
	err = q.await(ctx, &q.notEmpty, func(done bool) (st bStatus) {
		v, st = q.pop(done)
		return st
	})
	return v, err
}

// await is the waiting half of Push and Pop: it retries try, spinning
// briefly and then parking on ev, until try succeeds (nil), reports the
// queue closed (ErrClosed), or ctx is done (ctx.Err()). try gets done =
// true once the caller has parked or may park: a pop then also looks for a
// closed, drained queue, which the spinning retries leave alone. A push
// ignores it.
func (q *Bounded[T]) await(ctx context.Context, ev *notify, try func(done bool) bStatus) error {
	var bo atomicx.Backoff
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !bo.ShouldPark() {
			bo.Snooze()
		} else {
			// Announce ourselves, then re-check: whoever changes the
			// queue from now on sees us in ev and wakes us.
			w := ev.Prepare()
			if st := try(true); st == bOK || st == bDone {
				ev.Cancel(w)
				return bErr(st)
			}
			if err := ev.Wait(ctx, w); err != nil {
				return err
			}
		}
		if st := try(bo.ShouldPark()); st == bOK || st == bDone {
			return bErr(st)
		}
	}
}

// bErr is the error of a final status: nil for bOK, ErrClosed for bDone.
func bErr(st bStatus) error {
	if st == bDone {
		return ErrClosed
	}
	return nil
}

// Close closes the queue: later pushes fail (TryPush reports false, Push
// returns ErrClosed), pops return what is left and then report empty
// (TryPop) or ErrClosed (Pop), and every goroutine waiting in Push or Pop
// wakes up. A push that races with Close either succeeds, and its value stays
// poppable, or fails, and its value was never enqueued. Close is idempotent
// and safe for concurrent use.
func (q *Bounded[T]) Close() {
	// The linearization point of Close: a push that reads the flag after
	// this fails.
	q.closed.Store(true)
	q.notEmpty.NotifyAll()
	q.notFull.NotifyAll()
}

// Len returns the number of values in the queue. It is exact when no push or
// pop is running concurrently, and otherwise some value between 0 and Cap().
// It is safe for concurrent use.
func (q *Bounded[T]) Len() int {
	n := int64(len(q.stamps))
	shift := bits.TrailingZeros64(q.oneLap)
	for tries := 0; ; tries++ {
		t := q.tail.Load()
		h := q.head.Load()
		// tail unchanged across the head load: the pair is a snapshot of
		// one instant. Under heavy pushing, settle after a few tries for
		// the last pair, clamped.
		if q.tail.Load() != t && tries < 8 {
			continue
		}
		// The lap difference, modulo 2^64 like the positions themselves.
		laps := int64(t&^(q.oneLap-1)-h&^(q.oneLap-1)) >> shift
		d := laps*n + int64(t&(q.busy-1)) - int64(h&(q.busy-1))
		return int(min(max(d, 0), n))
	}
}

// Cap returns the capacity given to NewBounded: the queue is full at exactly
// Cap() values. It is safe for concurrent use.
func (q *Bounded[T]) Cap() int { return len(q.stamps) }
