package queue_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/xbeam/xbeam/internal/race"
	"github.com/xbeam/xbeam/queue"
)

// TestUnboundedSegmentHeldOpen holds one operation open on one index of the
// first segment (a push between its claim and its store, or a pop between
// its claim and its take) while every other index of that segment is pushed
// and popped. The segment must not be retired while that operation is open,
// whichever index it holds: a retire scan that skips a slot would recycle a
// segment someone is still writing to. Once the operation finishes, the
// segment must be retired.
func TestUnboundedSegmentHeldOpen(t *testing.T) {
	const n = queue.UnboundedSegSize
	held := []int{0, 1, 2, n/2 - 1, n / 2, n/2 + 1, n - 3, n - 2, n - 1}
	if !testing.Short() && !race.Enabled {
		held = held[:0]
		for k := range n {
			held = append(held, k)
		}
	}
	for _, k := range held {
		t.Run("push", func(t *testing.T) { unboundedHoldPush(t, k) })
		t.Run("pop", func(t *testing.T) { unboundedHoldPop(t, k) })
	}
}

// unboundedHoldPush holds the push of index k open.
func unboundedHoldPush(t *testing.T, k int) {
	const n = queue.UnboundedSegSize
	q := queue.NewUnbounded[int]()
	for i := range k {
		require.True(t, q.TryPush(i))
	}
	finish := queue.UnboundedClaimPush(q) // index k
	for i := k + 1; i < 2*n; i++ {        // the rest of segment 0, and segment 1
		require.True(t, q.TryPush(i))
	}
	for i := range 2 * n {
		if i == k {
			continue // its consumer abandons k and takes k+1
		}
		v, ok := q.TryPop()
		require.True(t, ok)
		require.Equal(t, i, v)
	}
	oldest, _, _ := queue.UnboundedSegments(q)
	require.Zero(t, oldest,
		"segment 0 was retired while the push of index %d in it was still in flight", k)
	require.True(t, finish(-1), "the held push must land at another index")
	v, ok := q.TryPop()
	require.True(t, ok)
	require.Equal(t, -1, v)
	unboundedRequireRetired(t, q, k)
}

// unboundedHoldPop holds the pop of index k open, after its item was pushed.
func unboundedHoldPop(t *testing.T, k int) {
	const n = queue.UnboundedSegSize
	q := queue.NewUnbounded[int]()
	for i := range 2 * n {
		require.True(t, q.TryPush(i))
	}
	for i := range k {
		v, ok := q.TryPop()
		require.True(t, ok)
		require.Equal(t, i, v)
	}
	finish := queue.UnboundedClaimPop(q) // index k
	for i := k + 1; i < 2*n; i++ {
		v, ok := q.TryPop()
		require.True(t, ok)
		require.Equal(t, i, v)
	}
	oldest, _, _ := queue.UnboundedSegments(q)
	require.Zero(t, oldest,
		"segment 0 was retired while the pop of index %d in it was still in flight", k)
	v, ok := finish()
	require.True(t, ok)
	require.Equal(t, k, v)
	unboundedRequireRetired(t, q, k)
}

// unboundedRequireRetired checks that, every index of segments 0 and 1 done,
// pushing and popping one more segment retires them.
func unboundedRequireRetired(t *testing.T, q *queue.Unbounded[int], k int) {
	for i := range queue.UnboundedSegSize {
		require.True(t, q.TryPush(i))
	}
	for range queue.UnboundedSegSize {
		_, ok := q.TryPop()
		require.True(t, ok)
	}
	oldest, _, _ := queue.UnboundedSegments(q)
	require.GreaterOrEqual(t, oldest, uint64(2),
		"with index %d held open and then finished: every index of segment 0 is done, yet it was not retired", k)
}

// closeWakeDeadline bounds how long the Close-wakes tests wait: far longer
// than a wake-up takes, so that a Pop or Push that sleeps through Close ends
// with its context's error, which the test reports, instead of hanging.
const closeWakeDeadline = 30 * time.Second

// TestCloseWakesParked parks a Pop on an empty queue (both queues) and a
// Push on a full Bounded, then closes: each must return ErrClosed, not the
// error of its context.
func TestCloseWakesParked(t *testing.T) {
	const msg = "a %s parked before Close must be woken by it and return ErrClosed; it slept through Close until its context ended"

	t.Run("Unbounded Pop", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), closeWakeDeadline)
		defer cancel()
		q := queue.NewUnbounded[int]()
		errs := make(chan error, 1)
		go func() { _, err := q.Pop(ctx); errs <- err }()
		waitUntil(t, func() bool { return queue.UnboundedWaiters(q) == 1 })
		q.Close()
		require.ErrorIs(t, <-errs, queue.ErrClosed, msg, "Pop")
	})
	t.Run("Bounded Pop", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), closeWakeDeadline)
		defer cancel()
		q := queue.NewBounded[int](1)
		errs := make(chan error, 1)
		go func() { _, err := q.Pop(ctx); errs <- err }()
		waitUntil(t, func() bool { pops, _ := queue.BoundedWaiters(q); return pops == 1 })
		q.Close()
		require.ErrorIs(t, <-errs, queue.ErrClosed, msg, "Pop")
	})
	t.Run("Bounded Push", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), closeWakeDeadline)
		defer cancel()
		q := queue.NewBounded[int](1)
		require.True(t, q.TryPush(1))
		errs := make(chan error, 1)
		go func() { errs <- q.Push(ctx, 2) }()
		waitUntil(t, func() bool { _, pushes := queue.BoundedWaiters(q); return pushes == 1 })
		q.Close()
		require.ErrorIs(t, <-errs, queue.ErrClosed, msg, "Push")
		v, ok := q.TryPop()
		require.True(t, ok)
		require.Equal(t, 1, v, "the parked Push must not have enqueued its value")
	})
}

// waitUntil yields until cond holds, or fails after closeWakeDeadline.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(closeWakeDeadline)
	for !cond() {
		require.False(t, time.Now().After(deadline), "the goroutine never parked")
		runtime.Gosched()
	}
}
