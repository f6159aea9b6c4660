package bench_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xbeam/xbeam/internal/race"
	"github.com/xbeam/xbeam/stress/bench/internal/bench"
)

func testItems() int {
	switch {
	case testing.Short() || race.Enabled:
		return 3000
	default:
		return 30000
	}
}

// TestPeersConserve runs every workload on every peer it supports and
// expects an exact, complete, passing run.
func TestPeersConserve(t *testing.T) { bench.CheckConserve(t, bench.Peers(), testItems()) }

// TestGOMAXPROCSSweep runs the queue workloads under GOMAXPROCS 1, 2 and 4,
// oversubscribed, where a consumer that stopped early or a producer spinning
// without yielding would show up.
func TestGOMAXPROCSSweep(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		for _, w := range []*bench.Workload{bench.MPSC, bench.MPMC, bench.MPMCBlocking, bench.DequeOwnerBurst256, bench.DequeSteal, bench.ForkJoin} {
			for _, impl := range []*bench.Impl{bench.ChanImpl(), bench.SelectChanImpl(), bench.XsyncMPMCImpl(), bench.MutexDequeImpl(), bench.ChanPoolImpl()} {
				if !w.Supports(impl) {
					continue
				}
				r := w.Run(impl, bench.Config{Items: testItems(), P: 2 * procs})
				if r.Err != nil || r.Truncated {
					t.Errorf("GOMAXPROCS=%d %s %s: Err = %v, Truncated = %v", procs, w.Name, impl.Name, r.Err, r.Truncated)
				}
			}
		}
	}
}

// TestDeadlineTruncates: producers stop at the deadline, consumers drain,
// and the check still holds.
func TestDeadlineTruncates(t *testing.T) {
	for _, w := range []*bench.Workload{bench.SPSC, bench.MPMC, bench.MPMCBlocking, bench.DequeOwner, bench.DequeOwnerBatch8, bench.DequeOwnerBurst256, bench.DequeSteal, bench.ForkJoin, bench.CounterShared} {
		for _, impl := range []*bench.Impl{bench.ChanImpl(), bench.MutexRingImpl(), bench.MutexDequeImpl(), bench.GoroutinesImpl(), bench.ChanPoolImpl(), bench.AtomicCounterImpl()} {
			if !w.Supports(impl) {
				continue
			}
			items := 1 << 31
			r := w.Run(impl, bench.Config{Items: items, P: 2, Deadline: 20 * time.Millisecond})
			if r.Err != nil {
				t.Errorf("%s %s: FAIL: %v", w.Name, impl.Name, r.Err)
				continue
			}
			// Ops may be 0 on a loaded machine that did not run the
			// goroutines before the deadline; what must hold is that
			// the run stopped early and passed its check.
			if !r.Truncated || r.Ops >= uint64(items) {
				t.Errorf("%s %s: Truncated = %v, Ops = %d; want a truncated run", w.Name, impl.Name, r.Truncated, r.Ops)
			}
		}
	}
}

// brokenRing is a correct mutex ring wrapped to misbehave on every 97th
// value: lose it, or deliver it twice.
type brokenRing struct {
	bench.MutexRing
	mode string // "lose" or "dup"
	mu   sync.Mutex
	dup  []uint64 // values to hand out a second time; guarded by mu
}

func (b *brokenRing) TryPush(v uint64) bool {
	if v%97 == 0 && v != 0 {
		switch b.mode {
		case "lose":
			return true
		case "dup":
			b.mu.Lock()
			b.dup = append(b.dup, v)
			b.mu.Unlock()
		}
	}
	return b.MutexRing.TryPush(v)
}

func (b *brokenRing) TryPop() (uint64, bool) {
	b.mu.Lock()
	if n := len(b.dup); n > 0 {
		v := b.dup[n-1]
		b.dup = b.dup[:n-1]
		b.mu.Unlock()
		return v, true
	}
	b.mu.Unlock()
	return b.MutexRing.TryPop()
}

// blockingBroken turns a brokenRing into a BlockingQueue by spinning.
type blockingBroken struct{ *brokenRing }

func (b blockingBroken) Push(v uint64) {
	for !b.TryPush(v) {
		runtime.Gosched()
	}
}

func (b blockingBroken) Pop() uint64 {
	for {
		if v, ok := b.TryPop(); ok {
			return v
		}
		runtime.Gosched()
	}
}

