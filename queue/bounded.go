package queue

import (
	"context"
	"math/bits"

	"github.com/xbeam/xbeam/atomicx"
)

// bMaxCapacity bounds NewBounded's capacity. Two index rings of 2n words each
// (n the capacity rounded up to a power of two) come to 32 bytes per item
// before the values: 2^30 items is already 32 GiB of rings, and anything
// larger is a bug in the caller, not a queue size.
const bMaxCapacity = 1 << 30

// bMinRing is the least n (half the entries of a ring). Nikolaev's threshold
// argument (3n-1 failed tickets before a dequeuer may report empty) assumes at
// most n dequeuers in flight at once; a floor of 64 keeps that true for all
// but heavily oversubscribed programs even when the capacity is tiny, at a
// cost of 2 KiB of rings. Beyond it a TryPop may report empty while a value
// is queued; rearm makes sure that the value is not stranded.
const bMinRing = 64

// Bounded is a lock-free multi-producer multi-consumer FIFO queue of at most
// Cap() values of type T, with non-blocking TryPush and TryPop and blocking
// Push and Pop that park.
//
// # Algorithm
//
// Bounded is Nikolaev's scalable circular queue (R. Nikolaev, "A Scalable,
// Portable, and Memory-Efficient Lock-Free FIFO Queue", DISC 2019; full
// version arXiv:1908.04511): the SCQ ring of indices, with its entry layout
// (cycle, IsSafe, index), its threshold and catchup, used twice as in the
// paper's queue of arbitrary data: the values live in a fixed array, and two
// index rings say which array slots are free (fq, initially holding every
// index) and which hold values, in FIFO order (aq, initially empty).
//
//	TryPush(v): i := fq.dequeue() (none: full); data[i] = v; aq.enqueue(i)
//	TryPop():   i := aq.dequeue() (none: empty); v := data[i]; fq.enqueue(i)
//
// Each ring claims a position with a fetch-and-add on its head or tail, never
// with a CAS loop on a shared word: the paper's reason to expect it to hold
// its throughput as goroutines are added, where CAS-claim rings (Vyukov's
// bounded queue, as in crossbeam's ArrayQueue and xsync's MPMCQueue)
// collapse. Measured, this implementation does not deliver that yet: an item
// costs about eight atomic read-modify-writes over two rings and writes to
// about four cache lines that the other side polls, and it is slower than a
// buffered channel on the machines in docs/benchmarks.md. Every atomic is a
// single word; there is no double-width CAS. A ring has 2n entries for at most
// n indices, so an enqueue into it always finds a usable entry within a few
// tickets and never reports full; fullness is fq running out of indices.
// Dequeuers never wait for a slow enqueuer: one that arrives first at an entry
// marks it so that the enqueuer gives the ticket up and takes another (the
// cycle and IsSafe fields of an entry), and a per-ring threshold (3n-1) bounds
// how far a dequeuer runs through an empty ring before it reports empty, which
// is what makes a failed TryPop cheap and keeps dequeuers from livelocking.
//
// Two changes to the paper's dequeue, both for Go's unbounded number of
// goroutines: a dequeuer compares head and tail before it claims a ticket
// (an empty ring costs loads, not a ticket, a marked entry and a catchup),
// and the dequeuer that runs the threshold below zero checks that no
// published index is waiting (rearm), because the paper's bound assumes at
// most n dequeuers in flight.
//
// Close is LSCQ's finalization of a ring (same paper) applied to aq: one atomic
// Or sets a closed bit in aq's tail, and every enqueue learns from the very
// fetch-and-add that gives it a ticket whether the queue was already closed.
// A push that got its ticket before the Or finishes (its value stays
// poppable); a push that gets one after fails and puts its index back into
// fq, so its value was never enqueued. A pop reports closed only after its
// head has passed every ticket handed out by then, so that no push from before
// Close can still complete behind it.
//
// The capacity is not rounded: Cap() returns exactly the capacity given to
// NewBounded and the queue is full at exactly Cap() values. The rings are
// sized to a power of two (2n entries each, n >= Cap() and n >= 64).
//
// # Progress and waiting
//
// TryPush and TryPop are lock-free and never wait for another goroutine: if
// they cannot complete at once they report false, and nothing they touched is
// left stranded. Push and Pop call them, spin briefly, and then park on an
// event count (internal/eventcount) until a pop makes room or a push brings a
// value, Close is called, or their context is done. Waiting costs the Try
// paths one atomic load per call (the event count's waiter word) while nobody
// waits.
//
// # Linearizability and its one relaxation
//
// Every successful operation and every failed TryPop takes effect at one
// instant inside the call (the SCQ proof, extended to Close above; for a
// failed TryPop the proof assumes that at most n pops are in flight at once,
// n being Cap() rounded up to a power of two and at least 64: beyond that a
// TryPop may report empty while a value is queued, but the value is found by
// the next pop and never stranded).
//
// A failed TryPush is the exception: a pop takes a value out at one instant
// (its claim on aq) but hands the value's slot back to fq a few instructions
// later, and a push that finds fq empty in between reports full although
// Cap()-1 values are queued. The same holds while a concurrent push holds the
// last free slot between its two steps, or holds it and then fails because
// Close came between them. Every bounded ring that gives a slot back only
// after the value has been copied out shares this (Vyukov's, crossbeam's
// ArrayQueue); avoiding it would need a push to wait for the pop, which
// TryPush must never do. Without concurrent operations the queue is full at
// exactly Cap() values. Blocking Push is not affected in its result: it waits
// and retries.
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
	// data[i] is owned by whoever holds index i: fq (nobody touches it), a
	// push between fq.dequeue and aq.enqueue (writes it), aq (nobody touches
	// it) or a pop between aq.dequeue and fq.enqueue (reads and zeroes it).
	// The index moves between owners only through the rings' atomics, which
	// hand data[i] over with it. len(data) is the capacity.
	data []T

	// closing is set to 1 by Close just before it sets aq's closed bit; never
	// cleared. It is read by every TryPush and by every failed TryPop, so it
	// lives on a line that is written once: 0 proves that aq's tail was not
	// closed yet when it was read, and 1 sends the caller to aq's tail for the
	// authoritative bit.
	closing u32
	_       atomicx.Pad

	aq bRing // allocated indices, oldest value first; its tail carries the closed bit
	fq bRing // free indices; never closed

	// notEmpty parks Pop; notified (one waiter) after each successful push,
	// all on Close. notFull parks Push; notified after each successful pop,
	// all on Close.
	notEmpty notify
	_        atomicx.Pad
	notFull  notify
	_        atomicx.Pad
}

