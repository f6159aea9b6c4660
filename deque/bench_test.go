package deque_test

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xbeam/xbeam/deque"
)

// The deques' own benchmarks, beside a mutex-guarded ring as the baseline,
// as sub-benchmarks impl=NAME/P=N for benchstat:
//
//	go test -run '^$' -bench 'Deque' -count 10 ./deque/ | benchstat -col /impl -
//
// The comparison with other Go libraries is the xbeam-bench command's
// (make bench), which runs the same owner and steal patterns.

// benchDeque is the owner's and the thieves' view of a deque.
type benchDeque struct {
	push  func(uint64)
	pop   func() (uint64, bool)
	steal func() (uint64, bool)
}

func workerDeque(w *deque.Worker[uint64]) benchDeque {
	s := w.Stealer()
	return benchDeque{push: w.Push, pop: w.Pop, steal: func() (uint64, bool) {
		for {
			v, st := s.Steal()
			if st != deque.Retry {
				return v, st == deque.Success
			}
		}
	}}
}

// mutexDeque is the baseline: a growable ring behind a sync.Mutex, the
// owner at the back, thieves at the front.
type mutexDeque struct {
	mu   sync.Mutex
	head int      // index of the oldest value; guarded by mu
	n    int      // number of values held; guarded by mu
	buf  []uint64 // len is a power of two; guarded by mu
}

func (d *mutexDeque) push(v uint64) {
	d.mu.Lock()
	if d.n == len(d.buf) {
		nb := make([]uint64, max(2*len(d.buf), 64))
		for i := range d.n {
			nb[i] = d.buf[(d.head+i)&(len(d.buf)-1)]
		}
		d.buf, d.head = nb, 0
	}
	d.buf[(d.head+d.n)&(len(d.buf)-1)] = v
	d.n++
	d.mu.Unlock()
}

func (d *mutexDeque) pop() (uint64, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.n == 0 {
		return 0, false
	}
	d.n--
	return d.buf[(d.head+d.n)&(len(d.buf)-1)], true
}

func (d *mutexDeque) steal() (uint64, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.n == 0 {
		return 0, false
	}
	v := d.buf[d.head]
	d.head = (d.head + 1) & (len(d.buf) - 1)
	d.n--
	return v, true
}

var benchDeques = []struct {
	name string
	make func() benchDeque
}{
	{"xbeam-lifo", func() benchDeque { return workerDeque(deque.NewLIFO[uint64]()) }},
	{"xbeam-fifo", func() benchDeque { return workerDeque(deque.NewFIFO[uint64]()) }},
	{"mutex-deque", func() benchDeque {
		d := new(mutexDeque)
		return benchDeque{push: d.push, pop: d.pop, steal: d.steal}
	}},
}

// BenchmarkDequeOwner is the owner alone: Push(v) then Pop() of the item
// just pushed, in batches of 1 (the last-item race on every Pop) and 8.
// ns/op is per batch, ns/item per item pushed and popped.
func BenchmarkDequeOwner(b *testing.B) {
	for _, batch := range []int{1, 8} {
		for _, impl := range benchDeques {
			b.Run(fmt.Sprintf("impl=%s/batch=%d", impl.name, batch), func(b *testing.B) {
				d := impl.make()
				b.ReportAllocs()
				for b.Loop() {
					for v := range uint64(batch) {
						d.push(v)
					}
					for range batch {
						if _, ok := d.pop(); !ok {
							b.Fatal("Pop found the owner's deque empty")
						}
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/item")
			})
		}
	}
}

// BenchmarkDequeSteal is the owner pushing 256 items, then popping until
// empty, while P thieves loop Steal. ns/op is per item; the run fails
// unless every item leaves exactly once (by count and sum). stolen-% is
// the share of the items the thieves took: near 0 when the operating
// system ran the thieves and the owner in turns rather than at once, a
// run that measures the owner alone (pin the benchmark to one CPU with
// taskset to see it).
func BenchmarkDequeSteal(b *testing.B) {
	var ps []int
	for p := 1; p <= max(2, runtime.GOMAXPROCS(0)); p *= 2 {
		ps = append(ps, p)
	}
	for _, impl := range benchDeques {
		for _, p := range ps {
			b.Run(fmt.Sprintf("impl=%s/P=%d", impl.name, p), func(b *testing.B) {
				d := impl.make()
				var stop atomic.Bool
				var stolenN, stolenSum atomic.Uint64
				var thieves sync.WaitGroup
				for range p {
					thieves.Go(func() {
						var n, sum uint64
						for !stop.Load() {
							if v, ok := d.steal(); ok {
								n++
								sum += v
							}
						}
						stolenN.Add(n)
						stolenSum.Add(sum)
					})
				}
				b.ReportAllocs()
				b.ResetTimer()
				var n, sum uint64
				for v := uint64(1); v <= uint64(b.N); {
					for end := min(v+256, uint64(b.N)+1); v < end; v++ {
						d.push(v)
					}
					for {
						x, ok := d.pop()
						if !ok {
							break
						}
						n++
						sum += x
					}
				}
				b.StopTimer()
				stop.Store(true)
				thieves.Wait()
				b.ReportMetric(100*float64(stolenN.Load())/float64(b.N), "stolen-%")
				n += stolenN.Load()
				sum += stolenSum.Load()
				want := uint64(b.N)
				require.Equal(b, want, n, "items popped and stolen")
				require.Equal(b, want*(want+1)/2, sum, "sum of the items popped and stolen")
			})
		}
	}
}

// forkJoinN is the fib argument of BenchmarkForkJoin: fib(n) spawns one
// task per call, fib(n+1) leaves (fib(25): 121,393 leaves, 242,785 tasks).
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
// tasks/s is reported. Every spawn is a Push, so this measures the deques
// under a scheduler; deque/forkjoin's BenchmarkFib measures its pool, whose
// forks mostly skip the deque (lazy task creation).
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
