package queue_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/internal/race"
	"github.com/xbeam/xbeam/queue"
	"github.com/xbeam/xbeam/stress"
)

// unboundedItem32 is a 32-byte element type, to check that items of any size are
// stored by value without allocating.
type unboundedItem32 struct{ a, b, c, d uint64 }

const unboundedSegSize = queue.UnboundedSegSize

func TestUnboundedFIFOAcrossSegments(t *testing.T) {
	q := queue.NewUnbounded[int]()
	const n = 5*unboundedSegSize + 3
	for i := range n {
		unboundedCheckFatal(t, q.TryPush(i))
		unboundedEqualFatal(t, i+1, q.Len())
	}
	for i := range n {
		v, ok := q.TryPop()
		unboundedCheckFatal(t, ok)
		unboundedEqualFatal(t, i, v)
		unboundedEqualFatal(t, n-i-1, q.Len())
	}
	_, ok := q.TryPop()
	unboundedCheckFatal(t, !(ok))
	unboundedEqualFatal(t, 0, q.Len())
}

func TestUnboundedLayout(t *testing.T) {
	tail, head, hints, cold, ev, slots := queue.UnboundedLayout[uint64]()
	line := uintptr(atomicx.CacheLineSize)
	unboundedCheckFatal(t, tail >= line, "tail must not share a line with what precedes the queue")
	unboundedCheckFatal(t, head-tail >= line, "head and tail on one line")
	unboundedCheckFatal(t, hints-head >= line, "hints and head on one line")
	unboundedCheckFatal(t, cold-hints >= line, "cold fields and hints on one line")
	unboundedCheckFatal(t, ev-cold >= line, "eventcount and cold fields on one line")
	unboundedCheckFatal(t, slots >= line, "slots share a line with segment.live")
}

// TestUnboundedEmptyTryPopClaimsNothing: polling an empty queue must not
// burn indices (which producers would then have to skip).
func TestUnboundedEmptyTryPopClaimsNothing(t *testing.T) {
	q := queue.NewUnbounded[int]()
	for range 1000 {
		_, ok := q.TryPop()
		unboundedCheckFatal(t, !(ok))
	}
	h, tl := queue.UnboundedIndexes(q)
	unboundedEqualFatal(t, 0, h)
	unboundedEqualFatal(t, 0, tl)
	unboundedCheckFatal(t, q.TryPush(1))
	for range 1000 {
		v, ok := q.TryPop()
		unboundedEqualFatal(t, 1, v)
		unboundedCheckFatal(t, ok)
		_, ok = q.TryPop()
		unboundedCheckFatal(t, !(ok))
		unboundedCheckFatal(t, q.TryPush(1))
	}
	h, tl = queue.UnboundedIndexes(q)
	unboundedEqualFatal(t, uint64(1000), h)
	unboundedEqualFatal(t, uint64(1001), tl)
}

