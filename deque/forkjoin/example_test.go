package forkjoin_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/xbeam/xbeam/deque/forkjoin"
)

// fib computes fib(n) with one task per call: JoinFunc forks the second
// call and allocates nothing.
func fib(c *forkjoin.Ctx, n int) int {
	if n < 2 {
		return n
	}
	x, y := forkjoin.JoinFunc(c, fib, n-1, n-2)
	return x + y
}

func Example() {
	p := forkjoin.New(0)
	defer p.Close()
	var r int
	if err := p.Run(context.Background(), func(c *forkjoin.Ctx) { r = fib(c, 20) }); err != nil {
		panic(err)
	}
	fmt.Println(r)
	// Output: 6765
}

// A parallel sum: ForRange hands the workers pieces of the range (at
// least 4096 indexes each), and each adds its pieces into its own slot.
func Example_sum() {
	xs := make([]int, 1_000_000)
	for i := range xs {
		xs[i] = i % 7
	}
	p := forkjoin.New(0)
	defer p.Close()
	partial := make([]int, p.Workers()) // one per worker: no atomics
	_ = p.Run(context.Background(), func(c *forkjoin.Ctx) {
		c.ForRange(0, len(xs), 4096, func(c *forkjoin.Ctx, lo, hi int) {
			t := 0
			for _, x := range xs[lo:hi] {
				t += x
			}
			partial[c.Worker()] += t
		})
	})
	total := 0
	for _, t := range partial {
		total += t
	}
	fmt.Println(total)
	// Output: 2999997
}

// quicksort sorts s in place: partition, then sort the two sides in
// parallel. Below a cutoff the sequential sort is faster than a fork.
func quicksort(c *forkjoin.Ctx, s []int) struct{} {
	if len(s) <= 1024 {
		slices.Sort(s)
		return struct{}{}
	}
	pivot := s[len(s)/2]
	i, j := 0, len(s)-1
	for i <= j {
		for s[i] < pivot {
			i++
		}
		for s[j] > pivot {
			j--
		}
		if i <= j {
			s[i], s[j] = s[j], s[i]
			i++
			j--
		}
	}
	forkjoin.JoinFunc(c, quicksort, s[:j+1], s[i:])
	return struct{}{}
}

func Example_quicksort() {
	s := make([]int, 100_000)
	x := uint32(1)
	for i := range s {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		s[i] = int(x % 1000)
	}
	p := forkjoin.New(0)
	defer p.Close()
	_ = p.Run(context.Background(), func(c *forkjoin.Ctx) { quicksort(c, s) })
	fmt.Println(slices.IsSorted(s), len(s))
	// Output: true 100000
}

type node struct {
	val      int
	children []*node
}

// A tree walk of unknown fan-out: Go forks one task per child, and Run
// returns when the whole tree is visited.
func Example_treeWalk() {
	var build func(depth int) *node
	build = func(depth int) *node {
		n := &node{val: depth}
		if depth > 0 {
			for range 3 {
				n.children = append(n.children, build(depth-1))
			}
		}
		return n
	}
	root := build(6)
	p := forkjoin.New(0)
	defer p.Close()
	counts := make([]int, p.Workers()) // per-worker: no sharing, no atomics
	var visit func(n *node) func(*forkjoin.Ctx)
	visit = func(n *node) func(*forkjoin.Ctx) {
		return func(c *forkjoin.Ctx) {
			counts[c.Worker()]++
			for _, ch := range n.children {
				c.Go(visit(ch))
			}
		}
	}
	_ = p.Run(context.Background(), visit(root))
	total := 0
	for _, n := range counts {
		total += n
	}
	fmt.Println(total)
	// Output: 1093
}

// Join runs two different computations, in parallel when a worker is
// free; the closures may write to the caller's variables.
func ExampleCtx_Join() {
	p := forkjoin.New(2)
	defer p.Close()
	var evens, odds int
	_ = p.Run(context.Background(), func(c *forkjoin.Ctx) {
		c.Join(func(*forkjoin.Ctx) {
			for i := 0; i < 100; i += 2 {
				evens += i
			}
		}, func(*forkjoin.Ctx) {
			for i := 1; i < 100; i += 2 {
				odds += i
			}
		})
	})
	fmt.Println(evens, odds)
	// Output: 2450 2500
}

// For calls its body once per index; here each call writes its own slot.
func ExampleCtx_For() {
	p := forkjoin.New(0)
	defer p.Close()
	squares := make([]int, 10)
	_ = p.Run(context.Background(), func(c *forkjoin.Ctx) {
		c.For(0, len(squares), 1, func(i int) { squares[i] = i * i })
	})
	fmt.Println(squares)
	// Output: [0 1 4 9 16 25 36 49 64 81]
}

// A panic in any task reaches the caller of Run, as a *PanicError with
// the task's stack, once the call's other tasks are done; the pool stays
// usable.
func ExamplePool_Run() {
	p := forkjoin.New(0)
	defer p.Close()
	func() {
		defer func() {
			pe := recover().(*forkjoin.PanicError)
			fmt.Println("recovered:", pe.Value)
		}()
		_ = p.Run(context.Background(), func(c *forkjoin.Ctx) {
			c.For(0, 1000, 1, func(i int) {
				if i == 500 {
					panic("bad index")
				}
			})
		})
	}()
	err := p.Run(context.Background(), func(*forkjoin.Ctx) {})
	fmt.Println("next call:", err)
	// Output:
	// recovered: bad index
	// next call: <nil>
}
