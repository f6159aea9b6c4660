package queue

import (
	"context"
	"math/bits"
	"reflect"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/internal/typeinfo"
)

// bMaxCapacity bounds NewBounded's capacity: 2^30 slots is already 8 GiB of
// stamps alone, and anything larger is a bug in the caller, not a
// queue size.
const bMaxCapacity = 1 << 30

// bMaxBytes bounds the memory NewBounded allocates, the slots of stamps and
// values, so that a large T times a large capacity panics with a message
// instead of failing the allocation (an out-of-memory error is fatal in Go,
// not a panic). It admits every capacity up to bMaxCapacity for 8-byte T.
const bMaxBytes = 1 << 34

// Panic messages of misuse.
const (
	bZeroMsg   = "queue: use NewBounded to create a Bounded"
	nilCtxMsg  = "queue: nil Context"
	bCapMinMsg = "queue: NewBounded: capacity must be at least 1"
	bCapMaxMsg = "queue: NewBounded: capacity must be at most 1<<30"
	bBytesMsg  = "queue: NewBounded: capacity * (8 + size of T, rounded up to 8) must be at most 1<<34 bytes"
)

// bPanicZero reports a Bounded that NewBounded did not make. Kept out of
// line so that the checks that call it cost a compare and a branch.
//
//go:noinline
func bPanicZero() { panic(bZeroMsg) }

// panicNilCtx reports a nil context given to Push or Pop of either queue.
// They check it before anything else, so that a nil context fails on the
// first call, not only on the first call that has to wait.
//
//go:noinline
func panicNilCtx() { panic(nilCtxMsg) }