// TestUnboundedAbandonedSlot is the deterministic form of the race at the
// heart of the algorithm: a consumer claims an index whose producer has
// claimed it but not stored its item, gives up on it, and the producer must
// notice and push its item again elsewhere instead of losing it.
func TestUnboundedAbandonedSlot(t *testing.T) {
	t.Run("alone", func(t *testing.T) {
		q := queue.NewUnbounded[int]()
		finish := queue.UnboundedClaimPush(q) // index 0, item not stored
		_, ok := q.TryPop()                   // claims 0, waits, abandons it
		unboundedCheckFatal(t, !(ok), "nothing was pushed yet")
		unboundedEqualFatal(t, 0, q.Len())
		unboundedCheckFatal(t, finish(7), "the push must succeed at another index")
		unboundedEqualFatal(t, 1, q.Len())
		v, ok := q.TryPop()
		unboundedCheckFatal(t, ok)
		unboundedEqualFatal(t, 7, v)
		_, ok = q.TryPop()
		unboundedCheckFatal(t, !(ok))
	})
	t.Run("behind a completed push", func(t *testing.T) {
		q := queue.NewUnbounded[int]()
		finish := queue.UnboundedClaimPush(q) // index 0
		unboundedCheckFatal(t, q.TryPush(8))  // index 1, complete
		v, ok := q.TryPop()                   // abandons 0, must not report empty
		unboundedCheckFatal(t, ok)
		unboundedEqualFatal(t, 8, v)
		unboundedCheckFatal(t, finish(7))
		v, ok = q.TryPop()
		unboundedCheckFatal(t, ok)
		unboundedEqualFatal(t, 7, v)
		unboundedEqualFatal(t, 0, q.Len())
	})
	t.Run("last slot of a segment", func(t *testing.T) {
		// The abandoned slot is the last of segment 0, so its producer's
		// release starts the retire scan; the segment must still be retired
		// and the queue keep working.
		q := queue.NewUnbounded[int]()
		for i := range unboundedSegSize - 1 {
			unboundedCheckFatal(t, q.TryPush(i))
		}
		for i := range unboundedSegSize - 1 {
			v, ok := q.TryPop()
			unboundedCheckFatal(t, ok)
			unboundedEqualFatal(t, i, v)
		}
		finish := queue.UnboundedClaimPush(q) // index unboundedSegSize-1
		_, ok := q.TryPop()
		unboundedCheckFatal(t, !(ok))
		unboundedCheckFatal(t, finish(-1)) // lands at unboundedSegSize, in segment 1
		for i := range 3 * unboundedSegSize {
			unboundedCheckFatal(t, q.TryPush(i))
		}
		v, ok := q.TryPop()
		unboundedCheckFatal(t, ok)
		unboundedEqualFatal(t, -1, v)
		for i := range 3 * unboundedSegSize {
			v, ok := q.TryPop()
			unboundedCheckFatal(t, ok)
			unboundedEqualFatal(t, i, v)
		}
		oldest, _, _ := queue.UnboundedSegments(q)
		unboundedEqualFatal(t, uint64(4), oldest, "indices 0 to 4*segSize-1 are done: segments 0 to 3 must be retired")
	})
	t.Run("closed meanwhile", func(t *testing.T) {
		q := queue.NewUnbounded[int]()
		finish := queue.UnboundedClaimPush(q)
		_, ok := q.TryPop()
		unboundedCheckFatal(t, !(ok))
		q.Close()
		unboundedCheckFatal(t, !(finish(7)), "the retry comes after Close: the push fails")
		unboundedEqualFatal(t, 0, q.Len())
		_, err := q.Pop(context.Background())
		unboundedErrorIsFatal(t, err, queue.ErrClosed)
	})
}

// TestUnboundedEmptyAfterAbandonSnapshot replays, step by step, an
// interleaving in which TryPop must not report empty: a TryPop abandons an
// index whose producer is stalled, loads tail, and then, before it loads
// head, another goroutine pushes an item and pops the one before it. Head
// has now caught up with the tail loaded earlier, but not with the tail of
// that moment: the queue was never empty, so the TryPop must not report it
// empty (it takes the item pushed meanwhile).
func TestUnboundedEmptyAfterAbandonSnapshot(t *testing.T) {
	q := queue.NewUnbounded[int]()
	finish := queue.UnboundedClaimPush(q)  // index 0, item not stored
	unboundedCheckFatal(t, q.TryPush(305)) // index 1
	var hooked, other bool
	var otherV int
	queue.SetUnboundedPopEmptyHook(func() {
		// Runs once, in the TryPop below, after it abandoned index 0 and
		// loaded tail (2). The queue holds 305 throughout, then 201.
		queue.SetUnboundedPopEmptyHook(nil)
		hooked = true
		unboundedCheckFatal(t, q.TryPush(201)) // index 2
		otherV, other = q.TryPop()             // index 1
	})
	defer queue.SetUnboundedPopEmptyHook(nil)
	v, ok := q.TryPop() // claims 0, waits, abandons it; head is then 2 >= the tail it loaded
	unboundedCheckFatal(t, hooked, "the TryPop must abandon index 0 and reach the emptiness check")
	unboundedCheckFatal(t, other)
	unboundedEqualFatal(t, 305, otherV)
	unboundedCheckFatal(t, ok, "TryPop reported empty, but 305 or 201 was queued during all of its call")
	unboundedEqualFatal(t, 201, v)
	unboundedCheckFatal(t, finish(7), "the stalled push must succeed at another index")
	v, ok = q.TryPop()
	unboundedCheckFatal(t, ok)
	unboundedEqualFatal(t, 7, v)
	_, ok = q.TryPop()
	unboundedCheckFatal(t, !ok)
	unboundedEqualFatal(t, 0, q.Len())
}

