package forkjoin_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/xbeam/xbeam/deque/forkjoin"
	"github.com/xbeam/xbeam/internal/race"
)

// workerCounts is the sweep every result test runs: 1 to 8 workers,
// whatever GOMAXPROCS is.
var workerCounts = []int{1, 2, 3, 4, 5, 6, 7, 8}

// run runs fn on a fresh pool of w workers and closes it.
func run(t testing.TB, w int, fn func(*forkjoin.Ctx)) {
	t.Helper()
	p := forkjoin.New(w)
	defer p.Close()
	require.NoError(t, p.Run(context.Background(), fn))
}

func size(normal, short int) int {
	if testing.Short() || race.Enabled {
		return short
	}
	return normal
}

func TestFib(t *testing.T) {
	n := size(27, 20)
	want := fibSeq(n)
	for _, w := range workerCounts {
		t.Run(fmt.Sprintf("workers=%d", w), func(t *testing.T) {
			p := forkjoin.New(w)
			defer p.Close()
			for range 3 {
				var got, gotJoin int
				require.NoError(t, p.Run(context.Background(), func(c *forkjoin.Ctx) { got = fib(c, n) }))
				require.NoError(t, p.Run(context.Background(), func(c *forkjoin.Ctx) { gotJoin = fibJoin(c, n-3) }))
				require.Equal(t, want, got)
				require.Equal(t, fibSeq(n-3), gotJoin)
			}
		})
	}
}

// mergeArgs is one mergesort call: sort src into dst (buf is scratch of
// the same length; src may be overwritten).
type mergeArgs struct{ src, dst []uint64 }

// mergesort sorts a.src into a.dst, forking both halves with JoinFunc.
// If toSrc, the result ends in src and dst is the scratch.
func mergesort(c *forkjoin.Ctx, a mergeArgs) struct{} {
	n := len(a.src)
	if n <= 256 {
		copy(a.dst, a.src)
		slices.Sort(a.dst)
		return struct{}{}
	}
	m := n / 2
	// Sort each half of src into the same half of dst, then merge the
	// two halves of dst back into src, then copy: simple and obviously
	// right rather than fast.
	forkjoin.JoinFunc(c, mergesort, mergeArgs{a.src[:m], a.dst[:m]}, mergeArgs{a.src[m:], a.dst[m:]})
	i, j, k := 0, m, 0
	for i < m && j < n {
		if a.dst[j] < a.dst[i] {
			a.src[k] = a.dst[j]
			j++
		} else {
			a.src[k] = a.dst[i]
			i++
		}
		k++
	}
	k += copy(a.src[k:], a.dst[i:m])
	copy(a.src[k:], a.dst[j:n])
	copy(a.dst, a.src)
	return struct{}{}
}

func TestMergesort(t *testing.T) {
	n := size(200_000, 20_000)
	r := rand.New(rand.NewPCG(1, 2))
	in := make([]uint64, n)
	for i := range in {
		in[i] = r.Uint64N(uint64(n))
	}
	want := slices.Clone(in)
	slices.Sort(want)
	for _, w := range workerCounts {
		t.Run(fmt.Sprintf("workers=%d", w), func(t *testing.T) {
			src, dst := slices.Clone(in), make([]uint64, n)
			run(t, w, func(c *forkjoin.Ctx) { mergesort(c, mergeArgs{src, dst}) })
			require.Equal(t, want, dst)
		})
	}
}

// body is a few nanoseconds of work on x (a xorshift round).
func body(x uint64) uint64 {
	x ^= x << 13
	x ^= x >> 7
	x ^= x << 17
	return x
}

// skewed is body, a hundred times over for one index in ten.
func skewed(x uint64) uint64 {
	if x%10 != 0 {
		return body(x)
	}
	for range 100 {
		x = body(x)
	}
	return x
}

