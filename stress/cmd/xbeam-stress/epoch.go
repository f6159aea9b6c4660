package main

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/epoch"
	"github.com/xbeam/xbeam/internal/race"
)

// victim is an object that pinned readers use while writers retire it.
// payload and check are plain fields, written before the object is
// published (and, in Defer mode, poisoned by the deferred free): if epoch
// let a free or a reuse happen while a reader still held the object, the
// race detector reports the conflicting plain accesses, and without it the
// reader sees check != ^payload, freed set, or gen changed.
type victim struct {
	payload int
	check   int
	freed   atomicx.Bool   // set by the deferred free (Defer mode)
	gen     atomicx.Uint64 // bumped each time the Pool hands it out (Pool mode)
	frees   atomicx.Int32  // deferred frees run on this object: must end at 1
}

// epochChunk is the use-after-retire detector: consumers (readers) pin,
// load the current object and check, before and after a short pause while
// still pinned, that it was neither freed nor handed out again; producers
// (writers) pin, swap in a new object and retire the old one, by
// Guard.Defer of a poisoning free (even chunks) or by Pool.Put with reuse
// through Pool.Get (odd chunks). At the end, with nothing pinned, Flush
// must have run every deferred free exactly once.
func epochChunk(t testing.TB, e *chunkEnv) {
	readers, writers := min(e.consumers, 6), min(e.producers, 4)
	swaps := 20000
	if race.Enabled {
		swaps = 4000
	}
	usePool := e.k%2 == 1
	old := runtime.GOMAXPROCS(e.procs)
	defer runtime.GOMAXPROCS(old)

	c := epoch.NewCollector()
	pool := epoch.NewPool(c, func() *victim { return new(victim) })
	var shared atomicx.Pointer[victim]
	shared.Store(&victim{payload: 1, check: ^1})
	var (
		stop      atomicx.Bool
		mu        sync.Mutex
		problems  []string
		swapsDone atomicx.Int64
		reads     atomicx.Int64
		retired   []*victim
		retiredMu sync.Mutex
		rwg, wwg  sync.WaitGroup
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(problems) < 5 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
		stop.Store(true)
	}
	for i := range readers {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			h := c.Register()
			defer h.Unregister()
			n := 0
			for !stop.Load() {
				g := h.Pin()
				v := shared.Load()
				gen := v.gen.Load()
				if v.freed.Load() {
					fail("reader %d: the object it just loaded while pinned was already freed", i)
				}
				p := v.payload
				if v.check != ^p {
					fail("reader %d: object payload %d with check %d: freed or reused while reachable", i, p, v.check)
				}
				for j := 0; j < n%16; j++ {
					runtime.Gosched()
				}
				if v.freed.Load() || v.gen.Load() != gen || v.payload != p {
					fail("reader %d: the object was freed or handed out again while the reader was still pinned (gen %d -> %d, freed %v)",
						i, gen, v.gen.Load(), v.freed.Load())
				}
				g.Unpin()
				n++
			}
			reads.Add(int64(n))
		}()
	}
	for w := range writers {
		wwg.Add(1)
		go func() {
			defer wwg.Done()
			h := c.Register()
			defer h.Unregister()
			for i := range swaps / writers {
				if stop.Load() {
					return
				}
				g := h.Pin()
				var n *victim
				if usePool {
					n = pool.Get()
					n.gen.Add(1)
				} else {
					n = new(victim)
				}
				n.payload = w<<32 | i + 2
				n.check = ^n.payload
				o := shared.Swap(n)
				if usePool {
					pool.Put(g, o)
				} else {
					retiredMu.Lock()
					retired = append(retired, o)
					retiredMu.Unlock()
					g.Defer(func() {
						if o.frees.Add(1) != 1 {
							fail("a deferred free ran twice on one object")
						}
						o.freed.Store(true)
						o.payload, o.check = -1, 0 // poison: plain writes the race detector checks
					})
				}
				g.Unpin()
				swapsDone.Add(1)
			}
		}()
	}
	wwg.Wait()
	stop.Store(true)
	rwg.Wait()
	c.Flush()
	if !usePool {
		if n := c.Pending(); n != 0 {
			fail("Pending() = %d after Flush with nothing pinned", n)
		}
		retiredMu.Lock()
		for _, o := range retired {
			if f := o.frees.Load(); f != 1 {
				fail("a retired object was freed %d times after Flush; want exactly once", f)
				break
			}
		}
		retiredMu.Unlock()
	}
	e.stats.Ops.Add(swapsDone.Load() + reads.Load())
	e.stats.Rounds.Add(1)
	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		mode := "Defer"
		if usePool {
			mode = "Pool"
		}
		t.Fatalf("epoch use-after-retire (%s mode, %d readers, %d writers, GOMAXPROCS=%d): %d problem(s):\n  %s",
			mode, readers, writers, e.procs, len(problems), joinLines(problems))
	}
}

func joinLines(lines []string) string {
	out := ""
	for i, l := range lines {
		if i > 0 {
			out += "\n  "
		}
		out += l
	}
	return out
}
