package atomicx

import (
	"runtime"
	"unsafe"
)

// Counter is a sharded counter for hot statistics: many goroutines Add, few
// Load. A single atomic word serializes every Add on one cache line;
// Counter spreads Adds over padded shards (four per GOMAXPROCS at its first
// use, at least 8 and at most 1024), so Adds from different cores rarely
// touch the same line, and Load sums the shards. Use a plain [Int64] when
// reads are as frequent as writes or an exact snapshot is needed.
//
// A goroutine's Adds tend to hit the same shard: it is chosen by a hash of
// the goroutine's stack address. Add is one atomic add, wait-free; Load and
// Reset read or write every shard.
//
// The zero value is a counter at zero, ready to use; it allocates its shards
// on first use. A Counter must not be copied after first use. All methods are
// safe for concurrent use.
//
// Memory model: an Add synchronizes before a Load that observes it. Load is
// not a snapshot: Adds that run concurrently with it may or may not be
// counted, and a Reset concurrent with Adds may lose some of them.
type Counter struct {
	_      noCopy
	shards Pointer[[]Padded[Int64]] // allocated once, by the first operation
}

func (c *Counter) table() []Padded[Int64] {
	if p := c.shards.Load(); p != nil {
		return *p
	}
	n := 4 * runtime.GOMAXPROCS(0)
	size := 8
	for size < n && size < 1024 {
		size *= 2
	}
	t := make([]Padded[Int64], size)
	if c.shards.CompareAndSwap(nil, &t) {
		return t
	}
	return *c.shards.Load() // another goroutine's table won
}

// Add adds delta to the counter.
func (c *Counter) Add(delta int64) {
	t := c.table()
	t[shardIndex(len(t))].Value.Add(delta)
}

// Load returns the sum of all Adds since creation or the last Reset.
func (c *Counter) Load() int64 {
	var sum int64
	t := c.table()
	for i := range t {
		sum += t[i].Value.Load()
	}
	return sum
}

// Reset sets the counter to zero. Adds that run concurrently with Reset may
// be lost.
func (c *Counter) Reset() {
	t := c.table()
	for i := range t {
		t[i].Value.Store(0)
	}
}

// shardIndex hashes the address of a stack variable of the calling goroutine
// to an index below n, a power of two.
func shardIndex(n int) int {
	var probe byte
	// Safety: the address is only hashed, never dereferenced; converting it
	// to an integer does not make probe escape.
	addr := uint64(uintptr(unsafe.Pointer(&probe)))
	// Goroutine stacks are at least 2 KiB apart; frames at equal depth in two
	// goroutines differ in the bits above that.
	return int(((addr >> 11) * 0x9e3779b97f4a7c15) >> 32 & uint64(n-1))
}