func TestFor(t *testing.T) {
	n := size(1_000_000, 50_000)
	for _, skew := range []bool{false, true} {
		f := body
		if skew {
			f = skewed
		}
		out := make([]uint64, n)
		var want uint64
		for i := range out {
			want += f(uint64(i))
		}
		for _, w := range workerCounts {
			for _, grain := range []int{0, 1, 7, 5000} {
				t.Run(fmt.Sprintf("skew=%v/workers=%d/grain=%d", skew, w, grain), func(t *testing.T) {
					clear(out)
					var calls atomic.Int64
					run(t, w, func(c *forkjoin.Ctx) {
						c.For(0, n, grain, func(i int) {
							out[i] += f(uint64(i)) // += : a second call would show
							calls.Add(1)
						})
					})
					var got uint64
					for i := range out {
						got += out[i]
					}
					require.Equal(t, int64(n), calls.Load())
					require.Equal(t, want, got)
				})
			}
		}
	}
}

// TestForRange checks that the pieces partition the range, each with at
// least grain indexes unless the range is shorter, and that a body can
// fork further (a nested For in each piece).
func TestForRange(t *testing.T) {
	for _, w := range workerCounts {
		for _, tc := range []struct{ lo, hi, grain int }{{0, 0, 1}, {5, 3, 1}, {-10, 10, 1}, {0, 1, 100}, {0, 100_000, 1000}, {3, 70_003, 0}} {
			t.Run(fmt.Sprintf("workers=%d/%d-%d/grain=%d", w, tc.lo, tc.hi, tc.grain), func(t *testing.T) {
				n := max(tc.hi-tc.lo, 0)
				seen := make([]atomic.Int32, n)
				var mu sync.Mutex
				var pieces [][2]int
				run(t, w, func(c *forkjoin.Ctx) {
					c.ForRange(tc.lo, tc.hi, tc.grain, func(c *forkjoin.Ctx, lo, hi int) {
						mu.Lock()
						pieces = append(pieces, [2]int{lo, hi})
						mu.Unlock()
						c.For(lo, hi, 1, func(i int) { seen[i-tc.lo].Add(1) })
					})
				})
				for i := range seen {
					require.EqualValues(t, 1, seen[i].Load(), "index %d", i+tc.lo)
				}
				slices.SortFunc(pieces, func(a, b [2]int) int { return cmp.Compare(a[0], b[0]) })
				next := tc.lo
				for _, pc := range pieces {
					require.Equal(t, next, pc[0], "pieces %v", pieces)
					require.Less(t, pc[0], pc[1])
					if len(pieces) > 1 {
						require.GreaterOrEqual(t, pc[1]-pc[0], max(tc.grain, 1))
					}
					next = pc[1]
				}
				if n > 0 {
					require.Equal(t, tc.hi, next)
				}
			})
		}
	}
}

// TestForSplitsOnDemand checks that For splits by demand, not into a
// fixed number of chunks: one worker gets two pieces (the budget of one
// split), and no number of workers gets anywhere near one per grain.
func TestForSplitsOnDemand(t *testing.T) {
	const n = 1 << 20
	for _, w := range workerCounts {
		var pieces atomic.Int64
		run(t, w, func(c *forkjoin.Ctx) {
			c.ForRange(0, n, 1, func(_ *forkjoin.Ctx, lo, hi int) { pieces.Add(1) })
		})
		if w == 1 {
			require.EqualValues(t, 2, pieces.Load())
		}
		require.Less(t, pieces.Load(), int64(n/64), "workers=%d", w)
	}
}

// tree is a random task tree: each node forks its children with Join,
// JoinFunc, Go or For, chosen per node.
type tree struct {
	id       int
	how      int
	children []*tree
}

func genTree(r *rand.Rand, depth int, next *int) *tree {
	n := &tree{id: *next, how: r.IntN(4)}
	*next++
	if depth > 0 {
		for range r.IntN(4) {
			n.children = append(n.children, genTree(r, depth-1, next))
		}
	}
	return n
}

