package queue

import (
	"context"

	"github.com/xbeam/xbeam/atomicx"
)

// The algorithm is the fetch-and-add "infinite array" queue of Yang and
// Mellor-Crummey ("A Wait-Free Queue as Fast as Fetch-and-Add", PPoPP 2016:
// the obstruction-free queue their wait-free one builds on) on a linked list
// of segments, the layout also of Morrison and Afek's LCRQ ("Fast Concurrent
// Queues for x86 Processors", PPoPP 2013) and of crossbeam's SegQueue
// (crossbeam-queue, src/seg_queue.rs). Two counters, tail and head, are
// claimed with fetch-and-add: index i belongs to exactly one producer and at
// most one consumer, and lives in segment i>>segShift, at a slot position
// that spreads consecutive indices over different cache lines (segSpread).
// Fetch-and-add cannot fail, so a claim costs one atomic instruction however
// many goroutines contend. SegQueue claims with a CAS loop; Nikolaev's LSCQ
// ("A Scalable, Portable, and Memory-Efficient Lock-Free FIFO Queue", DISC
// 2019) also claims with fetch-and-add but pays for a bounded ring per
// segment with a second index ring and a threshold counter; LCRQ needs a
// double-width CAS. This queue needs only single-word atomics.
//
// The hand-off of one index between its producer and its consumer is
// described with the slot states (segWritten and the others), the
// emptiness test with TryPop and popSlow, the retirement and recycling of
// segments with segRecycler and segScan, and Close with closeBegin.

// unboundedClosed is the bit of Unbounded.tail that Close sets: a producer
// whose fetch-and-add returns it has claimed no index and fails.
const unboundedClosed = 1 << 63

// Unbounded is an unbounded multi-producer multi-consumer FIFO queue of
// values of type T, stored by value in linked segments of 1024 slots that
// are recycled. Choose it when producers must never wait or fail and memory
// is the back-pressure you accept; choose [Bounded] when a full queue should
// slow producers down.
//
// [Unbounded.TryPush] and [Unbounded.Push] never wait; they fail only once
// the queue is closed. [Unbounded.TryPop] never waits for an item: on an
// empty queue it reports false at once. [Unbounded.Pop] waits, spinning
// briefly and then parking without using CPU, until it takes an item, the
// queue is closed and drained ([ErrClosed]), or its context is done. After
// [Unbounded.Close], pushes fail and pops drain what is left. The algorithm
// is Yang and Mellor-Crummey's fetch-and-add queue ("A Wait-Free Queue as
// Fast as Fetch-and-Add", PPoPP 2016, its obstruction-free base) on linked
// segments, as in crossbeam's SegQueue (see the comments in unbounded.go).
//
// Every operation is linearizable. TryPush, Push and TryPop are lock-free:
// a push claims another slot only when a consumer has given up on its
// first, and a pop spins only briefly for a producer storing the item at its
// index; each such retry follows another operation's completion.
//
// Memory model: a push of v synchronizes before the pop that returns v.
// Close synchronizes before every push that fails and every Pop that
// returns ErrClosed. A TryPop that reports false, and Len, order nothing.
//
// In steady state no operation allocates, and a queue that drains gives its
// segments back to the garbage collector, keeping a small free list. A
// popped value that holds pointers is zeroed in its slot, so the queue keeps
// nothing alive. Every method of a zero Unbounded panics (use NewUnbounded),
// and Pop panics on a nil context. An Unbounded must not be copied after
// first use. All methods are safe for concurrent use.
type Unbounded[T any] struct {
	_ unboundedNoCopy
	_ atomicx.Pad

	// tail is the next index producers claim, with unboundedClosed set once
	// closed. Fetch-and-added by producers (the claim), Or'd by Close,
	// decremented by a producer that claimed after Close (undoing its
	// claim), loaded by consumers (emptiness) and Len.
	tail u64
	_    atomicx.Pad

	// head is the next index consumers claim. Fetch-and-added by consumers,
	// loaded by consumers' emptiness check and by Len. It may run past tail
	// by the number of consumers that raced past the emptiness check.
	head u64
	// tailSeen is a tail index some consumer read (a lower bound of tail,
	// except after Close; see refreshTail). Stored (a release store) and
	// loaded by consumers only, so it shares head's line.
	tailSeen u64
	_        atomicx.Pad

	// tailSeg and headSeg are hints: a segment at or before the one that
	// holds the next index to claim. Read without a pin by the fast paths
	// (validated with segment.live), advanced with CAS by pinned walkers to
	// the segment they needed and by segReclaim past a segment it retires,
	// never moved backwards. Written once per segment, so they share a
	// read-mostly line with closed.
	tailSeg atomicx.Pointer[segment[T]]
	headSeg atomicx.Pointer[segment[T]]
	// closed is set by Close after it sets the closed bit of tail, of which
	// it is a read-mostly copy: a push that loads it set fails without
	// touching tail, and one that loads it clear decides by its claim.
	// Stored after the bit, never before, so that no push fails on it
	// while a claim can still get a real index (see closeBegin).
	closed flag
	_      atomicx.Pad

	// oldest is the oldest segment not yet retired; every segment from
	// oldest on is reachable through next. Advanced by segReclaim (CAS),
	// loaded by segReclaim and by walkers whose hint went past their target.
	oldest atomicx.Pointer[segment[T]]
	// closedAt is 1 + the tail index at Close (0 while open), stored by
	// Close after the Or. Indices at or above it have no producer.
	closedAt u64
	rec      segRecycler[T]
	_        atomicx.Pad

	// ev parks Pop; every successful push notifies it.
	ev notify
}

