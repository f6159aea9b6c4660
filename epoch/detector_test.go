package epoch_test

import (
	"testing"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/internal/race"
	"github.com/xbeam/xbeam/internal/reclaimcheck"
)

// useAfterRetire runs the use-after-retire detector (package reclaimcheck)
// on a fresh Collector and Pool at GOMAXPROCS 1, 2, 4 and 8: 3 readers, 2
// writers, 200000 swaps per writer, fewer under -short, -race and chaos.
func useAfterRetire(t *testing.T, pool bool) {
	t.Helper()
	iters := 200000
	if testing.Short() {
		iters = 50000
	}
	if race.Enabled {
		iters /= 5
	}
	if atomicx.ChaosEnabled {
		iters /= 2
	}
	for _, procs := range []int{1, 2, 4, 8} {
		cfg := reclaimcheck.Config{Readers: 3, Writers: 2, Swaps: 2 * iters, Pool: pool, Plain: true, Procs: procs}
		reclaimcheck.Run(t, cfg, reclaimcheck.Epoch())
	}
}

// TestUseAfterRetireDefer: readers pin and check the current object;
// writers swap in a new one and defer its poisoning. Any reader that sees a
// poisoned object while pinned fails, and so does a deferred free that runs
// other than exactly once.
func TestUseAfterRetireDefer(t *testing.T) { useAfterRetire(t, false) }

// TestUseAfterRetirePool: as above, but writers recycle through a Pool and
// rewrite the recycled object before publishing it again.
func TestUseAfterRetirePool(t *testing.T) { useAfterRetire(t, true) }