// visit runs the tree rooted at n on c, counting each node in ran.
func visit(c *forkjoin.Ctx, n *tree, ran []atomic.Int32) {
	ran[n.id].Add(1)
	kids := n.children
	switch {
	case len(kids) == 0:
	case n.how == 0:
		c.Go(func(c *forkjoin.Ctx) { visit(c, kids[0], ran) })
		visitAll(c, kids[1:], ran)
	case n.how == 1:
		c.For(0, len(kids), 1, func(i int) { ran[kids[i].id].Add(0) }) // a For that forks nothing
		c.ForRange(0, len(kids), 1, func(c *forkjoin.Ctx, lo, hi int) { visitAll(c, kids[lo:hi], ran) })
	default:
		visitAll(c, kids, ran)
	}
}

// visitAll visits kids, splitting them in halves with JoinFunc or Join.
func visitAll(c *forkjoin.Ctx, kids []*tree, ran []atomic.Int32) {
	switch len(kids) {
	case 0:
	case 1:
		visit(c, kids[0], ran)
	default:
		m := len(kids) / 2
		if kids[0].how%2 == 0 {
			c.Join(func(c *forkjoin.Ctx) { visitAll(c, kids[:m], ran) }, func(c *forkjoin.Ctx) { visitAll(c, kids[m:], ran) })
			return
		}
		f := func(c *forkjoin.Ctx, k []*tree) int { visitAll(c, k, ran); return len(k) }
		a, b := forkjoin.JoinFunc(c, f, kids[:m], kids[m:])
		if a+b != len(kids) {
			panic("JoinFunc lost a result")
		}
	}
}

// TestRandomTrees checks that every task of random trees runs exactly
// once, with concurrent calls on one pool.
func TestRandomTrees(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		w := rapid.IntRange(1, 8).Draw(rt, "workers")
		callers := rapid.IntRange(1, 3).Draw(rt, "callers")
		seed := rapid.Uint64().Draw(rt, "seed")
		p := forkjoin.New(w)
		defer p.Close()
		var wg sync.WaitGroup
		errs := make([]string, callers)
		for k := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				next := 0
				root := genTree(rand.New(rand.NewPCG(seed, uint64(k))), 6, &next)
				ran := make([]atomic.Int32, next)
				if err := p.Run(context.Background(), func(c *forkjoin.Ctx) { visit(c, root, ran) }); err != nil {
					errs[k] = err.Error()
					return
				}
				for i := range ran {
					if got := ran[i].Load(); got != 1 {
						errs[k] = fmt.Sprintf("node %d of %d ran %d times", i, next, got)
						return
					}
				}
			}()
		}
		wg.Wait()
		for _, e := range errs {
			if e != "" {
				rt.Fatal(e)
			}
		}
	})
}

// boom panics at the leaf numbered at of a fib-shaped tree.
func boom(c *forkjoin.Ctx, n int, at int, count *atomic.Int64) {
	if n < 2 {
		if count.Add(1) == int64(at) {
			panic(fmt.Errorf("boom at %d: %w", at, errBoom))
		}
		return
	}
	c.Join(func(c *forkjoin.Ctx) { boom(c, n-1, at, count) }, func(c *forkjoin.Ctx) { boom(c, n-2, at, count) })
}

var errBoom = errors.New("boom")

func TestPanicReachesCaller(t *testing.T) {
	for _, w := range workerCounts {
		t.Run(fmt.Sprintf("workers=%d", w), func(t *testing.T) {
			p := forkjoin.New(w)
			defer p.Close()
			for _, at := range []int{1, 50, 300} {
				var count atomic.Int64
				func() {
					defer func() {
						r := recover()
						pe, ok := r.(*forkjoin.PanicError)
						require.True(t, ok, "Run panicked with %T %v, want *PanicError", r, r)
						require.ErrorIs(t, pe, errBoom)
						require.Contains(t, string(pe.Stack), "forkjoin_test.boom", "the stack is the task's")
						require.True(t, strings.HasPrefix(pe.Error(), "forkjoin: task panicked: boom at"))
					}()
					_ = p.Run(context.Background(), func(c *forkjoin.Ctx) { boom(c, 15, at, &count) })
					t.Fatal("Run returned")
				}()
				// The pool is usable afterwards, with correct results.
				var got int
				require.NoError(t, p.Run(context.Background(), func(c *forkjoin.Ctx) { got = fib(c, 18) }))
				require.Equal(t, fibSeq(18), got)
			}
		})
	}
}

