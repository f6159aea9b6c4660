package xbeamimpl_test

import (
	"testing"

	"github.com/xbeam/xbeam/stress/bench/internal/bench"
	"github.com/xbeam/xbeam/stress/bench/internal/bench/xbeamimpl"
)

// The same side-by-side comparison as the xbeam-bench command, as testing.B
// benchmarks named impl=NAME/P=N, for benchstat:
//
//	go test -run '^$' -bench . -count 10 ./internal/bench/xbeamimpl > new.txt
//	benchstat -col /impl new.txt

func all() []*bench.Impl { return append(bench.Peers(), xbeamimpl.Impls()...) }

func BenchmarkSPSC(b *testing.B)         { bench.Run(b, bench.SPSC, all(), bench.Ps()) }
func BenchmarkMPSC(b *testing.B)         { bench.Run(b, bench.MPSC, all(), bench.Ps()) }
func BenchmarkMPMC(b *testing.B)         { bench.Run(b, bench.MPMC, all(), bench.Ps()) }
func BenchmarkMPMCBlocking(b *testing.B) { bench.Run(b, bench.MPMCBlocking, all(), bench.Ps()) }
func BenchmarkDequeOwner(b *testing.B)   { bench.Run(b, bench.DequeOwner, all(), bench.Ps()) }
func BenchmarkDequeSteal(b *testing.B)   { bench.Run(b, bench.DequeSteal, all(), bench.Ps()) }
func BenchmarkDequeOwnerBatch8(b *testing.B) {
	bench.Run(b, bench.DequeOwnerBatch8, all(), bench.Ps())
}
func BenchmarkDequeOwnerBurst256(b *testing.B) {
	bench.Run(b, bench.DequeOwnerBurst256, all(), bench.Ps())
}
func BenchmarkForkJoin(b *testing.B)      { bench.Run(b, bench.ForkJoin, all(), bench.Ps()) }
func BenchmarkEpochPin(b *testing.B)      { bench.Run(b, bench.EpochPin, all(), bench.Ps()) }
func BenchmarkCounterShared(b *testing.B) { bench.Run(b, bench.CounterShared, all(), bench.Ps()) }

// BenchmarkMPMCWork runs mpmc with local work per item (work=W), where a
// queue is one part of what the goroutines do.
func BenchmarkMPMCWork(b *testing.B) {
	bench.RunWork(b, bench.MPMC, all(), []int{2}, []int{0, 100, 1000})
}
