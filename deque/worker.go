package deque

import (
	"reflect"
	"unsafe"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/internal/race"
	"github.com/xbeam/xbeam/internal/release"
	"github.com/xbeam/xbeam/internal/typeinfo"
)

// Worker is the owner's end of a work-stealing deque. One goroutine, the
// owner, pushes and pops at one end; any number of other goroutines take
// the oldest items from the other end through the Worker's [Stealer].
//
// Choose a Worker for the per-goroutine task queue of a scheduler whose
// tasks spawn more tasks: [NewLIFO] pops the newest item first (depth-first,
// cache-warm), [NewFIFO] the oldest (fair). For work submitted from outside
// the workers use an [Injector]; for a plain producer-consumer hand-off, a
// channel or the queue package.
//
// Operations: [Worker.Push], [Worker.Pop] and [Worker.Len] are owner-only,
// as is passing the Worker as the destination of a batch steal. They are
// wait-free: no loops, never waiting for a thief, at most one claim by
// compare-and-swap or atomic add per call. The buffer grows when full;
// while larger than 16 KiB (1024 slots where T is 8 bytes) it also shrinks
// when a quarter full. So a Worker that pushes and drains bursts of up to
// about that many items keeps its buffer instead of resizing for every
// burst, and one that once held many more gives the memory back. Resizing
// is amortized O(1) and takes buffers from a recycler: a Worker in steady
// state allocates nothing.
//
// Memory model: a Push of v synchronizes before the Pop or steal that
// returns v; a batch steal that moves v into a Worker synchronizes before
// the Pop or steal that takes v from there. An empty Pop orders nothing.
//
// A value leaves the Worker's memory when it is popped or stolen, so the
// Worker does not keep it alive (but for one that a thief takes while the
// owner is copying it to a new buffer, which a spare buffer may hold until
// reused). A Worker must not be copied after first use. The zero Worker is
// not usable: every method panics on it.
type Worker[T any] struct {
	_ noCopy

	// Owner-private: read and written by the owner only. The fields the
	// owner's Push and Pop read come first, together (about one cache
	// line: where it starts depends on the allocation).
	slots    []slot[T] // == buf.slots, kept here to save the hot paths a dependent load
	mask     uint64    // == buf.mask
	bottom   uint64    // == shared.bottom.Load(); the owner is its only writer
	topCache uint64    // a value of top the owner has seen: a lower bound of top, which only grows (but for undoFIFO)
	// pushLimit bounds the indexes Push may write without looking at
	// shared state: for every index i < pushLimit the slot of i in buf is
	// free for the owner's write, because its previous index i-cap is
	// below top (consumed) and, where thieves claim first, no thief that
	// won an earlier index of the slot still reads it (see raisePushLimit).
	// Once true for i, this stays true for as long as buf is current.
	// Zero in a zero Worker, so that its Push takes pushSlow, which panics.
	pushLimit uint64
	// shrinkBelow is the length under which Pop halves buf: a quarter of
	// its capacity, or 0 at keepCap or below.
	shrinkBelow uint64
	lifo        bool        // immutable
	ptrs        bool        // immutable; == shared.ptrs
	spec        bool        // immutable; == shared.spec
	buf         *buffer[T]  // == shared.buf.Load(); the owner is its only writer
	stealer     *Stealer[T] // immutable; the one Stealer handed out
	// fence is the word a LIFO take's full barrier adds 0 to: a locked
	// instruction on a line that only the owner touches (see Pop).
	fence u64
	// keepCap is the capacity up to which buf is not shrunk (see
	// keepBytes). Immutable once the Worker is in use; read on a resize.
	keepCap uint64
	rec     recycler[T]
	// slowPush is w.pushSlow, made once by the constructor; nil in the
	// zero Worker. Immutable. See push for why Push calls it through a
	// func value. It is a field rather than a function named in Push
	// (as Collector.Pin passes pinMissed) because a method expression or
	// generic function instantiated inside a generic method is a closure
	// over the type's dictionary, which takes Push over the budget.
	slowPush func(T)

	shared shared[T]
}

