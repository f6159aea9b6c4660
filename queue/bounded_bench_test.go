package queue_test

import (
	"testing"

	"github.com/xbeam/xbeam/internal/bench"
	"github.com/xbeam/xbeam/internal/bench/xbeamimpl"
)

// The queue workloads of internal/bench, run on its peers (Go channel,
// mutex ring, xsync MPMCQueue and UMPSCQueue, lscq) and on Bounded at
// capacity 1024, as sub-benchmarks impl=NAME/P=N:
//
//	go test -run '^$' -bench 'Bounded' -count 10 ./queue/ | benchstat -col /impl -
//
// Each run moves b.N items and checks conservation; ns/op is per item moved.

// boundedBenchImpls is every peer plus Bounded; workloads skip the ones they
// cannot run.
func boundedBenchImpls() []*bench.Impl {
	return append(bench.Peers(), xbeamimpl.BoundedImpl())
}

func BenchmarkBoundedSPSC(b *testing.B) {
	bench.Run(b, bench.SPSC, boundedBenchImpls(), bench.Ps())
}

func BenchmarkBoundedMPSC(b *testing.B) {
	bench.Run(b, bench.MPSC, boundedBenchImpls(), bench.Ps())
}

func BenchmarkBoundedMPMC(b *testing.B) {
	bench.Run(b, bench.MPMC, boundedBenchImpls(), bench.Ps())
}

// BenchmarkBoundedMPMCBlocking adds P=64, the oversubscribed case, and the
// fetch-and-add ticket ring (impl=ref-faa-ticket, see ticketRing): what
// positions drawn by fetch-and-add would give the blocking operations,
// measured beside Bounded's CAS claims.
func BenchmarkBoundedMPMCBlocking(b *testing.B) {
	impls := append(boundedBenchImpls(), ticketRingImpl())
	bench.Run(b, bench.MPMCBlocking, impls, append(bench.Ps(), 64))
}

// BenchmarkBoundedTryPushPop is one goroutine alternating TryPush and TryPop
// on an otherwise empty queue: the cost of the operations themselves, with
// no other goroutine touching the lines. ns/op is per pair. Every
// implementation is called through the bench.TryQueue interface alike.
func BenchmarkBoundedTryPushPop(b *testing.B) {
	for _, impl := range boundedBenchImpls() {
		if impl.NewTry == nil {
			continue
		}
		b.Run("impl="+impl.Name, func(b *testing.B) {
			q := impl.NewTry()
			b.ReportAllocs()
			for i := uint64(1); b.Loop(); i++ {
				if !q.TryPush(i) {
					b.Fatalf("%s: TryPush failed on an empty queue", impl.Name)
				}
				if v, ok := q.TryPop(); !ok || v != i {
					b.Fatalf("%s: TryPop() = %d, %v; want %d, true", impl.Name, v, ok, i)
				}
			}
		})
	}
}

// BenchmarkBoundedPingPong is the latency counterweight to the throughput
// workloads: two goroutines pass one value back and forth through two
// queues with blocking Push and Pop, so every Pop finds its queue empty and
// waits for the other side. ns/op is one round trip, two hand-offs.
//
// The workloads above reward a Pop that, finding the queue empty, waits
// longer before it looks again: each look pulls the slot's line away from
// the producer about to write it. Here the value it waits for is already on
// its way, so every extra pause is added to the round trip. A change to
// Bounded's waiting path should be measured on both.
func BenchmarkBoundedPingPong(b *testing.B) {
	for _, impl := range boundedBenchImpls() {
		if impl.NewBlocking == nil {
			continue
		}
		b.Run("impl="+impl.Name, func(b *testing.B) {
			there, back := impl.NewBlocking(), impl.NewBlocking()
			done := make(chan struct{})
			go func() {
				// Echo every value; 0 is the last.
				defer close(done)
				for {
					v := there.Pop()
					back.Push(v)
					if v == 0 {
						return
					}
				}
			}()
			b.ReportAllocs()
			var got, want uint64
			for i := uint64(1); b.Loop(); i++ {
				there.Push(i)
				if v := back.Pop(); v != i && want == 0 {
					got, want = v, i
				}
			}
			there.Push(0)
			back.Pop()
			<-done
			if want != 0 {
				b.Fatalf("%s: round trip %d came back as %d", impl.Name, want, got)
			}
		})
	}
}
