package queue_test

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/xbeam/xbeam/queue"
)

// payload is what the values of these tests point to: holding a pointer,
// it does not come from the tiny allocator, whose blocks are freed together.
type payload struct {
	self *payload
	_    [56]byte
}

// pair is a multi-word value that holds a pointer.
type pair struct {
	n int
	p *payload
}

// tracked allocates n payloads, each with a cleanup that counts it, and
// passes each to push. It returns the counter.
//
//go:noinline
func tracked(n int, push func(i int, p *payload)) *atomic.Int64 {
	var freed atomic.Int64
	for i := range n {
		p := new(payload)
		p.self = p // a cycle through the queue's value must not matter
		runtime.AddCleanup(p, func(c *atomic.Int64) { c.Add(1) }, &freed)
		push(i, p)
	}
	return &freed
}

// requireCollected runs the collector until all n cleanups have run, or
// fails after a bounded number of cycles. Cleanups run on their own
// goroutine after the cycle that frees the object, so each round waits for
// the previous cycle's with a second one.
func requireCollected(t *testing.T, freed *atomic.Int64, n int, what string) {
	t.Helper()
	for range 100 {
		if freed.Load() == int64(n) {
			return
		}
		runtime.GC()
		runtime.Gosched()
	}
	require.Equal(t, int64(n), freed.Load(), "%s: values taken out of the queue are still reachable from it", what)
}

// TestTakenValuesCollectable: every value taken out of a queue, by TryPop,
// Pop, a drain after Close, or pushed again after a consumer abandoned its
// slot, is unreachable from the queue, which stays alive throughout.
func TestTakenValuesCollectable(t *testing.T) {
	const n = 3*queue.UnboundedSegSize + 5 // over several segments and laps
	bg := context.Background()
	cases := []struct {
		name string
		run  func(t *testing.T) (freed *atomic.Int64, tracked int, keep any)
	}{
		{"Bounded[*payload] TryPop", func(t *testing.T) (*atomic.Int64, int, any) {
			q := queue.NewBounded[*payload](64)
			f := tracked(n, func(_ int, p *payload) {
				require.True(t, q.TryPush(p))
				v, ok := q.TryPop()
				require.True(t, ok)
				require.Same(t, p, v)
			})
			return f, n, q
		}},
		{"Bounded[pair] Pop", func(t *testing.T) (*atomic.Int64, int, any) {
			q := queue.NewBounded[pair](64)
			f := tracked(n, func(i int, p *payload) {
				require.NoError(t, q.Push(bg, pair{i, p}))
				v, err := q.Pop(bg)
				require.NoError(t, err)
				require.Equal(t, i, v.n)
			})
			return f, n, q
		}},
		{"Bounded[*payload] drained after Close", func(t *testing.T) (*atomic.Int64, int, any) {
			const c = 100
			q := queue.NewBounded[*payload](c)
			f := tracked(c, func(_ int, p *payload) { require.True(t, q.TryPush(p)) })
			q.Close()
			boundedDrain(t, q, c)
			return f, c, q
		}},
		{"Bounded[*payload] Push cancelled while full", func(t *testing.T) (*atomic.Int64, int, any) {
			q := queue.NewBounded[*payload](1)
			require.True(t, q.TryPush(nil))
			ctx, cancel := context.WithCancel(bg)
			cancel()
			f := tracked(10, func(_ int, p *payload) {
				require.ErrorIs(t, q.Push(ctx, p), context.Canceled)
			})
			return f, 10, q
		}},
		{"Unbounded[*payload] TryPop", func(t *testing.T) (*atomic.Int64, int, any) {
			q := queue.NewUnbounded[*payload]()
			f := tracked(n, func(_ int, p *payload) {
				require.True(t, q.TryPush(p))
				v, ok := q.TryPop()
				require.True(t, ok)
				require.Same(t, p, v)
			})
			return f, n, q
		}},
		{"Unbounded[pair] Pop", func(t *testing.T) (*atomic.Int64, int, any) {
			q := queue.NewUnbounded[pair]()
			f := tracked(n, func(i int, p *payload) { require.True(t, q.TryPush(pair{i, p})) })
			for i := range n {
				v, err := q.Pop(bg)
				require.NoError(t, err)
				require.Equal(t, i, v.n)
			}
			return f, n, q
		}},
		{"Unbounded[*payload] drained after Close", func(t *testing.T) (*atomic.Int64, int, any) {
			q := queue.NewUnbounded[*payload]()
			f := tracked(n, func(_ int, p *payload) { require.True(t, q.TryPush(p)) })
			q.Close()
			for range n {
				_, err := q.Pop(bg)
				require.NoError(t, err)
			}
			_, err := q.Pop(bg)
			require.ErrorIs(t, err, queue.ErrClosed)
			return f, n, q
		}},
		{"Unbounded[*payload] pushed again after an abandoned slot", func(t *testing.T) (*atomic.Int64, int, any) {
			q := queue.NewUnbounded[*payload]()
			f := tracked(n, func(_ int, p *payload) {
				finish := queue.UnboundedClaimPush(q)
				_, ok := q.TryPop() // abandons the claimed index
				require.False(t, ok)
				require.True(t, finish(p)) // stores p in the abandoned slot, then elsewhere
				v, ok := q.TryPop()
				require.True(t, ok)
				require.Same(t, p, v)
			})
			return f, n, q
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			freed, want, q := c.run(t)
			requireCollected(t, freed, want, c.name)
			runtime.KeepAlive(q)
		})
	}
}

//go:noinline
func boundedDrain(t *testing.T, q *queue.Bounded[*payload], n int) {
	for range n {
		_, err := q.Pop(context.Background())
		require.NoError(t, err)
	}
	_, err := q.Pop(context.Background())
	require.True(t, errors.Is(err, queue.ErrClosed))
}
