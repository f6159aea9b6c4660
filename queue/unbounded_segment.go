package queue

import (
	"unsafe"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/epoch"
	"github.com/xbeam/xbeam/internal/poolopt"
)

// segShift fixes the segment size: segSize = 1<<segShift slots. Index i of an
// Unbounded queue lives in segment i>>segShift (see segment.slot for where).
// A segment hand-over (a pinned walk, a link, a retire scan) is rare enough
// at a few hundred slots already; 1024 makes it rarer still while keeping
// what a drained queue holds small: its last segment plus one linked ahead,
// 16 KiB each for 8-byte items.
const (
	segShift = 10
	segSize  = 1 << segShift
	segMask  = segSize - 1
)

// segNotLive is the value of segment.live before a segment is first linked.
// No index maps to it: it would take 2^63 items.
const segNotLive = ^uint64(0)

// Slot states: bits of segSlot.state. A slot starts at zero and each bit is
// set at most once per use of the segment, by one party, with an atomic
// read-modify-write whose result tells the setter what happened before it
// (the classic hand-off of fetch-and-add queues; see segSet):
//
//   - The producer that claimed index i stores its item, then sets Written.
//   - The consumer that claimed i waits briefly for Written. If it sees it,
//     it takes the item. If no producer has claimed i yet (the consumer ran
//     ahead of tail) or the producer is slow, it sets Abandoned instead.
//   - The two sets are ordered: if the producer's came first, the
//     consumer's returns Written and it takes the item after all; if the
//     consumer's came first, the producer's returns Abandoned, and the
//     producer clears its slot and claims a new index. Either the item is
//     taken from slot i by its consumer, or it is pushed again at a later
//     index: it is never lost, and never returned twice.
const (
	// segWritten: the producer that claimed the slot stored val. Set by that
	// producer after writing val; a consumer that loads or sets a state with
	// segWritten may read val.
	segWritten uint32 = 1 << iota
	// segAbandoned: the consumer that claimed the slot gave up waiting for
	// it. A producer whose set returns segAbandoned must not consider its item
	// enqueued: it clears val, finishes the slot and claims another index.
	segAbandoned
	// segDone: the last party to touch the slot (the consumer that took val,
	// or the producer that found the slot abandoned) is finished with it.
	segDone
	// segRetire: the retire scan of the segment reached this slot before it
	// was done; whoever sets segDone later continues the scan.
	segRetire
)

// segSlot is one cell of a segment: an item stored by value and its state.
type segSlot[T any] struct {
	state u32 // bits above; set by the producer, the consumer and the retire scan
	val   T   // written by the producer before segWritten; read and cleared by the consumer after it
}

// segment is a fixed array of segSize slots, one link of an Unbounded queue's
// list. Segments are recycled through segRecycler: a segment is retired once
// every slot is done, it is the oldest in the list and no hint points to it,
// and it is handed out again only after every goroutine that was pinned at
// retirement has unpinned.
type segment[T any] struct {
	// live is the segment's id while it is (or was last) linked into the
	// list, segNotLive before its first link. Stored by the goroutine that
	// links the segment, after the link CAS, and by walkers that reach it
	// before that store (same value). Loaded without a pin by the fast paths
	// to check that a possibly stale hint is the segment they need: if live
	// equals the segment number of an index the caller has claimed and not
	// yet finished, the segment is linked under that number and cannot be
	// retired before the caller finishes its slot (retirement needs every
	// slot done). Retirement stores segNotLive, which no index maps to; a
	// recycled segment gets a new id only after it is linked, so an unpinned
	// reader never sees a segment's id before its slots are reset and it is
	// reachable. segCheck relies on this to catch a slot used after its
	// segment was retired.
	live u64
	// id is the segment number (index >> segShift). Written by the linker
	// before the link CAS that publishes the segment (ordered by it), read
	// only by pinned walkers, which reach the segment through that CAS.
	id uint64
	// next is the following segment, nil until linked by segExtend (one
	// CAS, nil -> new). Read by walkers under a pin.
	next atomicx.Pointer[segment[T]]
	// finished reports whether every slot is done (the retire scan
	// completed). Stored once by the scan's finisher, loaded by segReclaim.
	finished flag
	// recycled reports whether the segment went through the recycler: it
	// must then be reset before reuse (one the pool makes new is already
	// clean). Written before Put, read after Get; ordered by the recycler.
	recycled bool
	_        atomicx.Pad // keeps slot traffic off live's line, read by every operation
	slots    [segSize]segSlot[T]
}

// segSpread is log2 of the number of regions that consecutive indices are
// spread over within a segment (the cache remap of Nikolaev, DISC 2019, for
// SCQ): index i of a segment lives at position (i mod 8)*(segSize/8) + i/8,
// so the 8 indices that goroutines claim one after another are 2 KiB (for
// 16-byte slots) apart instead of sharing a cache line, and concurrent
// operations on neighbouring indices do not contend for one line. The cost
// falls on one producer and one consumer, where a consumer reading whole
// lines that the producer has finished would be the better pattern; the
// remap favours many goroutines on each side.
const segSpread = 3

