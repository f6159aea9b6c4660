package deque

import (
	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/epoch"
)

const (
	// blockCap is the number of slots in an Injector block.
	blockCap = 63
	// lap is the number of index positions per block: blockCap slots and
	// one "end of block" position, at which the index rests while the
	// goroutine that took the last slot links or moves to the next block.
	lap = 64
	// shift leaves the low bit of an index for the hasNext flag.
	shift = 1
	// hasNext, set in the head index, records that the head block is not
	// the tail block, so stealers need not load the tail.
	hasNext = 1
	// injectorPoolLimit is the number of spare blocks an Injector keeps.
	injectorPoolLimit = 16
)

// injectorSlot is one cell of a block.
type injectorSlot[T any] struct {
	// val is written once by the pusher that reserved the slot's position,
	// then read and cleared by the stealer that claimed it.
	val T
	// stamp is pos+1 once val holds the item of position pos: stored by
	// the pusher after it wrote val, awaited by the stealer before it reads
	// val. Positions are never reused, so a recycled block's stale stamps
	// never match and need no reset.
	stamp u64
}

// block is a node of the Injector's linked list of slot arrays.
type block[T any] struct {
	// next is the following block: stored (once per use of the block) by
	// the pusher that reserved the last slot, loaded by the stealer that
	// claims the last slot.
	next  atomicx.Pointer[block[T]]
	slots [blockCap]injectorSlot[T]
}

// Injector is an unbounded multi-producer multi-consumer FIFO queue, the
// entry point of a work-stealing scheduler: any goroutine pushes tasks, and
// workers steal them, one at a time ([Injector.Steal]) or in batches into
// their own [Worker] ([Injector.StealBatch], [Injector.StealBatchAndPop]).
//
// Choose it for work that arrives from outside the workers, beside one
// Worker per worker goroutine. It does not block and has no Close: a
// consumer that finds it [Empty] must look elsewhere or park by its own
// means. For a plain producer-consumer queue use the queue package.
//
// Progress: Push is lock-free except that it waits while another pusher
// links the next block; a steal may wait for the pusher that reserved its
// slot to finish writing it (a few instructions, unless that goroutine is
// descheduled), as in crossbeam-deque. In steady state nothing allocates:
// blocks are recycled.
//
// Memory model: a Push of v synchronizes before the steal that returns v
// (or moves v into a Worker). Pushes by one goroutine are stolen in the
// order pushed; an [Empty] or [Retry] steal orders nothing. A stolen value
// is not kept alive by the Injector.
//
// All methods are safe for concurrent use. A batch steal panics if its
// destination is nil or not made by [NewLIFO] or [NewFIFO]. The zero
// Injector is not usable (every method panics): call [NewInjector]. An
// Injector must not be copied after first use.
type Injector[T any] struct {
	_ noCopy
	_ atomicx.Pad
	// headIndex is (position << shift) | hasNext of the oldest item:
	// CAS by stealers (their claim), stored by the stealer that moves to
	// the next block.
	headIndex u64
	// headBlock is the block of headIndex: stored by the stealer that
	// moves to the next block, loaded by stealers.
	headBlock atomicx.Pointer[block[T]]
	_         atomicx.Pad
	// tailIndex is position << shift of the next free slot: CAS by
	// pushers (their reservation), advanced past the end position by the
	// pusher that linked the next block.
	tailIndex u64
	// tailBlock is the block of tailIndex: stored by the pusher that
	// linked the next block, loaded by pushers.
	tailBlock atomicx.Pointer[block[T]]
	_         atomicx.Pad
	pool      *epoch.Pool[block[T]] // immutable; spare blocks
}

// The Injector is crossbeam-deque's (crossbeam-deque 0.8, src/deque.rs;
// the block list of crossbeam's SegQueue): a linked list of blocks of 63
// slots, a head index and block claimed by stealers with a CAS, a tail
// index and block claimed by pushers with a CAS. A batch steal reserves its
// whole range of slots with that one CAS on the head index. Blocks are
// recycled through an epoch.Pool instead of being freed by the last reader:
// a block is put back by the stealer that claimed its last slot, after
// moving the head to the next block, and handed out again only once every
// goroutine pinned at that moment has unpinned. Steals pin the package's
// collector for their span. Pushes do not pin, except to give back a
// block they allocated ahead and did not link: a push touches a block
// only after its claim of a position in it succeeded, and last with the
// stamp store that the stealer of that position waits for. That stealer
// pinned before its own claim, which precedes the claim of the block's
// last slot and so the put; it unpins only after it has seen the stamp.
// So every write of a push to a block comes before the block is reused.

