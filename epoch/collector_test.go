package epoch_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/xbeam/xbeam/epoch"
	"github.com/xbeam/xbeam/internal/race"
)

// mustPanic runs f and fails unless it panics with exactly msg.
func mustPanic(t *testing.T, msg string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic; want %q", msg)
		}
		if s, ok := r.(string); !ok || s != msg {
			t.Fatalf("panic %v; want %q", r, msg)
		}
	}()
	f()
}

func TestDeferRunsAfterUnpinAndFlush(t *testing.T) {
	c := epoch.NewCollector()
	h := c.Register()
	defer h.Unregister()
	ran := 0
	g := h.Pin()
	g.Defer(func() { ran++ })
	if got := c.Pending(); got != 1 {
		t.Fatalf("Pending = %d, want 1", got)
	}
	c.Flush() // h is pinned: the function must not run
	if ran != 0 {
		t.Fatalf("deferred function ran while its guard was pinned")
	}
	g.Unpin()
	c.Flush()
	if ran != 1 {
		t.Fatalf("ran = %d after Unpin and Flush, want 1", ran)
	}
	if got := c.Pending(); got != 0 {
		t.Fatalf("Pending = %d, want 0", got)
	}
	c.Flush()
	if ran != 1 {
		t.Fatalf("ran = %d after a second Flush, want 1", ran)
	}
}

func TestDeferWaitsForOtherPinnedHandle(t *testing.T) {
	c := epoch.NewCollector()
	reader, writer := c.Register(), c.Register()
	defer reader.Unregister()
	defer writer.Unregister()
	rg := reader.Pin()
	ran := false
	wg := writer.Pin()
	wg.Defer(func() { ran = true })
	wg.Unpin()
	for range 10 {
		c.Flush()
		for range 4 * epoch.PinsBetweenCollect {
			writer.Pin().Unpin()
		}
	}
	if ran {
		t.Fatal("deferred function ran while a guard pinned at Defer time was pinned")
	}
	rg.Unpin()
	c.Flush()
	if !ran {
		t.Fatal("deferred function did not run after every guard unpinned and Flush")
	}
}

func TestNestedPins(t *testing.T) {
	c := epoch.NewCollector()
	h := c.Register()
	defer h.Unregister()
	ran := 0
	g1 := h.Pin()
	g2 := h.Pin()
	if g1 != g2 {
		t.Fatal("nested Pin returned a different guard")
	}
	g2.Defer(func() { ran++ })
	g2.Unpin()
	if !g1.Pinned() {
		t.Fatal("guard unpinned after the inner of two Unpins")
	}
	c.Flush()
	if ran != 0 {
		t.Fatal("deferred function ran while the outer pin was held")
	}
	g1.Unpin()
	if g1.Pinned() {
		t.Fatal("guard still pinned after the last Unpin")
	}
	c.Flush()
	if ran != 1 {
		t.Fatalf("ran = %d, want 1", ran)
	}
}

func TestCollectorPinNested(t *testing.T) {
	c := epoch.NewCollector()
	ran := 0
	g1 := c.Pin()
	g2 := c.Pin()
	if g1 == g2 {
		t.Fatal("nested Collector.Pin returned the same pooled guard")
	}
	g2.Defer(func() { ran++ })
	g2.Unpin()
	c.Flush()
	if ran != 0 {
		t.Fatal("deferred function ran while the outer pooled guard was pinned")
	}
	g1.Unpin()
	c.Flush()
	if ran != 1 {
		t.Fatalf("ran = %d, want 1", ran)
	}
}

