package forkjoin

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/deque"
	"github.com/xbeam/xbeam/internal/eventcount"
)

// ErrClosed is returned by Pool.Run once Close has been called.
var ErrClosed = errors.New("forkjoin: pool is closed")

// Pool is a set of worker goroutines that run fork-join task trees. Each
// worker owns a LIFO deque of the tasks it spawned; it pops its own tasks
// newest first and, when it has none, takes a batch from the pool's
// injector (where Run submits root tasks) or from a sibling chosen at
// random, oldest first. With nothing to do it spins briefly and then
// parks, using no CPU, until a spawn wakes it.
//
// New makes a Pool; the zero value is also ready to use and has one worker
// per GOMAXPROCS (read when the workers start). Workers start on the
// first Run. A Pool must not be copied after first use.
//
// Memory model: everything the caller of Run did before the call
// synchronizes before the start of the root task, and the return of every
// task of the call synchronizes before Run returns (or panics).
type Pool struct {
	_ noCopy

	// mu guards the lifecycle fields below; the worker fields are written
	// under it once, before the workers start, and read without it by the
	// workers (ordered by the go statements) and by Run (ordered by mu).
	mu       sync.Mutex
	n        int  // workers; 0 until start in a zero Pool
	started  bool // the workers are running
	closing  bool // Close was called: Run refuses new calls
	calls    sync.WaitGroup
	closeMu  sync.Mutex // serializes Close
	injector *deque.Injector[*task]
	ctxs     []*Ctx
	stealers []*deque.Stealer[*task]

	// idle is where workers park; a spawn notifies it unless a worker is
	// spinning (see notify).
	idle eventcount.EventCount
	// spinning counts workers woken from idle that are still searching
	// for a task; while one is, spawns wake nobody (Go's scheduler rule).
	spinning atomicx.Int32
	// closed tells parked workers to exit; set once no call is running.
	closed atomicx.Bool
	wg     sync.WaitGroup
}

// New returns a pool of the given number of workers; 0 means
// runtime.GOMAXPROCS(0). It panics if workers is negative. The workers
// start on the first Run.
func New(workers int) *Pool {
	if workers < 0 {
		panic("forkjoin: New with a negative number of workers")
	}
	return &Pool{n: workers}
}

// Workers returns the number of workers of the pool (for a zero Pool not
// yet started, the GOMAXPROCS it would start with).
func (p *Pool) Workers() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n == 0 {
		return runtime.GOMAXPROCS(0)
	}
	return p.n
}

// call is the state of one Run: the tasks that are not joined by another
// task (the root and those of Ctx.Go), its first panic and whether its
// remaining tasks are dropped.
type call struct {
	// pending counts the unjoined tasks not yet finished; the one that
	// brings it to zero closes done.
	pending atomicx.Int64
	// stopped is set when ctx is done or a task panicked: from then on,
	// tasks of the call are dropped instead of started.
	stopped atomicx.Bool
	// cancelled is set (before stopped) when the context stopped the call.
	cancelled atomicx.Bool
	// panicked holds the first PanicError; the CAS that installs it
	// decides which panic is first.
	panicked atomicx.Pointer[PanicError]
	done     chan struct{}
}

// Run runs fn on a worker of the pool, with everything fn forks, and
// returns when all of those tasks have finished or been dropped. It may be
// called from any number of goroutines at once, but not from inside a task
// of the same pool (use the task's Ctx: a worker blocked in Run may be the
// one its own call needs).
//
// Once ctx is done, the call's tasks not yet started are dropped (a Join
// whose call is stopped returns without running its functions), and Run,
// once the running ones have returned, returns ctx.Err(). The context is
// observed through context.AfterFunc: a task that starts in the moment
// after the cancellation may still run, and a cancellation that races
// with the tree's end may be reported although nothing was dropped. If a task panics, the call's other
// tasks finish or are dropped and Run panics with a *PanicError holding
// the first panic's value and stack; the pool remains usable. Run returns
// ErrClosed after Close. It panics if ctx or fn is nil.
func (p *Pool) Run(ctx context.Context, fn func(*Ctx)) error {
	if ctx == nil {
		panic("forkjoin: Pool.Run with a nil context.Context")
	}
	if fn == nil {
		panic("forkjoin: Pool.Run with a nil function")
	}
	if err := p.enter(); err != nil {
		return err
	}
	defer p.calls.Done()
	if err := ctx.Err(); err != nil {
		return err
	}
	cl := &call{done: make(chan struct{})}
	cl.pending.Store(1)
	stop := context.AfterFunc(ctx, func() {
		cl.cancelled.Store(true)
		cl.stopped.Store(true)
	})
	p.injector.Push(&task{fn: fn, call: cl, detached: true})
	p.idle.NotifyOne()
	<-cl.done
	stop()
	if pe := cl.panicked.Load(); pe != nil {
		panic(pe)
	}
	if cl.cancelled.Load() {
		return ctx.Err()
	}
	return nil
}