// NewInjector returns an empty Injector.
func NewInjector[T any]() *Injector[T] {
	q := &Injector[T]{
		pool: epoch.NewPool(collector, func() *block[T] { return new(block[T]) }),
	}
	q.pool.SetLimit(injectorPoolLimit)
	b := new(block[T])
	q.headBlock.Store(b)
	q.tailBlock.Store(b)
	return q
}

// check panics on a zero Injector.
func (q *Injector[T]) check() {
	if q.pool == nil {
		panic("deque: use NewInjector to create an Injector (the zero Injector is not usable)")
	}
}

// newBlock returns an unlinked block; a recycled one keeps stale stamps
// (harmless, see injectorSlot.stamp) and cleared values.
func (q *Injector[T]) newBlock() *block[T] {
	b := q.pool.Get()
	b.next.Store(nil)
	return b
}

// Push adds v at the tail. It is safe for concurrent use and never fails;
// the Injector grows by linking blocks.
func (q *Injector[T]) Push(v T) {
	q.check()
	var next *block[T] // allocated ahead when we may take a block's last slot
	var bo atomicx.Backoff
	for {
		// The index is loaded before the block: the pusher that links a
		// block stores the block before advancing the index, so a current
		// index comes with its block (and a stale one fails the CAS). The
		// block is not dereferenced before the CAS: it may be recycled
		// by then, but only if the CAS is to fail.
		tail := q.tailIndex.Load()
		b := q.tailBlock.Load()
		off := (tail >> shift) % lap
		if off == blockCap {
			// Another pusher took the last slot and is linking the next
			// block.
			bo.Snooze()
			continue
		}
		if off+1 == blockCap && next == nil {
			next = q.newBlock()
		}
		// Reserve position tail>>shift.
		if !q.tailIndex.CompareAndSwap(tail, tail+1<<shift) {
			bo.Spin()
			continue
		}
		if off+1 == blockCap {
			// We took the last slot: link the next block and move the
			// tail past the end position. The order (block, index, next)
			// is crossbeam's: pushers see the new index only with the new
			// block; the stealer of this last slot waits for next, after
			// which no pusher can load b from tailBlock any more.
			q.tailBlock.Store(next)
			q.tailIndex.Add(1 << shift)
			b.next.Store(next)
			next = nil
		}
		s := &b.slots[off]
		s.val = v
		// Publish the item to the stealer of this position: a release
		// store (a plain MOV on amd64) orders the write of val before it,
		// and the stealer's load of the stamp comes before its read of
		// val. Nothing this goroutine loads afterwards depends on the
		// store being visible, so no sequentially consistent store (an
		// XCHG on amd64) is needed; no one else writes the stamp.
		s.stamp.StoreRelease(tail>>shift + 1)
		break
	}
	if next != nil {
		// Allocated ahead but not linked: the pool takes it back under a
		// guard.
		g := collector.Pin()
		q.pool.Put(g, next)
		g.Unpin()
	}
}

// Steal takes the oldest item. It returns the item and Success, Empty if
// the Injector was observed empty, or Retry if it lost a race with another
// stealer. It is safe for concurrent use.
func (q *Injector[T]) Steal() (v T, st Status) {
	q.check()
	g := collector.Pin()
	head, b, off := q.loadHead()
	newHead := head + 1<<shift
	if newHead&hasNext == 0 {
		// crossbeam's fence(SeqCst) before loading the tail: our loads are
		// sequentially consistent, so the tail we see is no older than the
		// head we saw.
		tail := q.tailIndex.Load()
		if head>>shift == tail>>shift {
			g.Unpin()
			return v, Empty
		}
		if (head>>shift)/lap != (tail>>shift)/lap {
			newHead |= hasNext
		}
	}
	// Claim position head>>shift.
	if !q.headIndex.CompareAndSwap(head, newHead) {
		g.Unpin()
		return v, Retry
	}
	if off+1 == blockCap {
		q.advanceHead(b, newHead)
	}
	v = q.take(b, off, head>>shift)
	if off+1 == blockCap {
		// Every slot of b is claimed and the head has moved on: no
		// goroutine that pins from now on can reach b. The stealers still
		// reading its slots are pinned, so the pool holds b back until
		// they unpin, and a push still writing a slot finishes before the
		// slot's stealer sees its stamp (see the comment after Injector).
		q.pool.Put(g, b)
	}
	g.Unpin()
	return v, Success
}

// StealBatch moves a batch of the oldest items into dst: about half of them,
// at most 32, and at most the rest of the head block (63 slots); at least
// one if the Injector is not empty. It returns Success, Empty if the
// Injector was observed empty, or Retry if it lost a race. The items are
// published into dst as by StealBatch of a Stealer (reversed for a LIFO
// dst, so that dst's Pop returns the oldest first).
//
// The caller must be dst's owner; it panics if dst is nil. It is safe for
// concurrent use with every other Injector method.
func (q *Injector[T]) StealBatch(dst *Worker[T]) Status {
	_, st := q.stealBatch(dst, false)
	return st
}

