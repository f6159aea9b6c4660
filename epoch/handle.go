package epoch

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/internal/chaos"
)

// Handle is a registered participant of a [Collector], for a goroutine that
// pins often: a worker, a server loop, a goroutine that runs many
// operations on a lock-free structure. It is the cheapest way to pin; for
// goroutines that pin once and go away, [Collector.Pin] needs no handle.
//
// [Handle.Pin] returns the handle's [Guard]; pins nest. Pin and Unpin are
// wait-free and allocate nothing: together they execute one locked
// instruction on amd64 (the store that publishes the pin) and touch only
// the handle's own cache line and the collector's epoch word. Every 128th
// outermost pin also does a bounded share of the collector's work.
//
// A Handle is used by one goroutine at a time; to pass it to another, hand
// it over unpinned, through something that synchronizes (a channel, a
// mutex). Call [Handle.Unregister] when the goroutine is done with it:
// until then it stays in the collector's table, read by every advance.
//
// The zero Handle is not usable: Pin and Unregister panic, naming
// [Collector.Register], which makes handles. A Handle must not be copied.
//
// Memory model: the return of the Unpin that ends a pin synchronizes
// before every deferred function and every [Pool] hand-out that waited for
// that pin.
type Handle struct {
	// Layout: the words Pin and Unpin touch come first (state at offset 0
	// keeps Pin within the inlining budget), a Pad keeps them off the line
	// of the cold fields that Defer and Flush write, and a trailing Pad
	// keeps those off the hot line of whatever the allocator places next,
	// typically another Handle.

	// state is 0 while unpinned and the collector's global word (2e+1 for
	// epoch e, see Collector.global) while pinned at e. Written by the
	// owner (for a pooled participant: claimed by CAS from 0 by
	// Collector.Pin, released by Unpin's store of 0); read by advance
	// scanners. Accessed only atomically (sync/atomic on this word, through
	// the methods below, Pin and Unpin); 8-byte aligned, being the first
	// word of its allocation.
	state uint64
	// ctl is the owner's pin control word, one word so that Pin's fast
	// path tests it with one comparison: the high 32 bits count nested pins
	// (0: unpinned), the low 32 bits count down, from pinsBetweenCollect to
	// 1, the outermost pins left until the one that does the amortized
	// collection. 0 when unregistered or never registered (unpinned, and
	// never the fast path). Owner only (for a pooled participant: whoever
	// claimed it).
	ctl uint64
	// global is the word of c.global, so that Pin loads it without going
	// through c. Set by init, never changed.
	global *uint64
	// c is the collector; nil once unregistered. Written by Register and
	// Unregister, read by the owner.
	c   *Collector
	idx uint64 // slot in c.reg
	// seen is the global word after this participant's last amortized
	// collection; owner only (for a pooled participant: its claimers).
	seen uint64
	_    noCopy
	_    atomicx.Pad

	// bagMu guards bag: the owner fills it in Defer, Flush seals it from any
	// goroutine.
	bagMu sync.Mutex
	bag   *bag
	// deferred counts the functions deferred through this handle. Written
	// under bagMu; read by Pending.
	deferred atomicx.Uint64
	_        atomicx.Pad
}

// init sets up h as a participant of c and registers it.
func (h *Handle) init(c *Collector) {
	h.c = c
	// Safety: atomicx.Uint64 holds its 8-byte-aligned word at offset 0 (its
	// other fields have size zero); every access through this pointer is a
	// sync/atomic load.
	h.global = (*uint64)(unsafe.Pointer(&c.global))
	h.ctl = pinsBetweenCollect
	h.idx = c.reg.add(h)
}

// guard returns h's guard: h itself, seen as a Guard.
func (h *Handle) guard() *Guard {
	// Safety: Guard's only field is a Handle, so a *Handle and the *Guard
	// of the same address describe the same memory with the same layout.
	return (*Guard)(unsafe.Pointer(h))
}

// loadState, storeState and casState are the atomic accesses to h.state
// outside Pin's and Unpin's fast paths; each passes the chaos point.
func (h *Handle) loadState() uint64 { chaos.Point(); return atomic.LoadUint64(&h.state) }

func (h *Handle) storeState(v uint64) { chaos.Point(); atomic.StoreUint64(&h.state, v) }

