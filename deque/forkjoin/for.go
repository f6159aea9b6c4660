package forkjoin

// forRange is a piece of a parallel For: the body (each index, or each
// sub-range), the bounds, the grain and the splitter's budget.
type forRange struct {
	each   func(i int)
	body   func(c *Ctx, lo, hi int)
	lo, hi int
	grain  int
	splits int
}

// For calls body(i) for every i in [lo, hi), in parallel, and returns when
// all calls have returned. It splits the range in halves on demand, as
// rayon's adaptive splitter does, rather than into a fixed number of
// chunks: a range is split while its splitting budget (the number of
// workers at first, halved at each split) lasts, and a half that another
// worker stole gets a fresh budget. So a uniform loop becomes a few chunks
// per worker, and a skewed one keeps splitting where the work is. Once its
// budget is spent, a worker runs its chunk a few hundred indexes (or grain)
// at a time and splits off half of the rest whenever its deque is empty,
// so that a worker that runs out of work finds some to steal. No piece
// is smaller than grain indexes (grain < 1 means 1); raise grain when
// body is so cheap that a split (tens of nanoseconds) would show.
//
// If the call is stopped, the pieces not yet started are dropped. Memory
// model: the return of every body call synchronizes before the return of
// For. For panics if body is nil; it does nothing if hi <= lo.
func (c *Ctx) For(lo, hi, grain int, body func(i int)) {
	if body == nil {
		panic("forkjoin: Ctx.For with a nil body")
	}
	c.forStart(forRange{each: body, lo: lo, hi: hi, grain: grain})
}

// ForRange is For with a body that takes a whole piece [lo, hi) of the
// range, and the Ctx, so that it can loop without a call per index and
// fork further. The pieces partition [lo, hi); each has at least grain
// indexes (grain < 1 means 1) unless the range is shorter. With one
// worker there are two pieces; with more, a few per worker, more where
// steals show that the work is uneven, and pieces of max(grain, 256)
// indexes or more once a worker's own chunk is all that is left to it.
//
// Unlike Join's, For's forks are published at once: its pieces are long,
// and a fork kept private during a long piece could not be stolen.
func (c *Ctx) ForRange(lo, hi, grain int, body func(c *Ctx, lo, hi int)) {
	if body == nil {
		panic("forkjoin: Ctx.ForRange with a nil body")
	}
	c.forStart(forRange{body: body, lo: lo, hi: hi, grain: grain})
}

func (c *Ctx) forStart(r forRange) {
	if r.hi <= r.lo {
		return
	}
	r.grain = max(r.grain, 1)
	r.splits = c.Workers()
	c.forSplit(r, false)
}

// forSplit runs the piece r; migrated reports whether it was stolen (it
// runs on a worker other than the one that split it off).
//
// The splitting rule is rayon's LengthSplitter (rayon/src/iter/plumbing):
// split when both halves keep at least grain indexes and either the piece
// was stolen (then the budget is reset to max(splits/2, workers): a steal
// is the sign that some worker is starving) or the budget is not spent
// (then it is halved). The right half is forked with Join's protocol and
// taken back, when not stolen, to continue the loop inline. A piece whose
// budget is spent also splits when the worker's deque is empty, and is
// otherwise run by forRun, which looks at the deque again as it goes.
func (c *Ctx) forSplit(r forRange, migrated bool) {
	for {
		if c.call.stopped.Load() {
			return
		}
		n := r.hi - r.lo
		if n/2 < r.grain || (!migrated && r.splits == 0 && c.Workers() == 1) {
			break
		}
		switch {
		case migrated:
			r.splits = max(r.splits/2, c.Workers())
			migrated = false
		case r.splits > 0:
			r.splits /= 2
		case c.own.Len() != 0:
			c.forRun(r)
			return
		}
		mid := r.lo + n/2
		f := c.frame()
		f.isFor = true
		f.forRange = r
		f.forRange.lo = mid
		// For's pieces are long: publish this fork at once (and with it
		// any older private ones), as rayon does, rather than lazily.
		for c.pub < c.depth {
			c.publish()
		}
		left := r
		left.hi = mid
		c.forSplit(left, false)
		if c.private() {
			// Not published, so not stolen: continue with the right half.
			f.isFor, f.forRange = false, forRange{}
			r.lo = mid
			continue
		}
		c.joinPublished(f)
		return
	}
	r.run(c, r.lo, r.hi)
}

// lazyStep is the least number of indexes forRun runs between two looks
// at the worker's deque: a look costs a few nanoseconds.
const lazyStep = 256

// forRun runs the piece r, whose splitting budget is spent, on a pool of
// more than one worker (with one, nobody could take a split). It runs r
// in steps of max(grain, lazyStep) indexes and, before each, splits what
// remains if the worker's deque is empty: lazy binary splitting (Tzannes,
// Caragea, Barua and Vishkin, PPoPP 2010). A worker that runs out of work
// then always finds half of a long piece to steal, instead of waiting for
// the piece to end, which rayon's splitter alone would have it do; while
// the deque holds a fork, nobody is starving (or they would have taken it)
// and the piece runs on.
func (c *Ctx) forRun(r forRange) {
	step := max(r.grain, lazyStep)
	for r.hi-r.lo >= step+r.grain { // the rest keeps at least grain indexes
		if c.own.Len() == 0 && (r.hi-r.lo)/2 >= r.grain {
			c.forSplit(r, false) // splits at once: the deque is empty
			return
		}
		r.run(c, r.lo, r.lo+step)
		r.lo += step
		if c.call.stopped.Load() {
			return
		}
	}
	r.run(c, r.lo, r.hi)
}

// run calls the loop's body on [lo, hi).
func (r *forRange) run(c *Ctx, lo, hi int) {
	if r.each != nil {
		for i := lo; i < hi; i++ {
			r.each(i)
		}
		return
	}
	r.body(c, lo, hi)
}
