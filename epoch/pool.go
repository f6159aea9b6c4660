package epoch

import (
	"sync"

	"github.com/xbeam/xbeam/internal/poolopt"
)

// defaultPoolLimit is the number of objects a Pool keeps by default.
const defaultPoolLimit = 1024

// Pool is a typed free list that is safe for lock-free readers: [Pool.Put]
// takes an object the caller has just unlinked from a shared structure, and
// [Pool.Get] hands it out again only once every guard pinned at the time of
// the Put has been unpinned, so a reader that loaded the object while
// pinned never sees it reused under it. Choose it to recycle nodes,
// segments or buffers of a lock-free structure without allocating; choose
// [sync.Pool] when no reader can hold a pooled object.
//
// Get and Put take a short lock and allocate nothing in steady state (no
// closure per object). Get returns a recycled object when one is ready and
// otherwise makes one with the function given to [NewPool]; it never
// blocks. Objects still waiting for their epoch are kept; of the ready ones
// at most the limit (see [Pool.SetLimit]) are kept and Put drops the oldest
// beyond it. The pool keeps an object alive from its Put until Get returns
// it or drops it, and no longer.
//
// Under the race detector, Get rewrites the whole object it recycles (with
// its own value): a reader that still used it, because of a retirement bug
// in the caller or here, then races with that write and -race reports it.
// (This module's queues, whose readers may load a recycled segment's
// validation word without pinning, turn that check off for their pools and
// check their segments themselves.)
//
// Use [NewPool]: on the zero Pool every method panics, naming NewPool. A
// Pool must not be copied. Get, Put and SetLimit are safe for concurrent use.
//
// Memory model: a Put(g, x), and the return of Unpin of every guard pinned
// at the time of the Put, synchronize before the Get that returns x.
type Pool[T any] struct {
	_     noCopy
	c     *Collector
	newFn func() *T

	// mu guards the ring below.
	mu sync.Mutex
	// ring[head], ring[head+1], ..., n entries (indexes mod len(ring)) are
	// the objects put and not yet handed out, oldest first, with
	// non-decreasing tags (each read under mu).
	ring  []limboEntry[T]
	head  int
	n     int
	limit int

	// unpinnedLoads is set once, before first use, by internal/poolopt's
	// UnpinnedLoads: Get does not rewrite recycled objects under -race.
	unpinnedLoads bool
}

// unpinnedLoader is the option internal/poolopt sets on a Pool of any T.
type unpinnedLoader interface{ setUnpinnedLoads() }

func (p *Pool[T]) setUnpinnedLoads() { p.unpinnedLoads = true }

func init() {
	poolopt.UnpinnedLoads = func(pool any) { pool.(unpinnedLoader).setUnpinnedLoads() }
}

// zeroPool is the panic of every method of a Pool that NewPool did not make.
const zeroPool = "epoch: Pool used without NewPool"

// helpMin is the number of waiting objects from which Get, rather than
// allocate, tries to advance the epoch itself. Below it Get allocates, so a
// pool that recycles settles at helpMin or more objects, and one advance
// (making them all reusable) serves that many Gets; helping with fewer
// would make a hot Get/Put loop advance the epoch every other call.
const helpMin = 8

// limboEntry is an object waiting for the epoch to pass tag+expiry.
type limboEntry[T any] struct {
	x   *T
	tag uint64
}

// NewPool returns a [Pool] on c that makes new objects with newFn when none
// can be recycled; its limit starts at 1024. It panics if c or newFn is nil.
func NewPool[T any](c *Collector, newFn func() *T) *Pool[T] {
	if c == nil {
		panic("epoch: NewPool with a nil Collector")
	}
	if newFn == nil {
		panic("epoch: NewPool with a nil newFn")
	}
	return &Pool[T]{c: c, newFn: newFn, limit: defaultPoolLimit}
}

