package epoch

import (
	"sync"

	"github.com/xbeam/xbeam/atomicx"
)

// Handle is a participant of a Collector: a goroutine pins it for the span
// of an operation on a shared structure, and defers, through the Guard, the
// reuse of whatever it unlinked.
//
// A Handle is used by one goroutine at a time (pass it between goroutines
// only with a synchronizing hand-off, while it is unpinned). Pin and Unpin
// touch only the handle's own padded cache line and a load of the global
// epoch, and allocate nothing; every 128th outermost pin (K, see the
// package doc) also tries to advance the epoch and to run expired garbage.
//
// A Handle must not be copied after first use.
//
// Memory model: see Collector. The Unpin that ends a pin synchronizes before
// every deferred function and every Pool hand-out that waited for that pin.
type Handle struct {
	_ noCopy
	_ atomicx.Pad

	// state is 0 while unpinned, and e<<1|pinnedBit while pinned at epoch e.
	// Written by the owner (for a pooled participant: claimed by CAS from
	// 0 by Collector.Pin, released by the Unpin store of 0); read by
	// advance scanners.
	state atomicx.Uint64
	// ctl is the owner's pin control word, one word so that Pin's fast
	// path tests it with one comparison: the high 32 bits count nested pins
	// (0: unpinned), the low 32 bits count down, from pinsBetweenCollect to
	// 1, the outermost pins left until the one that does the amortized
	// collection. 0 once unregistered (unpinned, and never the fast path).
	// Owner only (for a pooled participant: whoever claimed it).
	ctl uint64
	// c is the collector; nil once unregistered. Written by Register and
	// Unregister, read by the owner.
	c     *Collector
	guard Guard  // the owner's guard; guard.h == this handle
	idx   uint64 // slot in c.reg
	// seen is the global epoch after this participant's last amortized
	// collection; owner only (for a pooled participant: its claimers).
	seen uint64
	_    atomicx.Pad

	// bagMu guards bag: the owner fills it in Defer, Flush seals it from any
	// goroutine.
	bagMu sync.Mutex
	bag   *bag
	// deferred counts the functions deferred through this handle. Written
	// under bagMu; read by Pending.
	deferred atomicx.Uint64
	// No trailing pad: whatever follows (the next pooled participant, or
	// another heap object) starts with its own padding or holds nothing
	// hot; the cold fields above may share a line with it.
}

// init sets up h as a participant of c and registers it.
func (h *Handle) init(c *Collector) {
	h.c = c
	h.ctl = pinsBetweenCollect
	h.guard.h = h
	h.idx = c.reg.add(h)
}

// Pin pins h and returns its guard. While pinned, nothing deferred by any
// goroutine from now on runs, and no object Put into a Pool from now on is
// handed out again. Pins nest: a second Pin returns the same guard, and
// each Pin needs its Unpin. Pin must only be called by h's owner; it
// panics if h was unregistered.
func (h *Handle) Pin() *Guard {
	// Fast path: unpinned, registered, and not the collecting pin.
	if h.ctl-2 >= 1<<32-2 {
		return h.pinSlow()
	}
	// Ordering: the Store publishes the pinned epoch before anything the
	// caller loads while pinned, with no fence after it. Go's atomics are
	// sequentially consistent: all of them fall in one total order that
	// respects each goroutine's program order, so this Store precedes the
	// loads that follow it here (of the structure's pointers), and every
	// load of the global epoch that follows those in the total order. If we
	// load a pointer p and another goroutine then unlinks p and seals its
	// retirement with a load of the global epoch t, our Store precedes that
	// load; the advance from t+1 to t+2 reads this slot after its own load
	// of the global epoch t+1, hence after our Store, and sees us pinned.
	// A store followed by a load is exactly what hardware reorders (x86's
	// store buffer, and weaker machines): crossbeam-epoch makes a Relaxed
	// store and needs fence(SeqCst) right after it, without which a reader
	// could load p while an advancer still reads its slot as unpinned,
	// advance twice and free p under it. Go's Store already carries that
	// order (XCHG on amd64). Reading a stale global epoch before the Store
	// is harmless: a pin at an older epoch only holds advances back (see
	// Collector.tryAdvance).
	h.state.Store(h.c.global.Load()<<1 | pinnedBit)
	h.ctl += 1<<32 - 1 // one guard, one pin less to the collecting one
	return &h.guard
}

// depth returns the number of nested pins of h; owner only.
func (h *Handle) depth() uint32 { return uint32(h.ctl >> 32) }

// claimed finishes the outermost pin of h, whose state the caller has just
// set to pinned (for a pooled participant, claimed by CAS).
func (h *Handle) claimed() *Guard {
	if uint32(h.ctl) > 1 {
		h.ctl += 1<<32 - 1
		return &h.guard
	}
	h.ctl = 1<<32 | pinsBetweenCollect
	h.collect()
	return &h.guard
}

// pinSlow handles a nested pin, a pin after Unregister, and the outermost
// pin that does the amortized collection.
func (h *Handle) pinSlow() *Guard {
	switch {
	case h.c == nil:
		panic("epoch: Pin of an unregistered handle")
	case h.depth() == ^uint32(0):
		panic("epoch: too many nested pins")
	case h.depth() != 0:
		h.ctl += 1 << 32
		return &h.guard
	}
	// As in Pin.
	h.state.Store(h.c.global.Load()<<1 | pinnedBit)
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
			h.state.Store(0)
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

// Unregister removes h from its collector and hands h's garbage to the
// collector, which runs it in later pins and flushes. h must not be used
// afterwards. Unregister must only be called by h's owner; it panics if h is
// pinned or already unregistered.
func (h *Handle) Unregister() {
	c := h.c
	switch {
	case c == nil:
		panic("epoch: Unregister of a handle that is not registered")
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