// bNoCopy makes go vet's copylocks check report copies of a Bounded.
type bNoCopy struct{}

func (*bNoCopy) Lock()   {}
func (*bNoCopy) Unlock() {}

// Counter words: head and tail of a ring advance by bTicket per ticket, and
// bit 0 of aq's tail is the closed bit. A counter c therefore reads, from
// the least significant bit: the closed bit, log2(2n) bits of ticket position
// in the ring, and the ring cycle above them. An entry keeps the cycle in the
// same bits (see bRing), so cycles compare by or-ing both words with
// cycMask.
const (
	bClosed uint64 = 1
	bTicket uint64 = 2
)

// bStatus is the outcome of a push or pop attempt.
type bStatus uint8

const (
	bOK    bStatus = iota
	bFull          // push: no free slot
	bEmpty         // pop: nothing to take
	bDone          // push: closed; pop: closed and drained
)

// bRing is one SCQ ring of 2n single-word entries carrying indices below n
// (Nikolaev, DISC 2019: SCQ's enqueue and dequeue, with LSCQ's finalization
// of the tail).
//
// An entry word is, from the least significant bit: the index (log2(2n)
// bits; all ones, bottom, means no index: ⊥), IsSafe (the bit above), and
// the cycle of the ticket that last wrote it (the rest). An entry
// with index ⊥ and a cycle older than a ticket's is usable by that ticket's
// enqueuer if it is safe or no dequeuer has gone past the ticket yet; a
// dequeuer arriving first at an entry whose enqueuer has not come bumps the
// cycle to its own (the enqueuer then gives up that ticket) or, if the entry
// still holds an older value, clears IsSafe.
type bRing struct {
	// Read-only after init.
	entries []atomicx.Uint64 // 2n entries; ticket position i uses entries[i]
	mask    uint64           // 2n-1: ticket position within the ring
	bottom  uint64           // 2n-1: the index field when it holds ⊥
	safe    uint64           // 2n: the IsSafe bit
	cycMask uint64           // 4n-1: or-ed into a counter or entry leaves only its cycle
	// Consecutive tickets use consecutive entries (no cache_remap scatter as
	// in the paper's code): of the two rings, one is always far from both
	// ends (aq when the queue is near full, fq when it is near empty), and
	// there contiguous entries let one cache-line transfer carry 16 entries
	// written long before instead of one. On this repository's 2-core
	// benchmarks the scatter cost more in those misses than it saved in false
	// sharing between goroutines claiming adjacent tickets.
	threshMax int64 // 3n-1
	_         atomicx.Pad

	// head is the next dequeue ticket (counter units). Each dequeuer claims
	// one ticket with a fetch-and-add; catchup never moves it.
	head atomicx.Uint64
	_    atomicx.Pad
	// tail is the next enqueue ticket, plus the closed bit (aq only).
	// Enqueuers claim tickets with a fetch-and-add; a dequeuer that finds the
	// ring empty moves it up to head (catchup) so that tail never lags
	// behind head for long.
	tail atomicx.Uint64
	_    atomicx.Pad
	// threshold is the number of further failed tickets a dequeuer may spend
	// before the ring must be empty: every successful enqueue resets it to
	// 3n-1, every failed dequeue ticket decrements it, and a dequeuer that
	// reads it negative reports empty without touching head. Nikolaev's
	// bound: a value enqueued is found within 3n-1 failed tickets (with at
	// most n dequeuers in flight; rearm covers the rest), so a negative
	// threshold means the ring was empty.
	threshold atomicx.Int64
	_         atomicx.Pad
}

