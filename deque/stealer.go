package deque

import "github.com/xbeam/xbeam/epoch"

// Stealer is the thieves' end of a [Worker]: other goroutines take the
// Worker's oldest items through it, one at a time ([Stealer.Steal]) or
// about half of them at once into a Worker of their own
// ([Stealer.StealBatch], [Stealer.StealBatchAndPop]). Get it from
// [Worker.Stealer]; every call returns the same Stealer.
//
// Choose a batch steal when the thief will run the items itself: one
// claim moves up to 32 items, and the thief then pops them without
// touching the victim again. Choose Steal to take one task at a time.
//
// A Stealer is safe for concurrent use by any number of goroutines, and
// lock-free: a steal returns [Retry] only because another operation made
// progress (took an item, or replaced the buffer); it never waits for the
// owner. A steal allocates nothing.
//
// Memory model: a Push of v synchronizes before the steal that returns v
// (or that moves v into a destination Worker). A steal that returns
// [Empty] or [Retry] orders nothing.
//
// A batch steal panics if its destination is nil, not made by [NewLIFO] or
// [NewFIFO], or the Worker it steals from. The zero Stealer is not usable:
// every method panics on it. A Stealer must not be copied after first use.
type Stealer[T any] struct {
	_ noCopy
	w *Worker[T] // immutable; a Stealer touches only w.shared
}

// Steal takes the oldest item of the Worker. It returns the item and
// Success, or Empty if the Worker was observed empty, or Retry if it lost a
// race with the owner or another stealer. Steal is safe for concurrent use.
func (s *Stealer[T]) Steal() (v T, st Status) {
	d := s.shared()
	// Lê et al., figure 1, steal: "t = load(top); fence(seq_cst); b =
	// load(bottom)". Two sequentially consistent loads keep that order, and
	// with the owner's fenced store of bottom and load of top in the take
	// they form the Dekker pair that keeps the owner and us from both taking
	// the last item.
	t := d.top.Load()
	b := d.bottom.Load()
	if int64(b-t) <= 0 {
		return v, Empty
	}
	if d.spec {
		// Chase-Lev's order (see shared.spec): the slot is read before
		// the claim, without pinning. The buffer's generation serves as a
		// sequence lock instead: the recycler bumps it before it clears or
		// refills a buffer, so an unchanged generation after our read
		// means the slot still held what it held when we loaded the
		// buffer, which was current after our load of bottom and so holds
		// index t (copied into every buffer since its push). The owner
		// overwrites the slot in place (index t+cap) only after seeing top
		// past t, and then our CAS fails.
		a := d.buf.Load()
		gen := a.gen.Load()
		if testHookSteal != nil {
			testHookSteal()
		}
		v = a.at(t).val
		if a.gen.recheck() != gen || d.buf.Load() != a || !d.top.CompareAndSwap(t, t+1) {
			var zero T
			return zero, Retry
		}
		return v, Success
	}
	// Pin before loading the buffer pointer: a buffer we load is not
	// recycled until we unpin (the class of CVE-2021-32810: reading a
	// slot of a buffer that was swapped out and reused).
	g := collector.Pin()
	// The buffer is loaded after bottom (the paper's load of the array
	// after its fence): index t < b was written before bottom passed it,
	// into the buffer current then or copied into every later one.
	a := d.buf.Load()
	gen := a.gen.Load()
	if testHookSteal != nil {
		testHookSteal()
	}
	if d.top.Load() != t {
		// Another steal took index t already: skip the readers update
		// (a read-modify-write on a line every thief is fighting for).
		g.Unpin()
		return v, Retry
	}
	sl := a.at(t)
	// Announce the read before claiming (see slot.readers).
	sl.readers.Add(1)
	// Claim index t. The buffer check is crossbeam-deque's fix for
	// CVE-2021-32810: a steal that loaded a buffer the owner has since
	// replaced gives up instead of trusting its slot; together with the
	// pin it means we only ever read a slot of a buffer that was current
	// after our readers increment. An owner write to this slot (index
	// t+cap) needs an observation of top > t before its readers check
	// (Worker.raisePushLimit): if that check came before our increment,
	// top passed t before our CAS, which fails; if after, it sees our
	// count and the owner stops short of the slot or moves to another
	// buffer. So no write meets our read. (TestStealRacingResize.)
	if d.buf.Load() != a || !d.top.CompareAndSwap(t, t+1) {
		sl.readers.Add(-1)
		g.Unpin()
		return v, Retry
	}
	if testHookClaim != nil {
		testHookClaim()
	}
	v = sl.val
	d.clearTaken(a, sl)
	a.checkGen(gen)
	// Done reading: the owner may reuse the slot.
	sl.readers.Add(-1)
	g.Unpin()
	return v, Success
}

// clearTaken drops the reference a slot of a still holds to the value a
// thief has just won and read, unless a resize is copying from a (then the
// owner clears it: see Worker.resize). The thief still holds the slot's
// readers count, so no owner write or copy meets this write.
func (d *shared[T]) clearTaken(a *buffer[T], sl *slot[T]) {
	if d.ptrs && d.copying.Load() != a {
		var zero T
		sl.val = zero
	}
}

// StealBatch moves about half of the Worker's items, oldest first, into dst,
// at most 32 and at least one when the Worker is not empty; of n items it
// takes at most ceil(n/2). It returns Success if it moved any, Empty if the
// Worker was observed empty, Retry if it lost a race. The items are
// published into dst: dst's owner may pop them, and dst's stealers steal
// them, as if dst's owner had pushed them (into a LIFO dst in reverse, so
// that its Pop returns the oldest of the batch first).
//
// The caller must be dst's owner. StealBatch panics if dst is nil or is the
// Worker this Stealer steals from. It is safe for concurrent use with other
// steals.
func (s *Stealer[T]) StealBatch(dst *Worker[T]) Status {
	_, st := s.stealBatch(dst, false)
	return st
}

