package deque_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/deque"
	"github.com/xbeam/xbeam/internal/eventcount"
)

// This file is a small work-stealing fork-join scheduler, the loop of
// Blumofe and Leiserson ("Scheduling Multithreaded Computations by Work
// Stealing", JACM 1999) on this package's deques. It computes fib(n) with
// one task per call; BenchmarkForkJoin times it (one Push per spawn, so it
// measures the deques). It teaches the API; package deque/forkjoin is the
// same loop as a ready pool (Join, JoinFunc, For, Go, panics, contexts).
//
// Each worker goroutine owns a LIFO Worker. To find a task it pops its own
// Worker, then takes a batch from the Injector (where Fib submits the root
// task), then steals a batch from each sibling, starting at a random one.
// When every source was observed Empty it parks on an event count, which
// every Push notifies (one atomic load while nobody is parked). A Retry
// means a source may still hold work, so the search is repeated.

// fibTask computes fib(n) and delivers it to side 0 or 1 of parent.
type fibTask struct {
	n      int
	parent *frame
	side   int
}

// frame is a join point: the results of a task's two children, summed and
// delivered to the frame's own parent when the second child finishes.
type frame struct {
	parent  *frame
	side    int          // which result of parent this frame's sum goes to
	pending atomic.Int32 // children not finished
	res     [2]int64     // res[i] is written by child i before its pending.Add
	done    chan int64   // root frame only: receives the result
}

// complete delivers v to side of f and, if that was f's last child, passes
// f's sum up (recycling f, which nothing references any more).
func complete(f *frame, side int, v int64, cache *frameCache) {
	for {
		f.res[side] = v
		// The last child's Add observes the other's, so it sees both results.
		if f.pending.Add(-1) != 0 {
			return
		}
		v = f.res[0] + f.res[1]
		if f.done != nil {
			f.done <- v
			return
		}
		parent, pside := f.parent, f.side
		cache.put(f)
		f, side = parent, pside
	}
}

// frameCache is one worker's free list of frames, so that steady-state
// forking allocates nothing. Owner-only: a frame finished on one worker is
// reused by that worker.
type frameCache struct{ free []*frame }

func (c *frameCache) get(parent *frame, side int) *frame {
	var f *frame
	if n := len(c.free); n > 0 {
		f, c.free = c.free[n-1], c.free[:n-1]
	} else {
		f = new(frame)
	}
	f.parent, f.side = parent, side
	f.pending.Store(2)
	return f
}

func (c *frameCache) put(f *frame) {
	if len(c.free) < 4096 {
		c.free = append(c.free, f)
	}
}

// forkJoinPool runs fibTasks on a fixed set of worker goroutines.
type forkJoinPool struct {
	injector *deque.Injector[fibTask]
	stealers []*deque.Stealer[fibTask]
	idle     eventcount.EventCount // workers park here when they find nothing
	closed   atomic.Bool
	wg       sync.WaitGroup
}

// newForkJoinPool starts w workers.
func newForkJoinPool(w int) *forkJoinPool {
	p := &forkJoinPool{injector: deque.NewInjector[fibTask]()}
	workers := make([]*deque.Worker[fibTask], w)
	for i := range workers {
		workers[i] = deque.NewLIFO[fibTask]()
		p.stealers = append(p.stealers, workers[i].Stealer())
	}
	for i, own := range workers {
		p.wg.Add(1)
		go p.work(i, own)
	}
	return p
}

// Fib computes fib(n) on the pool, one task per call of the recursion.
func (p *forkJoinPool) Fib(n int) int64 {
	root := &frame{done: make(chan int64, 1)}
	root.pending.Store(1)
	p.injector.Push(fibTask{n: n, parent: root, side: 0})
	p.idle.NotifyOne()
	return <-root.done
}

// Close stops the workers once they are idle and waits for them.
func (p *forkJoinPool) Close() {
	p.closed.Store(true)
	p.idle.NotifyAll()
	p.wg.Wait()
}

// work is one worker's loop: find a task and run it, or park.
func (p *forkJoinPool) work(id int, own *deque.Worker[fibTask]) {
	defer p.wg.Done()
	rng := rand.New(rand.NewPCG(uint64(id), 1))
	var frames frameCache
	for {
		t, ok := p.find(id, own, rng)
		// Look again briefly before parking: a wake-up costs far more.
		for bo := (atomicx.Backoff{}); !ok && !bo.ShouldPark(); {
			bo.Snooze()
			t, ok = p.find(id, own, rng)
		}
		if !ok {
			// Announce the wait, then look once more: a push before the
			// announcement is seen now, one after it notifies us.
			w := p.idle.Prepare()
			if t, ok = p.find(id, own, rng); !ok {
				if p.closed.Load() {
					p.idle.Cancel(w)
					return
				}
				_ = p.idle.Wait(context.Background(), w) // never cancelled
				continue
			}
			p.idle.Cancel(w)
		}
		p.run(own, t, &frames)
	}
}

// find returns a task from the worker's own deque, the injector or a
// sibling, or false once every source was observed empty.
func (p *forkJoinPool) find(id int, own *deque.Worker[fibTask], rng *rand.Rand) (fibTask, bool) {
	if t, ok := own.Pop(); ok {
		return t, true
	}
	for {
		retry := false
		switch t, st := p.injector.StealBatchAndPop(own); st {
		case deque.Success:
			return t, true
		case deque.Retry:
			retry = true
		}
		n := len(p.stealers)
		start := rng.IntN(n)
		for i := range n {
			victim := (start + i) % n
			if victim == id {
				continue
			}
			switch t, st := p.stealers[victim].StealBatchAndPop(own); st {
			case deque.Success:
				return t, true
			case deque.Retry:
				retry = true
			}
		}
		if !retry {
			return fibTask{}, false
		}
		runtime.Gosched() // lost races only: let the winners run, then look again
	}
}

// run executes t work-first: it keeps the n-1 branch and pushes the n-2
// branch for itself or a thief, so each spawn costs one Push.
func (p *forkJoinPool) run(own *deque.Worker[fibTask], t fibTask, frames *frameCache) {
	for t.n >= 2 {
		f := frames.get(t.parent, t.side)
		own.Push(fibTask{n: t.n - 2, parent: f, side: 1})
		p.idle.NotifyOne()
		t = fibTask{n: t.n - 1, parent: f, side: 0}
	}
	complete(t.parent, t.side, int64(t.n), frames)
}

// Example_forkJoin runs a work-stealing scheduler built on Worker, Stealer
// and Injector (own deque first, then the injector, then a random sibling,
// then park) on GOMAXPROCS workers. For a ready fork-join pool, use package
// github.com/xbeam/xbeam/deque/forkjoin, which runs the same loop.
func Example_forkJoin() {
	p := newForkJoinPool(runtime.GOMAXPROCS(0))
	defer p.Close()
	fmt.Println("fib(10) =", p.Fib(10))
	fmt.Println("fib(24) =", p.Fib(24))
	// Output:
	// fib(10) = 55
	// fib(24) = 46368
}
