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
// If epoch let a free or a reuse happen while a reader still held the
// object, the reader sees check != ^payload, freed set, or gen changed;
// and plain, a field written with plain stores before the object is
// published and when it is freed or reused and read with plain loads by
// readers, makes the race detector report the missing happens-before edge.
type victim struct {
	plain   int
	payload atomicx.Int64
	check   atomicx.Int64
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
func epochChunk(t testing.TB, e *chunkEnv) { useAfterRetire(t, e, newEpochReclaimer, true) }

// reclaimer is what the detector needs from epoch, as an interface so that
// the command's tests can plant a reclaimer that frees too early.
type reclaimer interface {
	Register() reclaimHandle
	Flush()
	Pending() int
	Get() *victim                  // Pool.Get
	Put(g reclaimGuard, v *victim) // Pool.Put
}

type reclaimHandle interface {
	Pin() reclaimGuard
	Unregister()
}

type reclaimGuard interface {
	Defer(fn func())
	Unpin()
}

// epochReclaimer is the real thing: an epoch.Collector and an epoch.Pool.
type epochReclaimer struct {
	c    *epoch.Collector
	pool *epoch.Pool[victim]
}

func newEpochReclaimer() reclaimer {
	c := epoch.NewCollector()
	return &epochReclaimer{c: c, pool: epoch.NewPool(c, func() *victim { return new(victim) })}
}

type epochHandle struct{ h *epoch.Handle }

func (r *epochReclaimer) Register() reclaimHandle       { return epochHandle{r.c.Register()} }
func (r *epochReclaimer) Flush()                        { r.c.Flush() }
func (r *epochReclaimer) Pending() int                  { return r.c.Pending() }
func (r *epochReclaimer) Get() *victim                  { return r.pool.Get() }
func (r *epochReclaimer) Put(g reclaimGuard, v *victim) { r.pool.Put(g.(*epoch.Guard), v) }
func (h epochHandle) Pin() reclaimGuard                 { return h.h.Pin() }
func (h epochHandle) Unregister()                       { h.h.Unregister() }

// useAfterRetire runs the detector; plain says whether to touch the plain
// field (off only in the tests that plant an early free, which would
// otherwise be reported by the race detector instead of the checks).
func useAfterRetire(t testing.TB, e *chunkEnv, newReclaimer func() reclaimer, plain bool) {
	readers, writers := min(e.consumers, 6), min(e.producers, 4)
	swaps := 20000
	if race.Enabled {
		swaps = 4000
	}
	usePool := e.k%2 == 1
	old := runtime.GOMAXPROCS(e.procs)
	defer runtime.GOMAXPROCS(old)

	c := newReclaimer()
	var shared atomicx.Pointer[victim]
	first := &victim{plain: 1}
	first.payload.Store(1)
	first.check.Store(^1)
	shared.Store(first)
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
				p := v.payload.Load()
				if c := v.check.Load(); c != ^p {
					fail("reader %d: object payload %d with check %d: freed or reused while reachable", i, p, c)
				}
				if plain && v.plain == -1 {
					fail("reader %d: the plain field of the object it loaded is poisoned", i)
				}
				for j := 0; j < n%16; j++ {
					runtime.Gosched()
				}
				if v.freed.Load() || v.gen.Load() != gen || v.payload.Load() != p {
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
					n = c.Get()
					n.gen.Add(1)
				} else {
					n = new(victim)
				}
				if plain {
					n.plain = i
				}
				n.payload.Store(int64(w<<32 | i + 2))
				n.check.Store(^n.payload.Load())
				o := shared.Swap(n)
				if usePool {
					c.Put(g, o)
				} else {
					retiredMu.Lock()
					retired = append(retired, o)
					retiredMu.Unlock()
					g.Defer(func() {
						if o.frees.Add(1) != 1 {
							fail("a deferred free ran twice on one object")
						}
						o.freed.Store(true)
						o.check.Store(0)
						if plain {
							o.plain = -1 // poison: a plain write the race detector checks
						}
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
