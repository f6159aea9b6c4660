package xbeamimpl_test

import (
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
	bench.CheckConserve(t, xbeamimpl.Impls(), items)
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

// TestMergeSortSizes sorts arrays of a few leaves, of uneven sizes, on 1
// to 4 workers: the leaves sort into either slice and the merges split,
// so every path of the merge sort runs.
func TestMergeSortSizes(t *testing.T) {
	for _, impl := range xbeamimpl.Impls() {
		if !bench.MergeSort.Supports(impl) {
			continue
		}
		for _, items := range []int{3*bench.SortGrain + 5, 8*bench.SortGrain - 3} {
			for p := 1; p <= 4; p++ {
				r := bench.MergeSort.Run(impl, bench.Config{Items: items, P: p})
				if r.Err != nil || r.Ops != uint64(items) {
					t.Errorf("%s, %d values, P=%d: Err = %v, Ops = %d", impl.Name, items, p, r.Err, r.Ops)
				}
			}
		}
	}
}