// uZeroMsg is the panic message of an operation on an Unbounded that
// NewUnbounded did not make.
const uZeroMsg = "queue: use NewUnbounded to create an Unbounded"

// uPanicZero panics with uZeroMsg; out of line, so that the checks cost a
// compare and a branch.
//
//go:noinline
func uPanicZero() { panic(uZeroMsg) }

// unboundedNoCopy makes go vet's copylocks check report copies of an
// Unbounded.
type unboundedNoCopy struct{}

func (*unboundedNoCopy) Lock()   {}
func (*unboundedNoCopy) Unlock() {}

// NewUnbounded returns an empty unbounded queue.
func NewUnbounded[T any]() *Unbounded[T] {
	q := &Unbounded[T]{}
	q.rec.init()
	s := q.rec.get(0)
	s.live.Store(0)
	q.tailSeg.Store(s)
	q.headSeg.Store(s)
	q.oldest.Store(s)
	return q
}

// TryPush appends v to the queue and reports true, unless the queue is
// closed (it reports false and v is not enqueued). It never waits. It is safe
// for concurrent use.
func (q *Unbounded[T]) TryPush(v T) bool {
	if q.closed.Load() {
		return false
	}
	s := q.tailSeg.Load()
	if s == nil { // a zero Unbounded; checked before it claims anything
		uPanicZero()
	}
	t := q.tail.Add(1) - 1 // claims index t (or nothing, if the closed bit is set)
	// A t with the closed bit never equals a live id.
	if s.live.Load() == t>>segShift {
		if t&segMask == segPrelinkAt {
			// Before the set below, while slot t keeps s from retirement.
			q.segPrelink(s)
		}
		slot := s.slot(t)
		slot.val = v
		// Before the set: after it, t's consumer may finish the slot.
		segCheck(s, t)
		// Publishes val to the consumer of t, unless it abandoned t first.
		if segSet(&slot.state, segWritten)&segAbandoned == 0 {
			q.ev.NotifyOne()
			return true
		}
		return q.pushSlow(v, t, s)
	}
	return q.pushSlow(v, t, nil)
}

// Push appends v to the queue. It never waits: it returns nil, or ErrClosed
// if the queue is closed (v is not enqueued). It is safe for concurrent use.
func (q *Unbounded[T]) Push(v T) error {
	if q.TryPush(v) {
		return nil
	}
	return ErrClosed
}