// TestPanicSettlesInOrder replays a panic that unwinds a private fork
// above a published, stolen one: while the worker waits for the stolen
// fork it runs the root task of another call, whose forks must not
// publish the private frame that the unwinding abandoned.
func TestPanicSettlesInOrder(t *testing.T) {
	p := forkjoin.New(2)
	defer p.Close()
	var b1Started, panicking, r2Started atomic.Bool
	var checkErr atomic.Value
	done := make(chan error)
	go func() {
		for !panicking.Load() {
			runtime.Gosched()
		}
		done <- p.Run(context.Background(), func(c *forkjoin.Ctx) {
			r2Started.Store(true)
			if err := forkjoin.CheckFrames(c); err != nil {
				checkErr.Store(err.Error())
			}
			forkjoin.JoinFunc(c, func(*forkjoin.Ctx, int) int { return 0 }, 1, 2)
		})
	}()
	var pe *forkjoin.PanicError
	func() {
		defer func() { pe, _ = recover().(*forkjoin.PanicError) }()
		_ = p.Run(context.Background(), func(c *forkjoin.Ctx) {
			c.Join(func(c *forkjoin.Ctx) {
				for !b1Started.Load() { // until the other worker stole b1
					runtime.Gosched()
				}
				// The deque is empty again: this fork is published; the
				// next one stays private.
				c.Join(func(c *forkjoin.Ctx) {
					c.Join(func(*forkjoin.Ctx) {
						panicking.Store(true)
						panic("x")
					}, func(*forkjoin.Ctx) {})
				}, func(*forkjoin.Ctx) {})
			}, func(c *forkjoin.Ctx) {
				b1Started.Store(true)
				for !r2Started.Load() { // so that the first worker runs it
					runtime.Gosched()
				}
			})
		})
	}()
	require.NotNil(t, pe)
	require.Equal(t, "x", pe.Value)
	require.NoError(t, <-done)
	require.Nil(t, checkErr.Load())
	var got int
	require.NoError(t, p.Run(context.Background(), func(c *forkjoin.Ctx) { got = fib(c, 15) }))
	require.Equal(t, fibSeq(15), got)
}

// TestPanicInGoAndFor covers panics in unjoined tasks and For bodies,
// with a non-error value.
func TestPanicInGoAndFor(t *testing.T) {
	p := forkjoin.New(4)
	defer p.Close()
	for _, fn := range []func(*forkjoin.Ctx){
		func(c *forkjoin.Ctx) {
			for i := range 100 {
				c.Go(func(*forkjoin.Ctx) {
					if i == 77 {
						panic("go 77")
					}
				})
			}
		},
		func(c *forkjoin.Ctx) {
			c.For(0, 100_000, 1, func(i int) {
				if i == 54_321 {
					panic("go 77")
				}
			})
		},
	} {
		var pe *forkjoin.PanicError
		func() {
			defer func() { pe, _ = recover().(*forkjoin.PanicError) }()
			_ = p.Run(context.Background(), fn)
		}()
		require.NotNil(t, pe)
		require.Equal(t, "go 77", pe.Value)
		require.Nil(t, pe.Unwrap())
	}
	require.NoError(t, p.Run(context.Background(), func(c *forkjoin.Ctx) {}))
}

