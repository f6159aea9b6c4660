package forkjoin_test

import (
	"context"
	"fmt"
	"sync"
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
