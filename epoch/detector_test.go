package epoch_test

import (
	"runtime"
	"sync"
	"testing"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/epoch"
	"github.com/xbeam/xbeam/internal/race"
)

// victim is an object that readers use while pinned and that writers
// retire. payload and check are written with plain stores before the
// object is published and when it is freed or recycled, and read with plain
// loads by pinned readers: without the happens-before edges that epoch
// promises, the race detector reports the conflict, and without the
// exclusion it promises, readers see a freed or reused object.
type victim struct {
	payload int
	check   int // ^payload while the object is live
	freed   atomicx.Bool
	gen     atomicx.Uint64 // incremented each time a Pool hands it out
}

const poisoned = -1

func hammerSizes() (readers, writers, iters int) {
	iters = 200000
	if testing.Short() {
		iters = 50000
	}
	if race.Enabled {
		iters /= 5
	}
	if atomicx.ChaosEnabled {
		iters /= 2
	}
	return 3, 2, iters
}

// TestUseAfterRetireDefer: readers pin and read the current object; writers
// swap in a new one and defer its poisoning. Any reader that sees a poisoned
// object while pinned fails.
func TestUseAfterRetireDefer(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 4, 8} {
		runtime.GOMAXPROCS(procs)
		useAfterRetire(t, false)
	}
}

// TestUseAfterRetirePool: as above, but writers recycle through a Pool and
// rewrite the recycled object before publishing it again.
func TestUseAfterRetirePool(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 4, 8} {
		runtime.GOMAXPROCS(procs)
		useAfterRetire(t, true)
	}
}

func useAfterRetire(t *testing.T, usePool bool) {
	t.Helper()
	readers, writers, iters := hammerSizes()
	c := epoch.NewCollector()
	pool := epoch.NewPool(c, func() *victim { return new(victim) })
	var shared atomicx.Pointer[victim]
	first := &victim{payload: 1, check: ^1}
	shared.Store(first)
	var stop atomicx.Bool
	var failed atomicx.Bool
	fail := func(format string, args ...any) {
		if !failed.Swap(true) {
			t.Errorf(format, args...)
		}
	}

	var rwg, wwg sync.WaitGroup
	for r := range readers {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			h := c.Register()
			defer h.Unregister()
			for i := 0; !stop.Load(); i++ {
				var g *epoch.Guard
				switch (i + r) % 3 {
				case 0:
					g = h.Pin()
				case 1:
					g = c.Pin()
				default:
					g = h.Pin()
					h.Pin() // nested: the inner Unpin must not end the pin
					g.Unpin()
				}
				v := shared.Load()
				gen := v.gen.Load()
				for range 4 {
					if v.freed.Load() {
						fail("reader saw a freed object while pinned")
					}
					if p := v.payload; p == poisoned || v.check != ^p {
						fail("reader saw payload %d, check %d while pinned", p, v.check)
					}
					if v.gen.Load() != gen {
						fail("reader saw an object handed out again while pinned")
					}
					runtime.Gosched()
				}
				g.Unpin()
			}
		}()
	}
	for w := range writers {
		wwg.Add(1)
		go func() {
			defer wwg.Done()
			var h *epoch.Handle
			if w%2 == 0 {
				h = c.Register()
				defer h.Unregister()
			}
			for i := range iters {
				var g *epoch.Guard
				if h != nil {
					g = h.Pin()
				} else {
					g = c.Pin()
				}
				var n *victim
				if usePool {
					n = pool.Get()
					n.gen.Add(1)
				} else {
					n = new(victim)
				}
				n.payload = i + 2
				n.check = ^(i + 2)
				old := shared.Swap(n)
				if usePool {
					pool.Put(g, old)
				} else {
					g.Defer(func() {
						old.payload = poisoned
						old.freed.Store(true)
					})
				}
				g.Unpin()
				if i%500 == 0 {
					c.Flush()
				}
			}
		}()
	}
	wwg.Wait()
	stop.Store(true)
	rwg.Wait()
	c.Flush()
	if p := c.Pending(); p != 0 {
		t.Errorf("Pending = %d after the hammer and a Flush, want 0", p)
	}
}