// StealBatchAndPop is StealBatch that returns the oldest stolen item instead
// of moving it into dst (so at most 31 land in dst). It returns Success with
// the item, or Empty or Retry as StealBatch does. The caller must be dst's
// owner; it panics if dst is nil or is the Worker this Stealer steals from.
func (s *Stealer[T]) StealBatchAndPop(dst *Worker[T]) (T, Status) {
	return s.stealBatch(dst, true)
}

// Len returns the number of items in the Worker. It is safe for concurrent
// use; when the Worker is in use the result is a snapshot that may be stale.
func (s *Stealer[T]) Len() int {
	d := s.shared()
	t := d.top.Load()
	n := int64(d.bottom.Load() - t)
	return int(max(n, 0))
}

// shared returns the stealers' part of the Worker, panicking on a zero
// Stealer.
func (s *Stealer[T]) shared() *shared[T] {
	if s.w == nil {
		panic("deque: use Worker.Stealer to get a Stealer (the zero Stealer is not usable)")
	}
	return &s.w.shared
}

// checkDst panics on a destination that cannot be right.
func (s *Stealer[T]) checkDst(dst *Worker[T]) {
	s.shared()
	if dst == nil {
		panic("deque: batch steal into a nil Worker")
	}
	if dst.buf == nil {
		panic(zeroWorker)
	}
	if dst == s.w {
		panic("deque: batch steal into the Worker it steals from")
	}
}

// stealBatch claims up to half of the source (at most maxBatch), moves the
// items into dst, and returns the oldest instead if pop.
func (s *Stealer[T]) stealBatch(dst *Worker[T], pop bool) (v T, st Status) {
	s.checkDst(dst)
	src := s.w
	d := &src.shared
	t := d.top.Load() // the same opening as Steal
	b := d.bottom.Load()
	n := int64(b - t)
	if n <= 0 {
		return v, Empty
	}
	k := uint64(min((n+1)/2, maxBatch)) // ceil(n/2), capped
	room := k
	if pop {
		room--
	}
	// Room in dst first, with no thief reading the target slots; dst is
	// ours (the caller owns it), so nothing changes that meanwhile but
	// steals from dst, which only lower its length.
	da := dst.reserve(room)
	db := dst.bottom
	var moved uint64 // items written into dst
	put := func(i uint64, x T) {
		if pop && i == 0 {
			v = x
			return
		}
		da.at(db + moved).val = x
		moved++
	}

	// A speculative steal does not pin: the buffer generation is its
	// sequence check, as in Steal.
	var g *epoch.Guard
	if !d.spec {
		g = collector.Pin()
	}
	a := d.buf.Load()
	gen := a.gen.Load()
	if testHookSteal != nil {
		testHookSteal()
	}
	var got uint64
	switch {
	case d.spec && !src.lifo:
		// Read the batch, then claim it with one CAS (see shared.spec
		// and the FIFO case below); on failure the copies in dst's
		// unpublished slots are dropped.
		for i := range k {
			put(i, a.at(t+i).val)
		}
		if a.gen.recheck() == gen && d.buf.Load() == a && d.top.CompareAndSwap(t, t+k) {
			got = k
		} else {
			moved = 0
			var zero T
			v = zero
		}
	case d.spec:
		// LIFO source, one index at a time as below, each read before
		// its claim.
		for got < k {
			if got > 0 && int64(d.bottom.Load()-t) <= 0 {
				break
			}
			x := a.at(t).val
			if a.gen.recheck() != gen || d.buf.Load() != a || !d.top.CompareAndSwap(t, t+1) {
				break
			}
			put(got, x)
			got++
			t++
		}
	case !src.lifo:
		// FIFO source: its owner also pops at top and bottom only grows,
		// so [t, t+k) stays in the deque until someone moves top: one CAS
		// claims the whole batch.
		for i := range k {
			a.at(t + i).readers.Add(1)
		}
		if d.buf.Load() == a && d.top.CompareAndSwap(t, t+k) {
			for i := range k {
				sl := a.at(t + i)
				put(i, sl.val)
				d.clearTaken(a, sl)
			}
			a.checkGen(gen)
			got = k
		}
		for i := range k {
			a.at(t + i).readers.Add(-1)
		}
	default:
		// LIFO source: its owner takes from bottom without a CAS, so a
		// range claim could overlap its pops. Claim one index at a time,
		// each as a full steal (reload bottom, CAS top), as crossbeam-deque
		// does.
		for got < k {
			if got > 0 {
				// Our CAS left top at t; reload bottom after it.
				if int64(d.bottom.Load()-t) <= 0 {
					break
				}
			}
			sl := a.at(t)
			sl.readers.Add(1)
			if d.buf.Load() != a || !d.top.CompareAndSwap(t, t+1) {
				sl.readers.Add(-1)
				break
			}
			x := sl.val
			d.clearTaken(a, sl)
			a.checkGen(gen)
			sl.readers.Add(-1)
			put(got, x)
			got++
			t++
		}
	}
	if g != nil {
		g.Unpin()
	}
	if got == 0 {
		return v, Retry
	}
	dst.publishBatch(da, db, moved)
	return v, Success
}

// testHookClaim, when set by a test (export_test.go), runs in a
// claim-first Steal that has won its index, before it reads the slot: the
// window in which the slot's readers count must hold off the owner's
// writes. Nil outside tests.
var testHookClaim func()

// testHookSteal, when set by a test (export_test.go), runs in every steal
// right after the buffer pointer is loaded: the window in which the owner
// may replace the buffer. Nil outside tests.
var testHookSteal func()