func TestUnboundedClose(t *testing.T) {
	q := queue.NewUnbounded[int]()
	unboundedErrorIsFatal(t, q.Push(1), nil)
	unboundedCheckFatal(t, q.TryPush(2))
	q.Close()
	q.Close() // idempotent
	unboundedCheckFatal(t, !(q.TryPush(3)))
	unboundedErrorIsFatal(t, q.Push(4), queue.ErrClosed)
	unboundedEqualFatal(t, 2, q.Len())
	v, err := q.Pop(context.Background())
	unboundedErrorIsFatal(t, err, nil)
	unboundedEqualFatal(t, 1, v)
	v, ok := q.TryPop()
	unboundedCheckFatal(t, ok)
	unboundedEqualFatal(t, 2, v)
	_, ok = q.TryPop()
	unboundedCheckFatal(t, !(ok))
	_, err = q.Pop(context.Background())
	unboundedErrorIsFatal(t, err, queue.ErrClosed)
	unboundedEqualFatal(t, 0, q.Len())
	_, tl := queue.UnboundedIndexes(q)
	unboundedEqualFatal(t, uint64(2), tl&^(1<<63), "failed pushes after Close undo their claim")
}

func TestUnboundedPopContext(t *testing.T) {
	q := queue.NewUnbounded[int]()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := q.Pop(ctx)
	unboundedErrorIsFatal(t, err, context.Canceled, "empty queue, done ctx: the error at once")
	unboundedCheckFatal(t, q.TryPush(5))
	v, err := q.Pop(ctx)
	unboundedErrorIsFatal(t, err, nil, "an item that is ready is taken even with a done ctx")
	unboundedEqualFatal(t, 5, v)

	// A waiting Pop returns promptly when its ctx is cancelled, and takes
	// nothing.
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := q.Pop(ctx)
		done <- err
	}()
	cancel()
	unboundedErrorIsFatal(t, <-done, context.Canceled)
	unboundedCheckFatal(t, q.TryPush(6))
	v, ok := q.TryPop()
	unboundedCheckFatal(t, ok)
	unboundedEqualFatal(t, 6, v)
}

// TestUnboundedPopWakes: goroutines parked in Pop each get one pushed item,
// and Close wakes the rest with ErrClosed.
func TestUnboundedPopWakes(t *testing.T) {
	const waiters = 64
	q := queue.NewUnbounded[int]()
	results := make(chan int, waiters)
	errs := make(chan error, waiters)
	var wg sync.WaitGroup
	for range waiters {
		wg.Go(func() {
			v, err := q.Pop(context.Background())
			if err != nil {
				errs <- err
				return
			}
			results <- v
		})
	}
	for i := range waiters / 2 {
		unboundedErrorIsFatal(t, q.Push(i), nil)
	}
	seen := make(map[int]bool)
	for range waiters / 2 {
		v := <-results
		unboundedCheckFatal(t, !(seen[v]), "duplicate %d", v)
		seen[v] = true
	}
	q.Close()
	wg.Wait()
	unboundedEqualFatal(t, waiters/2, len(errs))
	for range waiters / 2 {
		unboundedErrorIsFatal(t, <-errs, queue.ErrClosed)
	}
	unboundedEqualFatal(t, 0, len(results))
}

// unboundedModel is a state machine comparing an Unbounded with the
// sequential model of package stress.
type unboundedModel struct {
	q    *queue.Unbounded[uint64]
	m    *stress.QueueModel[uint64]
	next uint64
}

func (s *unboundedModel) push(t *rapid.T) {
	s.next++
	unboundedEqualFatal(t, s.m.TryPush(s.next), s.q.TryPush(s.next))
}

func (s *unboundedModel) pushMany(t *rapid.T) {
	n := rapid.IntRange(1, 3*unboundedSegSize).Draw(t, "n")
	for range n {
		s.next++
		want := s.m.TryPush(s.next)
		err := s.q.Push(s.next)
		if want {
			unboundedErrorIsFatal(t, err, nil)
		} else {
			unboundedErrorIsFatal(t, err, queue.ErrClosed)
		}
	}
}

func (s *unboundedModel) pop(t *rapid.T) {
	want, wantOK := s.m.TryPop()
	got, ok := s.q.TryPop()
	unboundedEqualFatal(t, wantOK, ok)
	unboundedEqualFatal(t, want, got)
}

func (s *unboundedModel) popMany(t *rapid.T) {
	for range rapid.IntRange(1, 3*unboundedSegSize).Draw(t, "n") {
		s.pop(t)
	}
}

