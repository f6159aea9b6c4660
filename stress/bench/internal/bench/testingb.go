package bench

import (
	"fmt"
	"iter"
	"math/bits"
	"runtime"
	"testing"
)

// Ps returns the default P list: 1, 2, 4, ... up to twice GOMAXPROCS.
func Ps() []int {
	var ps []int
	for p := 1; p <= 2*runtime.GOMAXPROCS(0); p *= 2 {
		ps = append(ps, p)
	}
	return ps
}

// Run runs w as sub-benchmarks of b, one per supported implementation of
// impls and per P of ps (only P=1 for a workload with fixed parallelism),
// named impl=NAME/P=N so that benchstat lines them up:
//
//	func BenchmarkMPMC(b *testing.B) {
//		impls := append(bench.Peers(), &bench.Impl{Name: "xbeam-bounded",
//			NewTry: func() bench.TryQueue { return queue.NewBounded[uint64](bench.QueueCap) }})
//		bench.Run(b, bench.MPMC, impls, bench.Ps())
//	}
//
// Implementations the workload cannot run are skipped silently (they are
// not sub-benchmarks at all).
func Run(b *testing.B, w *Workload, impls []*Impl, ps []int) {
	for impl, p := range cases(w, impls, ps) {
		b.Run(fmt.Sprintf("impl=%s/P=%d", impl.Name, p), func(b *testing.B) {
			RunOne(b, w, impl, p)
		})
	}
}

// RunWork is Run with a work knob: one more level of sub-benchmarks,
// impl=NAME/P=N/work=W, for each amount of local work per item in works
// (see Config.Work).
func RunWork(b *testing.B, w *Workload, impls []*Impl, ps, works []int) {
	for impl, p := range cases(w, impls, ps) {
		for _, work := range works {
			b.Run(fmt.Sprintf("impl=%s/P=%d/work=%d", impl.Name, p, work), func(b *testing.B) {
				RunConfig(b, w, impl, Config{P: p, Work: work})
			})
		}
	}
}

// cases yields the sub-benchmarks of Run and RunWork: each implementation
// of impls that w supports, with each P of ps (only w.FixedP for a workload
// with fixed parallelism).
func cases(w *Workload, impls []*Impl, ps []int) iter.Seq2[*Impl, int] {
	if w.FixedP != 0 {
		ps = []int{w.FixedP}
	}
	return func(yield func(*Impl, int) bool) {
		for _, impl := range impls {
			if !w.Supports(impl) {
				continue
			}
			for _, p := range ps {
				if !yield(impl, p) {
					return
				}
			}
		}
	}
}

// RunOne runs w once on impl with b.N items and parallelism p, with no
// deadline. It reports ns/op and Mops/s over the measured span (goroutine
// start-up and the final checks excluded), allocations, and fails b if the
// run fails its check.
func RunOne(b *testing.B, w *Workload, impl *Impl, p int) {
	RunConfig(b, w, impl, Config{P: p})
}

// RunConfig is RunOne with the rest of a Config (Work, Deadline, Timeout);
// cfg.Items is replaced by b.N.
func RunConfig(b *testing.B, w *Workload, impl *Impl, cfg Config) {
	b.ReportAllocs()
	cfg.Items = b.N
	b.ResetTimer()
	r := w.Run(impl, cfg)
	b.StopTimer()
	if r.Err != nil {
		b.Fatalf("%s impl=%s P=%d: FAIL: %v", w.Name, impl.Name, cfg.P, r.Err)
	}
	if r.Ops > 0 {
		b.ReportMetric(float64(r.Elapsed.Nanoseconds())/float64(r.Ops), "ns/op")
	}
	b.ReportMetric(r.Mops(), "Mops/s")
}

// CheckConserve runs every workload on every implementation of impls that
// it supports, at P = 1 and 3 with items items, as subtests of t, and
// expects an exact, complete, passing run: the ops a run of items makes
// (all of them, or for fork-join and fib the largest tree that fits), no
// truncation, and a positive rate.
func CheckConserve(t *testing.T, impls []*Impl, items int) {
	for _, w := range Workloads() {
		for _, impl := range impls {
			if !w.Supports(impl) {
				continue
			}
			for _, p := range []int{1, 3} {
				t.Run(fmt.Sprintf("%s/impl=%s/P=%d", w.Name, impl.Name, p), func(t *testing.T) {
					r := w.Run(impl, Config{Items: items, P: p})
					if r.Err != nil {
						t.Fatalf("FAIL: %v", r.Err)
					}
					want := uint64(items)
					switch w {
					case ForkJoin:
						want = 1 << (bits.Len(uint(items)) - 1)
					case Fib:
						want = FibCalls(FibN(items))
					}
					if r.Ops != want || r.Truncated {
						t.Fatalf("Ops = %d, Truncated = %v; want %d, false", r.Ops, r.Truncated, want)
					}
					if r.Elapsed <= 0 || r.Mops() <= 0 {
						t.Fatalf("Elapsed = %v, Mops = %v; want both positive", r.Elapsed, r.Mops())
					}
				})
			}
		}
	}
}