// The algorithm is Chase and Lev, "Dynamic Circular Work-Stealing Deque"
// (SPAA 2005): a growable ring indexed by two unbounded counters, top
// (claimed by stealers with a CAS) and bottom (written by the owner only),
// with the orderings of Lê, Pop, Cohen and Zappa Nardelli, "Correct and
// Efficient Work-Stealing for Weak Memory Models" (PPoPP 2013, figure 1).
// The comment at each atomic says which of the paper's fences it stands
// for. The FIFO owner pops at the stealers' end with an atomic add, as
// crossbeam-deque's FIFO flavour does.
//
// Go adds two concerns to the paper: the race detector must stay silent
// (without suppressions), and a value with pointers must be cleared from
// every slot it leaves. So steals take one of two paths (shared.spec):
//
//   - For pointer-free items outside race builds, the paper's own: read
//     the slot, then claim the index (CAS on top), without pinning; the
//     buffer generation detects a recycled buffer.
//   - Otherwise a stealer claims the index before it reads the slot, and
//     clears it after; the owner must then not overwrite a slot that a
//     thief has claimed but not yet read, which slot.readers tracks, and a
//     stealer pins the epoch collector so that its buffer is not recycled
//     under it.
//
// Either way a stealer re-checks the buffer pointer before its claim. This
// closes the race of crossbeam-deque's CVE-2021-32810 advisory
// (GHSA-pqqp-xmhj-wgcw: a steal racing a buffer swap returned a task
// twice).
//
// Invariants, with t = top and b = bottom: t <= b except inside the owner's
// Pop; the items are the indexes [t, b); index i lives in slot i&mask of the
// current buffer; the owner is the only writer of b and of the buffer
// pointer; t only grows, except that a FIFO owner's Pop of an empty deque
// adds one to t and takes it back (harmless: see undoFIFO).
//
// docs/deque-design.md counts the locked instructions of each operation
// beside crossbeam-deque's.

// shared is the part of a deque that stealers touch. Both hot words sit on
// lines of their own, and the fields a thief only reads (the buffer
// pointer, which changes once per resize, and the flags) on a third: a
// thief's buffer check after its read of the slot then finds that line in
// its cache, where the owner's stores of bottom would have taken it away.
type shared[T any] struct {
	_ atomicx.Pad
	// top is the index of the oldest item. Stealers advance it with a CAS
	// (their claim); the FIFO owner advances it with an Add, and the LIFO
	// owner with a CAS when it races for the last item. Everyone loads it.
	top u64
	_   atomicx.Pad
	// bottom is one past the newest item. Written by the owner only;
	// loaded by stealers to see whether anything is left.
	bottom u64
	_      atomicx.Pad
	// buf is the current buffer. Written by the owner (resize); loaded by
	// stealers, pinned.
	buf atomicx.Pointer[buffer[T]]
	// copying is the buffer a resize is copying from, nil outside a
	// resize: a thief that wins an index of that buffer leaves the value
	// for the owner to clear, since the owner may be reading it. Written
	// by the owner, loaded by a thief after its claim (clearTaken).
	copying atomicx.Pointer[buffer[T]]
	// ptrs reports whether T holds pointers, so that a slot a value left
	// must be cleared. Immutable.
	ptrs bool
	// spec selects Chase-Lev's steal, which reads the slot before the
	// claim, over the claim-first steal with readers counts. The read may
	// race with the owner's write of the slot for the index one lap later,
	// which the owner does only after observing top past the index: then
	// the claim fails and the value is dropped unused, as in the paper and
	// in the Go runtime's runqgrab (runtime/proc.go). It is used only where
	// such a read is harmless in Go: T holds no pointers, so a torn value
	// gives the garbage collector nothing to follow, and the binary is not
	// built with the race detector, which would report the race. Thieves
	// then never write a slot or a readers count. Immutable.
	spec bool
	_    atomicx.Pad
}

// NewFIFO returns an empty Worker whose owner pops items in the order they
// were pushed.
func NewFIFO[T any]() *Worker[T] { return newWorker[T](false) }

// NewLIFO returns an empty Worker whose owner pops the most recently pushed
// item first (stealers still take the oldest).
func NewLIFO[T any]() *Worker[T] { return newWorker[T](true) }