// TestContextStopsNewWork cancels the context from inside the tree: no
// task starts once the cancellation is visible, and Run returns the
// context's error. Every task numbered from the cancel on waits until its
// Ctx reports Stopped, so each worker holds at most one such task: the
// count is bounded by the cancel's number plus the workers.
func TestContextStopsNewWork(t *testing.T) {
	for _, w := range workerCounts {
		t.Run(fmt.Sprintf("workers=%d", w), func(t *testing.T) {
			p := forkjoin.New(w)
			defer p.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			const at = 100
			var count, ranAfter atomic.Int64
			var walk func(c *forkjoin.Ctx, n int)
			walk = func(c *forkjoin.Ctx, n int) {
				k := count.Add(1)
				if k == at {
					cancel()
				}
				if k >= at {
					for !c.Stopped() { // the context's AfterFunc runs soon
						runtime.Gosched()
					}
					// Nothing forked now may run.
					mark := func(*forkjoin.Ctx) { ranAfter.Add(1) }
					c.Join(mark, mark)
					c.Go(mark)
					c.For(0, 10, 1, func(int) { ranAfter.Add(1) })
					forkjoin.JoinFunc(c, func(*forkjoin.Ctx, int) int { ranAfter.Add(1); return 0 }, 1, 2)
				}
				if n < 2 {
					return
				}
				c.Join(func(c *forkjoin.Ctx) { walk(c, n-1) }, func(c *forkjoin.Ctx) { walk(c, n-2) })
			}
			err := p.Run(ctx, func(c *forkjoin.Ctx) { walk(c, 20) })
			require.ErrorIs(t, err, context.Canceled)
			require.LessOrEqual(t, count.Load(), int64(at-1+w))
			require.Zero(t, ranAfter.Load())
			// A done context: fn never runs.
			ran := false
			require.ErrorIs(t, p.Run(ctx, func(*forkjoin.Ctx) { ran = true }), context.Canceled)
			require.False(t, ran)
			// And the pool still works.
			var got int
			require.NoError(t, p.Run(context.Background(), func(c *forkjoin.Ctx) { got = fib(c, 12) }))
			require.Equal(t, fibSeq(12), got)
		})
	}
}

// TestForStopsBetweenSteps cancels the context from inside a long
// ForRange: a worker that runs its chunk in steps (two workers or more)
// starts no step once the cancellation is visible. Every index from the
// cancel on cancels and waits until its Ctx reports Stopped, so each
// worker runs at most the rest of one body call past it: fewer than two
// steps of 256 indexes (grain 1).
func TestForStopsBetweenSteps(t *testing.T) {
	const n, at = 1 << 20, 1 << 19
	for _, w := range workerCounts[1:] {
		t.Run(fmt.Sprintf("workers=%d", w), func(t *testing.T) {
			p := forkjoin.New(w)
			defer p.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var past atomic.Int64
			err := p.Run(ctx, func(c *forkjoin.Ctx) {
				c.ForRange(0, n, 1, func(c *forkjoin.Ctx, lo, hi int) {
					for i := max(lo, at); i < hi; i++ {
						past.Add(1)
						cancel()
						for !c.Stopped() {
							runtime.Gosched()
						}
					}
				})
			})
			require.ErrorIs(t, err, context.Canceled)
			require.Less(t, past.Load(), int64(w*2*256))
		})
	}
}

func TestMisuse(t *testing.T) {
	p := forkjoin.New(2)
	defer p.Close()
	require.PanicsWithValue(t, "forkjoin: New with a negative number of workers", func() { forkjoin.New(-1) })
	//lint:ignore SA1012 the nil context is the point
	require.PanicsWithValue(t, "forkjoin: Pool.Run with a nil context.Context", func() { _ = p.Run(nil, func(*forkjoin.Ctx) {}) })
	require.PanicsWithValue(t, "forkjoin: Pool.Run with a nil function", func() { _ = p.Run(context.Background(), nil) })
	for name, fn := range map[string]func(c *forkjoin.Ctx){
		"forkjoin: Ctx.Join with a nil function": func(c *forkjoin.Ctx) { c.Join(func(*forkjoin.Ctx) {}, nil) },
		"forkjoin: JoinFunc with a nil function": func(c *forkjoin.Ctx) { forkjoin.JoinFunc[int, int](c, nil, 1, 2) },
		"forkjoin: Ctx.For with a nil body":      func(c *forkjoin.Ctx) { c.For(0, 1, 1, nil) },
		"forkjoin: Ctx.ForRange with a nil body": func(c *forkjoin.Ctx) { c.ForRange(0, 1, 1, nil) },
		"forkjoin: Ctx.Go with a nil function":   func(c *forkjoin.Ctx) { c.Go(nil) },
	} {
		var pe *forkjoin.PanicError
		func() {
			defer func() { pe, _ = recover().(*forkjoin.PanicError) }()
			_ = p.Run(context.Background(), fn)
		}()
		require.NotNil(t, pe, name)
		require.Equal(t, name, pe.Value)
	}
}