func (s *unboundedModel) popDoneCtx(t *rapid.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	want, wantOK := s.m.TryPop()
	got, err := s.q.Pop(ctx)
	switch {
	case wantOK:
		unboundedErrorIsFatal(t, err, nil)
		unboundedEqualFatal(t, want, got)
	case s.m.Closed():
		unboundedErrorIsFatal(t, err, queue.ErrClosed)
	default:
		unboundedErrorIsFatal(t, err, context.Canceled)
	}
}

func (s *unboundedModel) close(t *rapid.T) {
	s.m.Close()
	s.q.Close()
}

func (s *unboundedModel) check(t *rapid.T) {
	unboundedEqualFatal(t, s.m.Len(), s.q.Len())
}

func TestUnboundedModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := &unboundedModel{q: queue.NewUnbounded[uint64](), m: stress.NewQueueModel[uint64](0)}
		t.Repeat(map[string]func(*rapid.T){
			"push":       s.push,
			"pushMany":   s.pushMany,
			"pop":        s.pop,
			"popMany":    s.popMany,
			"popDoneCtx": s.popDoneCtx,
			"close": func(t *rapid.T) {
				if rapid.IntRange(0, 9).Draw(t, "closeNow") == 0 {
					s.close(t)
				}
			},
			"": s.check,
		})
	})
}

func TestUnboundedConservation(t *testing.T) {
	stress.CheckQueue(t, func() stress.Queue { return queue.NewUnbounded[uint64]() }, stress.Options{
		Producers: []int{1, 2, 4, 8},
		Consumers: []int{1, 3, 8},
	})
}

func TestUnboundedLinearizable(t *testing.T) {
	stress.CheckQueueLinearizable(t, func() stress.Queue { return queue.NewUnbounded[uint64]() }, stress.Options{})
}

// unboundedCtxPush gives an Unbounded the context-taking Push of
// stress.BlockingQueue; its own Push never waits, so ctx is not needed.
type unboundedCtxPush struct{ *queue.Unbounded[uint64] }

func (u unboundedCtxPush) Push(_ context.Context, v uint64) error { return u.Unbounded.Push(v) }

// TestUnboundedBlockingLinearizable: histories mixing Try and waiting
// operations, contexts that expire mid-wait, and Close, are linearizable
// against a closable FIFO queue.
func TestUnboundedBlockingLinearizable(t *testing.T) {
	stress.CheckBlockingQueueLinearizable(t, func() stress.BlockingQueue {
		return unboundedCtxPush{queue.NewUnbounded[uint64]()}
	}, stress.Options{ErrClosed: queue.ErrClosed})
}

// unboundedHammerSize returns n scaled down for -short and -race.
func unboundedHammerSize(n int) int {
	if testing.Short() {
		n /= 8
	}
	if race.Enabled {
		n /= 4
	}
	return max(n, 1000)
}

// TestUnboundedCloseRace: producers Push until ErrClosed while consumers Pop
// until ErrClosed, and Close lands in the middle. Every push that succeeded
// is popped exactly once, in per-producer order; none that failed is.
func TestUnboundedCloseRace(t *testing.T) {
	rounds := 20
	if testing.Short() {
		rounds = 4
	}
	if race.Enabled {
		rounds = 2
	}
	unboundedSweep(t, [][2]int{{1, 1}, {2, 2}, {4, 1}, {1, 4}, {8, 8}}, func(t *testing.T, producers, consumers int) {
		for r := range rounds {
			unboundedCloseRaceRound(t, producers, consumers, unboundedHammerSize(1<<16)*(r+1)/rounds)
		}
	})
}

// unboundedSweep runs f as a subtest for every GOMAXPROCS of sweepProcs and
// every {producers, consumers} pair of pcs.
func unboundedSweep(t *testing.T, pcs [][2]int, f func(t *testing.T, producers, consumers int)) {
	for _, procs := range sweepProcs {
		for _, pc := range pcs {
			t.Run(fmt.Sprintf("procs=%d/P=%d/C=%d", procs, pc[0], pc[1]), func(t *testing.T) {
				withProcs(procs, func() { f(t, pc[0], pc[1]) })
			})
		}
	}
}