func newWorker[T any](lifo bool) *Worker[T] {
	w := &Worker[T]{lifo: lifo, keepCap: keepCap[T]()}
	w.shared.ptrs = typeinfo.HasPointers(reflect.TypeFor[T]())
	w.shared.spec = !race.Enabled && !w.shared.ptrs
	w.rec.direct = w.shared.spec
	w.ptrs, w.spec = w.shared.ptrs, w.shared.spec
	w.setBuf(w.rec.get(minCap))
	w.shared.buf.Store(w.buf)
	w.setPushLimit()
	w.stealer = &Stealer[T]{w: w}
	w.slowPush = w.pushSlow
	return w
}

const zeroWorker = "deque: use NewLIFO or NewFIFO to create a Worker (the zero Worker is not usable)"

// Stealer returns a handle from which other goroutines steal the oldest
// items of w. Every call returns the same Stealer; it is safe for concurrent
// use by any number of goroutines. Stealer may be called by any goroutine.
func (w *Worker[T]) Stealer() *Stealer[T] {
	if w.stealer == nil {
		panic(zeroWorker)
	}
	return w.stealer
}

// Len returns the number of items in w. It must only be called by the owner;
// it is exact unless stealers are taking items at the same time.
func (w *Worker[T]) Len() int {
	if w.buf == nil {
		panic(zeroWorker)
	}
	n := int64(w.bottom - w.shared.top.Load())
	return int(max(n, 0))
}

// IsLIFO reports whether w's owner pops the newest item first (NewLIFO).
func (w *Worker[T]) IsLIFO() bool {
	if w.buf == nil {
		panic(zeroWorker)
	}
	return w.lifo
}

// Push adds v at the owner's end of w. It must only be called by the owner.
// It never blocks; the buffer grows when full.
func (w *Worker[T]) Push(v T) {
	w.push(v, w.slowPush)
}

// push is Push with its slow path passed in, as slow. Push is small enough
// to be inlined into the user's package only this way: Go's inliner charges
// a call to a function it cannot inline nearly its whole budget, but a call
// to a parameter much less (the call may turn out to be to a known
// function). Nothing else goes here; the fast path takes the slot that
// pushLimit vouches for.
func (w *Worker[T]) push(v T, slow func(T)) {
	if b := w.bottom; b < w.pushLimit {
		w.slots[b&w.mask].val = v
		b++
		w.bottom = b
		// Publish the item, as in pushSlow (StoreRelease's body, called
		// directly to keep push within the inlining budget).
		release.Store64(&w.shared.bottom.v, b)
	} else if slow != nil {
		slow(v)
	} else {
		panic(zeroWorker)
	}
}

// pushSlow is Push where pushLimit did not vouch for the slot: it refreshes
// top if the cached one leaves no room, then grows the buffer if it is
// full, else raises pushLimit, moving to a fresh buffer of the same size if
// a claim-first thief may still read the target slot.
func (w *Worker[T]) pushSlow(v T) {
	if w.buf == nil {
		panic(zeroWorker)
	}
	b := w.bottom
	a := w.buf
	if b-w.topCache > a.mask {
		w.topCache = w.shared.top.Load()
	}
	if b-w.topCache > a.mask {
		a = w.resize(2 * a.capacity())
	} else if w.raisePushLimit(b); w.pushLimit == b {
		// A thief claimed the slot's previous index and has not read it
		// yet (or is about to lose its claim). Never write under it, never
		// wait for it: continue in another buffer; this one is retired and
		// recycled only after the thief has unpinned.
		a = w.resize(a.capacity())
	}
	a.at(b).val = v
	w.bottom = b + 1
	// Publish the item: the paper's release store of bottom in push. A
	// thief that loads b+1 sees val; it loads the buffer after bottom, and
	// a resize published its buffer before this store. No store-to-load
	// handshake rests on this store, so a later load of top may pass it:
	// the owner's room checks need only a lower bound of top, its LIFO
	// one-item test is confirmed by a CAS, a FIFO Pop claims with an
	// atomic add, and the take fences its own store of bottom.
	w.shared.bottom.StoreRelease(b + 1)
}

