package forkjoin

import (
	"context"
	"math/rand/v2"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/deque"
)

// Ctx is a worker's handle, passed to every task it runs: the task forks
// and joins through it (Go has no goroutine-local state to find the
// worker by). A Ctx must only be used by the task it was passed to, on
// that task's goroutine, until the task returns; it must not be kept or
// passed to other goroutines. Its methods are not safe for concurrent use.
type Ctx struct {
	_ noCopy

	pool *Pool
	id   int                  // index in pool.ctxs
	own  *deque.Worker[*task] // owner: this worker's goroutine
	rng  *rand.Rand           // victim choice; owner-only

	// call is the call of the task running now; execute sets it for the
	// task and restores it after.
	call *call

	// frames[:depth] are the join frames of the joins in progress on this
	// worker, innermost last. Joins nest strictly on one worker, so the
	// frames form a stack and are reused at once: a join costs no
	// allocation once the stack is deep enough. frames[:pub] have been
	// pushed to own (published: stealable); frames[pub:depth] are private
	// and are run by this worker alone (see publish). Owner-only.
	frames []*task
	depth  int
	pub    int

	// free holds finished unjoined tasks for reuse by Go. Owner-only.
	free []*task

	// parked is set while this worker is parked inside a join, waiting for
	// a stolen half; whoever finishes a frame of this worker loads it
	// after publishing the frame's done, and wakes the parked workers.
	parked atomicx.Bool
}

// task is what the deques hold: a joined half (a frame, owned by the
// joining worker and reused by it) or an unjoined task (the root of a
// Run, or one forked by Go, recycled through a worker's free list).
type task struct {
	fn  func(*Ctx) // the task, or nil when ext is
	ext runner     // a typed task (JoinFunc) when fn is nil and !isFor
	// spare keeps the frame's typed records of other types, most recently
	// used first, for code that alternates JoinFuncs of several types.
	spare [3]runner
	// call is the Run the task belongs to.
	call     *call
	detached bool // an unjoined task: counts down call.pending
	// dropped is set by the worker that took the task if it did not run
	// it to completion (its call was stopped, or it panicked); read by the
	// joiner after done.
	dropped bool

	// For frames only: owner is the worker whose stack holds the frame;
	// done is set by the worker that took the frame from a deque (a thief,
	// or the owner taking it back from a thief's deque) once its task has
	// finished, and read by the owner; the owner resets it before reusing
	// the frame. A frame its owner pops itself never touches done.
	owner *Ctx
	done  atomicx.Uint32
	// thief is the worker that took the frame, for the owner to steal
	// from first while it waits; stored before the task runs.
	thief atomicx.Int32
	// inline is set while the owner runs a published frame it popped back
	// (it is no longer in the deque). Owner-only.
	inline bool
	// isFor marks a frame of For, whose task is forRange (no allocation).
	isFor    bool
	forRange forRange
}

// runner is a typed task stored in a frame: run executes it on c when the
// frame was taken from a deque (popped back out of order, or stolen).
type runner interface {
	run(c *Ctx, t *task)
	pending() bool // reports whether the record holds a task not yet run
}

// reset clears a frame's references so that the task's closure and data
// are collectable at once; the typed record itself is kept for reuse.
func (t *task) reset() {
	t.fn, t.dropped, t.inline = nil, false, false
	if t.done.Load() != 0 {
		t.done.Store(0)
	}
	if t.isFor {
		t.isFor, t.forRange = false, forRange{}
	}
}

// Stopped reports whether the task's call has been stopped (its context is
// done, or a task panicked): tasks forked from now on are dropped, and a
// long-running task may return early.
func (c *Ctx) Stopped() bool { return c.call.stopped.Load() }

// Worker returns the index of the worker running the task, in [0,
// Workers()): for per-worker accumulators.
func (c *Ctx) Worker() int { return c.id }