// SetLimit sets the number of ready objects (default 1024) beyond which Put
// drops the oldest, and drops the oldest objects beyond n now, whether ready
// or not (dropping is always safe: the garbage collector takes them). It
// panics if n < 1.
func (p *Pool[T]) SetLimit(n int) {
	if p.newFn == nil {
		panic(zeroPool)
	}
	if n < 1 {
		panic("epoch: Pool limit must be at least 1")
	}
	p.mu.Lock()
	p.limit = n
	for p.n > n {
		p.popHead()
	}
	p.mu.Unlock()
}

// Get returns an object whose Put is old enough that no guard pinned at the
// time of the Put is still pinned, or a new one from newFn if there is none.
// When the oldest object is still waiting and the pool holds at least
// eight, Get first tries, twice at most and with a bounded scan, to advance
// the epoch itself, so that objects become reusable even when the structure
// pins too rarely for the collector's amortized work to advance it. Get
// needs no guard.
func (p *Pool[T]) Get() *T {
	if p.newFn == nil {
		panic(zeroPool)
	}
	p.mu.Lock()
	if p.n > 0 {
		if tag := p.ring[p.head].tag; p.n >= helpMin && tag+expiry > p.c.global.Load() {
			// The oldest object is still waiting: help the epoch along
			// rather than allocate. At most two advance attempts, each
			// reading at most scanBudget participants, outside the lock;
			// they fail at once if a participant pinned at the Put still
			// is.
			p.mu.Unlock()
			for range 2 {
				if p.c.tryAdvance(scanBudget) == advanceBlocked || tag+expiry <= p.c.global.Load() {
					break
				}
			}
			p.mu.Lock()
		}
		if p.n > 0 && p.ring[p.head].tag+expiry <= p.c.global.Load() {
			x := p.popHead()
			p.mu.Unlock()
			if !p.unpinnedLoads {
				markReused(x)
			}
			return x
		}
	}
	p.mu.Unlock()
	return p.newFn()
}

// Put hands x back to p, to be returned by a [Pool.Get] once every guard
// pinned now has unpinned. The caller must have made x unreachable for
// goroutines that pin from now on, and must not use x afterwards. g must be
// pinned, on p's collector; Put panics otherwise, or if x is nil.
func (p *Pool[T]) Put(g *Guard, x *T) {
	if p.newFn == nil {
		panic(zeroPool)
	}
	h := &g.h
	if h.depth() == 0 {
		if h.c == nil {
			panic(zeroGuard)
		}
		panic("epoch: Pool.Put with an unpinned guard")
	}
	if h.c != p.c {
		panic("epoch: Pool.Put with a guard of another Collector")
	}
	if x == nil {
		panic("epoch: Pool.Put of a nil object")
	}
	p.mu.Lock()
	if p.n > p.limit && p.ring[(p.head+p.limit)&(len(p.ring)-1)].tag+expiry <= p.c.global.Load() {
		// More than limit objects are ready for reuse (tags are
		// non-decreasing, so the first limit+1 are): drop the oldest to the
		// garbage collector (always safe) rather than grow. Objects still
		// waiting for their epoch are not dropped, so that a recycling loop
		// reaches a steady state without allocating; how many wait is
		// bounded by how fast the epoch advances.
		p.popHead()
	}
	if p.n == len(p.ring) {
		p.grow()
	}
	// The tag is read after the caller unlinked x (program order) and under
	// mu, so tags are non-decreasing along the ring.
	p.ring[(p.head+p.n)&(len(p.ring)-1)] = limboEntry[T]{x: x, tag: p.c.global.Load()}
	p.n++
	p.mu.Unlock()
}

// popHead removes and returns the oldest entry; p.n > 0, under mu.
func (p *Pool[T]) popHead() *T {
	e := &p.ring[p.head]
	x := e.x
	e.x = nil
	p.head = (p.head + 1) & (len(p.ring) - 1)
	p.n--
	return x
}

// grow doubles the ring; under mu.
func (p *Pool[T]) grow() {
	ring := make([]limboEntry[T], max(16, 2*len(p.ring)))
	for i := range p.n {
		ring[i] = p.ring[(p.head+i)&(len(p.ring)-1)]
	}
	p.ring = ring
	p.head = 0
}