// raisePushLimit raises pushLimit to topCache plus the capacity, or, where
// thieves claim first, to the first index in [b, that bound) whose slot a
// thief may read: one with a non-zero readers count. b is bottom, at or
// above pushLimit, so the indexes below b were vouched for already.
//
// Why one scan suffices: a thief reads the slot of index j only after it
// has won j, which needs its CAS to find top == j, and it increments the
// slot's readers before that CAS. For i in the scanned range, every
// earlier index j of i's slot is below topCache, an observation of top
// by the owner that precedes the scan: no thief can win such a j after
// that observation (top only grows past it), and one that won it before
// had incremented readers before it, so the scan's load, sequentially
// consistent and after the observation, sees the count unless that thief
// has finished reading. A zero count is thus final for this buffer. (A
// count from a thief that will lose its claim stops the limit needlessly,
// which is only slower.) The scans of one buffer cover disjoint ranges,
// as pushLimit only grows while the buffer is current, and a range ends
// below the growth of top since the last scan plus the capacity:
// amortized O(1) per Push.
func (w *Worker[T]) raisePushLimit(b uint64) {
	w.setPushLimit()
	if w.spec {
		return
	}
	for i := b; i < w.pushLimit; i++ {
		if w.at(i).readers.Load() != 0 {
			w.pushLimit = i
			return
		}
	}
}

// at returns the slot of index i in the current buffer: w.buf.at(i).
func (w *Worker[T]) at(i uint64) *slot[T] { return &w.slots[i&w.mask] }

// setBuf makes a the current buffer on the owner's side (the caller
// publishes it in shared.buf).
func (w *Worker[T]) setBuf(a *buffer[T]) {
	w.buf, w.slots, w.mask = a, a.slots, a.mask
	w.shrinkBelow = 0
	if a.capacity() > w.keepCap {
		w.shrinkBelow = a.capacity() / 4
	}
}

// keepBytes is the size in slots' bytes up to which a Worker keeps a buffer
// it has grown rather than shrink it as it drains. The owner of a
// scheduler's deque pushes a burst of tasks and pops (or loses to thieves)
// all of them, over and over: with a buffer shrunk at a quarter full, each
// burst beyond the smallest capacity would grow it again and each drain
// shrink it, two or more copies of the items per burst. Bursts that fit
// here move no item twice once the buffer has grown; larger buffers still
// shrink, so a Worker that once held many items gives that memory back.
const keepBytes = 16 << 10

// keepCap returns the largest power-of-two capacity, at least minCap, whose
// slots fit in keepBytes.
func keepCap[T any]() uint64 {
	n := uint64(keepBytes / unsafe.Sizeof(slot[T]{}))
	c := uint64(minCap)
	for 2*c <= n {
		c *= 2
	}
	return c
}

// setPushLimit sets pushLimit to topCache plus the capacity of buf, the
// bound of raisePushLimit's scan. For a buffer just made current that is
// the limit itself: no thief has won an index of it below topCache (it
// was published after top passed topCache), so the slots of
// [topCache, topCache+cap) are free without a scan.
func (w *Worker[T]) setPushLimit() {
	w.pushLimit = w.topCache + w.mask + 1
}

