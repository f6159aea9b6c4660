package queue_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/xbeam/xbeam/queue"
)

// Unbounded's benchmarks, beside Bounded at capacity benchCap and the
// buffered channel, named as in bounded_bench_test.go.

func unboundedTry() tryQueue {
	q := queue.NewUnbounded[uint64]()
	return tryQueue{
		tryPush: q.TryPush,
		tryPop:  q.TryPop,
	}
}

func unboundedBlocking() blockingQueue {
	q := queue.NewUnbounded[uint64]()
	ctx := context.Background()
	return blockingQueue{
		push: func(v uint64) {
			if err := q.Push(v); err != nil {
				panic(err)
			}
		},
		pop: func() uint64 {
			v, err := q.Pop(ctx)
			if err != nil {
				panic(err)
			}
			return v
		},
	}
}

var unboundedTryImpls = map[string]func() tryQueue{
	"xbeam-unbounded": unboundedTry, "xbeam-bounded": boundedTry, "chan": chanTry,
}

func BenchmarkUnboundedSPSC(b *testing.B) {
	runTry(b, unboundedTryImpls, []int{1}, one, one)
}

func BenchmarkUnboundedMPSC(b *testing.B) {
	runTry(b, unboundedTryImpls, benchPs(), same, one)
}

func BenchmarkUnboundedMPMC(b *testing.B) {
	runTry(b, unboundedTryImpls, benchPs(), same, same)
}

// BenchmarkUnboundedMPMCBlocking adds P=64, the oversubscribed case (as
// BenchmarkBoundedMPMCBlocking does).
func BenchmarkUnboundedMPMCBlocking(b *testing.B) {
	impls := map[string]func() blockingQueue{
		"xbeam-unbounded": unboundedBlocking, "xbeam-bounded": boundedBlocking, "chan": chanBlocking,
	}
	for _, name := range sortedNames(impls) {
		for _, p := range append(benchPs(), 64) {
			b.Run(fmt.Sprintf("impl=%s/P=%d", name, p), func(b *testing.B) {
				q := impls[name]()
				moveItems(b, p, p, q.push, q.pop)
			})
		}
	}
}

// BenchmarkUnboundedPairs measures one goroutine per P alternating TryPush
// and TryPop, for uint64 and for a 32-byte struct stored by value.
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
