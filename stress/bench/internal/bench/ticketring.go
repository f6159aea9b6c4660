package bench

import (
	"math/bits"
	"runtime"
	"sync/atomic"

	"github.com/xbeam/xbeam/atomicx"
)

// ticketRing is a measuring stick, not a queue xbeam ships: a bounded ring
// whose blocking Push and Pop take their positions by fetch-and-add, so that
// no claim ever fails. It shows how much faster than Bounded's CAS claim
// fetch-and-add positions would be for the blocking operations, before
// paying for what Bounded must also do (cancellation, Close, parking, exact
// Try results).
//
// Algorithm: the turn-sequence ring of E. Rigtorp's MPMCQueue
// (github.com/rigtorp/MPMCQueue, 2017), itself the ticket idea of the
// Mellor-Crummey and Scott ticket lock (ACM TOCS 9(1), 1991, section 2.2)
// applied to each slot. The push that draws ticket t owns position t for
// good: it waits until slot t mod cap has turn 2*lap(t) (the pop one lap
// back has emptied it), stores its value and sets turn 2*lap(t)+1. The pop
// that draws ticket h waits for turn 2*lap(h)+1, copies the value and sets
// 2*lap(h)+2. A drawn ticket cannot be given back, so neither a context nor
// Close could stop a waiting operation without a protocol for holes, which
// this ring lacks; and a goroutine preempted between its draw and its
// store stalls every operation behind it on that slot, which is what many
// more goroutines than cores show.
type ticketRing struct {
	// head and tail count the tickets drawn by pops and pushes. Atomic
	// because every pop (push) draws from head (tail) with an Add; they
	// never go back, and tail - head may exceed the capacity while pushes
	// wait, or fall below zero while pops wait.
	_    atomicx.Pad
	head atomic.Uint64
	_    atomicx.Pad
	tail atomic.Uint64
	_    atomicx.Pad
	// slots is read-only after newTicketRing; len(slots) is a power of two.
	slots []ticketSlot
	mask  uint64
	shift uint // log2(len(slots)): ticket>>shift is its lap
}

// ticketSlot is one cell. turn says whose it is: 2*lap for the push of that
// lap, 2*lap+1 for its pop. Atomic because it hands val from the push to the
// pop (a store after the value, a load before it) and back.
type ticketSlot struct {
	turn atomic.Uint64
	val  uint64
}

func newTicketRing(capacity int) *ticketRing {
	if capacity < 1 || capacity&(capacity-1) != 0 {
		panic("ticketRing: capacity must be a power of two")
	}
	return &ticketRing{slots: make([]ticketSlot, capacity), mask: uint64(capacity - 1),
		shift: uint(bits.TrailingZeros(uint(capacity)))}
}

func (r *ticketRing) Push(v uint64) {
	t := r.tail.Add(1) - 1
	s := &r.slots[t&r.mask]
	want := 2 * (t >> r.shift)
	ticketWait(&s.turn, want)
	s.val = v
	s.turn.Store(want + 1)
}

func (r *ticketRing) Pop() uint64 {
	h := r.head.Add(1) - 1
	s := &r.slots[h&r.mask]
	want := 2*(h>>r.shift) + 1
	ticketWait(&s.turn, want)
	v := s.val
	s.turn.Store(want + 1)
	return v
}

// ticketWait spins until turn holds want, yielding the processor every 64th
// look, as the benchmark drivers' Try loops do.
func ticketWait(turn *atomic.Uint64, want uint64) {
	for i := 1; turn.Load() != want; i++ {
		if i%64 == 0 {
			runtime.Gosched()
		}
	}
}

// TicketRingImpl is the reference for the mpmc-blocking benchmark: not a
// peer (no library ships it) and not xbeam.
func TicketRingImpl() *Impl {
	return &Impl{
		Name:        "ref-faa-ticket",
		Doc:         "fetch-and-add ticket ring (Rigtorp), blocking only, no cancel or Close; a reference, cap 1024",
		NewBlocking: func() BlockingQueue { return newTicketRing(QueueCap) },
	}
}
