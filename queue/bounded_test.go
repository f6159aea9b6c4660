package queue_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/internal/race"
	"github.com/xbeam/xbeam/queue"
	"github.com/xbeam/xbeam/stress"
)

// boundedStarts are start laps for the white-box constructor: the plain
// start, the 64-bit wrap-around of the positions two laps ahead, and a lap
// count far from both.
var boundedStarts = []uint64{0, ^uint64(0) - 1, 1<<40 + 3}

// boundedScale sizes a hammer: full in long runs, smaller with -short, smaller
// still under the race detector.
func boundedScale(n int) int {
	if testing.Short() {
		n /= 4
	}
	if race.Enabled {
		n /= 4
	}
	return max(n, 1)
}

// boundedItem32 is a 32-byte value, to check that values of any size are
// stored by value.
type boundedItem32 struct{ a, b, c, d uint64 }

// TestBoundedFullAtExactlyCap checks capacities that are and are not powers of
// two: Cap reports the requested capacity, and the queue takes exactly that
// many values, over many laps of the rings.
func TestBoundedFullAtExactlyCap(t *testing.T) {
	for c := 1; c <= 70; c++ {
		for _, start := range boundedStarts {
			q := queue.NewBoundedAt[int](c, start)
			if q.Cap() != c {
				t.Fatalf("Cap() = %d, want %d", q.Cap(), c)
			}
			next, want := 0, 0
			for lap := 0; lap < 5; lap++ {
				for i := 0; i < c; i++ {
					if !q.TryPush(next) {
						t.Fatalf("cap %d start %#x lap %d: TryPush #%d failed", c, start, lap, i)
					}
					next++
				}
				if q.TryPush(-1) {
					t.Fatalf("cap %d start %#x: TryPush succeeded on a full queue", c, start)
				}
				if q.Len() != c {
					t.Fatalf("cap %d: Len() = %d on a full queue", c, q.Len())
				}
				// Pop a part, push it back: the rings turn at an offset.
				k := 1 + lap%c
				for i := 0; i < k; i++ {
					v, ok := q.TryPop()
					if !ok || v != want {
						t.Fatalf("cap %d: TryPop() = %d, %v; want %d", c, v, ok, want)
					}
					want++
				}
				if q.Len() != c-k {
					t.Fatalf("cap %d: Len() = %d, want %d", c, q.Len(), c-k)
				}
				for i := k; i < c; i++ {
					v, ok := q.TryPop()
					if !ok || v != want {
						t.Fatalf("cap %d: TryPop() = %d, %v; want %d", c, v, ok, want)
					}
					want++
				}
				if _, ok := q.TryPop(); ok {
					t.Fatalf("cap %d: TryPop succeeded on an empty queue", c)
				}
				if q.Len() != 0 {
					t.Fatalf("cap %d: Len() = %d on an empty queue", c, q.Len())
				}
			}
		}
	}
}

// TestBoundedTryPopWaitsForClaimedPush checks the one wait of TryPop: a
// push that has claimed the oldest position but not yet stored its value.
// A later push has completed, so "empty" would not be linearizable; TryPop
// must wait and return the claimed push's value. A TryPush on the queue
// that the claimed push fills must report full at once.
func TestBoundedTryPopWaitsForClaimedPush(t *testing.T) {
	for _, start := range boundedStarts {
		q := queue.NewBoundedAt[int](3, start)
		q.TryPush(1)
		publish := queue.BoundedClaimPush(q)
		if !q.TryPush(3) {
			t.Fatal("TryPush(3) failed with one free slot")
		}
		if q.TryPush(4) {
			t.Fatal("TryPush(4) succeeded on a queue full with a claimed push")
		}
		if v, ok := q.TryPop(); !ok || v != 1 {
			t.Fatalf("TryPop() = %d, %v; want 1, true", v, ok)
		}
		got := boundedWaitFor(t, func() (int, bool) { return q.TryPop() }, func() { publish(2) })
		if !got.ok || got.v != 2 {
			t.Fatalf("start %#x: TryPop() = %d, %v while the push of 2 held the head slot; want 2, true", start, got.v, got.ok)
		}
		if v, ok := q.TryPop(); !ok || v != 3 {
			t.Fatalf("TryPop() = %d, %v; want 3, true", v, ok)
		}
	}
}