// pushSlow completes a push that claimed index t (possibly with the closed
// bit) and could not finish on the fast path: the hint was not t's segment,
// or (abandoned != nil) t's consumer abandoned the slot in that segment.
func (q *Unbounded[T]) pushSlow(v T, t uint64, abandoned *segment[T]) bool {
	var zero T
	if abandoned != nil {
		// The consumer has left the slot for good: clearing val races with
		// nobody, and we are the last to touch the slot.
		abandoned.slot(t).val = zero
		q.segRelease(abandoned, t)
		t = q.tail.Add(1) - 1
	}
	for t&unboundedClosed == 0 {
		s := q.tailSeg.Load()
		if s.live.Load() != t>>segShift {
			s = q.segFor(&q.tailSeg, t>>segShift)
		}
		slot := s.slot(t)
		slot.val = v
		segCheck(s, t)
		if segSet(&slot.state, segWritten)&segAbandoned == 0 {
			q.ev.NotifyOne()
			return true
		}
		slot.val = zero
		q.segRelease(s, t)
		t = q.tail.Add(1) - 1
	}
	// Claimed after Close: undo the increment, so that tail goes back to
	// the last real index and Len is exact once pushes stop.
	q.tail.Add(^uint64(0))
	return false
}

// TryPop removes and returns the item at the head of the queue and true, or
// the zero T and false if the queue is empty. It never waits (beyond a brief
// spin for a producer that has claimed the head index and is storing its
// item). It is safe for concurrent use.
func (q *Unbounded[T]) TryPop() (T, bool) {
	// Claim nothing on an empty queue. tailSeen is a lower bound of tail
	// kept on the consumers' line, so that a consumer reads the producers'
	// line only when it has caught up with what it last saw there.
	if h := q.head.Load(); h >= q.tailSeen.Load() && !q.refreshTail(h) {
		var zero T
		return zero, false
	}
	s := q.headSeg.Load()
	h := q.head.Add(1) - 1 // claims index h
	if s.live.Load() == h>>segShift {
		slot := s.slot(h)
		if slot.state.Load()&segWritten != 0 { // the producer's val is visible
			v := slot.val
			var zero T
			slot.val = zero
			// segRelease, written out: as a call it does not inline, and
			// this is every successful TryPop.
			segCheck(s, h)
			if segSet(&slot.state, segDone)&segRetire != 0 || h&segMask == segMask {
				q.segScan(s, h&segMask)
			}
			return v, true
		}
		return q.popSlow(h, s)
	}
	return q.popSlow(h, nil)
}

// refreshTail reports whether index h is below tail, and records tail in
// tailSeen. Racing consumers may store an older tail over a newer one; that
// only costs another refresh. (After Close, tailSeen may exceed the tail
// index by claims that were undone; a consumer that claims such an index
// abandons it at once, and head passes tailSeen after at most that many.)
func (q *Unbounded[T]) refreshTail(h uint64) bool {
	t := q.tailIndex()
	if h >= t {
		// Only an empty queue gets here, so only an empty TryPop pays for
		// telling a zero Unbounded (which looks empty) from a made one.
		if q.headSeg.Load() == nil {
			uPanicZero()
		}
		return false
	}
	// A release store (a plain MOV on amd64), not a sequentially
	// consistent one (XCHG): tailSeen is a hint that no store-then-load
	// handshake relies on. A consumer that reads an older value, from
	// before this store is visible, only refreshes again; a consumer that
	// reads this one reads a tail that producers had reached.
	q.tailSeen.StoreRelease(t)
	return true
}

