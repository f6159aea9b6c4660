package queue_test

import (
	"testing"

	"github.com/xbeam/xbeam/internal/bench"
	"github.com/xbeam/xbeam/internal/bench/xbeamimpl"
	"github.com/xbeam/xbeam/queue"
)

// unboundedBenchImpls returns queue.Unbounded and queue.Bounded (at
// capacity bench.QueueCap) beside the peers the issue names: lscq (uint64 and
// pointer), xsync UMPSCQueue (mpsc only, it has one consumer) and the Go
// channel (blocking and select-default).
func unboundedBenchImpls() []*bench.Impl {
	return []*bench.Impl{
		xbeamimpl.UnboundedImpl(),
		xbeamimpl.BoundedImpl(),
		bench.LSCQUint64Impl(),
		bench.LSCQPointerImpl(),
		bench.XsyncUMPSCImpl(),
		bench.ChanImpl(),
		bench.SelectChanImpl(),
	}
}

func BenchmarkUnboundedSPSC(b *testing.B) {
	bench.Run(b, bench.SPSC, unboundedBenchImpls(), nil)
}

func BenchmarkUnboundedMPSC(b *testing.B) {
	bench.Run(b, bench.MPSC, unboundedBenchImpls(), bench.Ps())
}

func BenchmarkUnboundedMPMC(b *testing.B) {
	bench.Run(b, bench.MPMC, unboundedBenchImpls(), bench.Ps())
}

// BenchmarkUnboundedMPMCBlocking adds P=64, the oversubscribed case (as
// BenchmarkBoundedMPMCBlocking does).
func BenchmarkUnboundedMPMCBlocking(b *testing.B) {
	bench.Run(b, bench.MPMCBlocking, unboundedBenchImpls(), append(bench.Ps(), 64))
}

// BenchmarkUnboundedPairs measures one goroutine per P alternating TryPush
// and TryPop, for uint64 and for a 32-byte struct stored by value, against
// lscq's pointer queue, which must box a struct (an allocation per item).
func BenchmarkUnboundedPairs(b *testing.B) {
	b.Run("impl=xbeam-unbounded/T=uint64", func(b *testing.B) {
		q := queue.NewUnbounded[uint64]()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				q.TryPush(1)
				q.TryPop()
			}
		})
	})
	b.Run("impl=xbeam-unbounded/T=item32", func(b *testing.B) {
		q := queue.NewUnbounded[unboundedItem32]()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			v := unboundedItem32{1, 2, 3, 4}
			for pb.Next() {
				q.TryPush(v)
				q.TryPop()
			}
		})
	})
}
