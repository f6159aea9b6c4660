package deque_test

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/xbeam/xbeam/deque"
)

// BenchmarkDequeOwner is BENCHMARKS.md's deque-owner workload: the owner
// alternates Push(v); Pop() on its own Worker; one op is one pair. The
// mutex-guarded slice is the baseline.
func BenchmarkDequeOwner(b *testing.B) {
	for _, f := range []struct {
		name string
		new  func() *deque.Worker[uint64]
	}{{"LIFO", deque.NewLIFO[uint64]}, {"FIFO", deque.NewFIFO[uint64]}} {
		b.Run("impl=xbeam-"+f.name+"/P=1", func(b *testing.B) {
			b.ReportAllocs()
			w := f.new()
			for i := range b.N {
				w.Push(uint64(i))
				w.Pop()
			}
		})
	}
	b.Run("impl=mutex-slice/P=1", func(b *testing.B) {
		b.ReportAllocs()
		var mu sync.Mutex
		var s []uint64
		for i := range b.N {
			mu.Lock()
			s = append(s, uint64(i))
			mu.Unlock()
			mu.Lock()
			s = s[:len(s)-1]
			mu.Unlock()
		}
	})
	b.Run("impl=chan/P=1", func(b *testing.B) {
		b.ReportAllocs()
		c := make(chan uint64, 1024)
		for i := range b.N {
			c <- uint64(i)
			<-c
		}
	})
}

// BenchmarkDequeSteal is BENCHMARKS.md's deque-steal workload: the owner
// pushes 256 items, then pops until empty, repeatedly, while T thieves loop
// Steal; every item leaves exactly once. One op is one item moved.
func BenchmarkDequeSteal(b *testing.B) {
	maxT := min(16, 2*runtime.GOMAXPROCS(0))
	for _, f := range []struct {
		name string
		new  func() *deque.Worker[uint64]
	}{{"LIFO", deque.NewLIFO[uint64]}, {"FIFO", deque.NewFIFO[uint64]}} {
		for _, thieves := range []int{1, 2, 4, 8, 16} {
			if thieves > maxT {
				break
			}
			benchSteal(b, f.name, f.new, thieves)
		}
	}
}

func benchSteal(b *testing.B, name string, newWorker func() *deque.Worker[uint64], thieves int) {
	b.Run(fmt.Sprintf("impl=xbeam-%s/T=%d", name, thieves), func(b *testing.B) {
		b.ReportAllocs()
		w := newWorker()
		s := w.Stealer()
		var stop atomic.Bool
		var stolen atomic.Int64
		var wg sync.WaitGroup
		for range thieves {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n := int64(0)
				for !stop.Load() {
					if _, st := s.Steal(); st == deque.Success {
						n++
					} else if st == deque.Empty {
						runtime.Gosched()
					}
				}
				stolen.Add(n)
			}()
		}
		b.ResetTimer()
		popped := 0
		for done := 0; done < b.N; {
			batch := min(256, b.N-done)
			for i := range batch {
				w.Push(uint64(i))
			}
			for {
				if _, ok := w.Pop(); !ok {
					break
				}
				popped++
			}
			done += batch
		}
		b.StopTimer()
		stop.Store(true)
		wg.Wait()
		if got := int64(popped) + stolen.Load(); got != int64(b.N) {
			b.Fatalf("moved %d items, pushed %d", got, b.N)
		}
		b.ReportMetric(float64(stolen.Load())/float64(b.N), "stolen/op")
	})
}

// forkJoinN is the fib argument of BenchmarkForkJoin: fib(n) spawns one
// task per call, fib(n+1) leaves (fib(25): 121,393 leaves, 242,785 tasks).
// BENCHMARKS.md's full size, about 2^25 leaves, is XBEAM_FORKJOIN_N=37.
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

// BenchmarkForkJoin is BENCHMARKS.md's fork-join workload: fib(n) with one
// task per call on W work-stealing workers (the scheduler of
// Example_forkJoin), against one goroutine per task with a WaitGroup and a
// channel-fed worker pool. One op is one fib(n); tasks/s is reported.
func BenchmarkForkJoin(b *testing.B) {
	n := forkJoinN()
	want := fibSeq(n)
	// The call tree has fib(n+1) leaves and 2*fib(n+1)-1 nodes (tasks).
	nodes := float64(2*fibSeq(n+1) - 1)
	report := func(b *testing.B) {
		b.ReportMetric(nodes*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mtasks/s")
	}
	ws := []int{1, 2, 4, 8, 16}
	for _, w := range ws {
		if w > runtime.GOMAXPROCS(0) {
			break
		}
		b.Run(fmt.Sprintf("impl=xbeam/W=%d", w), func(b *testing.B) {
			b.ReportAllocs()
			p := newForkJoinPool(w)
			defer p.Close()
			for range b.N {
				if got := p.Fib(n); got != want {
					b.Fatalf("fib(%d) = %d, want %d", n, got, want)
				}
			}
			report(b)
		})
	}
	b.Run(fmt.Sprintf("impl=goroutine-per-task/W=%d", runtime.GOMAXPROCS(0)), func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if got := fibGoroutines(n); got != want {
				b.Fatalf("fib(%d) = %d, want %d", n, got, want)
			}
		}
		report(b)
	})
	for _, w := range ws {
		if w > runtime.GOMAXPROCS(0) {
			break
		}
		b.Run(fmt.Sprintf("impl=chan-pool/W=%d", w), func(b *testing.B) {
			b.ReportAllocs()
			p := newChanPool(w)
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