func unboundedCloseRaceRound(t *testing.T, producers, consumers, closeAfter int) {
	q := queue.NewUnbounded[uint64]()
	var pushed atomic.Int64
	succeeded := make([]uint64, producers) // per producer: values 1..n pushed
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for i := uint64(1); ; i++ {
				v := uint64(p)<<40 | i
				if err := q.Push(v); err != nil {
					unboundedErrorIsError(t, err, queue.ErrClosed)
					succeeded[p] = i - 1
					return
				}
				if pushed.Add(1) == int64(closeAfter) {
					q.Close()
				}
			}
		})
	}
	popped := make([][]uint64, consumers)
	var cwg sync.WaitGroup
	for c := range consumers {
		cwg.Go(func() {
			for {
				v, err := q.Pop(context.Background())
				if err != nil {
					unboundedErrorIsError(t, err, queue.ErrClosed)
					return
				}
				popped[c] = append(popped[c], v)
			}
		})
	}
	wg.Wait()
	cwg.Wait()
	unboundedCheckExactlyOnce(t, producers, succeeded, popped)
	unboundedEqualFatal(t, 0, q.Len())
}

// unboundedCheckExactlyOnce checks that popped holds exactly values p<<40|1 ..
// p<<40|succeeded[p] for every producer p, each once, and that every
// consumer saw each producer's values in increasing order.
func unboundedCheckExactlyOnce(t *testing.T, producers int, succeeded []uint64, popped [][]uint64) {
	t.Helper()
	seen := make([][]bool, producers)
	for p := range seen {
		seen[p] = make([]bool, succeeded[p]+1)
	}
	for c, vs := range popped {
		last := make([]uint64, producers)
		for _, v := range vs {
			p, i := int(v>>40), v&(1<<40-1)
			unboundedCheckFatal(t, p < producers, "consumer %d popped a value nobody pushed: %#x", c, v)
			unboundedCheckFatal(t, i <= succeeded[p], "consumer %d popped %#x, whose push failed", c, v)
			unboundedCheckFatal(t, i != 0)
			unboundedCheckFatal(t, !(seen[p][i]), "consumer %d popped %#x twice", c, v)
			unboundedCheckFatal(t, i > last[p], "consumer %d: producer %d out of order", c, p)
			seen[p][i], last[p] = true, i
		}
	}
	for p := range seen {
		for i := uint64(1); i <= succeeded[p]; i++ {
			unboundedCheckFatal(t, seen[p][i], "lost %#x", uint64(p)<<40|i)
		}
	}
}

// TestUnboundedCancelRace: consumers Pop with contexts that are cancelled at
// random moments while producers push; a Pop that returns a ctx error took
// nothing, so the exact accounting still holds.
func TestUnboundedCancelRace(t *testing.T) {
	unboundedSweep(t, [][2]int{{1, 1}, {2, 4}, {4, 2}, {8, 8}}, func(t *testing.T, producers, consumers int) {
		unboundedCancelRaceRound(t, producers, consumers, unboundedHammerSize(1<<16))
	})
}

func unboundedCancelRaceRound(t *testing.T, producers, consumers, items int) {
	q := queue.NewUnbounded[uint64]()
	per := uint64(items / producers)
	succeeded := make([]uint64, producers)
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(p), 1))
			for i := uint64(1); i <= per; i++ {
				if !unboundedErrorIsError(t, q.Push(uint64(p)<<40|i), nil) {
					return
				}
				if rng.IntN(64) == 0 {
					runtime.Gosched() // let consumers drain and park
				}
			}
			succeeded[p] = per
		})
	}
	popped := make([][]uint64, consumers)
	var cancels atomic.Int64
	var cwg sync.WaitGroup
	for c := range consumers {
		cwg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 2))
			for {
				ctx, cancel := context.WithCancel(context.Background())
				if rng.IntN(2) == 0 {
					// Cancelled from another goroutine, at a random moment
					// of the Pop below.
					yields := rng.IntN(3)
					go func() {
						for range yields {
							runtime.Gosched()
						}
						cancel()
					}()
				}
				v, err := q.Pop(ctx)
				cancel()
				switch {
				case err == nil:
					popped[c] = append(popped[c], v)
				case errors.Is(err, context.Canceled):
					cancels.Add(1)
				default:
					unboundedErrorIsError(t, err, queue.ErrClosed)
					return
				}
			}
		})
	}
	wg.Wait()
	q.Close()
	cwg.Wait()
	unboundedCheckExactlyOnce(t, producers, succeeded, popped)
	t.Logf("%d pops cancelled", cancels.Load())
}

