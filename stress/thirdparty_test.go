package stress_test

import (
	"regexp"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/xbeam/xbeam/internal/race"
	"github.com/xbeam/xbeam/stress"
)

// The structures in this file use no xbeam code, so the xbeam_chaos tag
// does not perturb them: whatever overlap their histories show, the
// harness's own schedules produced it.

// ring is a bounded MPMC ring in the style of Vyukov's bounded queue and
// xsync's MPMCQueue: each slot carries a turn counter, producers and
// consumers claim positions by CAS on head and tail, and a lost CAS is
// retried after a yield. Its TryPop reports empty when the slot at tail has
// been claimed by a producer that has not yet published its item, even if
// later pushes have completed (the slow-producer window), which is not
// linearizable; with waitPending it waits for that producer instead, which
// is. Its TryPush likewise reports full while an older pop still holds the
// slot it needs, so it is checked with RelaxedFull.
type ring struct {
	head, tail  atomic.Uint64
	slots       []ringSlot
	waitPending bool

	// Planted bugs, all off by default, counted over the ring's life.
	pushes, pops       atomic.Int64
	dropAt, dupAt      int64 // the n-th push is lost, or its item popped twice
	reorderAt          int64 // the n-th push swaps its item with the previous slot's
	lastSlot, lastTurn uint64
}

type ringSlot struct {
	turn atomic.Uint64
	item uint64
}

func newRing(capacity int) *ring { return &ring{slots: make([]ringSlot, capacity)} }

func (q *ring) slot(i uint64) (*ringSlot, uint64) {
	n := uint64(len(q.slots))
	return &q.slots[i%n], i / n * 2
}

func (q *ring) TryPush(v uint64) bool {
	head := q.head.Load()
	for {
		s, turn := q.slot(head)
		if s.turn.Load() == turn {
			if q.head.CompareAndSwap(head, head+1) {
				n := q.pushes.Add(1)
				if n == q.dropAt {
					// Lost: the slot is published empty and skipped.
					s.item = 0
				} else {
					s.item = v
				}
				if n == q.reorderAt && head > 0 {
					// Swap with the previous slot if it is still queued.
					p, pturn := q.slot(head - 1)
					if p.turn.Load() == pturn+1 {
						p.item, s.item = s.item, p.item
					}
				}
				s.turn.Store(turn + 1)
				return true
			}
		} else {
			prev := head
			if head = q.head.Load(); head == prev {
				return false
			}
		}
		runtime.Gosched()
	}
}

func (q *ring) TryPop() (uint64, bool) {
	tail := q.tail.Load()
	for {
		s, turn := q.slot(tail)
		t := s.turn.Load()
		if t == turn+1 {
			if q.tail.CompareAndSwap(tail, tail+1) {
				v := s.item
				if q.pops.Add(1) == q.dupAt {
					// Duplicate: hand the slot back as if never popped.
					q.tail.Store(tail)
					return v, v != 0 || q.dropAt == 0
				}
				s.item = 0
				s.turn.Store(turn + 2)
				if v == 0 && q.dropAt != 0 {
					tail++ // the dropped item's slot: skip it
					continue
				}
				return v, true
			}
		} else if t == turn && q.waitPending && q.head.Load() > tail {
			// A producer claimed this slot and has not published yet.
			runtime.Gosched()
			continue
		} else {
			prev := tail
			if tail = q.tail.Load(); tail == prev {
				return 0, false
			}
		}
		runtime.Gosched()
	}
}

// chanQueue is a buffered channel as a Queue: correct, so every check must
// pass on it.
type chanQueue chan uint64

func (c chanQueue) TryPush(v uint64) bool {
	select {
	case c <- v:
		return true
	default:
		return false
	}
}

func (c chanQueue) TryPop() (uint64, bool) {
	select {
	case v := <-c:
		return v, true
	default:
		return 0, false
	}
}

var historyNumber = regexp.MustCompile(`history (\d+) is not linearizable`)

// detect runs CheckQueueLinearizable with the default number of histories
// runs times on queues from newQueue and returns how many runs found a
// violation, the histories each needed, and the overlap over all runs.
func detect(t *testing.T, runs int, newQueue func() stress.Queue, opts stress.Options) (found int, needed []int, overlapPct int64) {
	t.Helper()
	var st stress.Stats
	opts.Stats = &st
	for range runs {
		msg, failed := run(t, func(tb testing.TB) { stress.CheckQueueLinearizable(tb, newQueue, opts) })
		if !failed {
			continue
		}
		m := historyNumber.FindStringSubmatch(msg)
		if m == nil {
			t.Fatalf("the check failed without a linearizability violation:\n%s", msg)
		}
		n, _ := strconv.Atoi(m[1])
		found++
		needed = append(needed, n)
	}
	return found, needed, 100 * st.Overlapping.Load() / max(st.Histories.Load(), 1)
}

// The xsync-style ring's slow-producer window: a TryPop reports empty
// after a later push completed, because an earlier producer has claimed
// the slot at tail and not yet published. Found in nine runs of ten with
// the default number of histories.
func TestThirdPartySlowProducerWindow(t *testing.T) {
	const runs = 10
	found, needed, overlap := detect(t, runs, func() stress.Queue { return newRing(4) },
		stress.Options{Capacity: 4, RelaxedFull: true})
	t.Logf("xsync-style ring: slow-producer window found in %d of %d runs (histories needed: %v); %d%% of the passing histories overlapped",
		found, runs, needed, overlap)
	if !race.Enabled && found < 9 {
		t.Errorf("found in %d of %d runs; want at least 9", found, runs)
	}
}

// The same ring with TryPop waiting for a pending producer is
// linearizable (with RelaxedFull): no false alarm, and at least 30% of its
// histories overlap.
func TestThirdPartyRingWaitingPop(t *testing.T) {
	var st stress.Stats
	stress.CheckQueueLinearizable(t, func() stress.Queue { q := newRing(4); q.waitPending = true; return q },
		stress.Options{Capacity: 4, RelaxedFull: true, Stats: &st})
	pct := 100 * st.Overlapping.Load() / max(st.Histories.Load(), 1)
	t.Logf("waiting ring: %d%% of %d histories overlapped", pct, st.Histories.Load())
	if pct < 30 {
		t.Errorf("%d%% of the histories overlapped; want at least 30%%", pct)
	}
	stress.CheckQueue(t, func() stress.Queue { q := newRing(8); q.waitPending = true; return q }, stress.Options{Capacity: 8})
}

// A channel passes every check.
func TestThirdPartyChannel(t *testing.T) {
	var st stress.Stats
	stress.CheckQueueLinearizable(t, func() stress.Queue { return make(chanQueue, 3) }, stress.Options{Capacity: 3, Stats: &st})
	pct := 100 * st.Overlapping.Load() / max(st.Histories.Load(), 1)
	t.Logf("channel: %d%% of %d histories overlapped", pct, st.Histories.Load())
	if pct < 30 {
		t.Errorf("%d%% of the histories overlapped; want at least 30%%", pct)
	}
	stress.CheckQueue(t, func() stress.Queue { return make(chanQueue, 16) }, stress.Options{Capacity: 16})
}