// init sets r up as a ring of 2n entries whose head starts at start, holding
// the indices of fill (first fill[0]) in FIFO order.
func (r *bRing) init(n uint64, start uint64, fill []uint64) {
	size := 2 * n
	r.entries = make([]atomicx.Uint64, size)
	r.mask = size - 1
	r.bottom = size - 1
	r.safe = size
	r.cycMask = 2*size - 1
	r.threshMax = int64(3*n - 1)
	for i := uint64(0); i < size; i++ {
		c := start + i*bTicket
		if i < uint64(len(fill)) {
			// Written by ticket c: its cycle, safe, the index.
			r.slot(c).Store((c &^ r.cycMask) | r.safe | fill[i])
		} else {
			// Empty, one cycle behind ticket c, so that c may use it.
			r.slot(c).Store(((c &^ r.cycMask) - 2*size) | r.safe | r.bottom)
		}
	}
	r.head.Store(start)
	r.tail.Store(start + uint64(len(fill))*bTicket)
	if len(fill) > 0 {
		r.threshold.Store(r.threshMax)
	} else {
		r.threshold.Store(-1)
	}
}

// slot returns the entry of the ticket in counter c.
func (r *bRing) slot(c uint64) *atomicx.Uint64 {
	return &r.entries[(c>>1)&r.mask]
}

// bDiff compares two counters or cycles modulo 2^64: negative if a is before b.
func bDiff(a, b uint64) int64 { return int64(a - b) }

// enqueue appends idx to the ring. It fails only if it draws a ticket from a
// closed tail: then idx was not enqueued. It never waits: a ticket whose entry
// it cannot use is given up for the next one, and since at most n indices
// live in 2n entries, a usable entry comes within a few tickets (Nikolaev's
// argument for SCQ).
func (r *bRing) enqueue(idx uint64) bool {
	for {
		// The fetch-and-add claims ticket c for this enqueuer alone and, for
		// aq, reads the closed bit in the same atomic step, so that a Close
		// either precedes the claim (we fail) or follows it (we may succeed).
		c := r.tail.Add(bTicket) - bTicket
		if c&bClosed != 0 {
			return false
		}
		e := r.slot(c)
		cyc := c | r.cycMask
		// Fast path: the entry is in the state the dequeuer of the previous
		// cycle leaves it in (that cycle, safe, ⊥), which the checks below
		// would accept. Trying the CAS on that guess first makes the
		// claim of the line a single exclusive request; loading first would
		// take the line shared and then upgrade it, two transfers when a
		// spinning dequeuer keeps reading the entry. Like the CAS below, a
		// successful one publishes idx to the dequeuer of ticket c; a failed
		// guess changes nothing and falls through to the general loop.
		if e.CompareAndSwap((c&^r.cycMask)-(r.cycMask+1)|r.safe|r.bottom, (c&^r.cycMask)|r.safe|idx) {
			r.resetThreshold()
			return true
		}
		for {
			ent := e.Load()
			if bDiff(ent|r.cycMask, cyc) >= 0 || ent&r.bottom != r.bottom {
				break // a dequeuer of this cycle passed, or an older value is still there
			}
			// An unsafe entry is usable only if no dequeuer has taken our
			// ticket yet (head <= c): that dequeuer will then find our value.
			if ent&r.safe == 0 && bDiff(r.head.Load(), c) > 0 {
				break
			}
			// The CAS publishes idx (and, through it, the data slot the
			// caller filled) to the dequeuer of ticket c; it fails if that
			// dequeuer marked the entry first, and we look again.
			if e.CompareAndSwap(ent, (c&^r.cycMask)|r.safe|idx) {
				r.resetThreshold()
				return true
			}
		}
	}
}