// TestBoundedTryPushWaitsForClaimedPop is the same for TryPush: on a full
// queue whose oldest value a pop has claimed but not yet copied out, there
// is room (the pop took effect at its claim), so TryPush must wait for the
// slot and succeed.
func TestBoundedTryPushWaitsForClaimedPop(t *testing.T) {
	for _, start := range boundedStarts {
		q := queue.NewBoundedAt[int](2, start)
		q.TryPush(1)
		q.TryPush(2)
		release := queue.BoundedClaimPop(q)
		got := boundedWaitFor(t, func() (int, bool) { return 0, q.TryPush(3) }, func() {
			if v := release(); v != 1 {
				t.Errorf("the claimed pop took %d, want 1", v)
			}
		})
		if !got.ok {
			t.Fatalf("start %#x: TryPush(3) failed while a pop held the only value it could take", start)
		}
		for _, want := range []int{2, 3} {
			if v, ok := q.TryPop(); !ok || v != want {
				t.Fatalf("TryPop() = %d, %v; want %d, true", v, ok, want)
			}
		}
	}
}

type boundedResult struct {
	v  int
	ok bool
}

// boundedWaitFor runs op in a goroutine, waits until it reports through
// the wait hook that it is waiting for an operation in flight, runs finish
// (which completes that operation), and returns op's result.
func boundedWaitFor(t *testing.T, op func() (int, bool), finish func()) boundedResult {
	t.Helper()
	waiting := make(chan struct{}, 1)
	queue.SetBoundedWaitHook(func() {
		select {
		case waiting <- struct{}{}:
		default:
		}
	})
	done := make(chan boundedResult)
	go func() {
		v, ok := op()
		done <- boundedResult{v, ok}
	}()
	select {
	case <-waiting:
	case r := <-done:
		queue.SetBoundedWaitHook(nil)
		t.Fatalf("returned %d, %v without waiting for the operation in flight", r.v, r.ok)
	}
	finish()
	r := <-done
	queue.SetBoundedWaitHook(nil)
	return r
}

// TestBoundedLayout checks that the words written by different goroutines
// sit on different cache lines.
func TestBoundedLayout(t *testing.T) {
	offs := queue.BoundedHotOffsets()
	for i := 1; i < len(offs); i++ {
		if d := offs[i].Off - offs[i-1].Off; d < atomicx.CacheLineSize {
			t.Errorf("%s and %s are %d bytes apart, want at least %d", offs[i-1].Name, offs[i].Name, d, atomicx.CacheLineSize)
		}
	}
}

// TestBoundedPopDropsReferences checks that a pop zeroes the slot of a value
// that holds pointers, so that the queue keeps nothing alive for the
// collector, and leaves a pointer-free value in place (no store needed).
func TestBoundedPopDropsReferences(t *testing.T) {
	x := 7
	qp := queue.NewBounded[*int](2)
	qs := queue.NewBounded[struct {
		n int
		s string
	}](2)
	qi := queue.NewBounded[uint64](2)
	for range 3 { // past the end of the ring and round again
		if !qp.TryPush(&x) || !qs.TryPush(struct {
			n int
			s string
		}{1, "kept"}) || !qi.TryPush(42) {
			t.Fatal("TryPush on an empty queue failed")
		}
		if v, ok := qp.TryPop(); !ok || v != &x {
			t.Fatalf("TryPop() = %p, %v; want %p, true", v, ok, &x)
		}
		if v, ok := qs.TryPop(); !ok || v.s != "kept" {
			t.Fatalf("TryPop() = %+v, %v; want s \"kept\"", v, ok)
		}
		if v, ok := qi.TryPop(); !ok || v != 42 {
			t.Fatalf("TryPop() = %d, %v; want 42, true", v, ok)
		}
	}
	for i := range 2 {
		if v := queue.BoundedSlotValue(qp, i); v != nil {
			t.Errorf("*int slot %d holds %p after its pop, want nil", i, v)
		}
		if v := queue.BoundedSlotValue(qs, i); v.s != "" || v.n != 0 {
			t.Errorf("struct slot %d holds %+v after its pop, want the zero value", i, v)
		}
		if v := queue.BoundedSlotValue(qi, i); v != 42 {
			t.Errorf("uint64 slot %d holds %d after its pop, want 42 left in place", i, v)
		}
	}
}

