package epoch_test

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/xbeam/xbeam/epoch"
)

// pinner is one benchmarked way of entering and leaving a read-side
// critical section.
type pinner struct {
	name string
	// setup returns the per-goroutine loop body for a shared state.
	setup func() func() func()
}

func pinners() []pinner {
	return []pinner{
		{"handle", func() func() func() {
			c := epoch.NewCollector()
			return func() func() {
				h := c.Register() // one per goroutine, never unregistered: benchmark only
				return func() { h.Pin().Unpin() }
			}
		}},
		{"collector", func() func() func() {
			c := epoch.NewCollector()
			return func() func() { return func() { c.Pin().Unpin() } }
		}},
		{"rwmutex", func() func() func() {
			var mu sync.RWMutex
			return func() func() {
				return func() {
					mu.RLock()
					//lint:ignore SA2001 an empty read-side section is the baseline
					mu.RUnlock()
				}
			}
		}},
		{"atomic-add", func() func() func() {
			var n atomic.Uint64
			return func() func() { return func() { n.Add(1) } }
		}},
	}
}

// benchProcs are the GOMAXPROCS values of the P=... sub-benchmarks, which
// set GOMAXPROCS themselves (sub-benchmark names are fixed before -cpu
// applies, so a name cannot follow -cpu); run them with the default -cpu.
var benchProcs = []int{1, 2, 4, 8, 16}

// BenchmarkEpochPin is the epoch-pin workload of docs/benchmarks.md: each
// goroutine loops Pin(); Unpin() (ops = pairs). P=... runs b.RunParallel
// with GOMAXPROCS=P (one goroutine per P); N=... runs exactly N goroutines
// at the current GOMAXPROCS. rwmutex (RLock and RUnlock of one shared
// RWMutex) and atomic-add (one shared counter, the counter-shared workload
// of docs/benchmarks.md) are the baselines.
func BenchmarkEpochPin(b *testing.B) {
	for _, p := range pinners() {
		for _, procs := range benchProcs {
			b.Run(fmt.Sprintf("impl=%s/P=%d", p.name, procs), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				perG := p.setup()
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					op := perG()
					for pb.Next() {
						op()
					}
				})
			})
		}
	}
	for _, p := range pinners() {
		for _, n := range []int{1, 2, 4, 8, 16} {
			b.Run(fmt.Sprintf("impl=%s/N=%d", p.name, n), func(b *testing.B) {
				perG := p.setup()
				ops := make([]func(), n)
				for i := range ops {
					ops[i] = perG()
				}
				b.ReportAllocs()
				b.ResetTimer()
				var wg sync.WaitGroup
				for i, op := range ops {
					k := b.N / n
					if i < b.N%n {
						k++
					}
					wg.Add(1)
					go func() {
						defer wg.Done()
						for range k {
							op()
						}
					}()
				}
				wg.Wait()
			})
		}
	}
}

// BenchmarkPinIdleHandles measures Pin/Unpin on one handle while 0, 15 or
// 1023 other handles are registered and idle: the amortized advance reads
// at most a fixed number of slots per attempt, so the cost stays flat.
func BenchmarkPinIdleHandles(b *testing.B) {
	for _, handles := range []int{1, 16, 1024} {
		b.Run(fmt.Sprintf("impl=handle/handles=%d/P=1", handles), func(b *testing.B) {
			c := epoch.NewCollector()
			for range handles - 1 {
				c.Register()
			}
			h := c.Register()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				h.Pin().Unpin()
			}
		})
	}
}

// BenchmarkDefer measures Pin; Defer(fn); Unpin, including running the
// deferred functions (fn is made once, and bags recycle, so the loop
// allocates nothing in steady state).
func BenchmarkDefer(b *testing.B) {
	for _, impl := range []string{"handle", "collector"} {
		for _, procs := range benchProcs {
			b.Run(fmt.Sprintf("impl=%s/P=%d", impl, procs), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				benchDefer(b, impl == "handle")
			})
		}
	}
}

func benchDefer(b *testing.B, useHandle bool) {
	c := epoch.NewCollector()
	var ran atomic.Uint64
	fn := func() { ran.Add(1) }
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var h *epoch.Handle
		if useHandle {
			h = c.Register()
			defer h.Unregister()
		}
		for pb.Next() {
			var g *epoch.Guard
			if h != nil {
				g = h.Pin()
			} else {
				g = c.Pin()
			}
			g.Defer(fn)
			g.Unpin()
		}
	})
	b.StopTimer()
	c.Flush()
}

// BenchmarkPool measures a recycling loop: Get, then Put under a pin. The
// sync.Pool baseline does the same without any reuse safety.
func BenchmarkPool(b *testing.B) {
	for _, procs := range benchProcs {
		b.Run(fmt.Sprintf("impl=epoch/P=%d", procs), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			c := epoch.NewCollector()
			p := epoch.NewPool(c, func() *node { return new(node) })
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					g := c.Pin()
					x := p.Get()
					p.Put(g, x)
					g.Unpin()
				}
			})
		})
	}
	for _, procs := range benchProcs {
		b.Run(fmt.Sprintf("impl=sync.Pool/P=%d", procs), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			p := sync.Pool{New: func() any { return new(node) }}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					x := p.Get().(*node)
					p.Put(x)
				}
			})
		})
	}
}