// StealBatchAndPop is StealBatch that returns the oldest stolen item
// instead of moving it into dst. The caller must be dst's owner; it panics
// if dst is nil.
func (q *Injector[T]) StealBatchAndPop(dst *Worker[T]) (T, Status) {
	return q.stealBatch(dst, true)
}

func (q *Injector[T]) stealBatch(dst *Worker[T], pop bool) (v T, st Status) {
	q.check()
	if dst == nil {
		panic("deque: Injector batch steal into a nil Worker")
	}
	if dst.buf == nil {
		panic(zeroWorker)
	}
	g := collector.Pin()
	head, b, off := q.loadHead()
	newHead := head
	// The rest of the block, unless the block is also the tail block.
	advance := min(blockCap-off, maxBatch)
	if head&hasNext == 0 {
		tail := q.tailIndex.Load()
		if head>>shift == tail>>shift {
			g.Unpin()
			return v, Empty
		}
		if (head>>shift)/lap != (tail>>shift)/lap {
			newHead |= hasNext
		} else {
			n := (tail - head) >> shift
			advance = min((n+1)/2, maxBatch) // half of what is there
		}
	}
	newHead += advance << shift
	// Reserve positions [head, head+advance) with one CAS.
	if !q.headIndex.CompareAndSwap(head, newHead) {
		g.Unpin()
		return v, Retry
	}
	end := off+advance == blockCap
	if end {
		q.advanceHead(b, newHead)
	}
	room := advance
	if pop {
		room--
	}
	da := dst.reserve(room)
	db := dst.bottom
	var moved uint64
	for i := range advance {
		x := q.take(b, off+i, head>>shift+i)
		if pop && i == 0 {
			v = x
			continue
		}
		da.at(db + moved).val = x
		moved++
	}
	if end {
		q.pool.Put(g, b) // as in Steal
	}
	g.Unpin()
	dst.publishBatch(da, db, moved)
	return v, Success
}

// Len returns the number of items pushed (or being pushed) and not yet
// claimed by a steal. It is safe for concurrent use; under concurrent use
// the result is a snapshot that may be stale.
func (q *Injector[T]) Len() int {
	q.check()
	for {
		tail := q.tailIndex.Load()
		head := q.headIndex.Load()
		// A consistent pair: the tail did not move while we read the head.
		if q.tailIndex.Load() != tail {
			continue
		}
		tp, hp := tail>>shift, head>>shift
		// An index resting on an end position counts as the next block's
		// first.
		if tp%lap == blockCap {
			tp++
		}
		if hp%lap == blockCap {
			hp++
		}
		// Positions to slots: every lap has one end position.
		return int((tp - tp/lap) - (hp - hp/lap))
	}
}

// loadHead returns a head index that is not on an end position, with its
// block, waiting while another stealer moves the head to the next block.
func (q *Injector[T]) loadHead() (head uint64, b *block[T], off uint64) {
	var bo atomicx.Backoff
	for {
		// Index before block, for the reason given in Push.
		head = q.headIndex.Load()
		b = q.headBlock.Load()
		off = (head >> shift) % lap
		if off != blockCap {
			return head, b, off
		}
		bo.Snooze()
	}
}

// advanceHead moves the head from block b, whose last slot the caller has
// just claimed (newHead is its claimed index, on the end position), to the
// next block.
func (q *Injector[T]) advanceHead(b *block[T], newHead uint64) {
	next := waitNext(b)
	nextIndex := (newHead &^ hasNext) + 1<<shift
	if next.next.Load() != nil {
		nextIndex |= hasNext
	}
	// Block before index: a stealer that loads the new index loads the
	// new block; one that loaded the old index fails its CAS.
	q.headBlock.Store(next)
	q.headIndex.Store(nextIndex)
}

// waitNext waits for the pusher that took b's last slot to link the next
// block.
func waitNext[T any](b *block[T]) *block[T] {
	var bo atomicx.Backoff
	for {
		if next := b.next.Load(); next != nil {
			return next
		}
		bo.Snooze()
	}
}

// take reads and clears the item of position pos in slot off of b, which
// the caller has claimed, waiting for its pusher to finish writing it.
func (q *Injector[T]) take(b *block[T], off, pos uint64) T {
	s := &b.slots[off]
	var bo atomicx.Backoff
	for s.stamp.Load() != pos+1 {
		bo.Snooze()
	}
	v := s.val
	var zero T
	s.val = zero // the slot is ours until the block is recycled
	return v
}
