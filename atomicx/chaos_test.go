package atomicx_test

import (
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xbeam/xbeam/atomicx"
)

// TestChaosPointOnEveryOperation: with the xbeam_chaos tag every operation
// of every typed atomic passes exactly one chaos point (without it, none).
// The test runs alone on one goroutine, and nothing else in the process
// uses atomicx meanwhile, so the count is exact.
func TestChaosPointOnEveryOperation(t *testing.T) {
	var (
		u64 atomicx.Uint64
		u32 atomicx.Uint32
		i64 atomicx.Int64
		i32 atomicx.Int32
		up  atomicx.Uintptr
		b   atomicx.Bool
		p   atomicx.Pointer[int]
	)
	ops := []func(){
		func() { u64.Load() }, func() { u64.Store(1) }, func() { u64.Swap(2) },
		func() { u64.CompareAndSwap(2, 3) }, func() { u64.Add(1) }, func() { u64.And(1) }, func() { u64.Or(1) },
		func() { u32.Load() }, func() { u32.Store(1) }, func() { u32.Swap(2) },
		func() { u32.CompareAndSwap(2, 3) }, func() { u32.Add(1) }, func() { u32.And(1) }, func() { u32.Or(1) },
		func() { i64.Load() }, func() { i64.Store(1) }, func() { i64.Swap(2) }, func() { i64.CompareAndSwap(2, 3) }, func() { i64.Add(1) },
		func() { i32.Load() }, func() { i32.Store(1) }, func() { i32.Swap(2) }, func() { i32.CompareAndSwap(2, 3) }, func() { i32.Add(1) },
		func() { up.Load() }, func() { up.Store(1) }, func() { up.Swap(2) }, func() { up.CompareAndSwap(2, 3) }, func() { up.Add(1) },
		func() { b.Load() }, func() { b.Store(true) }, func() { b.Swap(false) }, func() { b.CompareAndSwap(false, true) },
		func() { p.Load() }, func() { p.Store(nil) }, func() { p.Swap(nil) }, func() { p.CompareAndSwap(nil, nil) },
	}
	old := atomicx.SetChaosRate(0) // count the points, take no action
	defer atomicx.SetChaosRate(old)
	want := uint64(0)
	if atomicx.ChaosEnabled {
		want = 1
	}
	for i, op := range ops {
		before := atomicx.ChaosPoints()
		op()
		require.Equal(t, want, atomicx.ChaosPoints()-before, "operation %d", i)
	}
}

// TestChaosDecisions: the chaos point's decisions are a pure function of
// (seed, n), and act with the configured probability.
func TestChaosDecisions(t *testing.T) {
	if !atomicx.ChaosEnabled {
		require.False(t, atomicx.ChaosActs(1, 1, 1), "without the tag no point acts")
		return
	}
	const n = 1 << 15
	for _, rate := range []float64{0, 0.02, 0.5, 1} {
		for _, seed := range []uint64{1, 42, 1 << 63} {
			acts := 0
			for i := range uint64(n) {
				a := atomicx.ChaosActs(seed, i, rate)
				require.Equal(t, a, atomicx.ChaosActs(seed, i, rate), "decision %d of seed %d changed", i, seed)
				if a {
					acts++
				}
			}
			got := float64(acts) / n
			require.InDelta(t, rate, got, 0.01, "seed %d, rate %g: acted on %d of %d points", seed, rate, acts, n)
		}
	}
}

// lostUpdates runs a planted race: goroutines increment a counter with a
// Load and a separate Store (a non-atomic read-modify-write split over two
// wrapper calls) and returns how many increments were lost.
func lostUpdates(goroutines, per int) int {
	var x atomicx.Uint64
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range per {
				v := x.Load()
				x.Store(v + 1)
			}
		}()
	}
	wg.Wait()
	return goroutines*per - int(x.Load())
}

// TestChaosExposesPlantedRace: on one processor the split increment is
// rarely interrupted between its Load and its Store, so the race mostly
// stays hidden; the chaos point before the Store yields there thousands of
// times per run while other incrementers are runnable, and each such yield
// loses their increments. The calm run is only logged: how often the
// scheduler preempts inside the window on its own is the machine's business.
func TestChaosExposesPlantedRace(t *testing.T) {
	if !atomicx.ChaosEnabled {
		t.Skip("needs -tags xbeam_chaos")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	const goroutines, per = 4, 20_000
	old := atomicx.SetChaosRate(0)
	defer atomicx.SetChaosRate(old)
	calm := lostUpdates(goroutines, per)
	atomicx.SetChaosRate(0.05)
	chaotic := lostUpdates(goroutines, per)
	t.Logf("increments lost of %d: %d at chaos rate 0, %d at rate 0.05", goroutines*per, calm, chaotic)
	require.Positive(t, chaotic, "chaos yielded inside the split increment and lost nothing")
}