func TestBrokenQueueFails(t *testing.T) {
	for _, mode := range []string{"lose", "dup"} {
		impl := &bench.Impl{
			Name:        "broken-" + mode,
			NewTry:      func() bench.TryQueue { return &brokenRing{mode: mode} },
			NewBlocking: func() bench.BlockingQueue { return blockingBroken{&brokenRing{mode: mode}} },
		}
		for _, w := range []*bench.Workload{bench.SPSC, bench.MPSC, bench.MPMC, bench.MPMCBlocking} {
			for _, p := range []int{1, 4} {
				r := w.Run(impl, bench.Config{Items: 1000, P: p})
				if r.Err == nil || !strings.Contains(r.Err.Error(), "lost or duplicated") {
					t.Errorf("%s %s P=%d: Err = %v; want lost or duplicated items", w.Name, impl.Name, p, r.Err)
				}
				if r.Mops() != 0 {
					t.Errorf("%s %s P=%d: Mops = %v for a failed run; want 0", w.Name, impl.Name, p, r.Mops())
				}
			}
		}
	}
}

// stuckQueue is always full and always empty.
type stuckQueue struct{}

func (stuckQueue) TryPush(uint64) bool    { return false }
func (stuckQueue) TryPop() (uint64, bool) { return 0, false }

func TestStuckQueueTimesOut(t *testing.T) {
	impl := &bench.Impl{Name: "stuck", NewTry: func() bench.TryQueue { return stuckQueue{} }}
	r := bench.MPMC.Run(impl, bench.Config{Items: 100, P: 2, Timeout: 50 * time.Millisecond})
	if r.Err == nil || !strings.Contains(r.Err.Error(), "stuck") {
		t.Fatalf("Err = %v; want stuck", r.Err)
	}
	// goleak in TestMain checks that the spinning goroutines gave up.
}

// brokenDeque has its first Pop ("pop") or its first Steal ("steal")
// invent an item that was never pushed. The owner pops at least once per
// run and every thief steals at least once, so the broken call happens in
// every run, whatever the scheduling.
type brokenDeque struct {
	bench.MutexDeque
	mode     string
	invented sync.Once
}

func (d *brokenDeque) invent() bool {
	invent := false
	d.invented.Do(func() { invent = true })
	return invent
}

func (d *brokenDeque) Pop() (uint64, bool) {
	if d.mode == "pop" && d.invent() {
		return 7, true
	}
	return d.MutexDeque.Pop()
}

func (d *brokenDeque) Steal() (uint64, bench.StealStatus) {
	if d.mode == "steal" && d.invent() {
		return 7, bench.StealSuccess
	}
	return d.MutexDeque.Steal()
}

func (d *brokenDeque) Stealer() bench.Stealer { return d }

func TestBrokenDequeFails(t *testing.T) {
	pop := &bench.Impl{Name: "broken-pop", NewDeque: func() bench.Deque { return &brokenDeque{mode: "pop"} }}
	if r := bench.DequeOwner.Run(pop, bench.Config{Items: 1000}); r.Err == nil {
		t.Errorf("deque-owner with a deque that pops a wrong value: no error")
	}
	for _, w := range []*bench.Workload{bench.DequeOwnerBatch8, bench.DequeOwnerBurst256, bench.DequeSteal} {
		if r := w.Run(pop, bench.Config{Items: 1000, P: 2}); r.Err == nil {
			t.Errorf("%s with a deque that pops a wrong value: no error", w.Name)
		}
	}
	steal := &bench.Impl{Name: "broken-steal", NewDeque: func() bench.Deque { return &brokenDeque{mode: "steal"} }}
	for _, w := range []*bench.Workload{bench.DequeOwnerBurst256, bench.DequeSteal} {
		if r := w.Run(steal, bench.Config{Items: 1000, P: 2}); r.Err == nil {
			t.Errorf("%s with a stealer that invents an item: no error", w.Name)
		}
	}
}

// lossyCounter drops every 1000th add.
type lossyCounter struct {
	mu   sync.Mutex
	n, k uint64
}

func (c *lossyCounter) Worker() func(int) {
	return func(n int) {
		for range n {
			c.mu.Lock()
			c.k++
			if c.k%1000 != 0 {
				c.n++
			}
			c.mu.Unlock()
		}
	}
}

