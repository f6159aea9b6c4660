package queue_test

import (
	"context"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xbeam/xbeam/queue"
)

// The queues' own benchmarks, beside a buffered channel of the same
// capacity as the baseline, as sub-benchmarks impl=NAME/P=N for benchstat:
//
//	go test -run '^$' -bench . -count 10 ./queue/ | benchstat -col /impl -
//
// Each throughput run moves b.N items and checks that the values popped sum
// to the values pushed; ns/op is per item moved. The comparison with other
// Go libraries is the xbeam-bench command's (make bench).

// benchCap is the capacity of every bounded queue benchmarked here.
const benchCap = 1024

// tryQueue is what the throughput benchmarks drive.
type tryQueue struct {
	tryPush func(uint64) bool
	tryPop  func() (uint64, bool)
}

// blockingQueue is what the blocking benchmarks drive.
type blockingQueue struct {
	push func(uint64)
	pop  func() uint64
}

func boundedTry() tryQueue {
	q := queue.NewBounded[uint64](benchCap)
	return tryQueue{q.TryPush, q.TryPop}
}

func boundedBlocking() blockingQueue {
	q := queue.NewBounded[uint64](benchCap)
	ctx := context.Background()
	return blockingQueue{
		push: func(v uint64) {
			if err := q.Push(ctx, v); err != nil {
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

func chanTry() tryQueue {
	c := make(chan uint64, benchCap)
	return tryQueue{
		tryPush: func(v uint64) bool {
			select {
			case c <- v:
				return true
			default:
				return false
			}
		},
		tryPop: func() (uint64, bool) {
			select {
			case v := <-c:
				return v, true
			default:
				return 0, false
			}
		},
	}
}

func chanBlocking() blockingQueue {
	c := make(chan uint64, benchCap)
	return blockingQueue{push: func(v uint64) { c <- v }, pop: func() uint64 { return <-c }}
}

// benchPs is 1, 2, 4, ... up to twice GOMAXPROCS.
func benchPs() []int {
	var ps []int
	for p := 1; p <= 2*runtime.GOMAXPROCS(0); p *= 2 {
		ps = append(ps, p)
	}
	return ps
}

// share is the number of the n items that goroutine i of k moves.
func share(n, k, i int) int {
	return n/k + btoi(i < n%k)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// moveItems runs producers goroutines that push b.N items in all and
// consumers goroutines that pop them, through push and pop, and fails b
// unless every item arrives exactly once (by sum).
func moveItems(b *testing.B, producers, consumers int, push func(uint64), pop func() uint64) {
	b.ReportAllocs()
	var wg sync.WaitGroup
	sums := make([]uint64, consumers)
	start := make(chan struct{})
	for i := range producers {
		n := share(b.N, producers, i)
		wg.Go(func() {
			<-start
			for v := range uint64(n) {
				push(v + 1)
			}
		})
	}
	var want uint64
	for i := range producers {
		n := uint64(share(b.N, producers, i))
		want += n * (n + 1) / 2
	}
	for i := range consumers {
		n := share(b.N, consumers, i)
		wg.Go(func() {
			<-start
			var sum uint64
			for range n {
				sum += pop()
			}
			sums[i] = sum
		})
	}
	b.ResetTimer()
	close(start)
	wg.Wait()
	b.StopTimer()
	var got uint64
	for _, s := range sums {
		got += s
	}
	require.Equal(b, want, got, "sum of the values popped")
}

// spinPush and spinPop wrap a try operation in a loop that yields every
// 64th failure, as a caller polling a full or empty queue would.
func spinPush(q tryQueue) func(uint64) {
	return func(v uint64) {
		for i := 1; !q.tryPush(v); i++ {
			if i%64 == 0 {
				runtime.Gosched()
			}
		}
	}
}

func spinPop(q tryQueue) func() uint64 {
	return func() uint64 {
		for i := 1; ; i++ {
			if v, ok := q.tryPop(); ok {
				return v
			}
			if i%64 == 0 {
				runtime.Gosched()
			}
		}
	}
}

// runTry runs sub-benchmarks impl=NAME/P=N of producers(P) producers and
// consumers(P) consumers polling each queue with its try operations.
func runTry(b *testing.B, impls map[string]func() tryQueue, ps []int, producers, consumers func(p int) int) {
	for _, name := range sortedNames(impls) {
		for _, p := range ps {
			b.Run(fmt.Sprintf("impl=%s/P=%d", name, p), func(b *testing.B) {
				q := impls[name]()
				moveItems(b, producers(p), consumers(p), spinPush(q), spinPop(q))
			})
		}
	}
}

func sortedNames[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

func one(int) int    { return 1 }
func same(p int) int { return p }

var boundedTryImpls = map[string]func() tryQueue{"xbeam-bounded": boundedTry, "chan": chanTry}

func BenchmarkBoundedSPSC(b *testing.B) {
	runTry(b, boundedTryImpls, []int{1}, one, one)
}

func BenchmarkBoundedMPSC(b *testing.B) {
	runTry(b, boundedTryImpls, benchPs(), same, one)
}

func BenchmarkBoundedMPMC(b *testing.B) {
	runTry(b, boundedTryImpls, benchPs(), same, same)
}

// BenchmarkBoundedMPMCBlocking is P producers and P consumers with the
// blocking Push and Pop, including P=64, the oversubscribed case.
func BenchmarkBoundedMPMCBlocking(b *testing.B) {
	impls := map[string]func() blockingQueue{"xbeam-bounded": boundedBlocking, "chan": chanBlocking}
	for _, name := range sortedNames(impls) {
		for _, p := range append(benchPs(), 64) {
			b.Run(fmt.Sprintf("impl=%s/P=%d", name, p), func(b *testing.B) {
				q := impls[name]()
				moveItems(b, p, p, q.push, q.pop)
			})
		}
	}
}

// BenchmarkBoundedTryPushPop is one goroutine alternating TryPush and TryPop
// on an otherwise empty queue: the cost of the operations themselves, with
// no other goroutine touching the lines. ns/op is per pair.
func BenchmarkBoundedTryPushPop(b *testing.B) {
	for _, name := range sortedNames(boundedTryImpls) {
		b.Run("impl="+name, func(b *testing.B) {
			q := boundedTryImpls[name]()
			b.ReportAllocs()
			for i := uint64(1); b.Loop(); i++ {
				if !q.tryPush(i) {
					b.Fatalf("%s: TryPush failed on an empty queue", name)
				}
				if v, ok := q.tryPop(); !ok || v != i {
					b.Fatalf("%s: TryPop() = %d, %v; want %d, true", name, v, ok, i)
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
// The throughput workloads reward a Pop that, finding the queue empty,
// waits longer before it looks again: each look pulls the slot's line away
// from the producer about to write it. Here the value it waits for is
// already on its way, so every extra pause is added to the round trip. A
// change to Bounded's waiting path should be measured on both.
func BenchmarkBoundedPingPong(b *testing.B) {
	impls := map[string]func() blockingQueue{"xbeam-bounded": boundedBlocking, "chan": chanBlocking}
	for _, name := range sortedNames(impls) {
		b.Run("impl="+name, func(b *testing.B) {
			there, back := impls[name](), impls[name]()
			done := make(chan struct{})
			go func() {
				// Echo every value; 0 is the last.
				defer close(done)
				for {
					v := there.pop()
					back.push(v)
					if v == 0 {
						return
					}
				}
			}()
			b.ReportAllocs()
			var got, want uint64
			for i := uint64(1); b.Loop(); i++ {
				there.push(i)
				if v := back.pop(); v != i && want == 0 {
					got, want = v, i
				}
			}
			there.push(0)
			back.pop()
			<-done
			if want != 0 {
				b.Fatalf("%s: round trip %d came back as %d", name, want, got)
			}
		})
	}
}
