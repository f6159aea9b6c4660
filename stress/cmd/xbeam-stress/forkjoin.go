package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/xbeam/xbeam/deque/forkjoin"
	"github.com/xbeam/xbeam/internal/race"
)

// fjNode is a node of a random task tree: a task that counts itself and
// forks its children in the way how says.
type fjNode struct {
	id       int
	how      int // 0 Join, 1 JoinFunc, 2 Go, 3 For, 4 ForRange
	children []*fjNode
}

// fjTree builds a random tree of at most budget nodes below n (inclusive).
func fjTree(r *rand.Rand, depth int, next *int, budget int) *fjNode {
	n := &fjNode{id: *next, how: r.IntN(5)}
	*next++
	if depth == 0 {
		return n
	}
	for k := r.IntN(5); k > 0 && *next < budget; k-- {
		n.children = append(n.children, fjTree(r, depth-1, next, budget))
	}
	return n
}

// fjRun is one call's bookkeeping: how often each node ran, and the node
// whose task panics (-1: none).
type fjRun struct {
	ran     []atomic.Int32
	panicAt int
}

func (f *fjRun) visit(c *forkjoin.Ctx, n *fjNode) {
	f.ran[n.id].Add(1)
	if n.id == f.panicAt {
		panic(fjPanic(n.id))
	}
	kids := n.children
	switch {
	case len(kids) == 0:
	case n.how == 2:
		for _, k := range kids {
			c.Go(func(c *forkjoin.Ctx) { f.visit(c, k) })
		}
	case n.how == 3:
		c.For(0, len(kids), 1, func(i int) { f.ran[kids[i].id].Add(0) })
		f.halves(c, kids, n.how)
	case n.how == 4:
		c.ForRange(0, len(kids), 1, func(c *forkjoin.Ctx, lo, hi int) {
			for _, k := range kids[lo:hi] {
				f.visit(c, k)
			}
		})
	default:
		f.halves(c, kids, n.how)
	}
}

// halves visits kids by splitting them in two with Join or JoinFunc.
func (f *fjRun) halves(c *forkjoin.Ctx, kids []*fjNode, how int) {
	if len(kids) == 1 {
		f.visit(c, kids[0])
		return
	}
	m := len(kids) / 2
	if how == 0 {
		c.Join(func(c *forkjoin.Ctx) { f.halves(c, kids[:m], how) }, func(c *forkjoin.Ctx) { f.halves(c, kids[m:], how) })
		return
	}
	count := func(c *forkjoin.Ctx, k []*fjNode) int { f.halves(c, k, how); return len(k) }
	if a, b := forkjoin.JoinFunc(c, count, kids[:m], kids[m:]); a+b != len(kids) && !c.Stopped() {
		panic(fmt.Sprintf("JoinFunc returned %d+%d for %d nodes", a, b, len(kids)))
	}
}

type fjPanic int

// forkjoinChunk runs random task trees on a forkjoin.Pool of 1 to 8
// workers (the consumers), from 1 to 4 goroutines at once (the
// producers), and checks that every task ran exactly once. One call in
// four plants a panic in a random task: Run must panic with it, and no
// task may have run twice. One in eight is cancelled midway: Run must
// return the context's error, and no task may have run twice.
func forkjoinChunk(t testing.TB, e *chunkEnv) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(e.procs))
	p := forkjoin.New(e.consumers)
	defer p.Close()
	callers := min(e.producers, 4)
	rounds, budget := 20, 20000
	if race.Enabled {
		rounds, budget = 5, 3000
	}
	var wg sync.WaitGroup
	for g := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(e.seed, uint64(g)))
			for range rounds {
				next := 0
				root := fjTree(r, 3+r.IntN(8), &next, budget)
				f := &fjRun{ran: make([]atomic.Int32, next), panicAt: -1}
				mode := r.IntN(8)
				if mode < 2 {
					f.panicAt = r.IntN(next)
				}
				ctx, cancel := context.WithCancel(context.Background())
				if mode == 2 {
					stopAt := r.IntN(next)
					go func() { // cancel once task stopAt has run
						for f.ran[stopAt].Load() == 0 && ctx.Err() == nil {
							runtime.Gosched()
						}
						cancel()
					}()
				}
				pv, err := fjCall(p, ctx, f, root)
				cancel()
				checkFJ(t, f, next, mode, err, pv)
				e.stats.Ops.Add(int64(next))
				e.stats.Rounds.Add(1)
			}
		}()
	}
	wg.Wait()
}

// fjCall runs the tree and returns what Run panicked with, or its error.
func fjCall(p *forkjoin.Pool, ctx context.Context, f *fjRun, root *fjNode) (pv any, err error) {
	defer func() { pv = recover() }()
	return nil, p.Run(ctx, func(c *forkjoin.Ctx) { f.visit(c, root) })
}

func checkFJ(t testing.TB, f *fjRun, n, mode int, err error, pv any) {
	for i := range f.ran {
		if got := f.ran[i].Load(); got > 1 || (got == 0 && mode > 2) {
			t.Errorf("forkjoin: task %d of %d ran %d times (mode %d, err %v, panic %v)", i, n, got, mode, err, pv)
			return
		}
	}
	switch {
	case mode < 2:
		pe, ok := pv.(*forkjoin.PanicError)
		if !ok || pe.Value != fjPanic(f.panicAt) {
			t.Errorf("forkjoin: Run panicked with %v, want a PanicError of task %d", pv, f.panicAt)
		}
	case pv != nil:
		t.Errorf("forkjoin: Run panicked with %v", pv)
	case mode == 2 && err != nil && err != context.Canceled:
		t.Errorf("forkjoin: cancelled Run returned %v", err)
	case mode > 2 && err != nil:
		t.Errorf("forkjoin: Run returned %v", err)
	}
}