// TestBoundedStateMachine runs random sequences of every operation against
// stress's sequential model.
func TestBoundedStateMachine(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		c := rapid.IntRange(1, 9).Draw(rt, "cap")
		start := rapid.SampledFrom(append(boundedStarts, ^uint64(0)-2*uint64(c)*3)).Draw(rt, "start")
		q := queue.NewBoundedAt[uint64](c, start)
		m := stress.NewQueueModel[uint64](c)
		done, cancel := context.WithCancel(context.Background())
		cancel()
		var next uint64
		rt.Repeat(map[string]func(*rapid.T){
			"TryPush": func(rt *rapid.T) {
				next++
				if got, want := q.TryPush(next), m.TryPush(next); got != want {
					rt.Fatalf("TryPush(%d) = %v, model %v", next, got, want)
				}
			},
			"TryPop": func(rt *rapid.T) {
				v, ok := q.TryPop()
				mv, mok := m.TryPop()
				if v != mv || ok != mok {
					rt.Fatalf("TryPop() = %d, %v; model %d, %v", v, ok, mv, mok)
				}
			},
			"Push": func(rt *rapid.T) {
				// With a done context Push must not wait: it succeeds if
				// there is room, and otherwise reports closed or ctx.Err().
				next++
				err := q.Push(done, next)
				var want error
				switch {
				case m.Closed():
					want = queue.ErrClosed
				case m.Full():
					want = context.Canceled
				default:
					m.TryPush(next)
				}
				if !errors.Is(err, want) || (want == nil) != (err == nil) {
					rt.Fatalf("Push(%d) = %v, want %v", next, err, want)
				}
			},
			"Pop": func(rt *rapid.T) {
				v, err := q.Pop(done)
				mv, mok := m.TryPop()
				var want error
				switch {
				case mok:
				case m.Closed():
					want = queue.ErrClosed
				default:
					want = context.Canceled
				}
				if !errors.Is(err, want) || (want == nil) != (err == nil) || v != mv {
					rt.Fatalf("Pop() = %d, %v; want %d, %v", v, err, mv, want)
				}
			},
			"Close": func(rt *rapid.T) {
				q.Close()
				m.Close()
			},
			"": func(rt *rapid.T) {
				if q.Len() != m.Len() {
					rt.Fatalf("Len() = %d, model %d", q.Len(), m.Len())
				}
			},
		})
	})
}

// TestBoundedConservation is the exactly-once, per-producer-order hammer over
// producer and consumer counts 1..8, small and large capacities, and counter
// starts near the wrap-around.
func TestBoundedConservation(t *testing.T) {
	ps, items := []int{1, 2, 4, 8}, 0 // 0: stress's default
	if testing.Short() {
		ps, items = []int{1, 3, 8}, 1<<12
	}
	for _, c := range []int{1, 3, 64, 1024} {
		start := boundedStarts[1]
		if c == 64 {
			start = boundedStarts[2]
		}
		t.Run(fmt.Sprintf("cap=%d", c), func(t *testing.T) {
			stress.CheckQueue(t, func() stress.Queue { return queue.NewBoundedAt[uint64](c, start) },
				stress.Options{Capacity: c, Producers: ps, Consumers: ps, Procs: []int{1, 2, 8}, Items: items})
		})
	}
}