// Workers returns the number of workers of the pool.
func (c *Ctx) Workers() int { return len(c.pool.ctxs) }

// frame takes the next frame of the stack; the caller fills the task.
// The frame's call is filled by publish: only a published frame is run by
// execute, which reads it.
func (c *Ctx) frame() *task {
	if c.depth == len(c.frames) {
		c.frames = append(c.frames, &task{owner: c})
	}
	f := c.frames[c.depth]
	c.depth++
	return f
}

// publish pushes the oldest private frame to the worker's deque and wakes
// a parked worker if none is spinning.
//
// Forks are published lazily (lazy task creation: Mohr, Kranz and
// Halstead, IEEE TPDS 1991): a worker keeps its oldest pending fork in its
// deque, where thieves take it, and the newer ones private until the
// deque is empty again (a thief took what was there). Thieves only ever
// take the oldest tasks, so a private fork is one that no thief would
// have taken yet; keeping it private saves the deque's push and pop, and
// their atomic operations, in the common case where the fork is taken
// back by its own worker. Each fork, after taking its frame, does
//
//	if c.own.Len() == 0 { c.publish() }
//
// (written out at each fork, so that Len inlines), and each join first
// asks private whether its frame is still its own. The cost is latency:
// a worker that starts a long sequential stretch with private forks
// pending publishes the next one only at its next fork.
func (c *Ctx) publish() {
	f := c.frames[c.pub]
	c.pub++
	// The private frames were all forked by the task running now (a worker
	// runs another task only once its frames are all published), so the
	// current call is f's.
	f.call = c.call
	c.own.Push(f)
	c.pool.notify()
}

// private reports whether the top frame was never published, and if so
// pops it: its task is the caller's to run (or drop) inline.
func (c *Ctx) private() bool {
	d := c.depth - 1
	if d < c.pub {
		return false
	}
	c.depth = d
	return true
}

// Join runs a(c) and b(c), in parallel if a worker is free, and returns
// when both have returned. a runs at once on the calling worker, and b is
// left for an idle worker to steal: a worker keeps its oldest pending b in
// its deque, where thieves look, and the newer ones in a private stack
// until the deque is empty again. If nobody stole b by the time a returns,
// the worker runs b itself, which is the common case and costs no atomic
// operation when b was private. If b was stolen, the worker runs other
// tasks (the thief's first) while it waits, so that no worker idles while
// work exists.
//
// Cost: b is stored in the worker's deque, where another goroutine may
// take it, so Go's escape analysis moves a closure b, and the variables it
// captures by reference, to the heap: one or two allocations per Join
// (the closure a stays on the stack). No API can avoid this while b is a
// func value that captures. JoinFunc of a top-level function allocates
// nothing (its argument and result are copied into a recycled record),
// nor do For and ForRange per piece.
//
// If the call is stopped (its context is done or a task panicked), Join
// runs neither function when it was stopped on entry, and drops b when it
// stopped while a ran. If b panicked on another worker, Join panics as
// well, to end the failed computation; the first panic reaches Run.
//
// Memory model: the return of a and of b synchronizes before the return
// of Join. Join panics if a or b is nil.
func (c *Ctx) Join(a, b func(*Ctx)) {
	if a == nil || b == nil {
		panic("forkjoin: Ctx.Join with a nil function")
	}
	cl := c.call // the same until this task returns
	if cl.stopped.Load() {
		return
	}
	f := c.frame()
	f.fn = b
	if c.own.Len() == 0 { // publish lazily: see publish
		c.publish()
	}
	a(c)
	if c.private() {
		// Not published, so not stolen: the fast path.
		f.fn = nil
		if !cl.stopped.Load() {
			b(c)
		}
		return
	}
	c.joinPublished(f)
}