// popSlow completes a pop that claimed index h and could not finish on the
// fast path: s (if not nil) is h's segment, where h's item is not there yet;
// if s is nil, the hint was not h's segment.
//
// A consumer that abandoned its index reports the queue empty only if tail
// <= h+1 at that moment (no index after h has been claimed, so every item
// still queued is owned by a consumer already in flight), or if a load of
// head and a later load of tail find head >= tail (which then holds at the
// tail load; tail loaded before head proves nothing, as items may be pushed
// between the loads); otherwise it claims another index. TryPop compares
// head with tail first and claims nothing on an empty queue, so polling an
// empty queue burns no indices and cannot livelock producers: consumers
// overshoot tail only by the TryPops that raced past that check.
func (q *Unbounded[T]) popSlow(h uint64, s *segment[T]) (T, bool) {
	var zero T
	for {
		if s == nil {
			s = q.segFor(&q.headSeg, h>>segShift)
		}
		i := h & segMask
		slot := s.slot(i)
		var b atomicx.Backoff
		for slot.state.Load()&segWritten == 0 && !b.ShouldPark() && h < q.tailIndex() {
			// A producer owns h and is between its claim and its set.
			b.Snooze()
		}
		segCheck(s, h)
		// Either the item is there, or we give up on h: the set decides.
		if segSet(&slot.state, segAbandoned)&segWritten != 0 {
			v := slot.val
			slot.val = zero
			q.segRelease(s, h)
			return v, true
		}
		// h is abandoned: its producer, if one comes, sees segAbandoned,
		// pushes its item again at a later index and finishes the slot.
		// Empty only if, at one instant, consumers had claimed every index
		// that producers had claimed: every item then queued belongs to a
		// consumer already in flight. At the tail load, head > h, so
		// tail <= h+1 is such an instant.
		t := q.tailIndex()
		if t <= h+1 {
			return zero, false
		}
		if testHookPopEmpty != nil {
			testHookPopEmpty()
		}
		// Otherwise other consumers may have claimed up to t since. head
		// >= t alone is no snapshot (items may have been pushed at t and
		// beyond between the two loads), so tail is loaded again after
		// head: head only grows, so hd >= tail then holds at that load.
		if hd := q.head.Load(); hd >= t && hd >= q.tailIndex() {
			return zero, false
		}
		s = q.headSeg.Load()
		h = q.head.Add(1) - 1
		if s.live.Load() != h>>segShift {
			s = nil
		}
	}
}

// testHookPopEmpty, if not nil, runs in popSlow after a consumer has
// abandoned its index and loaded tail, before it decides whether the queue is
// empty (set by tests only, while no queue operation runs).
var testHookPopEmpty func()

// Pop removes and returns the item at the head of the queue, waiting while
// the queue is empty. It returns ErrClosed once the queue is closed and
// drained, and ctx.Err() if ctx is done first (no item is removed then; if
// ctx is already done, Pop still takes an item that is ready). Waiting spins
// briefly, then parks. Pop panics if ctx is nil, even when it would not
// wait. It is safe for concurrent use.
func (q *Unbounded[T]) Pop(ctx context.Context) (T, error) {
	if ctx == nil {
		panicNilCtx()
	}
	if v, ok := q.TryPop(); ok {
		return v, nil
	}
	return q.popWait(ctx)
}

func (q *Unbounded[T]) popWait(ctx context.Context) (T, error) {
	var zero T
	var b atomicx.Backoff
	for {
		if q.closedAndDrained() {
			return zero, ErrClosed
		}
		if err := ctx.Err(); err != nil {
			return zero, err
		}
		if !b.ShouldPark() {
			b.Snooze()
			if v, ok := q.TryPop(); ok {
				return v, nil
			}
			continue
		}
		// Prepare, then re-check: a push after the re-check sees us waiting
		// and notifies; a push before it is seen by the re-check.
		w := q.ev.Prepare()
		if v, ok := q.TryPop(); ok {
			q.ev.Cancel(w)
			return v, nil
		}
		if q.closedAndDrained() {
			q.ev.Cancel(w)
			return zero, ErrClosed
		}
		if err := q.ev.Wait(ctx, w); err != nil {
			return zero, err
		}
		if v, ok := q.TryPop(); ok {
			return v, nil
		}
	}
}