// TestBoundedLinearizable checks many short concurrent histories of TryPush
// and TryPop with porcupine, strictly (every failed TryPush must be a full
// queue at some instant inside the call, every failed TryPop an empty one):
// on a queue larger than any history, and on small queues that fill up.
func TestBoundedLinearizable(t *testing.T) {
	h := boundedHistories()
	for _, start := range boundedStarts[:2] {
		stress.CheckQueueLinearizable(t, func() stress.Queue { return queue.NewBoundedAt[uint64](64, start) },
			stress.Options{Procs: []int{1, 2, 8}, Histories: h})
	}
	for _, c := range []int{1, 2, 5} {
		stress.CheckQueueLinearizable(t, func() stress.Queue { return queue.NewBoundedAt[uint64](c, boundedStarts[2]) },
			stress.Options{Capacity: c, Procs: []int{1, 2, 8}, Histories: h})
	}
}

// boundedHistories is the number of histories per linearizability check:
// stress's default (0), except under the chaos tag, where operations yield
// so often that they overlap nearly everything, and porcupine, whose search
// grows with the overlap, now and then (about one history in a thousand)
// cannot decide a 70-operation history within its minute, and an unknown
// verdict fails the test. There the -short pass checks 25 histories per
// call, so that such timeouts stay rare; the plain and race passes run the
// full default.
func boundedHistories() int {
	if !atomicx.ChaosEnabled {
		return 0
	}
	if testing.Short() {
		return 25
	}
	return 1000
}

// TestBoundedBlockingLinearizable checks histories that mix TryPush, TryPop,
// waiting Push and Pop with contexts that are done or expire, and Close, on
// a queue that the histories cannot fill and on one that they fill at once.
func TestBoundedBlockingLinearizable(t *testing.T) {
	for _, c := range []int{64, 2} {
		stress.CheckBlockingQueueLinearizable(t, func() stress.BlockingQueue { return queue.NewBoundedAt[uint64](c, boundedStarts[1]) },
			stress.Options{Capacity: c, ErrClosed: queue.ErrClosed, Procs: []int{1, 2, 8}, Histories: boundedHistories()})
	}
}

// TestBoundedPopWakesOnPush checks that a parked Pop is woken by a push and
// a parked Push by a pop.
func TestBoundedPopWakesOnPush(t *testing.T) {
	q := queue.NewBounded[int](1)
	got := make(chan int)
	go func() {
		v, err := q.Pop(context.Background())
		if err != nil {
			t.Error(err)
		}
		got <- v
	}()
	boundedWaitParked(t, q, 1, 0)
	if !q.TryPush(7) {
		t.Fatal("TryPush on an empty queue failed")
	}
	if v := <-got; v != 7 {
		t.Fatalf("Pop() = %d, want 7", v)
	}

	if !q.TryPush(1) {
		t.Fatal("TryPush on an empty queue failed")
	}
	pushed := make(chan error)
	go func() { pushed <- q.Push(context.Background(), 2) }()
	boundedWaitParked(t, q, 0, 1)
	if v, ok := q.TryPop(); !ok || v != 1 {
		t.Fatalf("TryPop() = %d, %v; want 1", v, ok)
	}
	if err := <-pushed; err != nil {
		t.Fatal(err)
	}
	if v, ok := q.TryPop(); !ok || v != 2 {
		t.Fatalf("TryPop() = %d, %v; want 2", v, ok)
	}
}

// boundedWaitParked waits until exactly pops goroutines wait in Pop and
// pushes in Push (registered with the event counts), failing after a minute.
func boundedWaitParked[T any](t *testing.T, q *queue.Bounded[T], pops, pushes int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		a, b := queue.BoundedWaiters(q)
		if a == pops && b == pushes {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiters: %d in Pop, %d in Push; want %d and %d", a, b, pops, pushes)
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

// TestBoundedCancelPrompt checks that a parked Pop and a parked Push return
// ctx.Err() when their context is cancelled, and leave the queue unchanged.
func TestBoundedCancelPrompt(t *testing.T) {
	q := queue.NewBounded[int](1)
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	go func() { _, err := q.Pop(ctx); errs <- err }()
	boundedWaitParked(t, q, 1, 0)
	cancel()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("Pop() = %v, want context.Canceled", err)
	}
	q.TryPush(1)
	ctx, cancel = context.WithCancel(context.Background())
	go func() { errs <- q.Push(ctx, 2) }()
	boundedWaitParked(t, q, 0, 1)
	cancel()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("Push() = %v, want context.Canceled", err)
	}
	if v, ok := q.TryPop(); !ok || v != 1 || q.Len() != 0 {
		t.Fatalf("after cancelled ops: TryPop() = %d, %v, Len %d; want 1, true, 0", v, ok, q.Len())
	}
	// A done context does not stop an operation that need not wait.
	if err := q.Push(ctx, 3); err != nil {
		t.Fatalf("Push with room and a done ctx = %v", err)
	}
	if v, err := q.Pop(ctx); err != nil || v != 3 {
		t.Fatalf("Pop with a value and a done ctx = %d, %v", v, err)
	}
}