// TestGoexit checks that a task calling runtime.Goexit fails its call
// instead of losing a worker.
func TestGoexit(t *testing.T) {
	p := forkjoin.New(1)
	defer p.Close()
	var pe *forkjoin.PanicError
	func() {
		defer func() { pe, _ = recover().(*forkjoin.PanicError) }()
		_ = p.Run(context.Background(), func(c *forkjoin.Ctx) {
			c.Join(func(*forkjoin.Ctx) {}, func(*forkjoin.Ctx) { runtime.Goexit() })
		})
	}()
	require.NotNil(t, pe)
	require.Contains(t, pe.Error(), "runtime.Goexit")
	var got int
	require.NoError(t, p.Run(context.Background(), func(c *forkjoin.Ctx) { got = fib(c, 10) }))
	require.Equal(t, 55, got)
}

func TestClose(t *testing.T) {
	// Close before any Run, twice; then Run fails.
	p := forkjoin.New(3)
	p.Close()
	p.Close()
	require.ErrorIs(t, p.Run(context.Background(), func(*forkjoin.Ctx) {}), forkjoin.ErrClosed)

	// The zero Pool works, and Close waits for calls in progress.
	var z forkjoin.Pool
	require.Equal(t, runtime.GOMAXPROCS(0), z.Workers())
	started := make(chan struct{})
	release := make(chan struct{})
	var done atomic.Bool
	go func() {
		_ = z.Run(context.Background(), func(c *forkjoin.Ctx) {
			close(started)
			<-release
			done.Store(true)
		})
	}()
	<-started
	closed := make(chan struct{})
	go func() { z.Close(); close(closed) }()
	close(release)
	<-closed
	require.True(t, done.Load())
	require.ErrorIs(t, z.Run(context.Background(), func(*forkjoin.Ctx) {}), forkjoin.ErrClosed)
	z.Close()
}

// TestConcurrentRuns submits from many goroutines at once.
func TestConcurrentRuns(t *testing.T) {
	p := forkjoin.New(4)
	defer p.Close()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range size(20, 5) {
				n := 10 + (g+k)%8
				var got int
				if err := p.Run(context.Background(), func(c *forkjoin.Ctx) { got = fib(c, n) }); err != nil || got != fibSeq(n) {
					t.Errorf("fib(%d) = %d, %v", n, got, err)
				}
			}
		}()
	}
	wg.Wait()
}

// waitParked waits, yielding, until all w workers of p are parked.
func waitParked(t *testing.T, p *forkjoin.Pool, w int) {
	deadline := time.Now().Add(time.Minute)
	for forkjoin.Parked(p) != w {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d workers parked after a minute", forkjoin.Parked(p), w)
		}
		runtime.Gosched()
	}
}

