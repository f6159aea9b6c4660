package epoch_test

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/xbeam/xbeam/epoch"
)

// config is read-mostly data with a resource that must be closed only when
// no reader can still use it.
type config struct {
	version int
	closed  atomic.Bool
}

func (c *config) Close() { c.closed.Store(true) }

// An RCU-style swap: readers pin, load the current config and use it
// without locks; the writer swaps in a new version and defers closing the
// old one until every reader that might hold it has unpinned.
func Example_rcu() {
	c := epoch.NewCollector()
	var current atomic.Pointer[config]
	current.Store(&config{version: 1})

	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := c.Register()
			defer h.Unregister()
			for range 1000 {
				g := h.Pin()
				cfg := current.Load()
				if cfg.closed.Load() {
					panic("read a closed config while pinned")
				}
				g.Unpin()
			}
		}()
	}

	old := make([]*config, 0, 10)
	for v := 2; v <= 10; v++ {
		g := c.Pin()
		prev := current.Swap(&config{version: v})
		old = append(old, prev)
		g.Defer(prev.Close)
		g.Unpin()
	}
	wg.Wait()
	c.Flush() // nothing is pinned: every deferred Close has run

	closed := 0
	for _, cfg := range old {
		if cfg.closed.Load() {
			closed++
		}
	}
	fmt.Println("current version:", current.Load().version)
	fmt.Println("old versions closed:", closed, "of", len(old))
	fmt.Println("pending:", c.Pending())
	// Output:
	// current version: 10
	// old versions closed: 9 of 9
	// pending: 0
}

// A Pool recycles objects that pinned readers may still hold: Get hands an
// object out again only after every guard pinned at its Put has unpinned.
func ExamplePool() {
	c := epoch.NewCollector()
	made := 0
	pool := epoch.NewPool(c, func() *[64]byte { made++; return new([64]byte) })

	reader := c.Register()
	defer reader.Unregister()

	buf := pool.Get()
	rg := reader.Pin() // a reader that may still be reading buf

	g := c.Pin()
	pool.Put(g, buf) // buf is unlinked; recycle it once readers are gone
	g.Unpin()

	c.Flush()
	fmt.Println("recycled while a reader was pinned:", pool.Get() == buf)

	rg.Unpin()
	c.Flush()
	fmt.Println("recycled after the reader unpinned:", pool.Get() == buf)
	fmt.Println("objects made:", made)
	// Output:
	// recycled while a reader was pinned: false
	// recycled after the reader unpinned: true
	// objects made: 2
}

// A stalled participant holds back exactly the garbage that others retire
// while it is pinned, as Pending reports, and the epoch cannot move more
// than one step past its pin; once it unpins, one Flush (two epoch
// advances) runs it all.
func ExampleCollector_stalled() {
	c := epoch.NewCollector()
	stalled := c.Register()
	defer stalled.Unregister()

	sg := stalled.Pin()
	start := c.Epoch()
	ran := 0
	for range 1000 {
		g := c.Pin()
		g.Defer(func() { ran++ })
		g.Unpin()
	}
	c.Flush()
	fmt.Println("pending while stalled:", c.Pending(), "ran:", ran)
	fmt.Println("epoch advances while stalled:", c.Epoch()-start)

	sg.Unpin()
	before := c.Epoch()
	c.Flush()
	fmt.Println("pending after unpin and Flush:", c.Pending(), "ran:", ran)
	fmt.Println("epoch advances to drain:", c.Epoch()-before)
	// Output:
	// pending while stalled: 1000 ran: 0
	// epoch advances while stalled: 1
	// pending after unpin and Flush: 0 ran: 1000
	// epoch advances to drain: 2
}

// A Handle is one goroutine's participant: pins nest, and a function
// deferred while pinned runs only after the last Unpin.
func ExampleHandle() {
	c := epoch.NewCollector()
	h := c.Register()
	defer h.Unregister()

	g := h.Pin()
	inner := h.Pin() // nested: the same guard, one more Unpin needed
	inner.Defer(func() { fmt.Println("released") })
	inner.Unpin()
	c.Flush()
	fmt.Println("still pinned after the inner Unpin, pending:", c.Pending())
	g.Unpin()
	c.Flush()
	fmt.Println("pending:", c.Pending())
	// Output:
	// still pinned after the inner Unpin, pending: 1
	// released
	// pending: 0
}

// Collector.Pin serves goroutines that own no Handle, such as one
// goroutine per request: each claims a pooled participant for the span of
// one operation, so goroutines that come and go add no participants beyond
// the most that are pinned at once.
func ExampleCollector_Pin() {
	c := epoch.NewCollector()
	var released atomic.Int64
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := c.Pin()
			g.Defer(func() { released.Add(1) })
			g.Unpin()
		}()
	}
	wg.Wait()
	c.Flush()
	fmt.Println("released:", released.Load())
	// Output:
	// released: 100
}

// A Collector runs a deferred function once every goroutine that was
// pinned at the time of the Defer has unpinned: here a reader still holds
// the old buffer when a writer replaces it, so the buffer is released only
// after the reader's Unpin.
func ExampleCollector() {
	c := epoch.NewCollector()
	var current atomic.Pointer[[]byte]
	current.Store(&[]byte{1, 2, 3})

	reader := c.Register()
	defer reader.Unregister()
	rg := reader.Pin()
	held := current.Load() // the reader may use *held until it unpins

	g := c.Pin()
	old := current.Swap(&[]byte{4, 5, 6})
	g.Defer(func() { fmt.Println("old buffer released:", *old) })
	g.Unpin()

	c.Flush()
	fmt.Println("reader still sees:", *held)
	rg.Unpin()
	c.Flush()
	// Output:
	// reader still sees: [1 2 3]
	// old buffer released: [1 2 3]
}

// A Guard is what a pin returns: retire through it while pinned, and end
// the pin with Unpin. Defer and Pool.Put need a pinned guard.
func ExampleGuard() {
	c := epoch.NewCollector()
	h := c.Register()
	defer h.Unregister()

	g := h.Pin()
	g.Defer(func() { fmt.Println("deferred function ran") })
	g.Unpin()
	fmt.Println("pending after Unpin:", c.Pending())
	c.Flush()
	fmt.Println("pending after Flush:", c.Pending())
	// Output:
	// pending after Unpin: 1
	// deferred function ran
	// pending after Flush: 0
}