// enter registers a call, starting the workers if needed.
func (p *Pool) enter() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closing {
		return ErrClosed
	}
	if !p.started {
		p.start()
	}
	p.calls.Add(1)
	return nil
}

// start makes the deques and starts the workers; p.mu is held.
func (p *Pool) start() {
	if p.n == 0 {
		p.n = runtime.GOMAXPROCS(0)
	}
	p.injector = deque.NewInjector[*task]()
	p.ctxs = make([]*Ctx, p.n)
	p.stealers = make([]*deque.Stealer[*task], p.n)
	for i := range p.ctxs {
		c := &Ctx{pool: p, id: i, own: deque.NewLIFO[*task](), rng: rand.New(rand.NewPCG(uint64(i), 0x9e3779b97f4a7c15))}
		p.ctxs[i] = c
		p.stealers[i] = c.own.Stealer()
	}
	p.started = true
	p.wg.Add(p.n)
	for _, c := range p.ctxs {
		go c.loop()
	}
}

// Close waits for the calls in progress to return, then stops the workers
// and waits for them to exit: no goroutine of the pool is left. Later
// calls of Run return ErrClosed. Close is idempotent and safe for
// concurrent use; it must not be called from inside a task (it would wait
// for its own call).
func (p *Pool) Close() {
	p.closeMu.Lock()
	defer p.closeMu.Unlock()
	p.mu.Lock()
	p.closing = true
	started := p.started
	p.mu.Unlock()
	if !started || p.closed.Load() {
		return
	}
	p.calls.Wait()
	p.closed.Store(true)
	p.idle.NotifyAll()
	p.wg.Wait()
}

// notify wakes a parked worker after a spawn, unless a worker is already
// spinning (it will find the task, and wake the next one if it was the
// last spinner). When nobody spins or parks this is two atomic loads.
func (p *Pool) notify() {
	if p.spinning.Load() == 0 {
		p.idle.NotifyOne()
	}
}

// loop is a worker's life: find a task, run it; park when there is none.
// It is the loop of Blumofe and Leiserson's work stealer with Go's
// spinning-worker wake-up rule (runtime/proc.go): a worker woken from its
// park searches as a spinner, spawns wake nobody while one spins, and a
// spinner that finds a task wakes the next worker if it was the last.
func (c *Ctx) loop() {
	p := c.pool
	exited := false
	defer func() {
		if !exited {
			// A task called runtime.Goexit; execute has failed its call.
			// The worker's deque lives on: give it a new goroutine.
			p.wg.Add(1)
			go c.loop()
		}
		p.wg.Done()
	}()
	spinning := false
	for {
		t, ok := c.find()
		// Look again a few times, briefly, before going to sleep: waking
		// a parked goroutine costs far more than a short spin.
		for bo := (atomicx.Backoff{}); !ok && !bo.ShouldPark(); {
			bo.Snooze()
			t, ok = c.find()
		}
		if ok {
			if spinning {
				spinning = false
				if p.spinning.Add(-1) == 0 {
					p.idle.NotifyOne() // there may be more: pass the search on
				}
			}
			c.execute(t)
			continue
		}
		if spinning {
			// Stop spinning before the last look below: a spawn that saw
			// us spinning (and so woke nobody) came before this, and the
			// look after Prepare sees its task.
			spinning = false
			p.spinning.Add(-1)
		}
		// Nothing anywhere: announce the wait, look once more (a spawn
		// before the announcement is seen now, one after it notifies
		// us), then sleep.
		w := p.idle.Prepare()
		if t, ok := c.find(); ok {
			p.idle.Cancel(w)
			c.execute(t)
			continue
		}
		if p.closed.Load() {
			p.idle.Cancel(w)
			exited = true
			return
		}
		_ = p.idle.Wait(context.Background(), w) // never cancelled: no error
		spinning = true
		p.spinning.Add(1)
	}
}