func (c *lossyCounter) Check(ops uint64) error {
	if c.n != ops {
		return fmt.Errorf("counter reads %d after %d adds", c.n, ops)
	}
	return nil
}

func TestBrokenCounterFails(t *testing.T) {
	impl := &bench.Impl{Name: "lossy", NewCounter: func() bench.Loops { return new(lossyCounter) }}
	r := bench.CounterShared.Run(impl, bench.Config{Items: 10000, P: 2})
	if r.Err == nil {
		t.Fatalf("counter that loses adds: no error")
	}
}

func TestRunOneReportsMetrics(t *testing.T) {
	res := testing.Benchmark(func(b *testing.B) {
		bench.RunOne(b, bench.MPMC, bench.ChanImpl(), 2)
	})
	if res.N < 1 || res.Extra["Mops/s"] <= 0 || res.Extra["ns/op"] <= 0 {
		t.Fatalf("testing.Benchmark result %+v; want N > 0 and positive Mops/s and ns/op", res)
	}
}

// TestWork: local work per item changes nothing about conservation.
func TestWork(t *testing.T) {
	for _, w := range []*bench.Workload{bench.SPSC, bench.MPMC, bench.MPMCBlocking, bench.DequeSteal} {
		for _, impl := range []*bench.Impl{bench.ChanImpl(), bench.XsyncMPMCImpl(), bench.MutexDequeImpl()} {
			if !w.Supports(impl) {
				continue
			}
			r := w.Run(impl, bench.Config{Items: 2000, P: 2, Work: 50})
			if r.Err != nil || r.Ops != 2000 {
				t.Errorf("%s %s work=50: Ops = %d, Err = %v", w.Name, impl.Name, r.Ops, r.Err)
			}
		}
	}
	res := testing.Benchmark(func(b *testing.B) {
		bench.RunConfig(b, bench.MPSC, bench.XsyncMPMCImpl(), bench.Config{P: 2, Work: 10})
	})
	if res.Extra["Mops/s"] <= 0 {
		t.Errorf("RunConfig with Work: %+v", res)
	}
}

func TestWorkloadByName(t *testing.T) {
	for _, w := range bench.Workloads() {
		if got := bench.WorkloadByName(w.Name); got != w {
			t.Errorf("WorkloadByName(%q) = %v", w.Name, got)
		}
	}
	if bench.WorkloadByName("nope") != nil {
		t.Errorf("WorkloadByName(nope) != nil")
	}
	if bench.Find(bench.Peers(), bench.ChanName) == nil || bench.Find(bench.Peers(), "nope") != nil {
		t.Errorf("Find is wrong")
	}
}

func TestPs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	if got, want := fmt.Sprint(bench.Ps()), "[1 2 4]"; got != want {
		t.Fatalf("Ps() with GOMAXPROCS=3 = %s; want %s", got, want)
	}
}

func TestRunPanicsOnUnsupported(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.HasPrefix(fmt.Sprint(r), "bench: ") {
			t.Fatalf("recover() = %v; want a bench: panic", r)
		}
	}()
	bench.DequeOwner.Run(bench.ChanImpl(), bench.Config{Items: 10})
}

// panicky panics on the value 500, as a broken implementation might.
type panicky struct{ bench.MutexRing }

func (p *panicky) TryPush(v uint64) bool {
	if v == 500 {
		panic("planted")
	}
	return p.MutexRing.TryPush(v)
}

type panickyDeque struct{ bench.MutexDeque }

func (d *panickyDeque) Push(v uint64) {
	if v == 500 {
		panic("planted")
	}
	d.MutexDeque.Push(v)
}

func (d *panickyDeque) Stealer() bench.Stealer { return d }

type panickyLoops struct{}

func (panickyLoops) Worker() func(int)  { return func(int) { panic("planted") } }
func (panickyLoops) Check(uint64) error { return nil }