func TestPanics(t *testing.T) {
	c := epoch.NewCollector()
	h := c.Register()
	g := h.Pin()
	mustPanic(t, "epoch: Unregister while pinned: every Pin needs its Unpin first", h.Unregister)
	mustPanic(t, "epoch: Defer of a nil function", func() { g.Defer(nil) })
	g.Unpin()
	mustPanic(t, "epoch: Defer on an unpinned guard", func() { g.Defer(func() {}) })
	mustPanic(t, "epoch: Unpin of a guard that is not pinned", g.Unpin)
	h.Unregister()
	mustPanic(t, "epoch: Unregister of a Handle that is not registered (Collector.Register makes one)", h.Unregister)
	mustPanic(t, "epoch: Pin of a Handle that is not registered (Collector.Register makes one)", func() { h.Pin() })

	pg := c.Pin()
	pg.Unpin()
	mustPanic(t, "epoch: Defer on an unpinned guard", func() { pg.Defer(func() {}) })

	other := epoch.NewCollector()
	p := epoch.NewPool(c, func() *int { return new(int) })
	og := other.Pin()
	mustPanic(t, "epoch: Pool.Put with a guard of another Collector", func() { p.Put(og, new(int)) })
	og.Unpin()
	mustPanic(t, "epoch: Pool.Put with an unpinned guard", func() { p.Put(og, new(int)) })
	g = c.Pin()
	mustPanic(t, "epoch: Pool.Put of a nil object", func() { p.Put(g, nil) })
	g.Unpin()
	mustPanic(t, "epoch: NewPool with a nil Collector", func() { epoch.NewPool[int](nil, func() *int { return nil }) })
	mustPanic(t, "epoch: NewPool with a nil newFn", func() { epoch.NewPool[int](c, nil) })
	mustPanic(t, "epoch: Pool limit must be at least 1", func() { p.SetLimit(0) })
}

// TestExactlyOnce defers from many goroutines, through registered handles
// and Collector.Pin, with concurrent flushes, and checks that every function
// runs exactly once and Pending ends at 0.
func TestExactlyOnce(t *testing.T) {
	per := 20000
	if testing.Short() {
		per = 4000
	}
	if race.Enabled {
		per /= 4
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 4, 8} {
		runtime.GOMAXPROCS(procs)
		c := epoch.NewCollector()
		const workers = 8
		counts := make([]int32, workers*per)
		var mu sync.Mutex // guards counts: runs may happen on any goroutine
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var h *epoch.Handle
				if w%2 == 0 {
					h = c.Register()
					defer h.Unregister()
				}
				for i := range per {
					id := w*per + i
					var g *epoch.Guard
					if h != nil {
						g = h.Pin()
					} else {
						g = c.Pin()
					}
					g.Defer(func() {
						mu.Lock()
						counts[id]++
						mu.Unlock()
					})
					g.Unpin()
					if i%1000 == 999 {
						c.Flush()
					}
				}
			}()
		}
		wg.Wait()
		c.Flush()
		if p := c.Pending(); p != 0 {
			t.Fatalf("GOMAXPROCS=%d: Pending = %d after final Flush, want 0", procs, p)
		}
		for id, n := range counts {
			if n != 1 {
				t.Fatalf("GOMAXPROCS=%d: function %d ran %d times", procs, id, n)
			}
		}
	}
}

// TestParticipantsBounded pins once from many short-lived goroutines, at
// most width at a time, and checks that the participant table stays within
// the pool plus width, however many goroutines came and went.
func TestParticipantsBounded(t *testing.T) {
	total := 1_000_000
	if testing.Short() {
		total = 100_000
	}
	if race.Enabled {
		total = 20_000
	}
	const width = 64
	c := epoch.NewCollector()
	before := c.Slots()
	sem := make(chan struct{}, width)
	var wg sync.WaitGroup
	for range total {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := c.Pin()
			g.Unpin()
			<-sem
		}()
	}
	wg.Wait()
	if before != 0 {
		t.Fatalf("fresh collector has %d participants, want 0 (pooled ones are made on first use)", before)
	}
	t.Logf("%d goroutines pinned once each, at most %d at a time: %d participants (pool size %d)", total, width, c.Slots(), c.PoolSize())
	if got, limit := c.Slots(), c.PoolSize()+width; got > limit {
		t.Fatalf("participant table grew to %d after %d goroutines, want at most the pool (%d) plus the most pinned at once (%d)", got, total, c.PoolSize(), width)
	}
}