func (h *Handle) casState(old, new uint64) bool {
	chaos.Point()
	return atomic.CompareAndSwapUint64(&h.state, old, new)
}

// depth returns the number of nested pins of h; owner only.
func (h *Handle) depth() uint32 { return uint32(h.ctl >> 32) }

// claimed finishes the outermost pin of h, whose state the caller has just
// set to pinned (for a pooled participant, claimed by CAS); the collecting
// pin goes to claimedCollect. Collector.pin repeats its common case inline,
// since a call of claimed would take pin over the inlining budget.
func (h *Handle) claimed() *Guard {
	if uint32(h.ctl) <= 1 {
		return h.claimedCollect()
	}
	h.ctl += 1<<32 - 1
	return h.guard()
}

// claimedCollect finishes the outermost pin that does the amortized
// collection. Not inlined, so that claimed stays within the budget.
//
//go:noinline
func (h *Handle) claimedCollect() *Guard {
	h.ctl = 1<<32 | pinsBetweenCollect
	h.collect()
	return h.guard()
}

// pinSlow handles a nested pin, a pin after Unregister, and the outermost
// pin that does the amortized collection.
func (h *Handle) pinSlow() *Guard {
	switch {
	case h.c == nil:
		panic("epoch: Pin of a Handle that is not registered (Collector.Register makes one)")
	case h.depth() == ^uint32(0):
		panic("epoch: too many nested pins")
	case h.depth() != 0:
		h.ctl += 1 << 32
		return h.guard()
	}
	// As in Pin.
	h.storeState(h.c.global.Load())
	return h.claimed()
}

// collect is the amortized work of a pin: seal the handle's bag, try to
// advance the global epoch by one bounded scan step, and run a few expired
// bags. h is pinned.
//
// The advance attempt is skipped when the global epoch moved since this
// participant's last collection: another participant is advancing it. So
// the epoch advances about once per pinsBetweenCollect pins of the busiest
// participant rather than once per pinsBetweenCollect pins of each, and the
// global epoch's cache line, which every Pin reads, changes that much less
// often (crossbeam-epoch attempts on every 128th pin of every thread).
func (h *Handle) collect() {
	c := h.c
	done := false
	defer func() {
		if !done {
			// A deferred function panicked: the caller's Pin panics and
			// returns no guard, so end the pin here, or h would stay
			// pinned (and hold the epoch back) forever.
			h.ctl -= 1 << 32
			h.storeState(0)
		}
	}()
	h.seal(c)
	g := c.global.Load()
	if g == h.seen {
		c.tryAdvance(scanBudget)
		g = c.global.Load()
	}
	h.seen = g
	if g >= c.expireAt.Load() {
		c.collect(collectSteps, false)
	}
	done = true
}

// seal hands h's bag, if it holds anything, to the queue of h's collector
// c. It takes c from the caller because Flush may seal h while its owner
// unregisters it (and clears h.c).
func (h *Handle) seal(c *Collector) {
	h.bagMu.Lock()
	if b := h.bag; b != nil && b.n > 0 {
		h.bag = c.push(b)
	}
	h.bagMu.Unlock()
}

// addDeferred adds fn to h's bag, sealing the bag when it is full; h is
// pinned.
func (h *Handle) addDeferred(fn func()) {
	h.bagMu.Lock()
	b := h.bag
	if b == nil {
		b = &bag{}
		h.bag = b
	}
	b.fns[b.n] = fn
	b.n++
	h.deferred.Store(h.deferred.Load() + 1)
	if b.n == bagCap {
		h.bag = h.c.push(b)
	}
	h.bagMu.Unlock()
}

// Unregister removes h from its collector and hands h's deferred functions
// to the collector, which runs them in later pins and flushes. h must not be
// used afterwards. Unregister takes short locks. It must only be called by
// h's owner; it panics if h is pinned or not registered.
func (h *Handle) Unregister() {
	c := h.c
	switch {
	case c == nil:
		panic("epoch: Unregister of a Handle that is not registered (Collector.Register makes one)")
	case h.depth() != 0:
		panic("epoch: Unregister while pinned: every Pin needs its Unpin first")
	}
	h.seal(c)
	h.bagMu.Lock()
	c.dead.Add(h.deferred.Load())
	h.deferred.Store(0)
	h.bagMu.Unlock()
	c.reg.remove(h.idx)
	h.c = nil
	h.ctl = 0
}