// find returns a task from the worker's own deque, the injector or a
// sibling, or false once every source was observed empty.
func (c *Ctx) find() (*task, bool) {
	if t, ok := c.own.Pop(); ok {
		return t, true
	}
	return c.steal(-1)
}

// steal takes a batch from the sibling first (if not negative), the
// injector or a random sibling, and returns one task of it; false once
// every source was observed empty.
func (c *Ctx) steal(first int) (*task, bool) {
	p := c.pool
	for {
		retry := false
		if first >= 0 && first != c.id {
			switch t, st := p.stealers[first].StealBatchAndPop(c.own); st {
			case deque.Success:
				return t, true
			case deque.Retry:
				retry = true
			}
		}
		switch t, st := p.injector.StealBatchAndPop(c.own); st {
		case deque.Success:
			return t, true
		case deque.Retry:
			retry = true
		}
		n := len(p.stealers)
		start := c.rng.IntN(n)
		for i := range n {
			victim := start + i
			if victim >= n {
				victim -= n
			}
			if victim == c.id || victim == first {
				continue
			}
			switch t, st := p.stealers[victim].StealBatchAndPop(c.own); st {
			case deque.Success:
				return t, true
			case deque.Retry:
				retry = true
			}
		}
		if !retry {
			return nil, false
		}
		runtime.Gosched() // lost races only: let the winners run, then look again
	}
}

// execute runs a task taken from a deque (popped, or stolen: then it runs
// on a worker other than its spawner's) with the task's call as the Ctx's
// current call, and completes it: a joined task reports to its joiner, an
// unjoined one counts down its call. It is the boundary where a task's
// panic is recovered and recorded on its call.
func (c *Ctx) execute(t *task) {
	saved, depth := c.call, c.depth
	c.call = t.call
	returned := false
	defer func() {
		r := recover()
		if r == nil && !returned {
			r = errGoexit // the goroutine is exiting: loop starts another
		}
		if r != nil {
			c.recovered(r, t, depth)
		}
		c.call = saved
		c.complete(t)
	}()
	if t.call.stopped.Load() {
		t.dropped = true
		returned = true
		return
	}
	if !t.detached {
		t.thief.Store(int32(c.id)) // the joiner steals from us first
	}
	switch {
	case t.fn != nil:
		t.fn(c)
	case t.isFor:
		c.forSplit(t.forRange, true)
	default:
		t.ext.run(c, t)
	}
	returned = true
}

// errGoexit is the panic value recorded for a task that called
// runtime.Goexit (testing.T.FailNow does): the call fails as if the task
// had panicked.
var errGoexit = errors.New("forkjoin: a task called runtime.Goexit (testing's FailNow or SkipNow?): tasks must return")

// recovered handles a panic that unwound a task down to execute: it
// records the first panic on the call, stops the call, and settles the
// joins the unwinding skipped (their stolen halves must finish before
// their frames are reused; the halves not stolen are dropped).
func (c *Ctx) recovered(r any, t *task, depth int) {
	t.dropped = true
	cl := c.call
	if _, ok := r.(abandoned); !ok {
		cl.panicked.CompareAndSwap(nil, &PanicError{Value: r, Stack: debug.Stack()})
	}
	cl.stopped.Store(true)
	for d := c.depth - 1; d >= depth; d-- {
		// Pop frame d off the stack first: settle may run other tasks,
		// which fork above the frames still live and publish the oldest
		// private one, so frames[pub:depth] must hold only pending forks.
		f := c.frames[d]
		c.depth, c.pub = d+1, min(c.pub, d+1)
		if d < c.pub && !f.inline {
			t, ok := c.own.Pop()
			c.settle(f, true, t, ok)
		}
		f.reset()
	}
	c.depth, c.pub = depth, min(c.pub, depth)
}

// complete finishes a task run by execute.
func (c *Ctx) complete(t *task) {
	if !t.detached {
		// A joined task: hand it back to its joiner. After the store the
		// joiner may reuse the frame.
		owner := t.owner
		t.done.Store(1)
		if owner.parked.Load() {
			c.pool.idle.NotifyAll()
		}
		return
	}
	cl := t.call
	t.fn, t.call, t.dropped = nil, nil, false // collectable at once
	c.putTask(t)
	if cl.pending.Add(-1) == 0 {
		close(cl.done)
	}
}
