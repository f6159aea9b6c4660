package atomicx

import "runtime"

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
// Spin is for a lost CAS race, where retrying at once is right but hammering
// the same cache line is not. Snooze is for waiting on another goroutine to
// make progress (a slot being filled, a flag being set).
//
// The zero value is ready to use. A Backoff is owned by one goroutine: make
// one per retry loop, on the stack; it allocates nothing.
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
func (b *Backoff) Snooze() {
	if b.step <= spinLimit {
		procYield(1 << b.step)
	} else {
		runtime.Gosched()
	}
	if b.step <= yieldLimit {
		b.step++
	}
}

// ShouldPark reports whether the caller has backed off long enough that it
// should block instead of retrying.
func (b *Backoff) ShouldPark() bool { return b.step > yieldLimit }

// Reset returns the backoff to its initial state, for reuse after progress.
func (b *Backoff) Reset() { b.step = 0 }
