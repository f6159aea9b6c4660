package epoch

// Guard is a pinned participant, returned by Handle.Pin and Collector.Pin.
// While a guard is pinned, a function deferred by any goroutine does not run
// and an object Put into a Pool is not handed out again, so the holder may
// read shared objects that other goroutines retire meanwhile.
//
// A Guard belongs to the goroutine that pinned it. It must not be used after
// the Unpin that ends its pin, and it must not be copied.
//
// Memory model: see Collector. A Defer through a guard synchronizes before
// the deferred function runs, and the Unpin of every guard pinned at the
// time of the Defer synchronizes before it runs too.
type Guard struct {
	_ noCopy
	h *Handle
}

// Defer arranges for fn to run, exactly once, after every guard pinned
// anywhere at the moment of this call has been unpinned: use it to release
// (close, recycle, reuse) an object that the caller has just unlinked from a
// shared structure and that pinned readers may still see. fn runs on some
// goroutine that pins or flushes the collector later; it should not block
// for long, and it must not call Flush (which would wait for itself). If fn
// panics, the panic comes out of the Pin or Flush that ran it (that Pin
// leaves nothing pinned), fn counts as run, and the other functions still
// run, each once, later. Defer must only be called by the guard's
// owner while pinned; it panics on an unpinned guard or a nil fn.
func (g *Guard) Defer(fn func()) {
	h := g.h
	if h.depth() == 0 {
		panic("epoch: Defer on an unpinned guard")
	}
	if fn == nil {
		panic("epoch: Defer of a nil function")
	}
	h.addDeferred(fn)
}

// Unpin ends one pin of g (pins of a Handle nest; the guard stays pinned
// until its last Unpin). Unpin must only be called by the guard's owner; it
// panics if g is not pinned.
func (g *Guard) Unpin() {
	h := g.h
	if h.ctl>>32 != 1 {
		g.unpinSlow()
		return
	}
	h.ctl -= 1 << 32
	// Ends the pin: everything this goroutine did while pinned happens
	// before any advance scan that reads this 0, hence before whatever that
	// advance releases. For a pooled participant the Store also frees it for
	// the next Collector.Pin, which may claim it at once: h must not be
	// touched after it.
	h.state.Store(0)
}

// unpinSlow ends a nested pin, or panics.
func (g *Guard) unpinSlow() {
	h := g.h
	if h.depth() == 0 {
		panic("epoch: Unpin of a guard that is not pinned")
	}
	h.ctl -= 1 << 32
}
