package epoch

import (
	"math"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/internal/chaos"
)

const (
	// pinsBetweenCollect is K: a participant tries to advance the global
	// epoch and to run expired garbage on every K-th of its outermost pins,
	// never on the others. A power of two, as in crossbeam-epoch.
	pinsBetweenCollect = 128
	// scanBudget is the most participant slots one advance attempt reads.
	// An advance over P participants takes ceil(P/scanBudget) attempts, each
	// resuming where the last one stopped, so Pin's amortized cost stays
	// O(scanBudget/pinsBetweenCollect) however many handles are registered.
	scanBudget = 128
	// collectSteps is the most sealed bags one amortized collection runs.
	collectSteps = 8
	// maxFreeBags bounds the collector's cache of empty bags.
	maxFreeBags = 64

	// pinnedBit marks a participant's state word as pinned; the pinned
	// epoch is stored above it.
	pinnedBit = 1
	// idxBits is the width of the slot index in the scan cursor; the
	// remaining high bits hold the low bits of the epoch the scan is for.
	idxBits = 24
	idxMask = 1<<idxBits - 1
	tagMask = 1<<(64-idxBits) - 1

	// epochStep is what one advance adds to the global word (2e+1), and
	// expiry what a tag needs added before its garbage may go: two epochs.
	epochStep = 2
	expiry    = 2 * epochStep

	// maxPooled is the most participants Collector.Pin's pool holds (a
	// power of two); the overflow list takes any more.
	maxPooled = 256

	// zeroCollector is the panic of every method of a Collector that
	// NewCollector did not make.
	zeroCollector = "epoch: Collector used without NewCollector"
)

// epochWord returns the global word of epoch e: also the state word of a
// participant pinned at e.
func epochWord(e uint64) uint64 { return e<<1 | pinnedBit }

// pinOrder: why the store that publishes a pin must be ordered before the
// pinned goroutine's later loads, and why Go's atomic Store gives that.
//
// Let object x be retired in a bag sealed with tag t (a load of the global
// word after x was unlinked). A goroutine R that can still reach x stored
// its pinned state before it loaded x, hence before the unlink and before
// the tag load, announcing an epoch at most t. The advance from t+1 to t+2
// reads R's slot after the global epoch became t+1, so it sees R still
// pinned at an epoch other than t+1 and cannot happen until R unpins; x's
// bag runs only at t+2. The steps "R's store precedes its load of x" and
// "the advancer's load of the global epoch precedes its read of R's slot"
// are store-then-load and load-then-load orders across two words: Go's
// atomics are sequentially consistent (the Go memory model, "Atomic
// Values"), so both hold with no fence. On amd64 the Store is an XCHG, the
// one locked instruction of a pin, where crossbeam-epoch uses a locked
// compare-exchange or a SeqCst fence; a plain store would let R's load of
// x pass it (x86-TSO's store buffer) and the advancer miss R.