// TestBoundedCloseWakesAll parks poppers and pushers on two queues, closes
// both, and checks that everyone returns ErrClosed, after the values left
// have been drained.
func TestBoundedCloseWakesAll(t *testing.T) {
	const n = 50
	empty := queue.NewBounded[int](4)
	full := queue.NewBounded[int](4)
	for i := 0; i < 4; i++ {
		full.TryPush(i)
	}
	errs := make(chan error, 2*n)
	for i := 0; i < n; i++ {
		go func() { _, err := empty.Pop(context.Background()); errs <- err }()
		go func() { errs <- full.Push(context.Background(), 9) }()
	}
	boundedWaitParked(t, empty, n, 0)
	boundedWaitParked(t, full, 0, n)
	empty.Close()
	full.Close()
	for i := 0; i < 2*n; i++ {
		if err := <-errs; !errors.Is(err, queue.ErrClosed) {
			t.Fatalf("woken by Close: %v, want ErrClosed", err)
		}
	}
	if full.TryPush(5) || full.Push(context.Background(), 5) != queue.ErrClosed {
		t.Fatal("push after Close succeeded")
	}
	for i := 0; i < 4; i++ {
		if v, err := full.Pop(context.Background()); err != nil || v != i {
			t.Fatalf("draining a closed queue: Pop() = %d, %v; want %d", v, err, i)
		}
	}
	if _, err := full.Pop(context.Background()); !errors.Is(err, queue.ErrClosed) {
		t.Fatalf("Pop on a closed, drained queue = %v", err)
	}
	full.Close() // idempotent
}

// TestBoundedCloseRace races producers (blocking and Try), consumers and
// Close, and accounts for every value exactly: each push that succeeded is
// popped exactly once, in producer order; no value whose push failed is ever
// popped; and once every consumer has seen ErrClosed the queue is empty.
func TestBoundedCloseRace(t *testing.T) {
	boundedSweep(t, boundedScale(400), boundedCloseRound)
}

// boundedSweep runs round(t, 0), ..., round(t, rounds-1) under every
// GOMAXPROCS of sweepProcs, moving on to the next GOMAXPROCS at the first
// failure.
func boundedSweep(t *testing.T, rounds int, round func(t *testing.T, round int)) {
	for _, procs := range sweepProcs {
		withProcs(procs, func() {
			for r := 0; r < rounds; r++ {
				round(t, r)
				if t.Failed() {
					return
				}
			}
		})
	}
}

