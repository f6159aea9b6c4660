// Package forkjoin is a work-stealing fork-join pool: a fixed set of
// worker goroutines that run trees of small tasks, each worker on its own
// deque of package deque, stealing from the others when it runs dry.
//
// Use it for CPU-bound, fine-grained parallelism: divide and conquer
// (sorting, tree walks, recursive search) and loops over large index
// ranges, where a task is too short (down to a few nanoseconds) to pay
// for a goroutine of its own, which costs far more. Do not use it
// for I/O or for tasks that block on channels, locks or the network: a
// blocked task holds one of only GOMAXPROCS workers. Use goroutines there.
//
// Pool.Run submits a root task from any goroutine and returns when its
// whole tree is done. Tasks fork through the *Ctx they are given (Go has
// no goroutine-local state): Ctx.Join and JoinFunc for two halves, Ctx.For
// and Ctx.ForRange for index ranges, Ctx.Go for unjoined tasks.
//
// Progress: a joining worker never idles while work exists: when the half
// it waits for was stolen it runs other tasks, the thief's first
// (leapfrogging). Idle workers spin briefly and then park (no CPU used);
// forks wake them one at a time by Go's scheduler rule. A worker keeps its
// oldest pending fork where thieves can take it and its newer forks
// private (lazy task creation), so one that runs a long sequential
// stretch with private forks pending lends them only at its next fork.
//
// Cost: a fork that its own worker takes back, the common case, costs no
// atomic operation, lock or allocation (JoinFunc; Join allocates the
// closures that escape). A published fork costs a deque push and pop; a
// stolen one, a steal and perhaps a wake-up. Memory model: the return of
// a task synchronizes before the return of the Join (JoinFunc, For) that
// forked it, and the return of every task of a call before Run returns.
//
// Misuse that panics: nil functions, a nil context, a negative worker
// count. A task that calls runtime.Goexit fails its call as a panic would.
// A Ctx used outside its task (a data race) and Run or Close called from
// a task of the same pool (a possible deadlock) are not detected.
//
// The scheduler is Blumofe and Leiserson's ("Scheduling Multithreaded
// Computations by Work Stealing", JACM 1999) on Chase and Lev's deques
// (SPAA 2005); the join protocol, waiting by helping and For's adaptive
// splitting follow rayon-core's join and rayon's iter/plumbing.
package forkjoin

// The API at a glance:
//
//	func New(workers int) *Pool // 0: GOMAXPROCS
//	func (p *Pool) Run(ctx context.Context, fn func(*Ctx)) error
//	func (p *Pool) Close()
//	func (p *Pool) Workers() int
//	func (c *Ctx) Join(a, b func(*Ctx)) // a inline, b stealable
//	func JoinFunc[T, R any](c *Ctx, f func(*Ctx, T) R, x, y T) (rx, ry R)
//	func (c *Ctx) For(lo, hi, grain int, body func(i int))
//	func (c *Ctx) ForRange(lo, hi, grain int, body func(c *Ctx, lo, hi int))
//	func (c *Ctx) Go(fn func(*Ctx)) // unjoined; done before Run returns
//	func (c *Ctx) Stopped() bool
//	func (c *Ctx) Worker() int
//	func (c *Ctx) Workers() int
//	type PanicError struct{ Value any; Stack []byte }
//	var ErrClosed error
