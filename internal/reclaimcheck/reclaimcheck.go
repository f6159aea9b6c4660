// Package reclaimcheck is the use-after-retire detector for epoch-based
// reclamation, shared by epoch's tests and the xbeam-stress command.
//
// Readers pin, load the object currently published and check, several
// times with pauses between while still pinned, that it was neither freed
// nor handed out again; writers pin, swap in a new object and retire the
// old one, either by Guard.Defer of a poisoning free (Defer mode) or by
// Pool.Put, with reuse through Pool.Get (Pool mode). Readers mix
// Handle.Pin, Collector.Pin and nested pins of a Handle; half the writers
// pin through a Handle, the others through the Collector. At the end, with
// nothing pinned, a Flush must leave nothing pending and must have run
// every deferred free exactly once.
//
// The detector reaches reclamation through the Reclaimer interface, so that
// a test can plant a reclaimer that frees too early and check that the
// detector reports it; Epoch returns the real one.
package reclaimcheck

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/epoch"
)

// Victim is an object that pinned readers use while writers retire it. Its
// fields are the detector's: a reclaimer only stores, hands out and drops
// Victims.
//
// If a free or a reuse happened while a reader still held the object, the
// reader would see payload and check out of step (check is ^payload while
// the object is live), freed set, or gen changed; and plain, written with
// plain stores before the object is published and when it is freed or
// reused and read with plain loads by readers, makes the race detector
// report a missing happens-before edge.
type Victim struct {
	plain   int64
	payload atomicx.Int64
	check   atomicx.Int64
	freed   atomicx.Bool   // set by the deferred free (Defer mode)
	gen     atomicx.Uint64 // bumped each time the Pool hands it out (Pool mode)
	frees   atomicx.Int32  // deferred frees run on it: must end at 1
}

// look returns what is wrong with v for a reader that is still pinned
// since it loaded v with payload p and generation gen, or "" if nothing is.
func (v *Victim) look(p int64, gen uint64, plain bool) string {
	if v.freed.Load() {
		return "the object was freed"
	}
	if q, c := v.payload.Load(), v.check.Load(); q != p || c != ^q {
		return fmt.Sprintf("payload %d -> %d with check %d: the object was freed or reused", p, q, c)
	}
	if plain && v.plain != p {
		return fmt.Sprintf("plain field %d with payload %d: the object was freed or reused", v.plain, p)
	}
	if g := v.gen.Load(); g != gen {
		return fmt.Sprintf("the object was handed out again (gen %d -> %d)", gen, g)
	}
	return ""
}

// Reclaimer is what the detector needs from epoch: a Collector's Register,
// Pin, Flush and Pending, and a Pool's Get and Put.
type Reclaimer interface {
	// Register adds a participant, as Collector.Register.
	Register() Handle
	// Pin pins a participant of the collector's own, as Collector.Pin.
	Pin() Guard
	// Flush runs what can be run, as Collector.Flush.
	Flush()
	// Pending counts the deferred functions not run yet, as
	// Collector.Pending.
	Pending() int
	// Get returns a recycled or new Victim, as Pool.Get.
	Get() *Victim
	// Put retires v for reuse once g's pin and those at the time have
	// ended, as Pool.Put.
	Put(g Guard, v *Victim)
}

// Handle is a registered participant, as epoch.Handle.
type Handle interface {
	// Pin pins the participant; pins nest, as Handle.Pin.
	Pin() Guard
	// Unregister removes the participant, as Handle.Unregister.
	Unregister()
}

// Guard is a pin, as epoch.Guard.
type Guard interface {
	// Defer runs fn once every guard pinned now has unpinned, as
	// Guard.Defer.
	Defer(fn func())
	// Unpin ends the pin, as Guard.Unpin.
	Unpin()
}

// Epoch returns the real reclaimer: a new epoch.Collector and an
// epoch.Pool of Victims on it.
func Epoch() Reclaimer {
	c := epoch.NewCollector()
	return &epochReclaimer{c: c, pool: epoch.NewPool(c, func() *Victim { return new(Victim) })}
}

type epochReclaimer struct {
	c    *epoch.Collector
	pool *epoch.Pool[Victim]
}

type epochHandle struct{ h *epoch.Handle }

func (r *epochReclaimer) Register() Handle       { return epochHandle{r.c.Register()} }
func (r *epochReclaimer) Pin() Guard             { return r.c.Pin() }
func (r *epochReclaimer) Flush()                 { r.c.Flush() }
func (r *epochReclaimer) Pending() int           { return r.c.Pending() }
func (r *epochReclaimer) Get() *Victim           { return r.pool.Get() }
func (r *epochReclaimer) Put(g Guard, v *Victim) { r.pool.Put(g.(*epoch.Guard), v) }
func (h epochHandle) Pin() Guard                 { return h.h.Pin() }
func (h epochHandle) Unregister()                { h.h.Unregister() }

// Config sizes a run of the detector.
type Config struct {
	// Readers and Writers are the numbers of goroutines; both must be at
	// least 1.
	Readers, Writers int
	// Swaps is the number of objects the writers swap in and retire, in
	// all; at least 1.
	Swaps int
	// Pool retires through Put and reuses through Get (Pool mode) instead
	// of deferring a free (Defer mode).
	Pool bool
	// Plain makes writers and frees write, and readers read, the Victim
	// field that only the race detector watches. Leave it off with a
	// reclaimer that is known to free early, lest the race detector report
	// the bug before the checks do.
	Plain bool
	// Procs is the GOMAXPROCS to run under, restored afterwards; 0 keeps
	// the current one.
	Procs int
}

