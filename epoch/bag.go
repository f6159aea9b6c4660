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
	n   int // fns[:n] were deferred
	i   int // fns[:i] have been called (set before each call)
	// tag is the global epoch read when the bag was sealed, after every
	// function in it was deferred. Its functions may run once the global
	// epoch is at least tag+2 (see Collector).
	tag  uint64
	next *bag // link in the garbage queue or the free list
}

// run calls the bag's functions not called yet, in the order they were
// deferred, clearing each slot before the call. If one panics, the panic
// goes on with i counting it as called, so that the rest can run later and
// none runs twice.
func (b *bag) run() {
	for b.i < b.n {
		fn := b.fns[b.i]
		b.fns[b.i] = nil
		b.i++
		fn()
	}
}
