package forkjoin_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/deque/forkjoin"
)

// fibCalls returns the number of calls fib(n) makes: one task each.
func fibCalls(n int) int {
	a, b := 1, 1 // calls of fib(0), fib(1)
	for range n - 1 {
		a, b = b, a+b+1
	}
	if n == 0 {
		return 1
	}
	return b
}

func fibSeq(n int) int {
	if n < 2 {
		return n
	}
	return fibSeq(n-1) + fibSeq(n-2)
}

// fibGo is goroutine-per-task fib with a sync.WaitGroup.
func fibGo(n int) int {
	if n < 2 {
		return n
	}
	var x int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		x = fibGo(n - 2)
	}()
	y := fibGo(n - 1)
	wg.Wait()
	return x + y
}

// chanPool is the channel-fed worker pool peer: a fork is handed to an
// idle worker if one is receiving, and run inline otherwise (so that a
// task waiting on its children can never starve the bounded pool).
type chanPool struct {
	ch chan func()
	wg sync.WaitGroup
}

func newChanPool(n int) *chanPool {
	p := &chanPool{ch: make(chan func())}
	p.wg.Add(n)
	for range n {
		go func() {
			defer p.wg.Done()
			for f := range p.ch {
				f()
			}
		}()
	}
	return p
}

func (p *chanPool) close() { close(p.ch); p.wg.Wait() }

func fibChan(p *chanPool, n int) int {
	if n < 2 {
		return n
	}
	var y int
	var wg sync.WaitGroup
	wg.Add(1)
	f := func() {
		defer wg.Done()
		y = fibChan(p, n-2)
	}
	select {
	case p.ch <- f:
	default:
		f()
	}
	x := fibChan(p, n-1)
	wg.Wait()
	return x + y
}

// fibJoin is fib with Join and closures (which allocate).
func fibJoin(c *forkjoin.Ctx, n int) int {
	if n < 2 {
		return n
	}
	var x, y int
	c.Join(func(c *forkjoin.Ctx) { x = fibJoin(c, n-1) }, func(c *forkjoin.Ctx) { y = fibJoin(c, n-2) })
	return x + y
}

// reportCalls reports fib calls per second, the unit rayon's rows use.
func reportCalls(b *testing.B, n int) {
	b.ReportMetric(float64(fibCalls(n))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mcalls/s")
}

func BenchmarkFib(b *testing.B) {
	for _, n := range []int{25, 30} {
		b.Run(fmt.Sprintf("impl=forkjoin/n=%d", n), func(b *testing.B) {
			p := forkjoin.New(0)
			defer p.Close()
			want := fibSeq(n)
			b.ReportAllocs()
			for b.Loop() {
				var r int
				_ = p.Run(context.Background(), func(c *forkjoin.Ctx) { r = fib(c, n) })
				if r != want {
					b.Fatalf("fib(%d) = %d, want %d", n, r, want)
				}
			}
			reportCalls(b, n)
		})
		b.Run(fmt.Sprintf("impl=forkjoin-closures/n=%d", n), func(b *testing.B) {
			p := forkjoin.New(0)
			defer p.Close()
			b.ReportAllocs()
			for b.Loop() {
				_ = p.Run(context.Background(), func(c *forkjoin.Ctx) { fibJoin(c, n) })
			}
			reportCalls(b, n)
		})
		b.Run(fmt.Sprintf("impl=chanpool/n=%d", n), func(b *testing.B) {
			p := newChanPool(runtime.GOMAXPROCS(0))
			defer p.close()
			b.ReportAllocs()
			for b.Loop() {
				fibChan(p, n)
			}
			reportCalls(b, n)
		})
		b.Run(fmt.Sprintf("impl=goroutines/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				fibGo(n)
			}
			reportCalls(b, n)
		})
		b.Run(fmt.Sprintf("impl=sequential/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				fibSeq(n)
			}
			reportCalls(b, n)
		})
	}
}

// forItems is the size of the parallel-for and mergesort workloads.
const forItems = 10_000_000

