package forkjoin_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

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
			parts := make([]uint64, runtime.GOMAXPROCS(0))
			b.ReportAllocs()
			for b.Loop() {
				clear(parts)
				_ = p.Run(context.Background(), func(c *forkjoin.Ctx) {
					c.ForRange(0, len(data), 1, func(c *forkjoin.Ctx, lo, hi int) { parts[c.Worker()] += sum(data[lo:hi]) })
				})
				var got uint64
				for _, x := range parts {
					got += x
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

// msort sorts a.src with a.dst as scratch (the result ends in a.src):
// parallel halves, then a sequential merge; slices.Sort below a cutoff.
func msort(c *forkjoin.Ctx, a mergeArgs) struct{} {
	n := len(a.src)
	if n <= 1<<12 {
		slices.Sort(a.src)
		return struct{}{}
	}
	m := n / 2
	forkjoin.JoinFunc(c, msort, mergeArgs{a.src[:m], a.dst[:m]}, mergeArgs{a.src[m:], a.dst[m:]})
	copy(a.dst, a.src)
	x, y := a.dst[:m], a.dst[m:]
	i, j, k := 0, 0, 0
	for i < len(x) && j < len(y) {
		if y[j] < x[i] {
			a.src[k] = y[j]
			j++
		} else {
			a.src[k] = x[i]
			i++
		}
		k++
	}
	k += copy(a.src[k:], x[i:])
	copy(a.src[k:], y[j:])
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
					_ = p.Run(context.Background(), func(c *forkjoin.Ctx) { msort(c, mergeArgs{s, scratch}) })
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