// joinPublished finishes a join whose frame f, the top one, was published.
// A Pop of the deque returns f, or a newer task (forked by Go, or stolen
// in a batch, above f), or nothing: thieves take the oldest tasks first,
// so if f was stolen, so was everything below it.
func (c *Ctx) joinPublished(f *task) {
	t, ok := c.own.Pop()
	c.settle(f, false, t, ok)
	c.depth--
	c.pub = c.depth
	dropped := f.dropped
	f.reset()
	if dropped && c.call.panicked.Load() != nil {
		panic(abandoned{})
	}
}

// settle returns once frame f's task has run or been dropped (drop: it is
// dropped if it was not stolen), running the tasks above it in the
// worker's deque and, if f was stolen, other tasks while it waits. t, ok
// is the result of a Pop of the worker's deque already made.
func (c *Ctx) settle(f *task, drop bool, t *task, ok bool) {
	for ; ok && t != f; t, ok = c.own.Pop() {
		c.execute(t)
	}
	if !ok {
		c.wait(f)
		return
	}
	// f is back, never stolen: run it here, as its joiner.
	if drop || c.call.stopped.Load() {
		f.dropped = true
		return
	}
	f.inline = true // out of the deque: a panic from here must not settle it
	switch {
	case f.fn != nil:
		f.fn(c)
	case f.isFor:
		c.forSplit(f.forRange, false)
	default:
		f.ext.run(c, f)
	}
}

// wait returns once the stolen frame f is done. Meanwhile it runs tasks
// from its own deque and steals, from the thief first (leapfrogging, as
// in rayon-core's join); with nothing to run it spins briefly, then parks
// until the thief finishes f or a spawn wakes it.
func (c *Ctx) wait(f *task) {
	p := c.pool
	var bo atomicx.Backoff
	for f.done.Load() == 0 {
		if t, ok := c.own.Pop(); ok {
			c.execute(t)
			bo.Reset()
			continue
		}
		if t, ok := c.steal(int(f.thief.Load())); ok {
			c.execute(t)
			bo.Reset()
			continue
		}
		if !bo.ShouldPark() {
			bo.Snooze()
			continue
		}
		// Park. The thief stores done and then loads parked; we store
		// parked and then load done (after Prepare): with sequentially
		// consistent atomics one of the two sees the other.
		c.parked.Store(true)
		w := p.idle.Prepare()
		if f.done.Load() != 0 {
			p.idle.Cancel(w)
			c.parked.Store(false)
			return
		}
		if t, ok := c.steal(-1); ok {
			p.idle.Cancel(w)
			c.parked.Store(false)
			c.execute(t)
			continue
		}
		_ = p.idle.Wait(context.Background(), w)
		c.parked.Store(false)
		bo.Reset()
		if f.done.Load() != 0 {
			// The wake-up may have been a fork's, meant for an idle
			// worker, not the thief's: pass it on.
			p.notify()
			return
		}
	}
}

// Go forks fn as a task of the call that is not joined by the caller: it
// may run at any time before Run returns, on any worker. Use it for
// irregular trees (a task per node of unknown fan-out); use Join or
// JoinFunc when the caller needs the result. Go allocates only when the
// worker's free list of tasks is empty. If the call is stopped, fn is
// dropped. Go panics if fn is nil.
func (c *Ctx) Go(fn func(*Ctx)) {
	if fn == nil {
		panic("forkjoin: Ctx.Go with a nil function")
	}
	cl := c.call
	if cl.stopped.Load() {
		return
	}
	cl.pending.Add(1)
	t := c.getTask()
	t.fn, t.call = fn, cl
	c.own.Push(t)
	c.pool.notify()
}

// getTask returns an unjoined task record from the free list.
func (c *Ctx) getTask() *task {
	if n := len(c.free); n > 0 {
		t := c.free[n-1]
		c.free = c.free[:n-1]
		return t
	}
	return &task{detached: true}
}

// putTask recycles a cleared unjoined task record.
func (c *Ctx) putTask(t *task) {
	if len(c.free) < 1024 {
		c.free = append(c.free, t)
	}
}
