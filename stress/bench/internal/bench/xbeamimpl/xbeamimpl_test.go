package xbeamimpl_test

import (
	"fmt"
	"math/bits"
	"testing"

	"github.com/xbeam/xbeam/internal/race"
	"github.com/xbeam/xbeam/stress/bench/internal/bench"
	"github.com/xbeam/xbeam/stress/bench/internal/bench/xbeamimpl"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// ants starts a default pool when it is loaded and never stops it.
	goleak.VerifyTestMain(m,
		goleak.IgnoreAnyFunction("github.com/panjf2000/ants/v2.(*poolCommon).purgeStaleWorkers"),
		goleak.IgnoreAnyFunction("github.com/panjf2000/ants/v2.(*poolCommon).ticktock"))
}

// TestConserve runs every workload on every xbeam implementation it
// supports and expects an exact, complete, passing run.
func TestConserve(t *testing.T) {
	items := 20000
	if testing.Short() || race.Enabled {
		items = 2000
	}
	for _, w := range bench.Workloads() {
		for _, impl := range xbeamimpl.Impls() {
			if !w.Supports(impl) {
				continue
			}
			for _, p := range []int{1, 3} {
				t.Run(fmt.Sprintf("%s/impl=%s/P=%d", w.Name, impl.Name, p), func(t *testing.T) {
					r := w.Run(impl, bench.Config{Items: items, P: p})
					if r.Err != nil {
						t.Fatalf("FAIL: %v", r.Err)
					}
					want := uint64(items)
					switch w {
					case bench.ForkJoin:
						want = 1 << (bits.Len(uint(items)) - 1)
					case bench.Fib:
						want = bench.FibCalls(bench.FibN(items))
					}
					if r.Ops != want || r.Truncated {
						t.Fatalf("Ops = %d, Truncated = %v; want %d, false", r.Ops, r.Truncated, want)
					}
				})
			}
		}
	}
}

func TestNames(t *testing.T) {
	seen := map[string]bool{}
	for _, impl := range append(bench.Peers(), xbeamimpl.Impls()...) {
		if seen[impl.Name] {
			t.Errorf("two implementations named %q", impl.Name)
		}
		seen[impl.Name] = true
		if impl.Peer {
			continue
		}
		if len(impl.Name) < 6 || impl.Name[:6] != "xbeam-" {
			t.Errorf("xbeam implementation %q: want an xbeam- prefix", impl.Name)
		}
	}
}
