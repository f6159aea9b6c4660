package atomicx

import (
	"runtime"
	"sync/atomic"
)

const (
	// spinLimit caps exponential spinning at 2^spinLimit pause instructions.
	spinLimit = 6
	// yieldLimit is the step after which Snooze has yielded long enough and
	// ShouldPark reports true.
	yieldLimit = 10
)

// Backoff paces a retry loop: exponential spinning first (the other party is
// probably running on another core and about to finish), then yielding the
// processor (it may have been descheduled), and finally a report that the
// caller should stop retrying and park (block on a channel, a condition or an
// event count) instead of burning a core.
//
// [Backoff.Spin] is for a lost CAS race, where retrying at once is right but
// hammering the same cache line is not. [Backoff.Snooze] is for waiting on
// another goroutine to make progress (a slot being filled, a flag being
// set); once [Backoff.ShouldPark] reports true, block instead.
//
// The zero value is ready to use. A Backoff is owned by one goroutine: make
// one per retry loop, on the stack; it is four bytes and allocates nothing.
// It does not synchronize anything by itself.
type Backoff struct {
	step uint32
}

// Spin backs off after a lost race: it spins for 2^step pause instructions,
// capped at 2^6, and never yields.
func (b *Backoff) Spin() {
	procYield(1 << min(b.step, spinLimit))
	if b.step <= spinLimit {
		b.step++
	}
}

// Snooze backs off while waiting for another goroutine: it spins
// exponentially for the first steps, then yields the processor with
// runtime.Gosched. After about ten calls ShouldPark reports true.
//
// Snooze spins only where the goroutine it waits for can run meanwhile on a
// core of its own: GOMAXPROCS above 1 and at most runtime.NumCPU(). With
// GOMAXPROCS 1, or more Ps than cores, it yields from the first step, since
// a spinning thread would hold the core that goroutine needs. It reads
// GOMAXPROCS again when a wait yields at step 0 or at the step after the
// spinning ones (see procs), so the first wait after a change may still
// follow the old setting.
func (b *Backoff) Snooze() {
	if b.step <= spinLimit && canSpin() {
		procYield(1 << b.step)
	} else {
		if b.step == 0 || b.step == spinLimit+1 {
			// The wait's first yield, or (if it did not spin) its eighth.
			refreshProcs()
		}
		runtime.Gosched()
	}
	if b.step <= yieldLimit {
		b.step++
	}
}

// procs is runtime.GOMAXPROCS(0) as Snooze last read it, or 0 before the
// first read. Snooze keeps a copy because runtime.GOMAXPROCS takes the
// scheduler's global lock, which the spinning steps should not; it reads
// it again only next to a yield, itself a trip through the scheduler. A
// sync/atomic value, not one of this package's: it decides how to wait,
// never what a structure reads or writes, so the chaos build has nothing to
// perturb here. It is stored only when it changes, so that waiters on many
// cores share its line.
var procs atomic.Int32

// canSpin reports whether spinning can help, as far as procs knows: whether
// another goroutine can run meanwhile on a core of its own.
func canSpin() bool {
	n := procs.Load()
	if n == 0 {
		n = refreshProcs()
	}
	return n > 1 && int(n) <= runtime.NumCPU()
}

// refreshProcs reads GOMAXPROCS into procs and returns it.
func refreshProcs() int32 {
	n := int32(runtime.GOMAXPROCS(0))
	if procs.Load() != n {
		procs.Store(n)
	}
	return n
}

// ShouldPark reports whether the caller has backed off long enough that it
// should block instead of retrying.
func (b *Backoff) ShouldPark() bool { return b.step > yieldLimit }

// Reset returns the backoff to its initial state, for reuse after progress.
func (b *Backoff) Reset() { b.step = 0 }
