package xbeamimpl

// The xbeam-forkjoin implementation of the task workloads, on the pool of
// package github.com/xbeam/xbeam/deque/forkjoin.

import (
	"context"
	"slices"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/deque/forkjoin"
	"github.com/xbeam/xbeam/stress/bench/internal/bench"
)

func init() { registered = append(registered, ForkJoinPoolImpl) }

// ForkJoinPoolImpl returns forkjoin.Pool for the task workloads,
// "xbeam-forkjoin".
func ForkJoinPoolImpl() *bench.Impl {
	return &bench.Impl{
		Name: "xbeam-forkjoin",
		Doc:  "deque/forkjoin Pool: JoinFunc per call, ForRange with the adaptive splitter, merge sort and parallel merge by JoinFunc",
		NewTaskPool: func(workers int) bench.TaskPool {
			return forkJoinPool{forkjoin.New(workers)}
		},
	}
}

type forkJoinPool struct{ p *forkjoin.Pool }

func (f forkJoinPool) Close() { f.p.Close() }

// run runs fn on the pool; the workloads never cancel, so an error is a
// broken pool.
func (f forkJoinPool) run(fn func(*forkjoin.Ctx)) {
	if err := f.p.Run(context.Background(), fn); err != nil {
		panic(err)
	}
}

func (f forkJoinPool) Fib(n int) uint64 {
	var r uint64
	f.run(func(c *forkjoin.Ctx) { r = fjFib(c, n) })
	return r
}

func fjFib(c *forkjoin.Ctx, n int) uint64 {
	if n < 2 {
		return uint64(n)
	}
	a, b := forkjoin.JoinFunc(c, fjFib, n-1, n-2)
	return a + b
}

// paddedSum is one worker's share of a Sum, alone on its cache line.
type paddedSum struct {
	v uint64
	_ atomicx.Pad
}

func (f forkJoinPool) Sum(n int, body func(lo, hi int) uint64) uint64 {
	sums := make([]paddedSum, f.p.Workers())
	f.run(func(c *forkjoin.Ctx) {
		c.ForRange(0, n, bench.ForGrain, func(c *forkjoin.Ctx, lo, hi int) {
			sums[c.Worker()].v += body(lo, hi)
		})
	})
	var r uint64
	for i := range sums {
		r += sums[i].v
	}
	return r
}

// sortPart is one part of a merge sort: the values, a buffer as long, and
// which of the two gets the sorted values (the parts below sort into the
// other, so that no level copies its result back).
type sortPart struct {
	s, buf []uint64
	toBuf  bool
}

func (f forkJoinPool) Sort(s []uint64) {
	buf := make([]uint64, len(s))
	f.run(func(c *forkjoin.Ctx) { fjSort(c, sortPart{s, buf, false}) })
}

func fjSort(c *forkjoin.Ctx, p sortPart) struct{} {
	if len(p.s) <= bench.SortGrain {
		slices.Sort(p.s)
		if p.toBuf {
			copy(p.buf, p.s)
		}
		return struct{}{}
	}
	mid := len(p.s) / 2
	forkjoin.JoinFunc(c, fjSort, sortPart{p.s[:mid], p.buf[:mid], !p.toBuf}, sortPart{p.s[mid:], p.buf[mid:], !p.toBuf})
	if p.toBuf {
		fjMerge(c, mergePart{p.buf, p.s[:mid], p.s[mid:]})
	} else {
		fjMerge(c, mergePart{p.s, p.buf[:mid], p.buf[mid:]})
	}
	return struct{}{}
}

// mergePart is a merge of the sorted a and b into dst.
type mergePart struct{ dst, a, b []uint64 }

// fjMerge merges in parallel: two independent merges (bench.SplitMerge)
// by JoinFunc, down to bench.MergeGrain values.
func fjMerge(c *forkjoin.Ctx, m mergePart) struct{} {
	if len(m.a)+len(m.b) <= bench.MergeGrain {
		bench.Merge(m.dst, m.a, m.b)
		return struct{}{}
	}
	i, k := bench.SplitMerge(m.a, m.b)
	forkjoin.JoinFunc(c, fjMerge, mergePart{m.dst[:i+k], m.a[:i], m.b[:k]}, mergePart{m.dst[i+k:], m.a[i:], m.b[k:]})
	return struct{}{}
}