// TestUnboundedLenHammer: Len is never negative while the queue is in use,
// and exact once it is quiescent.
func TestUnboundedLenHammer(t *testing.T) {
	q := queue.NewUnbounded[int]()
	n := unboundedHammerSize(1 << 17)
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		for !stop.Load() {
			if l := q.Len(); l < 0 || l > n {
				t.Errorf("Len = %d, want 0..%d", l, n)
				return
			}
		}
	})
	var pwg sync.WaitGroup
	for range 2 {
		pwg.Go(func() {
			for i := range n / 2 {
				q.TryPush(i)
				if i%3 == 0 {
					q.TryPop()
				}
			}
		})
	}
	pwg.Wait()
	stop.Store(true)
	wg.Wait()
	popped := 0
	l := q.Len()
	for {
		if _, ok := q.TryPop(); !ok {
			break
		}
		popped++
	}
	unboundedEqualFatal(t, popped, l)
}

// unboundedWarm runs a few segments' worth of traffic through q so that its
// free list holds segments to reuse.
func unboundedWarm[T any](q *queue.Unbounded[T], v T) {
	for range 8 {
		for range 3 * unboundedSegSize {
			q.TryPush(v)
		}
		for range 3 * unboundedSegSize {
			q.TryPop()
		}
	}
}

func unboundedTestAllocs[T any](t *testing.T, v T) {
	q := queue.NewUnbounded[T]()
	unboundedWarm(q, v)
	ctx := context.Background()
	// One run is many segments' worth of operations, so that a segment
	// allocated once per 1024 items would show (AllocsPerRun rounds down).
	allocs := testing.AllocsPerRun(5, func() {
		for range 10 * unboundedSegSize {
			q.TryPush(v)
			q.TryPop()
		}
		for range 3 * unboundedSegSize {
			_ = q.Push(v)
		}
		for range 3 * unboundedSegSize {
			_, _ = q.Pop(ctx)
		}
		q.TryPop() // empty
		_ = q.Len()
	})
	unboundedEqualFatal(t, 0, allocs)
}

func TestUnboundedAllocs(t *testing.T) {
	if race.Enabled {
		// The race detector's bookkeeping allocates on its own.
		t.Log("allocation counts are not meaningful under -race; checking only that the queue works")
	}
	t.Run("T=uint64", func(t *testing.T) {
		if !race.Enabled {
			unboundedTestAllocs(t, uint64(1))
		}
	})
	t.Run("T=unboundedItem32", func(t *testing.T) {
		if !race.Enabled {
			unboundedTestAllocs(t, unboundedItem32{1, 2, 3, 4})
		}
	})
}