// Bounded is a multi-producer multi-consumer FIFO queue of at most
// [Bounded.Cap] values of type T, stored by value in a ring that [NewBounded]
// allocates. Choose it when a full queue should hold producers back; choose
// [Unbounded] when producers must never wait, and a buffered channel when a
// select over several events matters more than throughput.
//
// [Bounded.TryPush] and [Bounded.TryPop] never wait for room or for a value:
// on a full or empty queue they report false at once. [Bounded.Push] and
// [Bounded.Pop] wait, spinning briefly and then parking without using CPU,
// until they succeed, the queue is closed ([ErrClosed]), or their context is
// done. After [Bounded.Close], pushes fail and pops drain what is left. The
// ring is Vyukov's bounded MPMC queue with crossbeam's ArrayQueue positions,
// claiming positions on the slots (see the comments in bounded.go).
//
// Every operation is linearizable, and the queue is full at exactly Cap
// values. For that, a Try call may wait for a goroutine that has already
// claimed the slot it needs and is copying a value in or out (a few
// instructions, with no call that blocks), so in the strict sense Bounded is
// not lock-free.
//
// Memory model: a push of v synchronizes before the pop that returns v, and
// that pop before the push that next reuses v's slot. Close synchronizes
// before every push that fails because of it and every Pop that returns
// ErrClosed. A failed TryPush or TryPop orders nothing.
//
// No operation allocates; a push or pop costs one compare-and-swap. A popped
// value that holds pointers is zeroed in its slot, so the queue keeps
// nothing alive. Every method of a zero Bounded panics (use NewBounded), and
// Push and Pop panic on a nil context. A Bounded must not be copied after
// first use. All methods are safe for concurrent use.
type Bounded[T any] struct {
	_ bNoCopy

	// Read-only after NewBounded.
	//
	// slots[i] serves the positions whose index is i (see bSlot): its
	// value is owned by the push that has claimed its stamp (writes it),
	// then by nobody until a pop claims it (reads it, and zeroes it if
	// clear); the stamp transitions hand it over. The stamp and the value
	// share a slot, as in crossbeam's ArrayQueue, so that the line a pop
	// loads to find a value also carries the value: when the consumers keep
	// up with the producers, each item crosses between the cores in one
	// line, where a ring of stamps beside a ring of values moves two.
	// len(slots) is the capacity.
	slots []bSlot[T]
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
	// order themselves against Close: a push that reads it set gives its
	// stamp back (it has written nothing) and fails without moving tail. So
	// every push that succeeds read it clear after claiming its position,
	// and a pop that reads it set and then finds the slot at head still
	// unclaimed knows the queue is drained for good: every position before
	// head was taken, and a later claim of head reads the flag set.
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

// The ring is Vyukov's bounded MPMC queue (D. Vyukov, "Bounded MPMC
// queue", 1024cores.net, 2010) with the lap-and-index positions of
// crossbeam's ArrayQueue (crossbeam-queue, src/array_queue.rs), which make
// any capacity exact, not only powers of two. A position p is a lap and an
// index below Cap; the stamp of p's slot says where the slot is in its cycle:
//
//	p        free for the push at p
//	p|busy   claimed by the push at p, which is storing its value
//	p+1      holds the value pushed at p
//	p+1|busy claimed by the pop at p, which is copying the value out
//	p+lap    free for the push one lap later
//
// One change from both: a position is claimed by a CAS on its slot's stamp,
// not on head or tail, and head and tail only follow the claims. A push
// reads tail t, finds stamp t, claims it (CAS to t|busy), checks Close's
// flag, stores its value, stores stamp t+1 and then t's successor in tail.
// A pop reads head h, finds h+1, claims it (CAS to h+1|busy), copies the
// value out, stores h+lap and then h's successor in head. Only the claimer
// of a position moves head or tail on from it, so moving them is a store,
// not a read-modify-write; an operation that finds the slot at head or tail
// claimed waits for the claimer's next store, a few instructions away.
//
// Why claim on the slot: in Vyukov's queue a pop whose slot is not yet
// written must read tail to tell an empty queue from a push between its
// claim and its store (crossbeam), or report empty in both cases and lose
// linearizability (Vyukov's original, xsync's MPMCQueue). Here the stamp
// alone tells: p means no push has claimed p, so the queue was empty when
// it was read; p-lap+1 at a push's slot means no pop has claimed the value
// one lap back, so the queue was full. A pop never reads tail and a push
// never reads head: the only lines both sides write are the slots.
//
// bSlot is one cell of the ring: the value, and the stamp that says which
// position may use it next and whether an operation holds it (see Bounded).
// The stamp is atomic because it is where pushes and pops claim positions
// (CAS), and where a value or an emptied slot is handed from one side to
// the other (a store after the value, a load before it). The value is a
// plain field: only the claimer of the stamp touches it.
//
// The value comes first so that a zero-size T adds nothing to the slot (a
// zero-size last field would be padded). A slot is 8 + the size of T bytes,
// rounded up to 8.
type bSlot[T any] struct {
	val   T
	stamp u64
}

// publish is the second half of a push that has claimed position t: it
// stores v and then the stamp that hands it to the pop at t. The push
// moves tail on after it.
func (s *bSlot[T]) publish(t uint64, v T) {
	s.val = v
	s.stamp.StoreRelease(t + 1)
}

// take is the second half of a pop that has claimed position h: it copies
// the value out, zeroes it if clear (dropping the references it holds for
// the collector), and stores the stamp that hands the slot to the push one
// lap later (h+lap). pop does the same inline.
func (s *bSlot[T]) take(h, oneLap uint64, clear bool) T {
	v := s.val
	if clear {
		var zero T
		s.val = zero
	}
	s.stamp.StoreRelease(h + oneLap)
	return v
}

// bNoCopy makes go vet's copylocks check report copies of a Bounded.
type bNoCopy struct{}

func (*bNoCopy) Lock()   {}
func (*bNoCopy) Unlock() {}

// Why positions are not claimed by fetch-and-add, as in Nikolaev's SCQ ("A
// Scalable, Portable, and Memory-Efficient Lock-Free FIFO Queue", DISC
// 2019) and Morrison and Afek's LCRQ (PPoPP 2013), where it cannot fail: a
// fetch-and-add takes a position whether or not it can be used, so a
// TryPush whose slot still holds a value cannot report full without undoing
// a claim that others may already have passed. SCQ keeps its Try results
// exact with a second ring of free indices, at two ring operations per push
// and per pop, several read-modify-writes per value against one here. The
// blocking operations alone could draw positions by fetch-and-add, but a
// drawn position cannot be given back: a push must then wait for the pop a
// lap behind, however long that goroutine stays descheduled (a convoy when
// goroutines outnumber cores), and neither cancellation nor Close can
// return it. BenchmarkBoundedMPMCBlocking runs such a ring (ref-faa-ticket,
// in the tests) beside this one as an upper bound on that design.

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
// stamp per unit of capacity (8 + the size of T bytes, rounded up to 8),
// allocated here. NewBounded panics if capacity is less than 1 or more than
// 1<<30, or if that memory would exceed 1<<34 bytes (16 GiB).
func NewBounded[T any](capacity int) *Bounded[T] {
	return newBoundedAt[T](capacity, 0)
}

// newBoundedAt is NewBounded with head and tail starting at lap startLap
// (wrapping), so that tests can put the wrap-around of the 64-bit positions
// inside a short run.
func newBoundedAt[T any](capacity int, startLap uint64) *Bounded[T] {
	if capacity < 1 {
		panic(bCapMinMsg)
	}
	if capacity > bMaxCapacity {
		panic(bCapMaxMsg)
	}
	// capacity <= 1<<30, so bMaxBytes/capacity >= 16 and nothing wraps.
	// (The size comes from the type, not from a value: a T too large to
	// allocate must not be allocated to be measured.)
	if uint64(reflect.TypeFor[bSlot[T]]().Size()) > bMaxBytes/uint64(capacity) {
		panic(bBytesMsg)
	}
	busyBit := uint64(1) << bits.Len64(uint64(capacity))
	q := &Bounded[T]{
		slots:  make([]bSlot[T], capacity),
		clear:  typeinfo.HasPointers(reflect.TypeFor[T]()),
		busy:   busyBit,
		oneLap: 2 * busyBit,
	}
	start := startLap * q.oneLap
	for i := range q.slots {
		q.slots[i].stamp.Store(start + uint64(i))
	}
	q.head.Store(start)
	q.tail.Store(start)
	return q
}

// slot returns the slot of position p.
func (q *Bounded[T]) slot(p uint64) *bSlot[T] {
	i := p & (q.busy - 1)
	// In place of the bounds checks, which it lets the compiler drop: it
	// fails only on a zero Bounded (no slots, busy 0), the one way to get
	// there.
	if i >= uint64(len(q.slots)) {
		panic(bZeroMsg)
	}
	return &q.slots[i]
}

// next returns the position after p: the next index, or index 0
// of the next lap.
func (q *Bounded[T]) next(p uint64) uint64 {
	if p&(q.busy-1)+1 < uint64(len(q.slots)) {
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
//
// Orderings: the claim is the one read-modify-write; every other write is a
// release store (a plain store on amd64). For head and tail that suffices
// because nothing is published through them and every reader checks them
// against the stamps; for the stamp that ends a push or pop, because it only
// orders the value's write (or the popper's read) before the hand-over. The
// one ordering that needs more, a store before a later load (the waker's
// half of the event count's Dekker pair, see internal/eventcount), is
// carried by the claim, a full barrier: a waiter whose re-check comes after
// the claim sees the slot claimed and waits for the release store rather
// than reporting empty or full. The slot is handed over before tail (or
// head) moves on: stores become visible in program order (x86-TSO), and
// tail's line may first have to come from another core, so stored first it
// would hold back the hand-over that the other side is waiting for.
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
//
// Linearization points: a push or pop at the CAS that claims its slot; a
// failed TryPush at its load of a stamp that still held the value one lap
// back; a failed TryPop at its load of a stamp that no push had claimed; a
// push failed by Close at its load of the flag; a Pop that returns ErrClosed
// at its second load of the unclaimed stamp at head, after the flag's; Close
// at its store of the flag.
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
			// take, written out: as a call it does not inline.
			v = s.val
			if q.clear {
				var zero T
				s.val = zero
			}
			s.stamp.StoreRelease(h + q.oneLap)
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
// then parks without using CPU. Push panics if ctx is nil, even when it
// would not wait. It is safe for concurrent use.
func (q *Bounded[T]) Push(ctx context.Context, v T) error {
	if ctx == nil {
		panicNilCtx()
	}
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
// briefly and then parks without using CPU. Pop panics if ctx is nil, even
// when it would not wait. It is safe for concurrent use.
func (q *Bounded[T]) Pop(ctx context.Context) (T, error) {
	if ctx == nil {
		panicNilCtx()
	}
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
// briefly (atomicx.Backoff, which yields instead where the goroutine waited
// for could not run meanwhile) and then parking on ev, until try succeeds
// (nil), reports the queue closed (ErrClosed), or ctx is done (ctx.Err()).
// try gets done = true once the caller has parked or may park: a pop then
// also looks for a closed, drained queue, which the spinning retries leave
// alone. A push ignores it. The event count (internal/eventcount) costs the
// Try paths one atomic load of its waiter word while nobody waits.
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
	if q.busy == 0 {
		bPanicZero()
	}
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
	if q.busy == 0 {
		bPanicZero()
	}
	n := int64(len(q.slots))
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
func (q *Bounded[T]) Cap() int {
	if q.busy == 0 {
		bPanicZero()
	}
	return len(q.slots)
}
