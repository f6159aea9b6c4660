package deque

import (
	"math/bits"

	"github.com/xbeam/xbeam/epoch"
)

// collector is the epoch collector shared by every Worker and Injector of
// this package: thieves pin it for the span of one steal, so that a buffer
// or block they loaded is not recycled under them. One collector for all
// deques keeps the pooled participants few; a pin is one CAS on a slot
// chosen from the goroutine's stack, so unrelated deques do not contend.
var collector = epoch.NewCollector()

// recycledClasses is the number of recycled capacities, minCap to
// maxRecycledCap (64 to 65536).
const recycledClasses = 11

// recycler hands buffers to one Worker's owner and takes back the buffers
// the owner replaced. It keeps one epoch.Pool per power-of-two capacity up
// to maxRecycledCap, created on first use; only the owner calls it.
type recycler[T any] struct {
	// pools[k] recycles buffers of capacity minCap<<k.
	pools [recycledClasses]*epoch.Pool[buffer[T]]
	// direct is set (once, at construction) for a Worker whose thieves
	// read speculatively (shared.spec): they never pin, and they discard
	// what they read from a buffer whose generation changed, so a replaced
	// buffer may be reused at once. free[k] then holds up to
	// directLimit buffers of capacity minCap<<k, and the pools are unused.
	direct bool
	free   [recycledClasses][]*buffer[T]
}

// directLimit is the number of spare buffers per capacity of a direct
// recycler, the limit the epoch pools get too.
const directLimit = 4

// get returns an empty buffer of the given power-of-two capacity, recycled
// when one is available. A recycled buffer's readers counts are all zero:
// every thief increments and decrements within one pin, and the pool hands
// the buffer out only after every such pin has ended.
func (r *recycler[T]) get(capacity uint64) *buffer[T] {
	if capacity > maxRecycledCap {
		return newBuffer[T](capacity)
	}
	if r.direct {
		k := class(capacity)
		n := len(r.free[k])
		if n == 0 {
			return newBuffer[T](capacity)
		}
		a := r.free[k][n-1]
		r.free[k] = r.free[k][:n-1]
		// Stale pointer-free values need no clearing; the bump tells a
		// thief still reading a that its read may be of new contents.
		a.gen.Add(1)
		return a
	}
	a := r.pool(capacity).Get()
	// Bump the generation before writing the slots: a thief that reads a
	// slot and then finds the generation unchanged read it before this
	// (the speculative Steal), and a pinned one never sees a change.
	a.gen.Add(1)
	clear(a.slots) // drop the values a recycled buffer still references; readers are zero already
	return a
}

// retire hands back a buffer that the owner has just replaced (the new one
// is already published, so no goroutine that pins from now on can load the
// old one). Its values are cleared only when it is handed out again: a
// thief pinned now may still be reading them.
func (r *recycler[T]) retire(a *buffer[T]) {
	if a.capacity() > maxRecycledCap {
		return // left to the garbage collector
	}
	if r.direct {
		if k := class(a.capacity()); len(r.free[k]) < directLimit {
			r.free[k] = append(r.free[k], a)
		}
		return
	}
	g := collector.Pin()
	r.pool(a.capacity()).Put(g, a)
	g.Unpin()
}

// class returns k such that capacity == minCap<<k.
func class(capacity uint64) int { return bits.TrailingZeros64(capacity / minCap) }

func (r *recycler[T]) pool(capacity uint64) *epoch.Pool[buffer[T]] {
	k := class(capacity)
	p := r.pools[k]
	if p == nil {
		p = epoch.NewPool(collector, func() *buffer[T] { return newBuffer[T](capacity) })
		p.SetLimit(directLimit)
		r.pools[k] = p
	}
	return p
}
