package epoch_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/xbeam/xbeam/epoch"
)

// TestEpochTagWrap runs the advance protocol across the wrap-around of the
// scan cursor's epoch tag: with many handles (so that each advance takes
// several bounded attempts, by several goroutines) and a stalled
// participant, the same bounds hold as anywhere else.
func TestEpochTagWrap(t *testing.T) {
	start := uint64(epoch.TagWrap - 3)
	c := epoch.NewCollectorAt(start)
	registerIdle(t, c, 300)

	// Stall at start, retire from two goroutines, check nothing runs.
	stalled := c.Register()
	defer stalled.Unregister()
	sg := stalled.Pin()
	var ran atomic.Int64
	const per = 2000
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := c.Register()
			defer h.Unregister()
			for range per {
				g := h.Pin()
				g.Defer(func() { ran.Add(1) })
				g.Unpin()
			}
			for range 20 * epoch.PinsBetweenCollect {
				h.Pin().Unpin()
			}
		}()
	}
	wg.Wait()
	c.Flush()
	if ran.Load() != 0 || c.Pending() != 2*per {
		t.Fatalf("while stalled: ran %d, Pending %d; want 0, %d", ran.Load(), c.Pending(), 2*per)
	}
	if e := c.Epoch(); e > start+1 {
		t.Fatalf("epoch %d moved more than one step past the stalled pin at %d", e, start)
	}
	sg.Unpin()

	// Advance well past the wrap with pins alone, then drain.
	h := c.Register()
	defer h.Unregister()
	for c.Epoch() < epoch.TagWrap+3 {
		h.Pin().Unpin()
	}
	c.Flush()
	if ran.Load() != 2*per || c.Pending() != 0 {
		t.Fatalf("after the wrap: ran %d, Pending %d; want %d, 0", ran.Load(), c.Pending(), 2*per)
	}
}