// Result is what a run did and found.
type Result struct {
	// Ops counts the swaps and the pinned reads done.
	Ops int64
	// Problems are the first few violations found, empty if none.
	Problems []string
}

// maxProblems is how many violations a run keeps.
const maxProblems = 5

// Run runs the detector on r with cfg and reports violations through t
// (Errorf, once, naming the mode, the numbers of readers and writers and
// GOMAXPROCS). r must be fresh: Run expects nothing pending at the start.
// A Config with fewer than one reader, writer or swap is reported with
// Fatalf.
func Run(t testing.TB, cfg Config, r Reclaimer) Result {
	t.Helper()
	if cfg.Readers < 1 || cfg.Writers < 1 || cfg.Swaps < 1 {
		t.Fatalf("reclaimcheck: Config %+v: Readers, Writers and Swaps must be at least 1", cfg)
	}
	if cfg.Procs > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cfg.Procs))
	}
	var (
		stop     atomicx.Bool
		mu       sync.Mutex
		problems []string
		count    int
		ops      atomicx.Int64
		retired  atomicx.Int64 // objects retired by Defer
		freed    atomicx.Int64 // objects freed, each counted at its first free
		shared   atomicx.Pointer[Victim]
		rwg, wwg sync.WaitGroup
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		count++
		if len(problems) < maxProblems {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
		stop.Store(true)
	}
	first := &Victim{plain: 1}
	first.payload.Store(1)
	first.check.Store(^1)
	shared.Store(first)

	for i := range cfg.Readers {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			h := r.Register()
			defer h.Unregister()
			n := 0
			for ; !stop.Load(); n++ {
				var g Guard
				switch (n + i) % 3 {
				case 0:
					g = h.Pin()
				case 1:
					g = r.Pin()
				default:
					g = h.Pin()
					h.Pin() // nested: the inner Unpin must not end the pin
					g.Unpin()
				}
				v := shared.Load()
				gen := v.gen.Load()
				p := v.payload.Load()
				for round := range 4 {
					if round > 0 {
						for range 1 + (n+round)%4 {
							runtime.Gosched()
						}
					}
					if msg := v.look(p, gen, cfg.Plain); msg != "" {
						fail("reader %d, look %d of 4 while pinned: %s", i, round+1, msg)
						break
					}
				}
				g.Unpin()
			}
			ops.Add(int64(n))
		}()
	}
	for w := range cfg.Writers {
		wwg.Add(1)
		go func() {
			defer wwg.Done()
			var h Handle
			if w%2 == 0 {
				h = r.Register()
				defer h.Unregister()
			}
			mine := cfg.Swaps / cfg.Writers
			if w < cfg.Swaps%cfg.Writers {
				mine++
			}
			var done, deferred int64
			defer func() {
				ops.Add(done)
				retired.Add(deferred)
			}()
			for i := range mine {
				if stop.Load() {
					return
				}
				var g Guard
				if h != nil {
					g = h.Pin()
				} else {
					g = r.Pin()
				}
				var n *Victim
				if cfg.Pool {
					n = r.Get()
					n.gen.Add(1)
				} else {
					n = new(Victim)
				}
				val := int64(w)<<32 | int64(i+2)
				if cfg.Plain {
					n.plain = val
				}
				n.payload.Store(val)
				n.check.Store(^val)
				o := shared.Swap(n)
				if cfg.Pool {
					r.Put(g, o)
				} else {
					deferred++
					g.Defer(func() {
						if o.frees.Add(1) != 1 {
							fail("a deferred free ran twice on one object")
							return
						}
						freed.Add(1)
						o.freed.Store(true)
						o.check.Store(0)
						if cfg.Plain {
							o.plain = -1 // poison: a plain write the race detector checks
						}
					})
				}
				g.Unpin()
				done++
				if i%500 == 499 {
					r.Flush()
				}
			}
		}()
	}
	wwg.Wait()
	stop.Store(true)
	rwg.Wait()
	r.Flush()
	if n := r.Pending(); n != 0 {
		fail("Pending() = %d after Flush with nothing pinned, want 0", n)
	}
	// No free ran twice (checked as they ran), so every retired object was
	// freed exactly once if the counts match.
	if f, n := freed.Load(), retired.Load(); f != n {
		fail("%d of %d retired objects were freed after Flush, want all, each exactly once", f, n)
	}

	mu.Lock()
	defer mu.Unlock()
	if count > 0 {
		mode := "Defer"
		if cfg.Pool {
			mode = "Pool"
		}
		shown := ""
		if count > len(problems) {
			shown = fmt.Sprintf(", the first %d", len(problems))
		}
		t.Errorf("use-after-retire (%s mode, %d readers, %d writers, GOMAXPROCS=%d): %d problem(s)%s:\n  %s",
			mode, cfg.Readers, cfg.Writers, runtime.GOMAXPROCS(0), count, shown, strings.Join(problems, "\n  "))
	}
	return Result{Ops: ops.Load(), Problems: problems}
}