// Collector is an epoch-based reclaimer: it runs a function deferred through
// a [Guard] once no goroutine that was pinned at the time of the Defer is
// still pinned, and it lets a [Pool] hand an object out again under the
// same rule. Choose it to recycle or close objects that lock-free readers
// may still hold; where a mutex guards the data, or the garbage collector
// may simply have the objects, it adds nothing.
//
// Goroutines pin through a [Handle] (from [Collector.Register], the
// cheapest) or through [Collector.Pin] (no handle needed). Pin and Unpin are
// wait-free; reclamation is blocking: a goroutine that stays pinned stops
// it for everyone, and [Collector.Pending] and [Collector.Epoch] let you
// watch for that. The collector starts no goroutine: deferred functions run
// on goroutines that pin (every 128th pin of a participant does a bounded
// share of the work) and in [Collector.Flush].
//
// Use [NewCollector]: the zero Collector is not usable, and every method
// panics on it, naming NewCollector. A Collector must not be copied. All its
// methods are safe for concurrent use.
//
// Memory model: a Defer of fn, and the return of Unpin of every guard
// pinned at the time of the Defer, synchronize before fn runs: everything
// those guards' holders did while pinned happens before fn starts.
type Collector struct {
	_ noCopy
	_ atomicx.Pad

	// global is the global epoch e, held as 2e+1: the state word of a
	// participant pinned at e, which Pin copies with no arithmetic (see
	// epochWord). Written (CAS 2e+1 -> 2e+3) by the advancer that completes
	// a scan; read by every pin, by sealing and by collection.
	//
	// The algorithm is Fraser's epoch-based reclamation (K. Fraser,
	// "Practical lock-freedom", PhD thesis, Cambridge, 2004,
	// UCAM-CL-TR-579, the epoch-based garbage collector of its
	// implementation chapter) as engineered by crossbeam-epoch (A.
	// Turon, "Lock-freedom without garbage collection", 2015); how this
	// one differs, and why, is in docs/epoch-design.md.
	global atomicx.Uint64
	_      atomicx.Pad

	// scan is the advance cursor: (epoch tag << idxBits) | i means that
	// every registry slot below i was read, by a goroutine that had already
	// read the global epoch as the tagged epoch e, and found unpinned or
	// pinned at e. Advanced by CAS by advance attempts, each reading at most
	// scanBudget slots; reset by CAS when the global epoch has moved on.
	scan atomicx.Uint64
	_    atomicx.Pad

	// expireAt is tag+2 of the oldest sealed bag in the garbage queue, or
	// MaxUint64 when the queue is empty: collection is worth trying once the
	// global epoch reaches it. Written under garbageMu; read by the
	// amortized collection without the lock.
	expireAt atomicx.Uint64
	_        atomicx.Pad

	reg registry

	// pooled are the participants behind Collector.Pin: a goroutine claims
	// one by CAS of its state from 0 (free and unpinned) to pinned, and
	// releases it with the Unpin store of 0. Each is made on first use
	// (under overflowMu, stored once, read by Pin without a lock), so that
	// a collector used by few goroutines stays small. Pin uses the first
	// poolMask+1 slots; poolMask is 0 only in the zero Collector, whose
	// slots stay nil. The array is held in the Collector, not behind a
	// pointer, so that Pin's fast path needs no check for the zero
	// Collector (a nil slot sends it to pinMissed, which panics) and fits
	// the inlining budget.
	poolMask uintptr
	pooled   [maxPooled]atomicx.Pointer[Handle]

	// overflow holds the extra participants made when every pooled one was
	// claimed at once; they are claimed and released like pooled ones. The
	// slice is copy-on-write: appended under overflowMu and published by
	// the Store, read by pinSlow without the lock. overflowMu also guards
	// the creation of pooled participants.
	overflowMu sync.Mutex
	overflow   atomicx.Pointer[[]*Handle]

	// garbageMu guards the garbage queue of sealed bags (head to tail, tags
	// non-decreasing because each tag is read under the lock) and the free
	// list of empty bags.
	garbageMu sync.Mutex
	head      *bag
	tail      *bag
	freeBags  *bag
	nfree     int

	// flushMu serializes Flush, so that a Flush returns only after the
	// functions a concurrent Flush took over have run too.
	flushMu sync.Mutex

	// ran counts deferred functions that have run; dead counts the functions
	// deferred through handles that are now unregistered. Pending is the sum
	// of every registered handle's deferred count and dead, minus ran.
	ran  atomicx.Uint64
	dead atomicx.Uint64
}

// NewCollector returns a new collector. Its pool of participants for
// [Collector.Pin] has room for four per GOMAXPROCS at the time of the call
// (at least 16, at most 256), each made when first needed.
func NewCollector() *Collector {
	c := &Collector{}
	c.global.Store(epochWord(0))
	c.expireAt.Store(math.MaxUint64)
	n := uint(4 * runtime.GOMAXPROCS(0))
	c.poolMask = uintptr(max(16, min(maxPooled, uint(1)<<bits.Len(n-1)))) - 1
	return c
}

// made reports whether NewCollector made c.
func (c *Collector) made() bool { return c.poolMask != 0 }

// Register adds a participant to c and returns its [Handle], for a goroutine
// that pins often. The handle belongs to one goroutine at a time; call
// [Handle.Unregister] when it is no longer needed, or it stays in the
// participant table, which every epoch advance reads. Register takes a
// short lock and allocates the handle.
func (c *Collector) Register() *Handle {
	if !c.made() {
		panic(zeroCollector)
	}
	h := &Handle{}
	h.init(c)
	return h
}

// Pin pins a participant from c's pool and returns its [Guard], which the
// same goroutine must unpin and not use afterwards. It serves goroutines
// that own no [Handle], such as one goroutine per request. Pin is lock-free
// in the common case: one CAS, on a participant chosen from the goroutine's
// stack address (so a goroutine tends to reuse the same cache line). It
// allocates nothing once its participants exist, and never makes more of
// them than the pool's size plus the most goroutines pinned through it at
// once, however many goroutines come and go; making one takes a lock.
// Nested calls pin further participants; each guard needs its own Unpin.
func (c *Collector) Pin() *Guard {
	return c.pin(pinMissed)
}