// TestRegisterReusesSlots checks that Unregister frees a slot for the next
// Register.
func TestRegisterReusesSlots(t *testing.T) {
	c := epoch.NewCollector()
	base := c.Slots()
	for range 1000 {
		hs := []*epoch.Handle{c.Register(), c.Register(), c.Register()}
		for _, h := range hs {
			h.Pin().Unpin()
			h.Unregister()
		}
	}
	if got := c.Slots(); got != base+3 {
		t.Fatalf("Slots = %d after register/unregister cycles, want %d", got, base+3)
	}
	if got := c.Participants(); got != base {
		t.Fatalf("Participants = %d, want %d", got, base)
	}
}

// TestUnregisterHandsOverGarbage checks that garbage of an unregistered
// handle still runs.
func TestUnregisterHandsOverGarbage(t *testing.T) {
	c := epoch.NewCollector()
	h := c.Register()
	ran := 0
	g := h.Pin()
	for range 3 {
		g.Defer(func() { ran++ })
	}
	g.Unpin()
	h.Unregister()
	if p := c.Pending(); p != 3 {
		t.Fatalf("Pending = %d after Unregister, want 3", p)
	}
	c.Flush()
	if ran != 3 || c.Pending() != 0 {
		t.Fatalf("ran = %d, Pending = %d; want 3, 0", ran, c.Pending())
	}
}

// TestChurn registers, pins, defers and unregisters handles from several
// goroutines while others flush and read Pending: every function runs
// once (run it with -race: Flush reads participants that are being
// unregistered).
func TestChurn(t *testing.T) {
	rounds := 2000
	if testing.Short() {
		rounds = 300
	}
	c := epoch.NewCollector()
	var ran atomic.Int64
	var stop sync.WaitGroup
	done := make(chan struct{})
	for range 2 {
		stop.Add(1)
		go func() {
			defer stop.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				c.Flush()
				c.Pending()
			}
		}()
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				h := c.Register()
				g := h.Pin()
				for range 3 {
					g.Defer(func() { ran.Add(1) })
				}
				g.Unpin()
				h.Unregister()
			}
		}()
	}
	wg.Wait()
	close(done)
	stop.Wait()
	c.Flush()
	if got, want := ran.Load(), int64(4*rounds*3); got != want {
		t.Fatalf("%d deferred functions ran, want %d", got, want)
	}
	if p := c.Pending(); p != 0 {
		t.Fatalf("Pending = %d, want 0", p)
	}
}

// TestDeferredPanic: a deferred function that panics makes the Pin or
// Flush that ran it panic, leaves nothing pinned, counts as run once, and
// does not stop the other functions from running once each.
func TestDeferredPanic(t *testing.T) {
	for _, via := range []string{"Flush", "Handle.Pin", "Collector.Pin"} {
		c := epoch.NewCollector()
		deferrer, pinner := c.Register(), c.Register()
		counts := make([]int, 3*epoch.BagCap) // three full bags, sealed at Defer
		g := deferrer.Pin()
		for i := range counts {
			g.Defer(func() {
				counts[i]++
				if i == epoch.BagCap+5 {
					panic("boom")
				}
			})
		}
		g.Unpin()
		got := func() (r any) {
			defer func() { r = recover() }()
			switch via {
			case "Flush":
				c.Flush()
			case "Handle.Pin":
				for range 100 * epoch.PinsBetweenCollect {
					pinner.Pin().Unpin()
				}
			default:
				for range 100 * epoch.PinsBetweenCollect {
					c.Pin().Unpin()
				}
			}
			return nil
		}()
		if got != "boom" {
			t.Fatalf("%s: recovered %v, want the deferred function's panic", via, got)
		}
		// Nothing is left pinned: a function deferred now runs at the next
		// Flush, which also runs the rest.
		probe := false
		g = deferrer.Pin()
		g.Defer(func() { probe = true })
		g.Unpin()
		c.Flush()
		if !probe {
			t.Fatalf("%s: a Flush with nothing pinned did not run a new function: the panicking %s left a participant pinned", via, via)
		}
		for i, n := range counts {
			if n != 1 {
				t.Fatalf("%s: function %d ran %d times, want 1", via, i, n)
			}
		}
		if p := c.Pending(); p != 0 {
			t.Fatalf("%s: Pending = %d, want 0", via, p)
		}
		pinner.Unregister()
		deferrer.Unregister()
	}
}