// Pop removes and returns an item: the newest for a LIFO Worker, the oldest
// for a FIFO one. It reports false if w is empty. It must only be called by
// the owner. It never blocks; the buffer may shrink (see [Worker]).
func (w *Worker[T]) Pop() (v T, ok bool) {
	b := w.bottom
	if b == w.topCache {
		// topCache <= top <= bottom: empty without touching shared state.
		return w.popEmpty()
	}
	// The common cases of a scheduler's owner are handled here, the rare
	// ones in popLast and undoFIFO: one call per Pop.
	if w.lifo {
		// topCache <= top <= bottom: if topCache is b-1, top is b-1 or b,
		// and the CAS below tells which without a load of top first.
		// Otherwise the take below loads top once, after reserving b-1;
		// a load before it as well would be a second miss on top's line
		// per Pop while thieves are writing it (the locked store waits
		// for it).
		t := w.topCache
		if b-1 == t {
			// Exactly one item. Take it as a thief would, with a CAS of
			// top, leaving bottom alone: whoever wins owns the index, and
			// either way top ends at bottom, empty. This saves the take's
			// store to bottom and its restore (two sequentially consistent
			// stores) in the case an owner that pushes and pops in turn
			// always hits. TestPopStealLastItem replays the race.
			ok = w.shared.top.CompareAndSwap(t, t+1)
			w.topCache = b
			if ok {
				v = w.take(w.at(t)) // we own index t; a thief whose claim failed never reads
			}
			return v, ok
		}
		// The take of Chase-Lev (Lê et al., figure 1). Reserve index b-1
		// before looking at top: the paper's "store bottom; fence(seq_cst);
		// load top", which must not be reordered, so that a thief whose
		// claim of b-1 could succeed loads top after our load of top, and
		// then its load of bottom sees b-1. storeFenced gives that order
		// with its locked instruction on w.fence, a line the owner alone
		// touches; an XCHG of bottom (sync/atomic's Store) would be a locked
		// read-modify-write of the line every thief loads.
		b--
		w.shared.bottom.storeFenced(b, &w.fence)
		if testHookTake != nil {
			testHookTake()
		}
		t = w.shared.top.Load()
		if int64(b-t) <= 0 {
			return w.popLast(b, t)
		}
		// More than one item: index b is ours without a CAS. A stealer
		// claims index t' only when its load of bottom saw t' < bottom;
		// since t < b was loaded after bottom became b, and t never
		// decreases, any stealer still to claim loads top >= t and bottom
		// <= b (until we push again), so none can claim b.
		v = w.take(w.at(b)) // no thief reads index b (above)
		w.bottom = b
		w.topCache = t
		if b-t < w.shrinkBelow {
			w.resize((w.mask + 1) / 2)
		}
		return v, true
	}
	// FIFO: claim index t at the stealers' end with an atomic add, as
	// crossbeam-deque's FIFO flavour does: it cannot fail, and any stealer
	// that loaded t fails its CAS. Sequentially consistent, like the
	// stealers' CAS, so the claims of index t are totally ordered.
	t := w.shared.top.Add(1) - 1
	if int64(b-t) <= 0 {
		return w.undoFIFO(t)
	}
	v = w.take(w.at(t)) // we own index t
	w.topCache = t + 1
	if b-t-1 < w.shrinkBelow {
		w.resize((w.mask + 1) / 2)
	}
	return v, true
}

// take returns the value in s, a slot whose index the owner has taken,
// and clears the slot if T holds pointers, so that the deque does not keep
// the value alive. A pointer-free value is left in place: clearing it
// would be a store that frees nothing.
func (w *Worker[T]) take(s *slot[T]) T {
	v := s.val
	if w.ptrs {
		var zero T
		s.val = zero
	}
	return v
}

// popEmpty is Pop of a Worker whose cached top equals bottom.
func (w *Worker[T]) popEmpty() (v T, ok bool) {
	if w.buf == nil {
		panic(zeroWorker)
	}
	return v, false
}

// undoFIFO takes back a FIFO Pop's claim of index t, which was at or past
// bottom: stealers emptied the deque. No one else moved top meanwhile: a
// stealer that loads t+1 > bottom sees an empty deque and does not CAS, and
// any CAS expecting t fails. A stealer that loaded the passing t+1 and,
// after we push again, a bottom above it, claims index t+1 only if its CAS
// finds top at t+1 again, that is, after index t was taken: a claim that is
// valid then, and it reads the slot only after it.
func (w *Worker[T]) undoFIFO(t uint64) (v T, ok bool) {
	w.shared.top.Store(t)
	w.topCache = t
	return v, false
}

// popLast ends the take of a LIFO Pop that has lowered bottom to b and
// then loaded t from top, when t >= b: since the owner last looked at top,
// thieves took all but the last item (t == b), or all of them (t > b).
func (w *Worker[T]) popLast(b, t uint64) (v T, ok bool) {
	// Both ways out restore bottom to b+1 (== top, empty) with a release
	// store, not a sequentially consistent one: Lê et al. restore it with
	// a relaxed store. No thief can claim an index through either value:
	// top is b+1 already, or the CAS below moves it there whoever wins, and
	// a thief's claim is a CAS of top from an index below bottom. The
	// owner's next take orders itself with its own locked store.
	if b != t {
		// Nothing left. Undo the reservation.
		w.shared.bottom.StoreRelease(b + 1)
		w.topCache = t
		return v, false
	}
	// Race the thieves for the last item with their own CAS on top.
	// Whoever moves top from t to t+1 owns index t.
	ok = w.shared.top.CompareAndSwap(t, t+1)
	if ok {
		v = w.take(w.at(b)) // we own index t; a thief whose claim failed never reads
	}
	// Either way top is now t+1 = b+1: restore bottom to make t == b.
	w.shared.bottom.StoreRelease(b + 1)
	w.bottom = b + 1
	w.topCache = t + 1
	return v, ok
}