// TestPanicIsAFailure: a panicking implementation fails its run with the
// panic's message instead of crashing the process.
func TestPanicIsAFailure(t *testing.T) {
	q := &bench.Impl{Name: "panicky", NewTry: func() bench.TryQueue { return new(panicky) }}
	d := &bench.Impl{Name: "panicky-deque", NewDeque: func() bench.Deque { return new(panickyDeque) }}
	l := &bench.Impl{Name: "panicky-loops", NewPin: func() bench.Loops { return panickyLoops{} }}
	for _, c := range []struct {
		w    *bench.Workload
		impl *bench.Impl
	}{
		{bench.SPSC, q}, {bench.MPMC, q}, {bench.DequeOwner, d}, {bench.DequeSteal, d}, {bench.EpochPin, l},
	} {
		r := c.w.Run(c.impl, bench.Config{Items: 1000, P: 2})
		if r.Err == nil || !strings.Contains(r.Err.Error(), "panic: planted") {
			t.Errorf("%s %s: Err = %v; want the planted panic", c.w.Name, c.impl.Name, r.Err)
		}
	}
}

// TestTaskWorkloads runs every task workload on every task pool at 1, 2 and
// 4 workers, small, and checks that each passes its own check (the value
// of fib, the sum, the sorted order).
func TestTaskWorkloads(t *testing.T) {
	for _, w := range []*bench.Workload{bench.Fib, bench.MergeSort, bench.ParallelFor, bench.ParallelForSkewed} {
		items := 3 * bench.SortGrain
		if w == bench.Fib {
			items = int(bench.FibCalls(15))
		}
		for _, impl := range bench.Peers() {
			if !w.Supports(impl) {
				continue
			}
			for _, p := range []int{1, 2, 4} {
				r := w.Run(impl, bench.Config{Items: items, P: p})
				if r.Err != nil || r.Truncated || r.Ops != uint64(items) {
					t.Errorf("%s %s P=%d: Err = %v, Truncated = %v, Ops = %d; want %d ops", w.Name, impl.Name, p, r.Err, r.Truncated, r.Ops, items)
				}
			}
		}
	}
}

func TestFibCalls(t *testing.T) {
	if got := bench.FibCalls(30); got != 2_692_537 {
		t.Errorf("FibCalls(30) = %d, want 2692537", got)
	}
	if got := bench.FibN(2_692_537); got != 30 {
		t.Errorf("FibN(2692537) = %d, want 30", got)
	}
}

// TestSplitMerge checks that the two merges SplitMerge makes, of sorted
// slices with repeated values, produce the sorted union, and that each
// has at least half of the longer slice's values.
func TestSplitMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		a, b := make([]uint64, rng.IntN(40)), make([]uint64, rng.IntN(40))
		for i := range a {
			a[i] = rng.Uint64N(16)
		}
		for i := range b {
			b[i] = rng.Uint64N(16)
		}
		slices.Sort(a)
		slices.Sort(b)
		want := slices.Sorted(slices.Values(append(slices.Clone(a), b...)))
		if len(want) < 2 {
			continue
		}
		i, k := bench.SplitMerge(a, b)
		got := make([]uint64, len(want))
		bench.Merge(got[:i+k], a[:i], b[:k])
		bench.Merge(got[i+k:], a[i:], b[k:])
		if !slices.Equal(got, want) {
			t.Fatalf("SplitMerge(%v, %v) = %d, %d: merged %v, want %v", a, b, i, k, got, want)
		}
		if n, h := len(want), max(len(a), len(b))/2; i+k < h || n-i-k < h {
			t.Fatalf("SplitMerge(%v, %v) = %d, %d: halves of %d and %d values; want at least %d each", a, b, i, k, i+k, n-i-k, h)
		}
	}
}

// lossyBurst is a deque whose own burst loop reports one value fewer than
// it popped: the workloads that use BurstLoop must notice.
type lossyBurst struct{ bench.Deque }

func (d lossyBurst) PushPopBurst(lo, hi uint64, limit int) (n, sum uint64) {
	n, sum = d.Deque.(bench.BurstLoop).PushPopBurst(lo, hi, limit)
	return max(n, 1) - 1, sum
}

func TestBrokenBurstLoopFails(t *testing.T) {
	impl := &bench.Impl{Name: "lossy-burst", NewDeque: func() bench.Deque { return lossyBurst{bench.MutexDequeImpl().NewDeque()} }}
	for _, w := range []*bench.Workload{bench.DequeOwnerBatch8, bench.DequeOwnerBurst256, bench.DequeSteal} {
		if r := w.Run(impl, bench.Config{Items: 1000, P: 2}); r.Err == nil {
			t.Errorf("%s with a burst loop that miscounts: no error", w.Name)
		}
	}
}