// pin is Pin's fast path, sized to inline into the caller: it claims the
// preferred participant, if made and free, and finishes a pin that does
// not collect. Everything else goes to miss, which Pin sets to pinMissed:
// the inliner charges far less for a call through a parameter than for a
// direct call of a function it cannot inline, and once pin is inlined into
// Pin the call is a direct one again.
func (c *Collector) pin(miss func(c *Collector, i uintptr, h *Handle) *Guard) *Guard {
	// Safety: the address of the variable c is used only as a number, to
	// spread goroutines over the pool; it is never converted back to a
	// pointer. The variable lives on the calling goroutine's stack, and
	// different goroutines run on different stacks, so the addresses
	// differ in the high bits; the multiplicative (Fibonacci) hash carries
	// those bits to the top half, from which the index is taken. A moved
	// stack only changes the preferred slot.
	i := uintptr(unsafe.Pointer(&c)) * 0x9e3779b97f4a7c15 >> 32
	if chaos.Enabled {
		chaos.Point()
	}
	// The slot's pointer, loaded atomically through the word of its
	// atomicx.Pointer (as Load does, without the chaos point; the layout
	// test checks that the word is all there is to it).
	h := (*Handle)(atomic.LoadPointer((*unsafe.Pointer)(unsafe.Pointer(&c.pooled[i&c.poolMask]))))
	if chaos.Enabled {
		chaos.Point()
	}
	// The CAS from 0 both claims the participant (0 means free and
	// unpinned) and publishes the pinned epoch: the one locked instruction
	// of this pin, ordered as pinOrder needs (a CAS is as sequentially
	// consistent as a Store). The global word is read with sync/atomic on
	// its raw word, as Handle.Pin reads it.
	if h != nil && atomic.CompareAndSwapUint64(&h.state, 0, atomic.LoadUint64((*uint64)(unsafe.Pointer(&c.global)))) {
		if uint32(h.ctl) > 1 { // Handle.claimed's common case
			h.ctl += 1<<32 - 1
			// Safety: as in Handle.guard.
			return (*Guard)(unsafe.Pointer(h))
		}
	} else {
		h = nil
	}
	return miss(c, i, h)
}

// pinMissed finishes a Pin whose fast path did not: h is the claimed
// participant whose pin is the collecting one, or nil if the preferred one
// (slot i) was busy or not made yet.
func pinMissed(c *Collector, i uintptr, h *Handle) *Guard {
	if h != nil {
		return h.claimedCollect()
	}
	if !c.made() {
		panic(zeroCollector)
	}
	return c.pinSlow(i)
}

// pinSlow claims a pooled participant after the preferred one i was busy or
// not made yet: the first of i, i+1, ... that is free, or not made yet (it
// makes it); else a free overflow participant; else a new overflow one.
func (c *Collector) pinSlow(i uintptr) *Guard {
	for j := uintptr(0); j <= c.poolMask; j++ {
		slot := &c.pooled[(i+j)&c.poolMask]
		h := slot.Load()
		if h == nil {
			if g := c.makePooled(slot); g != nil {
				return g
			}
			h = slot.Load() // made by another goroutine meanwhile
		}
		// The Load keeps a busy slot's line shared instead of bouncing it
		// with a failing CAS.
		if h.loadState() == 0 && h.casState(0, c.global.Load()) {
			return h.claimed()
		}
	}
	if ov := c.overflow.Load(); ov != nil {
		for _, h := range *ov {
			if h.loadState() == 0 && h.casState(0, c.global.Load()) {
				return h.claimed()
			}
		}
	}
	c.overflowMu.Lock()
	defer c.overflowMu.Unlock()
	h := c.newPooled()
	var ov []*Handle
	if old := c.overflow.Load(); old != nil {
		ov = append(ov, *old...)
	}
	ov = append(ov, h)
	// Publishes h, already claimed by its maker, to later pinSlow calls.
	c.overflow.Store(&ov)
	return h.claimed()
}

// makePooled makes the participant of an empty pool slot, pinned and
// claimed by the caller, and returns its guard; or nil if another goroutine
// made it first.
func (c *Collector) makePooled(slot *atomicx.Pointer[Handle]) *Guard {
	c.overflowMu.Lock()
	defer c.overflowMu.Unlock()
	if slot.Load() != nil {
		return nil
	}
	h := c.newPooled()
	// Publishes h, already claimed by its maker, to Pin and pinSlow.
	slot.Store(h)
	return h.claimed()
}