// BenchmarkParallelFor sums body (or skewed) over forItems elements with
// ForRange, against the sequential loop and goroutines per chunk.
func BenchmarkParallelFor(b *testing.B) {
	data := make([]uint64, forItems)
	for i := range data {
		data[i] = uint64(i)
	}
	for _, wl := range []string{"parallel-for", "parallel-for-skewed"} {
		f := body
		if wl == "parallel-for-skewed" {
			f = skewed
		}
		var want uint64
		for _, x := range data {
			want += f(x)
		}
		sum := func(s []uint64) uint64 {
			var t uint64
			for _, x := range s {
				t += f(x)
			}
			return t
		}
		b.Run("workload="+wl+"/impl=forkjoin", func(b *testing.B) {
			p := forkjoin.New(0)
			defer p.Close()
			// One sum per worker, each alone on its cache line: the
			// pieces are short (grain 1), and adjacent sums would bounce
			// one line between the workers.
			parts := make([]struct {
				v uint64
				_ atomicx.Pad
			}, runtime.GOMAXPROCS(0))
			b.ReportAllocs()
			for b.Loop() {
				clear(parts)
				_ = p.Run(context.Background(), func(c *forkjoin.Ctx) {
					c.ForRange(0, len(data), 1, func(c *forkjoin.Ctx, lo, hi int) { parts[c.Worker()].v += sum(data[lo:hi]) })
				})
				var got uint64
				for _, x := range parts {
					got += x.v
				}
				if got != want {
					b.Fatalf("sum %d, want %d", got, want)
				}
			}
			b.ReportMetric(float64(forItems)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Melems/s")
		})
		b.Run("workload="+wl+"/impl=goroutines", func(b *testing.B) {
			// One goroutine per chunk of 10000 elements.
			b.ReportAllocs()
			for b.Loop() {
				var wg sync.WaitGroup
				var total atomic.Uint64
				for lo := 0; lo < len(data); lo += 10000 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						total.Add(sum(data[lo:min(lo+10000, len(data))]))
					}()
				}
				wg.Wait()
				if total.Load() != want {
					b.Fatal("wrong sum")
				}
			}
			b.ReportMetric(float64(forItems)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Melems/s")
		})
		b.Run("workload="+wl+"/impl=sequential", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if sum(data) != want {
					b.Fatal("wrong sum")
				}
			}
			b.ReportMetric(float64(forItems)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Melems/s")
		})
	}
}

// sortArgs is one call of msort: sort src, using buf (of the same
// length) as scratch; the result ends in buf if toBuf, else in src.
type sortArgs struct {
	src, buf []uint64
	toBuf    bool
}

// msort is a parallel mergesort: the halves in parallel, then a parallel
// merge, ping-ponging between src and buf so that no pass copies.
func msort(c *forkjoin.Ctx, a sortArgs) struct{} {
	n := len(a.src)
	if n <= 1<<12 {
		slices.Sort(a.src)
		if a.toBuf {
			copy(a.buf, a.src)
		}
		return struct{}{}
	}
	m := n / 2
	forkjoin.JoinFunc(c, msort, sortArgs{a.src[:m], a.buf[:m], !a.toBuf}, sortArgs{a.src[m:], a.buf[m:], !a.toBuf})
	from, to := a.buf, a.src // the halves are where the calls above put them
	if a.toBuf {
		from, to = a.src, a.buf
	}
	pmerge(c, mergeTask{from[:m], from[m:], to})
	return struct{}{}
}

// mergeTask merges the sorted x and y into dst.
type mergeTask struct{ x, y, dst []uint64 }

// pmerge merges in parallel: it splits the longer input at its middle and
// the other at the same value, and merges the two pairs in parallel.
func pmerge(c *forkjoin.Ctx, t mergeTask) struct{} {
	if len(t.x) < len(t.y) {
		t.x, t.y = t.y, t.x
	}
	if len(t.x)+len(t.y) <= 1<<13 {
		i, j, k := 0, 0, 0
		for i < len(t.x) && j < len(t.y) {
			if t.y[j] < t.x[i] {
				t.dst[k] = t.y[j]
				j++
			} else {
				t.dst[k] = t.x[i]
				i++
			}
			k++
		}
		k += copy(t.dst[k:], t.x[i:])
		copy(t.dst[k:], t.y[j:])
		return struct{}{}
	}
	mx := len(t.x) / 2
	my, _ := slices.BinarySearch(t.y, t.x[mx])
	forkjoin.JoinFunc(c, pmerge,
		mergeTask{t.x[:mx], t.y[:my], t.dst[:mx+my]},
		mergeTask{t.x[mx:], t.y[my:], t.dst[mx+my:]})
	return struct{}{}
}

// BenchmarkMergesort sorts forItems pseudo-random uint64.
func BenchmarkMergesort(b *testing.B) {
	in := make([]uint64, forItems)
	for i := range in {
		in[i] = body(uint64(i))
	}
	s, scratch := make([]uint64, forItems), make([]uint64, forItems)
	for _, impl := range []string{"forkjoin", "sequential"} {
		b.Run("impl="+impl, func(b *testing.B) {
			p := forkjoin.New(0)
			defer p.Close()
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				copy(s, in)
				b.StartTimer()
				if impl == "sequential" {
					slices.Sort(s)
				} else {
					_ = p.Run(context.Background(), func(c *forkjoin.Ctx) { msort(c, sortArgs{s, scratch, false}) })
				}
			}
			b.StopTimer()
			if !slices.IsSorted(s) {
				b.Fatal("not sorted")
			}
			b.ReportMetric(float64(forItems)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Melems/s")
		})
	}
}
