//go:build !xbeam_chaos

package epoch

import (
	"sync/atomic"
	"unsafe"
)

// Pin pins h and returns its guard: until the matching [Guard.Unpin], no
// function deferred from then on by any goroutine runs, and no object put
// into a [Pool] from then on is handed out again. Pins nest: a Pin while
// pinned returns the same guard, and each Pin needs its own Unpin. Pin is
// wait-free and allocates nothing; every 128th outermost pin also does a
// bounded share of the collector's work. Pin must only be called by h's
// owner; it panics if h is not registered.
func (h *Handle) Pin() *Guard {
	// Fast path: unpinned, registered, and not the collecting pin (see ctl).
	// Kept within the inlining budget: sync/atomic on the raw words, the
	// epoch word read through h.global, the guard by conversion (the chaos
	// build's copy, pin_chaos.go, passes the chaos point instead).
	if h.ctl-2 >= 1<<32-2 {
		return h.pinSlow()
	}
	// The one locked instruction of a pin pair (XCHG on amd64). It
	// publishes the pin before every load the caller makes while pinned;
	// see pinOrder in collector.go for why that order is needed and why a
	// stale epoch read before it is harmless.
	atomic.StoreUint64(&h.state, atomic.LoadUint64(h.global))
	h.ctl += 1<<32 - 1 // one guard, one pin less to the collecting one
	// Safety: as in Handle.guard.
	return (*Guard)(unsafe.Pointer(h))
}
