package deque

const (
	// minCap is the capacity of a new Worker's buffer, which it never
	// shrinks below (nor below keepCap, see keepBytes).
	minCap = 64
	// maxBatch caps how many items one StealBatch or StealBatchAndPop moves
	// (StealBatchAndPop counts the item it returns).
	maxBatch = 32
	// maxRecycledCap is the largest buffer capacity whose buffers are
	// recycled; bigger ones are left to the garbage collector, so that a
	// Worker that once held a million items does not keep that memory in
	// its free lists after it drains.
	maxRecycledCap = minCap << (recycledClasses - 1)
)

// slot is one cell of a buffer.
type slot[T any] struct {
	// val is written by the owner of the Worker that the buffer belongs to
	// (Push, resize, a batch steal into that Worker, and the clearing of a
	// value it took), only while readers is zero or for an index it has
	// claimed itself; and cleared by the thief that claimed the index
	// stored in it, while that thief holds readers (see clearTaken). It
	// is read by the owner and by the thief that has claimed its index,
	// never before the claim: no read races with a write. (A speculative
	// steal, for pointer-free T outside race builds, reads it before its
	// claim and drops the value if the claim fails: see shared.spec.)
	val T
	// readers counts claim-first thieves that may read val (speculative
	// ones never touch it, and the owner then always finds it zero): a
	// thief increments it before it tries to claim the slot's index and
	// decrements it after it has read and cleared val (or lost the
	// claim). The owner loads it, once per index, before it lets Push
	// write val (Worker.raisePushLimit, and reserve for a batch steal into
	// the Worker), and never writes under a non-zero count: it moves to a
	// fresh buffer instead. The increment, the owner's load and both
	// sides' accesses to top are sequentially consistent, which is what
	// makes this a Dekker-style handshake: either the owner sees the
	// count, or the thief's claim (ordered after its increment) fails.
	readers i32
}

// buffer is a power-of-two ring of slots indexed by the low bits of the
// deque's unbounded 64-bit indexes. A buffer is published through
// shared.buf; once replaced, the owner writes it only to clear values no
// thief can read any more. It is recycled through the epoch pool, after
// every thief that could have loaded it has unpinned, or at once where the
// thieves are speculative (recycler.direct).
type buffer[T any] struct {
	mask  uint64 // len(slots)-1; immutable
	slots []slot[T]
	// gen counts the times the recycler has handed this buffer out. A
	// thief reads it after loading the buffer and again after reading its
	// slot; a change means the buffer was recycled under a pinned steal,
	// which the epoch pool must make impossible, and the steal panics
	// (checkGen) instead of returning a value from a reused buffer.
	gen u64
}

func newBuffer[T any](capacity uint64) *buffer[T] {
	return &buffer[T]{mask: capacity - 1, slots: make([]slot[T], capacity)}
}

// at returns the slot of index i.
func (a *buffer[T]) at(i uint64) *slot[T] { return &a.slots[i&a.mask] }

// capacity returns the number of slots.
func (a *buffer[T]) capacity() uint64 { return a.mask + 1 }

// checkGen panics if a was handed out again since a thief read gen from it.
func (a *buffer[T]) checkGen(gen uint64) {
	if a.gen.Load() != gen {
		panic("deque: internal error: a buffer was recycled while a steal was still reading it")
	}
}