// Close closes the queue: later pushes fail, pops return the remaining items
// and then report the queue empty (TryPop) or ErrClosed (Pop), and
// goroutines waiting in Pop wake up. A push that races with Close either
// succeeds, and its item stays poppable, or fails, and its item was never
// enqueued. Close is idempotent and safe for concurrent use.
func (q *Unbounded[T]) Close() {
	if q.tailSeg.Load() == nil {
		uPanicZero()
	}
	q.closeEnd(q.closeBegin())
}

// closeBegin is the one step that closes the queue, and Close's
// linearization point: the Or cuts the index space, so that a claim before
// it is a real index and a claim after it returns the bit and fails, the
// retry of a producer whose slot was abandoned included. Everything else
// Close does (closedAt, the closed flag, the wake-up) follows it, so that no
// push can fail on Close before the Or and a later push still succeed.
func (q *Unbounded[T]) closeBegin() (old uint64) {
	return q.tail.Or(unboundedClosed)
}

// closeEnd is the rest of Close, given the tail that closeBegin's Or
// returned.
func (q *Unbounded[T]) closeEnd(old uint64) {
	if old&unboundedClosed == 0 {
		q.closedAt.Store(old + 1)
	}
	q.closed.Store(true)
	q.ev.NotifyAll()
}

// Len returns the number of items in the queue. It is exact when no
// operation is in progress, and never negative; under concurrency it is a
// snapshot that may count pushes and pops in flight. It is safe for
// concurrent use.
func (q *Unbounded[T]) Len() int {
	if q.tailSeg.Load() == nil {
		uPanicZero()
	}
	h := q.head.Load()
	t := q.tailIndex()
	if h >= t {
		return 0
	}
	return int(t - h)
}

// tailIndex returns the first index no producer holds: tail without the
// closed bit, or, once Close has recorded it, the tail index at Close (the
// claims after it are undone and hold nothing).
func (q *Unbounded[T]) tailIndex() uint64 {
	t := q.tail.Load()
	if t&unboundedClosed != 0 {
		return q.closedTailIndex(t)
	}
	return t
}

func (q *Unbounded[T]) closedTailIndex(t uint64) uint64 {
	if c := q.closedAt.Load(); c != 0 {
		return c - 1
	}
	return t &^ unboundedClosed
}

// closedAndDrained reports whether the queue is closed and every index a
// producer holds has been claimed by a consumer: nothing more can be popped.
func (q *Unbounded[T]) closedAndDrained() bool {
	return q.tail.Load()&unboundedClosed != 0 && q.head.Load() >= q.tailIndex()
}

// segFor returns segment number k, in which the caller holds an unfinished
// index. It pins only for the walk: the result cannot be retired before the
// caller finishes its slot, so it stays valid after the unpin.
func (q *Unbounded[T]) segFor(hint *atomicx.Pointer[segment[T]], k uint64) *segment[T] {
	g := q.rec.pin()
	s := q.segFind(hint, k, g)
	g.Unpin()
	return s
}

// segPrelinkAt is the index within a segment whose producer links the next
// segment in advance: exactly one producer per segment, half-way through
// it, so that the producers that cross into the next segment find it linked
// instead of all taking a segment from the recycler and racing to link it.
// (If that producer is late, the first walker to need the segment links it.)
const segPrelinkAt = segSize / 2

// segPrelink links a segment after s if it has none; the caller holds an
// unfinished index in s.
func (q *Unbounded[T]) segPrelink(s *segment[T]) {
	if s.next.Load() != nil {
		return
	}
	g := q.rec.pin()
	q.segExtend(s, g)
	g.Unpin()
}