// slot returns the slot of index i (any index: only i mod segSize counts).
func (s *segment[T]) slot(i uint64) *segSlot[T] {
	i &= segMask
	return &s.slots[(i&(1<<segSpread-1))<<(segShift-segSpread)|i>>segSpread]
}

// segBytes is the size of one segment for element type T.
func segBytes[T any]() uintptr { return unsafe.Sizeof(segment[T]{}) }

// segPoolBytes bounds the memory an Unbounded queue keeps in its free list
// (segments retired and waiting for reuse): beyond it, retired segments are
// left to the garbage collector, so a drained queue gives its memory back.
const segPoolBytes = 256 << 10

// segPoolMin is the free-list length kept whatever the element size, so that
// a queue that crosses a segment boundary back and forth reuses segments.
const segPoolMin = 2

func segPoolLimit[T any]() int64 {
	return max(segPoolMin, int64(segPoolBytes/segBytes[T]()))
}

// segRecycler hands out segments and takes retired ones back, through an
// epoch.Pool on a collector of the queue's own: a retired segment is handed
// out again only once every goroutine that was pinned when it was retired
// has unpinned. The pool keeps at most segPoolLimit ready segments; beyond
// that, retired segments go to the garbage collector.
//
// A segment is retired when every slot in it is done (the last party to
// touch each slot sets segDone; whoever finishes the segment's last index
// then scans the others, handing the scan on to any slot not yet done, as
// crossbeam's SegQueue destroys its blocks; see segScan), it is the oldest
// in the list, and the head and tail hints have been moved past it. Only
// the slow paths pin (a walk to another segment, a link, a retirement),
// about once per goroutine per segSize items: the fast paths read a hint
// without a pin and use the segment only if its live word equals the
// segment number of the index just claimed, and a segment with an
// unfinished slot cannot be retired (see segment.live).
type segRecycler[T any] struct {
	c    *epoch.Collector
	pool *epoch.Pool[segment[T]]
	// spare is a segment that get reset and that was never published (its
	// link CAS lost a race): no goroutine can reach it, so the next get
	// takes it without waiting for the epoch. Swapped in by unused, out by
	// get, so at most one goroutine owns it.
	spare atomicx.Pointer[segment[T]]
}

// segGuard is a pin on the recycler's collector: a segment loaded from a
// shared pointer while pinned is not handed out again before Unpin.
type segGuard = epoch.Guard

func (r *segRecycler[T]) init() {
	r.c = epoch.NewCollector()
	r.pool = epoch.NewPool(r.c, func() *segment[T] {
		s := new(segment[T])
		s.live.Store(segNotLive)
		return s
	})
	r.pool.SetLimit(int(segPoolLimit[T]()))
	// Unpinned fast paths load live of a segment that may be recycled
	// (see segment.live); segCheck catches premature reuse instead.
	poolopt.UnpinnedLoads(r.pool)
}

// pin pins the calling goroutine; the caller must Unpin the guard.
func (r *segRecycler[T]) pin() *segGuard { return r.c.Pin() }

// get returns a segment ready to be linked as number id: its slots zero,
// next nil, not finished. Its live word is untouched (see segment.live):
// unpinned fast paths may still load it.
func (r *segRecycler[T]) get(id uint64) *segment[T] {
	if s := r.spare.Swap(nil); s != nil {
		s.id = id
		return s
	}
	s := r.pool.Get()
	if s.recycled {
		// No goroutine can reach s (the pool waited out every pin that
		// could), except for loads of live, which this does not touch.
		s.recycled = false
		s.next.Store(nil)
		s.finished.Store(false)
		clear(s.slots[:])
	}
	s.id = id
	return s
}

// put retires s, which no goroutine that pins from now on can reach.
func (r *segRecycler[T]) put(g *segGuard, s *segment[T]) {
	// No index maps to segNotLive: a fast path that loads live from here
	// on finds it is not its segment, and segCheck catches a goroutine
	// that was still using a slot of s (which would be a bug).
	s.live.Store(segNotLive)
	s.recycled = true
	r.pool.Put(g, s)
}

// unused takes back s, got from get and never published: it becomes the
// spare, or, if there is one already, goes to the pool.
func (r *segRecycler[T]) unused(g *segGuard, s *segment[T]) {
	if !r.spare.CompareAndSwap(nil, s) {
		r.put(g, s)
	}
}

// advance moves the collector's epoch on as far as current pins allow, so
// that segments retired so far become reusable now rather than after many
// more pins (Collector.Pin advances the epoch only every 128th pin of a
// participant, and the queue pins only on segment boundaries). Called once
// per retirement, unpinned.
func (r *segRecycler[T]) advance() { r.c.Flush() }
