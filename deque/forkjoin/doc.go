// Package forkjoin is a work-stealing fork-join pool: a fixed set of
// worker goroutines that run trees of small tasks, each worker on its own
// deque of package deque, stealing from the others when it runs dry.
//
// Use it for CPU-bound, fine-grained parallelism: divide and conquer
// (sorting, tree walks, recursive search), loops over large index ranges,
// anything where a task is too short (down to tens of nanoseconds) for a
// goroutine of its own, which costs about a microsecond to start and
// schedule. Do not use it for I/O or for tasks that block on channels,
// locks or the network: a blocked task holds a worker, and the pool has
// only GOMAXPROCS of them. Goroutines are the right tool there.
//
// The API:
//
//	func New(workers int) *Pool                      // 0: GOMAXPROCS
//	func (p *Pool) Run(ctx context.Context, fn func(*Ctx)) error
//	func (p *Pool) Close()
//	func (p *Pool) Workers() int
//	func (c *Ctx) Join(a, b func(*Ctx))               // a inline, b stealable
//	func JoinFunc[T, R any](c *Ctx, f func(*Ctx, T) R, x, y T) (rx, ry R)
//	func (c *Ctx) For(lo, hi, grain int, body func(i int))
//	func (c *Ctx) ForRange(lo, hi, grain int, body func(c *Ctx, lo, hi int))
//	func (c *Ctx) Go(fn func(*Ctx))                   // unjoined, done before Run returns
//	func (c *Ctx) Stopped() bool
//	func (c *Ctx) Worker() int
//	func (c *Ctx) Workers() int
//
// Run submits a root task from any goroutine and blocks until its whole
// tree is done. Tasks fork through the *Ctx they are given (Go has no
// goroutine-local state). JoinFunc with a top-level function allocates
// nothing per fork; Join with closures allocates what Go's escape
// analysis moves to the heap (the closure of b).
//
// Progress: a joining worker never idles while its deque or a sibling's
// holds work: when the half it waits for was stolen it runs other tasks,
// the thief's first (leapfrogging). Idle workers spin briefly and then
// park on an event count (no CPU used); spawns wake them one at a time by
// Go's own scheduler rule. Cost: a fork whose stolen half is not stolen
// is a deque push and pop, a few atomic operations and no allocation.
//
// Misuse that panics: nil functions, a nil context, a negative worker
// count. A Ctx used outside the task it was passed to, and Run or Close
// called from inside a task of the same pool, are not detected: the first
// is a data race, the second may deadlock.
//
// The scheduler is Blumofe and Leiserson's ("Scheduling Multithreaded
// Computations by Work Stealing", JACM 1999) on Chase and Lev's deques
// (SPAA 2005); the join protocol, waiting by helping and the adaptive
// splitting of For follow rayon-core's join and rayon's iter/plumbing.
package forkjoin
