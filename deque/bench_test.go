package deque_test

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/xbeam/xbeam/internal/bench"
	"github.com/xbeam/xbeam/internal/bench/xbeamimpl"
)

// The deque workloads of xbeam-bench, run by internal/bench on its mutex
// deque peer and on both flavours of Worker, as sub-benchmarks impl=NAME/P=N
// (deque-owner: the owner alternates Push(v); Pop(), one op per pair;
// deque-steal: the owner pushes 256 items, then pops until empty, while P
// thieves loop Steal, one op per item moved):
//
//	go test -run '^$' -bench 'Deque' -count 10 ./deque/ | benchstat -col /impl -
//
// Each run checks that every item leaves exactly once (count and sum).

// dequeBenchImpls is every peer plus both Worker flavours; the deque
// workloads skip the peers that are not deques.
func dequeBenchImpls() []*bench.Impl {
	return append(bench.Peers(), xbeamimpl.DequeLIFOImpl(), xbeamimpl.DequeFIFOImpl())
}

func BenchmarkDequeOwner(b *testing.B) {
	bench.Run(b, bench.DequeOwner, dequeBenchImpls(), bench.Ps())
}

func BenchmarkDequeSteal(b *testing.B) {
	bench.Run(b, bench.DequeSteal, dequeBenchImpls(), bench.Ps())
}

// forkJoinN is the fib argument of BenchmarkForkJoin: fib(n) spawns one
// task per call, fib(n+1) leaves (fib(25): 121,393 leaves, 242,785 tasks).
// The size of the fork-join workload, about 2^25 leaves, is XBEAM_FORKJOIN_N=37.
func forkJoinN() int {
	if s := os.Getenv("XBEAM_FORKJOIN_N"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 45 {
			panic("XBEAM_FORKJOIN_N must be an integer in [1, 45]")
		}
		return n
	}
	return 25
}

func fibSeq(n int) int64 {
	if n < 2 {
		return int64(n)
	}
	return fibSeq(n-1) + fibSeq(n-2)
}

// fibGoroutines is the goroutine-per-task peer: every call but the last
// branch runs in a new goroutine, joined with a sync.WaitGroup.
func fibGoroutines(n int) int64 {
	if n < 2 {
		return int64(n)
	}
	var a int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		a = fibGoroutines(n - 1)
	}()
	b := fibGoroutines(n - 2)
	wg.Wait()
	return a + b
}

// fibPool is a pool of worker goroutines that computes fib(n) one task per
// call: the xbeam scheduler of Example_forkJoin or the chanPool peer.
type fibPool interface {
	Fib(n int) int64
	Close()
}

// chanPool is the channel-fed worker pool peer: W goroutines receive tasks
// from one buffered channel (cap 1024); a spawn that finds the channel full
// runs the task inline instead of blocking (which could deadlock).
type chanPool struct {
	tasks chan fibTask
	wg    sync.WaitGroup
}

func newChanPool(w int) *chanPool {
	p := &chanPool{tasks: make(chan fibTask, 1024)}
	for range w {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			var frames frameCache
			for t := range p.tasks {
				p.run(t, &frames)
			}
		}()
	}
	return p
}

func (p *chanPool) run(t fibTask, frames *frameCache) {
	for t.n >= 2 {
		f := frames.get(t.parent, t.side)
		select {
		case p.tasks <- fibTask{n: t.n - 2, parent: f, side: 1}:
		default:
			p.run(fibTask{n: t.n - 2, parent: f, side: 1}, frames)
		}
		t = fibTask{n: t.n - 1, parent: f, side: 0}
	}
	complete(t.parent, t.side, int64(t.n), frames)
}

func (p *chanPool) Fib(n int) int64 {
	root := &frame{done: make(chan int64, 1)}
	root.pending.Store(1)
	p.tasks <- fibTask{n: n, parent: root}
	return <-root.done
}

func (p *chanPool) Close() {
	close(p.tasks)
	p.wg.Wait()
}

// BenchmarkForkJoin runs fib(n) with one task per call on W work-stealing
// workers (the scheduler of Example_forkJoin), against one goroutine per
// task with a WaitGroup and a channel-fed worker pool. One op is one fib(n);
// tasks/s is reported. (xbeam-bench's fork-join workload, a binary task
// tree on bare deques, is internal/bench's: see internal/bench/xbeamimpl.)
func BenchmarkForkJoin(b *testing.B) {
	n := forkJoinN()
	want := fibSeq(n)
	// The call tree has fib(n+1) leaves and 2*fib(n+1)-1 nodes (tasks).
	nodes := float64(2*fibSeq(n+1) - 1)
	report := func(b *testing.B) {
		b.ReportMetric(nodes*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mtasks/s")
	}
	// pools runs fib(n) on fresh pools of 1, 2, 4, ... workers, up to
	// GOMAXPROCS (at most 16), as impl=NAME/W=w.
	pools := func(name string, newPool func(w int) fibPool) {
		for _, w := range []int{1, 2, 4, 8, 16} {
			if w > runtime.GOMAXPROCS(0) {
				break
			}
			b.Run(fmt.Sprintf("impl=%s/W=%d", name, w), func(b *testing.B) {
				b.ReportAllocs()
				p := newPool(w)
				defer p.Close()
				for range b.N {
					if got := p.Fib(n); got != want {
						b.Fatalf("fib(%d) = %d, want %d", n, got, want)
					}
				}
				report(b)
			})
		}
	}
	pools("xbeam", func(w int) fibPool { return newForkJoinPool(w) })
	b.Run(fmt.Sprintf("impl=goroutine-per-task/W=%d", runtime.GOMAXPROCS(0)), func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if got := fibGoroutines(n); got != want {
				b.Fatalf("fib(%d) = %d, want %d", n, got, want)
			}
		}
		report(b)
	})
	pools("chan-pool", func(w int) fibPool { return newChanPool(w) })
}