// resetThreshold tells dequeuers that the ring is not empty any more; called
// after each successful enqueue. It writes the shared word only when it is
// not at its maximum already, so that enqueues into a ring whose dequeuers do
// not fail leave its cache line shared rather than bouncing it.
func (r *bRing) resetThreshold() {
	if r.threshold.Load() != r.threshMax {
		r.threshold.Store(r.threshMax)
	}
}

// dequeue removes and returns the oldest index, or reports false if the ring
// is empty. It never waits. If drain is false it first trusts the threshold
// (one load when the ring is empty) and gives up when the threshold runs out;
// if drain is true it ignores the threshold and runs its head up to the tail,
// which Close needs (see Bounded's doc) and which terminates because a closed
// tail stops growing.
func (r *bRing) dequeue(drain bool) (uint64, bool) {
	if !drain {
		if r.threshold.Load() < 0 {
			return 0, false // the ring was empty (see rearm for why this holds)
		}
		// An index published at head's ticket proves the ring non-empty
		// (the common case of a busy queue, and that entry's line is about
		// to be needed anyway). Otherwise, if no ticket at or past head has
		// been handed to an enqueuer, the ring was empty at the instant of
		// the tail load (head only grows). Checking before the fetch-and-add
		// keeps a dequeuer that spins on an empty ring from burning tickets,
		// marking the entry of the next enqueue (which then has to retry)
		// and dragging the tail along with catchup.
		h := r.head.Load()
		if r.slot(h).Load()|r.cycMask != h|r.cycMask && bDiff(r.tail.Load()&^bClosed, h) <= 0 {
			return 0, false
		}
	}
	for {
		// The fetch-and-add claims ticket h for this dequeuer alone.
		h := r.head.Add(bTicket) - bTicket
		e := r.slot(h)
		cyc := h | r.cycMask
		for {
			ent := e.Load()
			ecyc := ent | r.cycMask
			if ecyc == cyc {
				// The enqueuer of ticket h published an index here; only we
				// hold ticket h. The Or consumes it (index := ⊥) and hands
				// the index, with its data slot, to us.
				e.Or(r.bottom)
				return ent & r.bottom, true
			}
			if bDiff(ecyc, cyc) > 0 {
				break // the ring moved past our cycle while we were away
			}
			// Our enqueuer has not come. Mark the entry so that it cannot
			// use ticket h any more: an empty entry moves to our cycle; an
			// entry still holding an older value becomes unsafe.
			var next uint64
			if ent&r.bottom == r.bottom {
				next = (h &^ r.cycMask) | (ent & r.safe) | r.bottom
			} else {
				next = ent &^ r.safe
			}
			if next == ent || e.CompareAndSwap(ent, next) {
				break
			}
		}
		t := r.tail.Load()
		if bDiff(t&^bClosed, h+bTicket) <= 0 {
			// Nothing was enqueued behind us: the ring is empty. Let the
			// tail catch up so that the enqueuers' next tickets are fresh.
			r.catchup(t, h+bTicket)
			if !drain && r.threshold.Add(-1) == -1 {
				r.rearm()
			}
			return 0, false
		}
		if !drain {
			if th := r.threshold.Add(-1); th < 0 && (th != -1 || !r.rearm()) {
				return 0, false
			}
		}
	}
}

// rearm is called by the dequeuer whose decrement took the threshold from 0
// to -1. Nikolaev's bound (a value is found within 3n-1 failed tickets after
// the enqueue that reset the threshold) assumes at most n dequeuers in
// flight; more of them, holding tickets from before that enqueue, can each
// fail once afterwards and run the threshold below zero while the value is
// still there, and then every dequeue would report empty without looking:
// the value would be stranded. So the dequeuer that crosses zero looks at the
// tickets between head and tail itself and, if one holds a published index
// that no dequeuer has claimed yet, resets the threshold and reports true.
//
// Why this is enough: consider the last crossing. An index published before
// it is seen by the crosser's scan unless a dequeuer already claimed it; an
// index published after it is followed by its enqueuer's load of the
// threshold, which then reads a negative value and resets it. Either way the
// threshold does not stay negative while an index waits.
func (r *bRing) rearm() bool {
	h := r.head.Load()
	t := r.tail.Load() &^ bClosed
	for c, k := h, 0; bDiff(t, c) > 0 && k < len(r.entries); c, k = c+bTicket, k+1 {
		if ent := r.slot(c).Load(); ent|r.cycMask == c|r.cycMask && ent&r.bottom != r.bottom {
			r.threshold.Store(r.threshMax)
			return true
		}
	}
	return false
}

