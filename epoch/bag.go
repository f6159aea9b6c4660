package epoch

// bagCap is the number of deferred functions a bag holds. A handle's bag is
// sealed and queued on the collector when it is full, at its owner's
// amortized collection (every pinsBetweenCollect pins), at Unregister and at
// Flush.
const bagCap = 64

// bag is a batch of deferred functions. While it belongs to a handle it is
// filled under the handle's bagMu; once sealed it belongs to the collector's
// garbage queue (under garbageMu), and then to the one goroutine that popped
// it to run its functions.
type bag struct {
	fns [bagCap]func()
	n   int
	// tag is the global epoch read when the bag was sealed, after every
	// function in it was deferred. Its functions may run once the global
	// epoch is at least tag+2 (see Collector).
	tag  uint64
	next *bag // link in the garbage queue or the free list
}

// run calls the bag's functions in the order they were deferred and clears
// them so that the bag can be reused. It returns how many it ran.
func (b *bag) run() int {
	n := b.n
	for i := range n {
		fn := b.fns[i]
		b.fns[i] = nil
		fn()
	}
	b.n = 0
	return n
}