// newPooled registers a new participant for Collector.Pin and pins it for
// the caller, who claims it; under overflowMu.
func (c *Collector) newPooled() *Handle {
	h := &Handle{}
	h.init(c)
	// A plain pin of a registered participant (see Handle.Pin); nobody else
	// can claim h before the caller publishes it.
	h.storeState(c.global.Load())
	return h
}

// Flush seals the garbage of every participant, advances the global epoch
// as far as the pinned participants allow (at most two steps), and runs
// every deferred function whose guards have all unpinned. If nothing is
// pinned anywhere during the call, Flush returns only after every function
// deferred before the call has run. It blocks while another Flush runs.
//
// Flush must not be called from a deferred function, of this collector or
// any other (it could wait for itself): it panics if it is.
func (c *Collector) Flush() {
	if !c.made() {
		panic(zeroCollector)
	}
	if runningDeferred.Load() != 0 && inDeferred() {
		panic("epoch: Flush called from a deferred function")
	}
	c.flushMu.Lock()
	defer c.flushMu.Unlock()
	for i, n := uint64(0), c.reg.len(); i < n; i++ {
		if h := c.reg.at(i); h != nil {
			h.seal(c)
		}
	}
	// Every bag sealed above carries a tag <= target-expiry.
	target := c.global.Load() + expiry
	for c.global.Load() < target {
		if c.tryAdvance(math.MaxInt) == advanceBlocked {
			break
		}
	}
	for c.collect(math.MaxInt, true) > 0 {
	}
}

// runningDeferred counts the goroutines running deferred functions, of any
// collector, so that Flush looks at its caller's stack only when one is.
// Statistics only: sync/atomic, no chaos point.
var runningDeferred atomic.Int64

// bagRun is the function that calls deferred functions.
const bagRun = "github.com/xbeam/xbeam/epoch.(*bag).run"

// inDeferred reports whether the caller's goroutine is inside a deferred
// function: whether bag.run is on its stack.
func inDeferred() bool {
	pcs := make([]uintptr, 64)
	for {
		n := runtime.Callers(2, pcs)
		if n < len(pcs) {
			pcs = pcs[:n]
			break
		}
		pcs = make([]uintptr, 2*len(pcs))
	}
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if f.Function == bagRun {
			return true
		}
		if !more {
			return false
		}
	}
}

// Pending returns the number of deferred functions that have not run yet.
// It is exact when no goroutine pins, defers, flushes or unregisters
// concurrently; otherwise it is a snapshot that may be off by the work done
// meanwhile. It reads every participant: it is meant for monitoring, with
// [Collector.Epoch], not for hot paths.
func (c *Collector) Pending() int {
	if !c.made() {
		panic(zeroCollector)
	}
	// ran first: every function counted in ran was counted as deferred
	// before, so reading the deferred counts later can only overcount.
	ran := c.ran.Load()
	total := c.dead.Load()
	for i, n := uint64(0), c.reg.len(); i < n; i++ {
		if h := c.reg.at(i); h != nil {
			total += h.deferred.Load()
		}
	}
	if total < ran {
		return 0
	}
	return int(total - ran)
}

// Epoch returns the global epoch: a counter that starts at 0 and advances
// by one each time every pinned participant has caught up with it. With
// Pending, it lets users watch reclamation: an epoch that stops moving while
// Pending grows means a goroutine stays pinned.
func (c *Collector) Epoch() uint64 {
	if !c.made() {
		panic(zeroCollector)
	}
	return c.global.Load() >> 1
}

type advanceResult int

const (
	advanced       advanceResult = iota // the epoch or the scan moved on (by us or by another goroutine): look again
	advancePartial                      // scanned budget slots, all fine; more to go
	advanceBlocked                      // a participant is pinned at an older epoch
)