// catchup moves the tail up to head when dequeuers have overtaken it,
// keeping the closed bit.
func (r *bRing) catchup(tail, head uint64) {
	for !r.tail.CompareAndSwap(tail, head|tail&bClosed) {
		head = r.head.Load()
		tail = r.tail.Load()
		if bDiff(tail&^bClosed, head) >= 0 {
			return
		}
	}
}

// NewBounded returns an empty queue that holds at most capacity values.
// The capacity is exact (Cap returns it); memory is about capacity values
// plus 32 bytes per value rounded up to a power of two. NewBounded panics if
// capacity is less than 1 or more than 2^30.
func NewBounded[T any](capacity int) *Bounded[T] {
	return newBoundedAt[T](capacity, 0)
}

// newBoundedAt is NewBounded with every ring counter starting at start
// (counter units: twice a ticket), so that tests can put the wrap-around of
// the 64-bit counters, and of the ring cycles, inside a short run.
func newBoundedAt[T any](capacity int, start uint64) *Bounded[T] {
	if capacity < 1 {
		panic("queue: capacity must be at least 1")
	}
	if capacity > bMaxCapacity {
		panic("queue: capacity must be at most 1<<30")
	}
	start &^= bClosed
	// n: the next power of two >= capacity, and at least bMinRing.
	n := max(uint64(1)<<bits.Len64(uint64(capacity)-1), bMinRing)
	q := &Bounded[T]{data: make([]T, capacity)}
	// fq starts with every index in order, so that consecutive pushes fill
	// consecutive data slots (and, FIFO, keep doing so): a pop far behind
	// the pushes then finds several values on each cache line it fetches.
	free := make([]uint64, capacity)
	for i := range free {
		free[i] = uint64(i)
	}
	q.fq.init(n, start, free)
	q.aq.init(n, start, nil)
	return q
}

// TryPush appends v to the queue if there is room and reports whether it did.
// It reports false if the queue is full or closed; while other pushes and
// pops are in flight it may also report false with a slot about to be freed
// (see Bounded). It never waits. It is safe for concurrent use.
func (q *Bounded[T]) TryPush(v T) bool {
	return q.push(v) == bOK
}

// push is one attempt to append v.
func (q *Bounded[T]) push(v T) bStatus {
	if q.closing.Load() != 0 && q.aq.tail.Load()&bClosed != 0 {
		// Closed: fail before drawing aq tickets, so that a closed tail
		// stops growing and a draining pop reaches it.
		return bDone
	}
	i, ok := q.fq.dequeue(false)
	if !ok {
		return bFull
	}
	q.data[i] = v
	if !q.aq.enqueue(i) {
		// Closed before our ticket: v was never enqueued. Give the slot back.
		var zero T
		q.data[i] = zero
		q.fq.enqueue(i)
		return bDone
	}
	q.notEmpty.NotifyOne()
	return bOK
}

// TryPop removes and returns the oldest value and true, or reports false if
// the queue is empty (closed or not). It never waits. It is safe for
// concurrent use.
func (q *Bounded[T]) TryPop() (T, bool) {
	v, st := q.pop()
	return v, st == bOK
}

// pop is one attempt to take the oldest value: bOK, bEmpty, or bDone
// (closed and drained).
func (q *Bounded[T]) pop() (v T, st bStatus) {
	i, ok := q.aq.dequeue(false)
	if !ok {
		// closing == 0, read after the ring was found empty, proves that
		// Close's Or had not happened then: the empty result stands.
		if q.closing.Load() == 0 || q.aq.tail.Load()&bClosed == 0 {
			return v, bEmpty
		}
		// Closed: a push that drew its ticket before Close may still be
		// writing it, and must not complete behind an empty report. Run
		// the head up to the (closed, no longer growing) tail: every such
		// ticket is then either ours to take or marked so that its push
		// fails.
		if i, ok = q.aq.dequeue(true); !ok {
			return v, bDone
		}
	}
	v = q.data[i]
	var zero T
	q.data[i] = zero // drop references for the collector
	// The index goes back to fq only after we are done with data[i]: the
	// enqueue hands the slot to the next push.
	q.fq.enqueue(i)
	q.notFull.NotifyOne()
	return v, bOK
}

