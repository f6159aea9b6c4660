package bench

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
)

// TaskPool runs the task workloads (fib, mergesort, parallel-for and
// parallel-for-skewed) on a fixed number of workers. Each method returns
// once all the tasks it made have returned; the driver calls one method at
// a time.
type TaskPool interface {
	// Fib returns fib(n), computed with one task per call: every call
	// with n >= 2 forks fib(n-1) and fib(n-2) and joins them.
	Fib(n int) uint64
	// Sum returns the wrapping sum of body(lo, hi) over pieces [lo, hi)
	// that partition [0, n), run in parallel.
	Sum(n int, body func(lo, hi int) uint64) uint64
	// Sort sorts s in ascending order (a parallel merge sort).
	Sort(s []uint64)
	// Close releases the workers.
	Close()
}

// Sizes of the task workloads' pieces, the same for every pool that splits
// by Join: a piece of parallel-for has at most ForGrain indexes, a
// mergesort leaf at most SortGrain values (sorted by slices.Sort), a
// sequential merge at most MergeGrain values (larger ones are split by
// SplitMerge and run in parallel).
const (
	ForGrain   = 4096
	SortGrain  = 1 << 14
	MergeGrain = 1 << 14
)

// FibCalls returns the number of calls fib(n) makes with the naive
// recursion: one task each (fib(30): 2,692,537).
func FibCalls(n int) uint64 {
	a, b := uint64(1), uint64(1) // calls of fib(0), fib(1)
	if n == 0 {
		return 1
	}
	for range n - 1 {
		a, b = b, a+b+1
	}
	return b
}

// FibN returns the largest n whose fib(n) makes at most calls calls (at
// least 1).
func FibN(calls int) int {
	n := 1
	for FibCalls(n+1) <= uint64(calls) {
		n++
	}
	return n
}

func fibValue(n int) uint64 {
	a, b := uint64(0), uint64(1)
	for range n {
		a, b = b, a+b
	}
	return a
}

// ForBody is the body of parallel-for at index x: one xorshift round, a
// few nanoseconds.
func ForBody(x uint64) uint64 {
	v := x ^ 0x9E3779B97F4A7C15
	v ^= v << 13
	v ^= v >> 7
	v ^= v << 17
	return v
}

// SkewedBody is the body of parallel-for-skewed: ForBody, except at every
// tenth index, where it is ForBody applied 100 times.
func SkewedBody(x uint64) uint64 {
	if x%10 != 0 {
		return ForBody(x)
	}
	for range 100 {
		x = ForBody(x)
	}
	return x
}

func sumFor(lo, hi int) uint64 {
	var s uint64
	for i := lo; i < hi; i++ {
		s += ForBody(uint64(i))
	}
	return s
}

func sumSkewed(lo, hi int) uint64 {
	var s uint64
	for i := lo; i < hi; i++ {
		s += SkewedBody(uint64(i))
	}
	return s
}

// forWant caches the sequential sums, so that each run checks its result
// without paying for a sequential pass.
var forWant sync.Map // [2]int{n, skewed} -> uint64

func wantSum(n int, skewed bool, body func(lo, hi int) uint64) uint64 {
	k := [2]int{n, btoi(skewed)}
	if v, ok := forWant.Load(k); ok {
		return v.(uint64)
	}
	v := body(0, n)
	forWant.Store(k, v)
	return v
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// runTasks runs one task workload on a fresh pool of cfg.P workers, with
// GOMAXPROCS set to cfg.P for the span of the run, so that every
// implementation gets the same processors. The run is never truncated: a
// task tree cannot stop halfway and give a checkable result.
func runTasks(impl *Impl, cfg Config, kind string) Result {
	prev := runtime.GOMAXPROCS(cfg.P)
	defer runtime.GOMAXPROCS(prev)
	pool := impl.NewTaskPool(cfg.P)
	defer pool.Close()

	var data []uint64
	var dataSum, want uint64
	skewed := kind == "parallel-for-skewed"
	body := sumFor
	if skewed {
		body = sumSkewed
	}
	if kind == "parallel-for" || skewed {
		want = wantSum(cfg.Items, skewed, body) // before the clock starts
	}
	if kind == "mergesort" {
		data = make([]uint64, cfg.Items)
		for i := range data {
			data[i] = ForBody(uint64(i))
			dataSum += data[i]
		}
	}
	g := newGate()
	var ops uint64
	var bad error
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer g.catch()
		<-g.start
		switch kind {
		case "fib":
			n := FibN(cfg.Items)
			if got, want := pool.Fib(n), fibValue(n); got != want {
				bad = fmt.Errorf("fib(%d) = %d, want %d", n, got, want)
			}
			ops = FibCalls(n)
		case "parallel-for", "parallel-for-skewed":
			if got := pool.Sum(cfg.Items, body); got != want {
				bad = fmt.Errorf("sum = %d, want %d", got, want)
			}
			ops = uint64(cfg.Items)
		case "mergesort":
			pool.Sort(data)
			ops = uint64(cfg.Items)
		}
	}()
	g.open(Config{})
	elapsed, err := g.wait(cfg, done)
	if err == nil {
		err = bad
	}
	if err == nil && data != nil {
		var sum uint64
		for _, v := range data {
			sum += v
		}
		if sum != dataSum || !slices.IsSorted(data) {
			err = fmt.Errorf("the sorted slice is out of order or lost values")
		}
	}
	return Result{Ops: ops, Elapsed: elapsed, Err: err}
}
