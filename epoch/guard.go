package epoch

import "github.com/xbeam/xbeam/internal/release"

// Guard is a pin of a participant, returned by [Handle.Pin] and
// [Collector.Pin]. While a guard is pinned, no function deferred from then
// on runs and no object put into a [Pool] from then on is handed out again,
// so its holder may keep reading shared objects that other goroutines
// unlink and retire meanwhile.
//
// A Guard belongs to the goroutine that pinned it: only that goroutine may
// call its methods, and not after the Unpin that ends its pin. Retire an
// object through the guard with [Guard.Defer] or [Pool.Put].
//
// The zero Guard is not usable: every method panics with a message naming
// the constructors. A Guard must not be copied.
//
// Memory model: the Defer of fn synchronizes before fn runs, and so does
// the return of Unpin of every guard that was pinned at the time of the
// Defer: everything its holder did while pinned happens before fn starts.
type Guard struct {
	// h is the participant itself: a *Guard is the *Handle it pins, seen
	// through this type (see Handle.guard), so that Unpin reaches the
	// participant's words without loading a pointer first.
	h Handle
}

// zeroGuard is the panic of every operation on a Guard that no Pin returned.
const zeroGuard = "epoch: Guard used without Handle.Pin or Collector.Pin"

// Defer arranges for fn to run, exactly once, after every guard pinned
// anywhere at the moment of this call has been unpinned. Use it to release
// (close, recycle, reuse) an object that the caller has just unlinked from
// a shared structure and that pinned readers may still see. fn runs on a
// goroutine that later pins or flushes the collector, so it should be
// short. If fn panics, the panic comes out of that Pin or Flush (a Pin that
// panics leaves nothing pinned), fn counts as run, and the other functions
// still run later. Defer takes a short lock and allocates nothing in steady
// state; the collector keeps fn (and what it captures) until fn runs.
//
// Defer must only be called by the guard's owner while pinned; it panics on
// an unpinned guard or a nil fn.
func (g *Guard) Defer(fn func()) {
	h := &g.h
	if h.depth() == 0 {
		if h.c == nil {
			panic(zeroGuard)
		}
		panic("epoch: Defer on an unpinned guard")
	}
	if fn == nil {
		panic("epoch: Defer of a nil function")
	}
	h.addDeferred(fn)
}

// Unpin ends one pin of g (pins of a Handle nest; the guard stays pinned
// until its last Unpin). It is wait-free, allocates nothing and, outside
// the race detector, executes no locked instruction. Unpin must only be
// called by the guard's owner; it panics if g is not pinned.
func (g *Guard) Unpin() {
	h := &g.h
	if h.ctl>>32 != 1 {
		h.unpinSlow()
		return
	}
	h.ctl -= 1 << 32
	// A release store (a plain MOV on amd64, see package release): the pin
	// ends after every load and store this goroutine made while pinned, so
	// an advance that reads this 0 comes after them, and so does whatever
	// that advance releases. No store-to-load fence is needed here: nothing
	// this goroutine loads afterwards relies on the unpin being visible
	// (crossbeam-epoch's Local::unpin is a Release store too). For a pooled
	// participant this store also frees it for the next Collector.Pin, which
	// may claim it at once: h must not be touched after it.
	release.StoreUint64(&h.state, 0)
}

// unpinSlow ends a nested pin, or panics.
func (h *Handle) unpinSlow() {
	if h.depth() == 0 {
		if h.c == nil {
			panic(zeroGuard)
		}
		panic("epoch: Unpin of a guard that is not pinned")
	}
	h.ctl -= 1 << 32
}