// Push appends v, waiting while the queue is full. It returns nil once v is
// enqueued, ErrClosed if the queue is closed (v was not enqueued), or
// ctx.Err() if ctx is done first (v was not enqueued). If the queue has room,
// Push succeeds even if ctx is already done. A waiting Push spins briefly and
// then parks without using CPU. It is safe for concurrent use.
func (q *Bounded[T]) Push(ctx context.Context, v T) error {
	switch q.push(v) {
	case bOK:
		return nil
	case bDone:
		return ErrClosed
	}
	return q.pushSlow(ctx, v)
}

func (q *Bounded[T]) pushSlow(ctx context.Context, v T) error {
	var bo atomicx.Backoff
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !bo.ShouldPark() {
			bo.Snooze()
		} else {
			w := q.notFull.Prepare()
			// Re-check after announcing ourselves: a pop that frees a slot
			// from now on sees us in notFull and wakes us.
			switch q.push(v) {
			case bOK:
				q.notFull.Cancel(w)
				return nil
			case bDone:
				q.notFull.Cancel(w)
				return ErrClosed
			}
			if err := q.notFull.Wait(ctx, w); err != nil {
				return err
			}
		}
		switch q.push(v) {
		case bOK:
			return nil
		case bDone:
			return ErrClosed
		}
	}
}

// Pop removes and returns the oldest value, waiting while the queue is
// empty. It returns ErrClosed once the queue is closed and drained, or
// ctx.Err() if ctx is done first (nothing was removed). If a value is
// available, Pop returns it even if ctx is already done. A waiting Pop spins
// briefly and then parks without using CPU. It is safe for concurrent use.
func (q *Bounded[T]) Pop(ctx context.Context) (T, error) {
	v, st := q.pop()
	if st == bOK {
		return v, nil
	}
	if st == bDone {
		return v, ErrClosed
	}
	return q.popSlow(ctx)
}

func (q *Bounded[T]) popSlow(ctx context.Context) (v T, err error) {
	var bo atomicx.Backoff
	for {
		if err := ctx.Err(); err != nil {
			return v, err
		}
		if !bo.ShouldPark() {
			bo.Snooze()
		} else {
			w := q.notEmpty.Prepare()
			// Re-check after announcing ourselves: a push that publishes a
			// value from now on sees us in notEmpty and wakes us.
			switch v, st := q.pop(); st {
			case bOK:
				q.notEmpty.Cancel(w)
				return v, nil
			case bDone:
				q.notEmpty.Cancel(w)
				return v, ErrClosed
			}
			if err := q.notEmpty.Wait(ctx, w); err != nil {
				return v, err
			}
		}
		switch v, st := q.pop(); st {
		case bOK:
			return v, nil
		case bDone:
			return v, ErrClosed
		}
	}
}

// Close closes the queue: later pushes fail (TryPush reports false, Push
// returns ErrClosed), pops return what is left and then report empty
// (TryPop) or ErrClosed (Pop), and every goroutine waiting in Push or Pop
// wakes up. A push that races with Close either succeeds, and its value stays
// poppable, or fails, and its value was never enqueued. Close is idempotent
// and safe for concurrent use.
func (q *Bounded[T]) Close() {
	// closing first: a pop that reads closing == 0 knows the Or below has not
	// happened yet.
	q.closing.Store(1)
	// The linearization point of Close: every aq ticket drawn after this
	// carries the closed bit.
	q.aq.tail.Or(bClosed)
	q.notEmpty.NotifyAll()
	q.notFull.NotifyAll()
}

// Len returns the number of values in the queue. It is exact when no push or
// pop is running concurrently, and otherwise some value between 0 and Cap().
// It reads every entry of one ring (2n words, n = Cap() rounded up to a power
// of two), so it is meant for monitoring, not for a hot loop. It is safe for
// concurrent use.
func (q *Bounded[T]) Len() int {
	n := 0
	for i := range q.aq.entries {
		if q.aq.entries[i].Load()&q.aq.bottom != q.aq.bottom {
			n++
		}
	}
	return min(n, len(q.data))
}

// Cap returns the capacity given to NewBounded: the queue is full at exactly
// Cap() values. It is safe for concurrent use.
func (q *Bounded[T]) Cap() int { return len(q.data) }