func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	require.NoError(t, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestIdleUsesNoCPU checks that parked workers burn no CPU: over an idle
// window the process uses a small fraction of what one spinning worker
// alone would.
func TestIdleUsesNoCPU(t *testing.T) {
	const w = 4
	p := forkjoin.New(w)
	defer p.Close()
	var got int
	require.NoError(t, p.Run(context.Background(), func(c *forkjoin.Ctx) { got = fib(c, 20) }))
	require.Equal(t, fibSeq(20), got)
	waitParked(t, p, w)
	runtime.GC() // not during the window
	const window = 300 * time.Millisecond
	before := cpuTime(t)
	time.Sleep(window) // the window being measured, not synchronization
	used := cpuTime(t) - before
	require.Equal(t, w, forkjoin.Parked(p), "a worker woke up")
	// One spinning worker would use the whole window; allow a tenth.
	require.Less(t, used, window/10, "the idle pool used %v of CPU in %v", used, window)
}

// TestNoAllocationPerFork checks that a Run's allocations do not grow with
// the number of forks: JoinFunc and For reuse their frames.
func TestNoAllocationPerFork(t *testing.T) {
	if race.Enabled {
		t.Skip("the race detector allocates")
	}
	p := forkjoin.New(2)
	defer p.Close()
	out := make([]uint64, 1<<14)
	fn := func(c *forkjoin.Ctx) {
		fib(c, 16) // 3193 forks
		c.For(0, len(out), 16, func(i int) { out[i] = body(uint64(i)) })
	}
	for range 10 {
		require.NoError(t, p.Run(context.Background(), fn)) // warm the frame stacks
	}
	allocs := testing.AllocsPerRun(20, func() { _ = p.Run(context.Background(), fn) })
	require.Less(t, allocs, 40.0, "allocations per Run of 1596 joins")
}

// TestFinishedTaskCollectable checks that the pool keeps no reference to a
// finished task's closure or argument.
func TestFinishedTaskCollectable(t *testing.T) {
	p := forkjoin.New(2)
	defer p.Close()
	collected := make(chan string, 3)
	require.NoError(t, p.Run(context.Background(), func(c *forkjoin.Ctx) {
		big := new([1 << 16]byte)
		runtime.AddCleanup(big, func(s string) { collected <- s }, "closure")
		c.Join(func(*forkjoin.Ctx) {}, func(*forkjoin.Ctx) { big[0]++ })
		arg := new([1 << 16]byte)
		runtime.AddCleanup(arg, func(s string) { collected <- s }, "argument")
		forkjoin.JoinFunc(c, func(_ *forkjoin.Ctx, b *[1 << 16]byte) int { return int(b[1]) }, arg, arg)
		goArg := new([1 << 16]byte)
		runtime.AddCleanup(goArg, func(s string) { collected <- s }, "go")
		c.Go(func(*forkjoin.Ctx) { goArg[0]++ })
	}))
	var got []string
	deadline := time.After(time.Minute)
	for len(got) < 3 {
		runtime.GC()
		select {
		case s := <-collected:
			got = append(got, s)
		case <-deadline:
			t.Fatalf("collected only %v", got)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// TestLazyPublication checks that a worker alone keeps at most its oldest
// fork published, and that an idle sibling gets work.
func TestLazyPublication(t *testing.T) {
	p := forkjoin.New(1)
	defer p.Close()
	maxPub := 0
	var deep func(c *forkjoin.Ctx, n int) int
	deep = func(c *forkjoin.Ctx, n int) int {
		pub, _ := forkjoin.Published(c)
		maxPub = max(maxPub, pub)
		if n == 0 {
			return 0
		}
		a, b := forkjoin.JoinFunc(c, deep, n-1, 0)
		return a + b + 1
	}
	require.NoError(t, p.Run(context.Background(), func(c *forkjoin.Ctx) { deep(c, 50) }))
	require.Equal(t, 1, maxPub)

	// Two workers: the second must take part (it steals the published fork).
	p2 := forkjoin.New(2)
	defer p2.Close()
	var seen [2]atomic.Bool
	require.NoError(t, p2.Run(context.Background(), func(c *forkjoin.Ctx) {
		c.Join(func(c *forkjoin.Ctx) {
			seen[c.Worker()].Store(true)
			for !seen[1-c.Worker()].Load() { // until the other worker ran b
				runtime.Gosched()
			}
		}, func(c *forkjoin.Ctx) { seen[c.Worker()].Store(true) })
	}))
}