// tryAdvance reads at most budget participant slots, continuing the scan
// for the current global epoch e where the last attempt left it, and moves
// the global epoch to e+1 if the scan is complete and found every pinned
// participant pinned at e.
//
// Each slot read happens after this goroutine read the global epoch as e, so
// any participant that pinned (stored its state) before the global epoch
// became e is seen by that read (sequential consistency), and one still pinned
// at an older epoch blocks the advance. A participant whose slot was read
// unpinned and that pins later stores its state after the read, hence after
// the global epoch became e; it cannot hold anything retired before that.
// Slots registered after the scan passed them, or after it read the table's
// length, are in the same position: their pins come after the read that
// missed them.
func (c *Collector) tryAdvance(budget int) advanceResult {
	g := c.global.Load()
	e := g >> 1
	s := c.scan.Load()
	if d := (s>>idxBits - e) & tagMask; d != 0 {
		if d < tagMask/2 {
			return advanced // our g is stale: someone advanced and started a later scan
		}
		// A scan for an older epoch: its reads say nothing about e. Restart.
		ns := e << idxBits
		if !c.scan.CompareAndSwap(s, ns) {
			return advanced // raced with another scanner that made progress
		}
		s = ns
	}
	i := s & idxMask
	n := c.reg.len()
	end := n
	if uint64(budget) < n-i {
		end = i + uint64(budget)
	}
	for i < end {
		// One chunk of the registry at a time.
		k, off := locate(i)
		chunk := *c.reg.chunks[k].Load()
		stop := min(uint64(len(chunk)), off+(end-i))
		for ; off < stop; off, i = off+1, i+1 {
			h := chunk[off].Load()
			if h == nil {
				continue
			}
			if st := h.loadState(); st&pinnedBit != 0 && st != g {
				// Lagging: remember it, so that the next attempt starts
				// here instead of re-reading everyone before it.
				c.scan.CompareAndSwap(s, e<<idxBits|i)
				return advanceBlocked
			}
		}
	}
	if i < n {
		// Hands the checked prefix to the next attempt. If the CAS fails,
		// another scanner moved the cursor; our reads are simply lost.
		c.scan.CompareAndSwap(s, e<<idxBits|i)
		return advancePartial
	}
	// Whoever wins the CAS advances; a loser sees the epoch moved on.
	c.global.CompareAndSwap(g, g+epochStep)
	return advanced
}

// push seals b with the current global epoch and appends it to the garbage
// queue. It returns an empty bag from the free list, or nil.
func (c *Collector) push(b *bag) *bag {
	c.garbageMu.Lock()
	// Read under the lock so that tags are non-decreasing along the queue;
	// read after every Defer into b (program order, or b's owner's bagMu),
	// which is what the two-epoch argument in the Collector doc needs.
	b.tag = c.global.Load()
	b.next = nil
	if c.tail == nil {
		c.head = b
		c.expireAt.Store(b.tag + expiry)
	} else {
		c.tail.next = b
	}
	c.tail = b
	fresh := c.freeBags
	if fresh != nil {
		c.freeBags = fresh.next
		fresh.next = nil
		c.nfree--
	}
	c.garbageMu.Unlock()
	return fresh
}

// collect pops up to limit expired bags from the garbage queue and runs
// their functions. A non-blocking call gives up if another goroutine holds
// the queue. It returns the number of bags it ran.
func (c *Collector) collect(limit int, block bool) int {
	if block {
		c.garbageMu.Lock()
	} else if !c.garbageMu.TryLock() {
		return 0
	}
	g := c.global.Load()
	var list, last *bag
	k := 0
	for c.head != nil && c.head.tag+expiry <= g && k < limit {
		b := c.head
		c.head = b.next
		b.next = nil
		if last == nil {
			list = b
		} else {
			last.next = b
		}
		last = b
		k++
	}
	if c.head == nil {
		c.tail = nil
		c.expireAt.Store(math.MaxUint64)
	} else {
		c.expireAt.Store(c.head.tag + expiry)
	}
	c.garbageMu.Unlock()
	if k == 0 {
		return 0
	}
	var ran uint64
	cur, start := list, 0
	runningDeferred.Add(1)
	defer runningDeferred.Add(-1)
	defer func() {
		if cur != nil {
			// A deferred function panicked; it counts as run. Hand the
			// functions not run yet back to the head of the queue (they
			// have expired already) and let the panic go on.
			ran += uint64(cur.i - start)
			c.ran.Add(ran)
			c.requeue(cur)
		}
	}()
	for cur != nil {
		start = cur.i // a requeued bag may be partly run
		cur.run()
		ran += uint64(cur.n - start)
		cur = cur.next
	}
	c.ran.Add(ran)
	c.garbageMu.Lock()
	for list != nil && c.nfree < maxFreeBags {
		b := list
		list = b.next
		b.n, b.i = 0, 0
		b.next = c.freeBags
		c.freeBags = b
		c.nfree++
	}
	c.garbageMu.Unlock()
	return k
}

// requeue puts the list of popped bags starting at b, whose first bag may be
// partly run, back at the head of the garbage queue, in order.
func (c *Collector) requeue(b *bag) {
	last := b
	for last.next != nil {
		last = last.next
	}
	c.garbageMu.Lock()
	last.next = c.head
	c.head = b
	if c.tail == nil {
		c.tail = last
	}
	c.expireAt.Store(b.tag + expiry)
	c.garbageMu.Unlock()
}