// reserve makes room for n more items starting at w.bottom, with no thief
// reading any of their slots, for a batch steal into w. Owner only.
func (w *Worker[T]) reserve(n uint64) *buffer[T] {
	b := w.bottom
	a := w.buf
	t := w.shared.top.Load()
	w.topCache = t
	if b-t+n > a.capacity() {
		c := a.capacity()
		for b-t+n > c {
			c *= 2
		}
		return w.resize(c)
	}
	for i := range n {
		if a.at(b+i).readers.Load() != 0 {
			return w.resize(a.capacity())
		}
	}
	return a
}

// publishBatch publishes n items that a batch steal wrote into a at
// [db, db+n), db being w.bottom and a w.buf as returned by reserve. For a
// LIFO w the batch is reversed first, so that Pop (newest first) returns
// its oldest item first. Owner only.
func (w *Worker[T]) publishBatch(a *buffer[T], db, n uint64) {
	if n == 0 {
		return
	}
	if w.lifo {
		for i, j := db, db+n-1; i < j; i, j = i+1, j-1 {
			x, y := a.at(i), a.at(j)
			x.val, y.val = y.val, x.val
		}
	}
	w.bottom = db + n
	// Publish the batch with a release store, as Push publishes one item.
	w.shared.bottom.StoreRelease(db + n)
}

// resize moves the items [top, bottom) to a buffer of the given capacity,
// publishes it and retires the old one. Owner only.
//
// For a T with pointers it also leaves no stale reference behind. Thieves
// clear the slots they win (clearTaken), but not in a buffer being copied
// from: there the owner's copy may read the slot, so the owner clears
// instead. The copy skips a slot whose index a thief has claimed while it
// may still hold the slot (readers != 0, top > i); it reads a slot with
// readers == 0 after announcing copying, so a thief that wins it later sees
// copying and does not write it. Indexes claimed during the copy are
// cleared from the new buffer before it is published, and those claimed
// on old after that once it is; then every old slot no thief holds is
// cleared (a thief that loads the buffer after that fails its buffer check
// before claiming). A value remains only where a thief won an index of old
// while both the copy ran and the old buffer was being cleared; it goes
// when the recycler hands that buffer out again.
func (w *Worker[T]) resize(capacity uint64) *buffer[T] {
	old := w.buf
	a := w.rec.get(capacity)
	b := w.bottom
	d := &w.shared
	if d.ptrs {
		d.copying.Store(old)
	}
	t := d.top.Load()
	for i := t; int64(b-i) > 0; i++ {
		s := old.at(i)
		if d.ptrs && s.readers.Load() != 0 && int64(d.top.Load()-i) > 0 {
			continue // claimed, and its thief may be clearing it
		}
		// Without pointers thieves never write val: a copy of a value
		// just stolen is harmless, its index is below top forever.
		a.at(i).val = s.val
	}
	t2 := t
	if d.ptrs {
		// Indexes claimed during the copy: nobody reads them from a.
		var zero T
		for t2 = d.top.Load(); int64(t2-t) > 0 && int64(b-t) > 0; t++ {
			a.at(t).val = zero
		}
	}
	w.setBuf(a)
	w.setPushLimit()
	// Publish the new buffer: a thief that loads it sees the copies. No
	// thief that pins after this store can load old.
	d.buf.Store(a)
	if d.ptrs {
		d.copying.Store(nil)
		var zero T
		for i := range old.slots {
			if s := &old.slots[i]; s.readers.Load() == 0 {
				s.val = zero
			}
		}
		// Indexes claimed on old since t2 left their copies in a; a
		// thief that claimed one on a holds its readers until it has
		// read and cleared it.
		for i, t3 := t2, d.top.Load(); int64(t3-i) > 0 && int64(b-i) > 0; i++ {
			if s := a.at(i); s.readers.Load() == 0 {
				s.val = zero
			}
		}
	}
	if testHookRetire != nil {
		testHookRetire(old)
	}
	w.rec.retire(old)
	return a
}

// testHookTake, when set by a test (export_test.go), runs in a LIFO Pop of
// two or more items right after bottom is lowered. Nil outside tests.
var testHookTake func()

// testHookRetire, when set by a test (export_test.go), sees every buffer a
// Worker retires. Nil outside tests.
var testHookRetire func(any)