func boundedCloseRound(t *testing.T, round int) {
	r := rand.New(rand.NewPCG(uint64(round), 7))
	c := 1 + r.IntN(8)
	np, nc := 1+r.IntN(4), 1+r.IntN(4)
	q := queue.NewBoundedAt[uint64](c, boundedStarts[round%len(boundedStarts)])
	closeAfter := int64(r.IntN(200))
	var popped atomic.Int64
	pushedOK := make([][]uint64, np)
	pushedFail := make([][]uint64, np)
	got := make([][]uint64, nc)
	var wg sync.WaitGroup
	for p := 0; p < np; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := uint64(1); ; i++ {
				v := uint64(p)<<32 | i
				// Odd values try first and fall back to waiting.
				ok := (i%2 == 1 && q.TryPush(v)) || q.Push(context.Background(), v) == nil
				if !ok {
					pushedFail[p] = append(pushedFail[p], v)
					return
				}
				pushedOK[p] = append(pushedOK[p], v)
			}
		}()
	}
	for k := 0; k < nc; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				v, err := q.Pop(context.Background())
				if err != nil {
					if !errors.Is(err, queue.ErrClosed) {
						t.Errorf("Pop: %v", err)
					}
					return
				}
				got[k] = append(got[k], v)
				if popped.Add(1) == closeAfter {
					q.Close()
				}
			}
		}()
	}
	if closeAfter == 0 {
		q.Close()
	}
	// Consumers stop only after Close; make sure it comes even if the
	// consumers never reach closeAfter pops.
	wg.Add(1)
	go func() {
		defer wg.Done()
		time.Sleep(time.Duration(r.IntN(200)) * time.Microsecond)
		q.Close()
	}()
	wg.Wait()
	if _, ok := q.TryPop(); ok || q.Len() != 0 {
		t.Fatalf("round %d: values left after every consumer saw ErrClosed", round)
	}
	boundedCheckExactlyOnce(t, fmt.Sprintf("round %d (cap %d, %d producers, %d consumers)", round, c, np, nc), pushedOK, pushedFail, got)
}

// boundedCheckExactlyOnce checks that the values in got are exactly those of
// ok, each once, each producer's in order, and none of fail.
func boundedCheckExactlyOnce(t *testing.T, name string, ok, fail, got [][]uint64) {
	t.Helper()
	want := map[uint64]bool{}
	for _, vs := range ok {
		for _, v := range vs {
			want[v] = true
		}
	}
	failed := map[uint64]bool{}
	for _, vs := range fail {
		for _, v := range vs {
			failed[v] = true
		}
	}
	seen := map[uint64]bool{}
	for k, vs := range got {
		last := map[uint64]uint64{}
		for _, v := range vs {
			switch {
			case failed[v]:
				t.Fatalf("%s: consumer %d popped %#x, whose push failed", name, k, v)
			case !want[v]:
				t.Fatalf("%s: consumer %d popped %#x, never pushed", name, k, v)
			case seen[v]:
				t.Fatalf("%s: %#x popped twice", name, v)
			}
			seen[v] = true
			p, i := v>>32, v&(1<<32-1)
			if i <= last[p] {
				t.Fatalf("%s: consumer %d popped producer %d's #%d after #%d", name, k, p, i, last[p])
			}
			last[p] = i
		}
	}
	if len(seen) != len(want) {
		t.Fatalf("%s: %d values pushed, %d popped", name, len(want), len(seen))
	}
}

// TestBoundedCancelRace races Push and Pop whose contexts expire at random
// moments on a tiny queue, and accounts exactly: a value whose Push returned
// an error is never popped, and every value whose Push succeeded is popped
// exactly once (by a Pop that succeeded, or by the final drain).
func TestBoundedCancelRace(t *testing.T) {
	boundedSweep(t, boundedScale(200), boundedCancelRound)
}