// segFind returns segment number k, walking from the hint (or from oldest,
// if the hint has moved past k) and linking new segments as needed, and
// moves the hint forward to it. The caller holds an unfinished index in
// segment k, so segment k is not retired and oldest is at or before it; g
// keeps every segment the walk touches from being recycled under it.
func (q *Unbounded[T]) segFind(hint *atomicx.Pointer[segment[T]], k uint64, g *segGuard) *segment[T] {
	s := hint.Load()
	if s.id > k {
		s = q.oldest.Load()
	}
	for s.id < k {
		n := s.next.Load()
		if n == nil {
			n = q.segExtend(s, g)
		}
		s = n
	}
	if s.id != k {
		// Segment k was retired although the caller holds an unfinished
		// index in it: a bug in the retire scan, which must not go on to
		// write into another segment's slots.
		panic("queue: internal error: a segment was retired while one of its slots was in use")
	}
	if s.live.Load() != k {
		// The linker has not published the id yet; help (same value).
		s.live.Store(k)
	}
	for {
		c := hint.Load()
		if c.id >= k || hint.CompareAndSwap(c, s) {
			return s
		}
	}
}

// segExtend links a new segment after s (which has none yet, as last seen)
// and returns s's successor, whoever linked it.
func (q *Unbounded[T]) segExtend(s *segment[T], g *segGuard) *segment[T] {
	n := q.rec.get(s.id + 1)
	// Publishes n (reset by get, id set) to every walker that loads s.next.
	if s.next.CompareAndSwap(nil, n) {
		n.live.Store(n.id)
		return n
	}
	// Lost the race: n was never reachable, so it may be reused at once.
	q.rec.unused(g, n)
	return s.next.Load()
}

// segRelease marks the slot of index t in s done; the caller is the last
// party to touch it. (TryPop's fast path does the same inline.) If the retire scan is waiting on this slot, or it is the
// last slot, the scan continues from here.
func (q *Unbounded[T]) segRelease(s *segment[T], t uint64) {
	segCheck(s, t)
	i := t & segMask
	if segSet(&s.slot(i).state, segDone)&segRetire != 0 || i == segMask {
		q.segScan(s, i)
	}
}

// segScan continues the retire scan of s after slot i (from slot 0 after the
// last slot). It stops at the first slot not yet done, marking it so that the
// party that finishes it continues; if every slot is done, s is finished and
// segReclaim retires what it can.
//
// The scan needs no pin: s cannot be retired before it is finished, and only
// the scan finishes it. The pin taken before storing finished covers
// segReclaim, which loads oldest and may retire s (or its predecessors,
// which other goroutines may still be walking) at once.
func (q *Unbounded[T]) segScan(s *segment[T], i uint64) {
	start := i + 1
	if i == segMask {
		start = 0
	}
	for j := start; j < segMask; j++ {
		st := &s.slot(j).state
		// The load skips the Or (a locked instruction) on slots already
		// done, which is nearly all of them: segDone is never cleared.
		if st.Load()&segDone == 0 && st.Or(segRetire)&segDone == 0 {
			return // slot j's finisher sees segRetire and takes over
		}
	}
	g := q.rec.pin()
	s.finished.Store(true)
	retired := q.segReclaim(g)
	g.Unpin()
	if retired {
		q.rec.advance()
	}
}

// segReclaim retires finished segments from the front of the list, in order,
// and reports whether it retired any.
// The finisher of a segment stores finished and then loads oldest; the
// retirer of its predecessor moves oldest to it and then loads finished: in
// the sequentially consistent order of these atomics one of them sees the
// other, so no finished segment is left behind.
func (q *Unbounded[T]) segReclaim(g *segGuard) (retired bool) {
	for {
		o := q.oldest.Load()
		if !o.finished.Load() {
			return retired
		}
		n := o.next.Load()
		if n == nil {
			return retired // retired when a later segment finishes
		}
		if !q.oldest.CompareAndSwap(o, n) {
			continue
		}
		// No goroutine that pins from now on can reach o: oldest is past it,
		// and so are the hints once moved (they never point before oldest).
		q.tailSeg.CompareAndSwap(o, n)
		q.headSeg.CompareAndSwap(o, n)
		q.rec.put(g, o)
		retired = true
	}
}
