//go:build xbeam_chaos

package epoch

import (
	"sync/atomic"

	"github.com/xbeam/xbeam/internal/chaos"
)

// Pin pins h and returns its guard: until the matching [Guard.Unpin], no
// function deferred from then on by any goroutine runs, and no object put
// into a [Pool] from then on is handed out again. Pins nest: a Pin while
// pinned returns the same guard, and each Pin needs its own Unpin. Pin is
// wait-free and allocates nothing; every 128th outermost pin also does a
// bounded share of the collector's work. Pin must only be called by h's
// owner; it panics if h is not registered.
func (h *Handle) Pin() *Guard {
	// pin_fast.go's fast path with a chaos point before each atomic.
	if h.ctl-2 >= 1<<32-2 {
		return h.pinSlow()
	}
	chaos.Point()
	e := atomic.LoadUint64(h.global)
	chaos.Point()
	atomic.StoreUint64(&h.state, e)
	h.ctl += 1<<32 - 1
	return h.guard()
}