// unboundedHeapAfterGC returns the live heap after a full collection.
func unboundedHeapAfterGC() uint64 {
	runtime.GC()
	runtime.GC() // a second cycle frees what the first one's finalization released
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

const unboundedMemSlack = 1 << 20

// TestUnboundedMemoryReturn: after pushing many items and popping them all,
// the heap in use goes back to within 1 MiB of where it started.
func TestUnboundedMemoryReturn(t *testing.T) {
	n := 10_000_000
	if testing.Short() || race.Enabled {
		n = 1_000_000
	}
	t.Run("T=uint64", func(t *testing.T) { unboundedTestMemoryReturn(t, n, uint64(1)) })
	t.Run("T=unboundedItem32", func(t *testing.T) { unboundedTestMemoryReturn(t, n/4, unboundedItem32{1, 2, 3, 4}) })
}

func unboundedTestMemoryReturn[T any](t *testing.T, n int, v T) {
	before := unboundedHeapAfterGC()
	q := queue.NewUnbounded[T]()
	for range n {
		q.TryPush(v)
	}
	full := unboundedHeapAfterGC()
	for range n {
		_, ok := q.TryPop()
		unboundedCheckFatal(t, ok)
	}
	after := unboundedHeapAfterGC()
	runtime.KeepAlive(q)
	t.Logf("heap: %d KiB before, %d KiB full, %d KiB drained", before>>10, full>>10, after>>10)
	unboundedCheckFatal(t, full > before+uint64(n)*8/2, "the full queue should hold its items")
	unboundedCheckFatal(t, int64(after)-int64(before) <= int64(unboundedMemSlack))
}

// TestUnboundedOscillation: a queue that fills to 100k items and drains
// again, over and over, does not grow.
func TestUnboundedOscillation(t *testing.T) {
	const depth = 100_000
	cycles := 40
	if testing.Short() || race.Enabled {
		cycles = 10
	}
	q := queue.NewUnbounded[uint64]()
	cycle := func() {
		for i := range depth {
			q.TryPush(uint64(i))
		}
		for range depth {
			if _, ok := q.TryPop(); !ok {
				t.Fatal("queue empty too early")
			}
		}
	}
	cycle()
	first := unboundedHeapAfterGC()
	for range cycles {
		cycle()
	}
	last := unboundedHeapAfterGC()
	runtime.KeepAlive(q)
	t.Logf("heap after the first cycle %d KiB, after %d more %d KiB", first>>10, cycles, last>>10)
	unboundedCheckFatal(t, int64(last)-int64(first) <= int64(unboundedMemSlack))
}

// TestUnboundedBlockingHammer: blocking Pop under every GOMAXPROCS, with
// consumers that park; Close at the end releases them.
func TestUnboundedBlockingHammer(t *testing.T) {
	unboundedSweep(t, [][2]int{{1, 1}, {1, 8}, {8, 1}, {4, 4}}, func(t *testing.T, producers, consumers int) {
		unboundedBlockingRound(t, producers, consumers, unboundedHammerSize(1<<17))
	})
}

func unboundedBlockingRound(t *testing.T, producers, consumers, items int) {
	q := queue.NewUnbounded[uint64]()
	per := uint64(items / producers)
	succeeded := make([]uint64, producers)
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for i := uint64(1); i <= per; i++ {
				// Not ...Fatal: this is not the test's goroutine.
				if !unboundedErrorIsError(t, q.Push(uint64(p)<<40|i), nil) {
					return
				}
			}
			succeeded[p] = per
		})
	}
	popped := make([][]uint64, consumers)
	var cwg sync.WaitGroup
	for c := range consumers {
		cwg.Go(func() {
			for {
				v, err := q.Pop(context.Background())
				if err != nil {
					unboundedErrorIsError(t, err, queue.ErrClosed)
					return
				}
				popped[c] = append(popped[c], v)
			}
		})
	}
	wg.Wait()
	q.Close()
	cwg.Wait()
	unboundedCheckExactlyOnce(t, producers, succeeded, popped)
}

// TestUnboundedPopIdle: a Pop with a deadline on an empty queue waits (it
// does not return early) and returns the deadline error. It compares the
// clock with the context's own deadline: a start time read after
// WithTimeout is later than the instant the deadline counts from, so a
// check of the elapsed time against 20 ms measured from it could fail.
func TestUnboundedPopIdle(t *testing.T) {
	q := queue.NewUnbounded[int]()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	deadline, _ := ctx.Deadline()
	_, err := q.Pop(ctx)
	unboundedErrorIsFatal(t, err, context.DeadlineExceeded)
	if now := time.Now(); now.Before(deadline) {
		t.Fatalf("Pop returned %v before the context's deadline", deadline.Sub(now))
	}
}

// unboundedTB is what the check helpers need: *testing.T and *rapid.T.
type unboundedTB interface {
	Helper()
	Fatal(args ...any)
	Error(args ...any)
}

// unboundedCheckFatal fails the test at once unless ok; msg is an optional
// format and its arguments.
func unboundedCheckFatal(t unboundedTB, ok bool, msg ...any) {
	t.Helper()
	if !ok {
		t.Fatal(unboundedMsg("check failed", msg))
	}
}

func unboundedEqualFatal[T comparable](t unboundedTB, want, got T, msg ...any) {
	t.Helper()
	if want != got {
		t.Fatal(unboundedMsg(fmt.Sprintf("got %v, want %v", got, want), msg))
	}
}

func unboundedErrorIsFatal(t unboundedTB, err, target error, msg ...any) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatal(unboundedMsg(fmt.Sprintf("error %v, want %v", err, target), msg))
	}
}

func unboundedErrorIsError(t unboundedTB, err, target error, msg ...any) bool {
	t.Helper()
	if !errors.Is(err, target) {
		t.Error(unboundedMsg(fmt.Sprintf("error %v, want %v", err, target), msg))
		return false
	}
	return true
}

func unboundedMsg(what string, msg []any) string {
	if len(msg) == 0 {
		return what
	}
	if f, ok := msg[0].(string); ok {
		return what + ": " + fmt.Sprintf(f, msg[1:]...)
	}
	return what + ": " + fmt.Sprint(msg...)
}