func boundedCancelRound(t *testing.T, round int) {
	r := rand.New(rand.NewPCG(uint64(round), 11))
	c := 1 + r.IntN(3)
	np, nc := 1+r.IntN(4), 1+r.IntN(4)
	const perProducer = 60
	q := queue.NewBoundedAt[uint64](c, boundedStarts[round%len(boundedStarts)])
	ok := make([][]uint64, np)
	fail := make([][]uint64, np)
	got := make([][]uint64, nc+1)
	var wg sync.WaitGroup
	var producing atomic.Int32
	producing.Store(int32(np))
	for p := 0; p < np; p++ {
		wg.Add(1)
		seed := r.Uint64()
		go func() {
			defer wg.Done()
			defer producing.Add(-1)
			pr := rand.New(rand.NewPCG(seed, 1))
			for i := uint64(1); i <= perProducer; i++ {
				v := uint64(p)<<32 | i
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(pr.IntN(50))*time.Microsecond)
				err := q.Push(ctx, v)
				cancel()
				switch {
				case err == nil:
					ok[p] = append(ok[p], v)
				case errors.Is(err, context.DeadlineExceeded):
					fail[p] = append(fail[p], v)
				default:
					t.Errorf("Push: %v", err)
					return
				}
			}
		}()
	}
	for k := 0; k < nc; k++ {
		wg.Add(1)
		seed := r.Uint64()
		go func() {
			defer wg.Done()
			pr := rand.New(rand.NewPCG(seed, 2))
			for producing.Load() > 0 {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(pr.IntN(50))*time.Microsecond)
				v, err := q.Pop(ctx)
				cancel()
				switch {
				case err == nil:
					got[k] = append(got[k], v)
				case errors.Is(err, context.DeadlineExceeded):
				default:
					t.Errorf("Pop: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for {
		v, more := q.TryPop()
		if !more {
			break
		}
		got[nc] = append(got[nc], v)
	}
	boundedCheckExactlyOnce(t, fmt.Sprintf("round %d (cap %d, %d producers, %d consumers)", round, c, np, nc), ok, fail, got)
}

// TestBoundedIdleWaitersUseNoCPU parks 10,000 goroutines in Pop, waits until
// every one of them is registered with the event count, and then measures
// the process's CPU time over an interval: parked goroutines must not burn
// it. A design that spins or polls while waiting uses at least one full core
// over the interval with this many waiters; the bound allows half of one,
// because the runtime's own background work (the race detector's above all)
// is counted too: under -race on a busy 2-core machine it was seen to take
// a fifth of a core while every waiter slept.
func TestBoundedIdleWaitersUseNoCPU(t *testing.T) {
	n := 10000
	if race.Enabled {
		n = 2000
	}
	q := queue.NewBounded[int](16)
	var wg sync.WaitGroup
	var values, closed atomic.Int64
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := q.Pop(context.Background())
			switch {
			case err == nil:
				values.Add(1)
			case errors.Is(err, queue.ErrClosed):
				closed.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	boundedWaitParked(t, q, n, 0)
	// Registered is not yet parked: wait until every one of them sleeps in
	// the event count's select, so that the interval measures idle waiters
	// and not the last ones still on their way in.
	boundedWaitSelect(t, n)
	runtime.GC() // not during the interval

	const interval = 300 * time.Millisecond
	before := boundedCPUTime(t)
	wall := time.Now()
	time.Sleep(interval) // the interval measured, not a synchronization
	used := boundedCPUTime(t) - before
	elapsed := time.Since(wall)
	if used > elapsed/2 {
		t.Errorf("%d parked Pops used %v of CPU in %v", n, used, elapsed)
	}
	t.Logf("%d parked Pops used %v of CPU in %v", n, used, elapsed)

	// Every one of them is still woken: half by values, half by Close.
	for i := 0; i < n/2; i++ {
		if err := q.Push(context.Background(), i); err != nil {
			t.Fatal(err)
		}
	}
	for values.Load() < int64(n/2) {
		runtime.Gosched()
	}
	q.Close()
	wg.Wait()
	if values.Load() != int64(n/2) || closed.Load() != int64(n-n/2) {
		t.Fatalf("%d Pops got values and %d got ErrClosed; want %d and %d", values.Load(), closed.Load(), n/2, n-n/2)
	}
}

// boundedWaitSelect waits until at least n goroutines are parked in a select
// inside the event count's Wait, failing after a minute.
func boundedWaitSelect(t *testing.T, n int) {
	t.Helper()
	buf := make([]byte, 64<<20)
	deadline := time.Now().Add(time.Minute)
	for {
		k := runtime.Stack(buf, true)
		parked := 0
		for _, g := range strings.Split(string(buf[:k]), "\n\n") {
			if strings.Contains(g, " [select") && strings.Contains(g, "eventcount.(*EventCount).Wait") {
				parked++
			}
		}
		if parked >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d waiters parked after a minute", parked, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// boundedCPUTime returns the user plus system CPU time of the process.
func boundedCPUTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestBoundedNoAllocs checks that neither the Try paths nor the blocking
// paths allocate per operation once warm, for a word and for a larger value.
func TestBoundedNoAllocs(t *testing.T) {
	if race.Enabled {
		t.Log("the race detector allocates; counting allocations without it only")
		return
	}
	q := queue.NewBounded[uint64](8)
	if a := testing.AllocsPerRun(1000, func() {
		q.TryPush(1)
		q.TryPush(2)
		q.TryPop()
		q.TryPop()
		q.TryPop() // empty
	}); a != 0 {
		t.Errorf("TryPush/TryPop: %v allocs per run", a)
	}
	qb := queue.NewBounded[boundedItem32](8)
	ctx := context.Background()
	if a := testing.AllocsPerRun(1000, func() {
		_ = qb.Push(ctx, boundedItem32{1, 2, 3, 4})
		_, _ = qb.Pop(ctx)
	}); a != 0 {
		t.Errorf("Push/Pop without waiting: %v allocs per run", a)
	}

	// Ping-pong through two queues of one slot: most operations park.
	in, out := queue.NewBounded[uint64](1), queue.NewBounded[uint64](1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			v, err := in.Pop(ctx)
			if err != nil {
				return
			}
			_ = out.Push(ctx, v)
		}
	}()
	for i := 0; i < 100; i++ { // warm the waiter pools
		_ = in.Push(ctx, 1)
		_, _ = out.Pop(ctx)
	}
	if a := testing.AllocsPerRun(2000, func() {
		_ = in.Push(ctx, 1)
		_, _ = out.Pop(ctx)
	}); a != 0 {
		t.Errorf("parking Push/Pop: %v allocs per run", a)
	}
	in.Close()
	<-done
}

// TestBoundedWideValuesIntact runs stress's conservation hammer through
// small rings of values wider than a word, one pointer-free (boundedItem32)
// and one holding a string: each uint64 the hammer pushes travels inside
// such a value, and a value that comes out torn (a field from another
// push) pops as a value nobody pushed. It is what the release store of a
// stamp has to order: a multi-word value written with plain stores before
// it, and read with plain loads after it (and, for the string type, zeroed
// after the read).
func TestBoundedWideValuesIntact(t *testing.T) {
	type named struct {
		id   uint64
		name string
	}
	opts := stress.Options{Capacity: 4, Producers: []int{2}, Consumers: []int{2}, Procs: []int{2, 8}}
	t.Run("T=boundedItem32", func(t *testing.T) {
		stress.CheckQueue(t, func() stress.Queue {
			return wideQueue[boundedItem32]{queue.NewBounded[boundedItem32](4),
				func(id uint64) boundedItem32 { return boundedItem32{id, ^id, id * 0x9e3779b97f4a7c15, id + 7} },
				func(v boundedItem32) (uint64, bool) {
					return v.a, v.b == ^v.a && v.c == v.a*0x9e3779b97f4a7c15 && v.d == v.a+7
				}}
		}, opts)
	})
	t.Run("T=named", func(t *testing.T) {
		stress.CheckQueue(t, func() stress.Queue {
			return wideQueue[named]{queue.NewBounded[named](4),
				func(id uint64) named { return named{id, fmt.Sprint(id)} },
				func(v named) (uint64, bool) { return v.id, v.name == fmt.Sprint(v.id) }}
		}, opts)
	})
}

// wideQueue carries stress's uint64 values through a Bounded[T]: mk makes
// the T of a value, check returns the value of a T and whether the T is
// whole. A torn T pops as tornValue, which no producer pushes.
type wideQueue[T any] struct {
	q     *queue.Bounded[T]
	mk    func(uint64) T
	check func(T) (uint64, bool)
}

// tornValue is what wideQueue pops in place of a torn value.
const tornValue = ^uint64(0)

func (w wideQueue[T]) TryPush(v uint64) bool { return w.q.TryPush(w.mk(v)) }

func (w wideQueue[T]) TryPop() (uint64, bool) {
	x, ok := w.q.TryPop()
	if !ok {
		return 0, false
	}
	if v, whole := w.check(x); whole {
		return v, true
	}
	return tornValue, true
}

func (w wideQueue[T]) Len() int { return w.q.Len() }
