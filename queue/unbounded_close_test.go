package queue_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/xbeam/xbeam/queue"
)

// TestUnboundedCloseHalfDone replays, step by step, a push that a consumer
// made retry while a Close was half done. Once a push has failed because
// of Close and a later TryPop has found the queue empty, no push may succeed
// any more: its item would have been enqueued after Close in every order
// of the operations that the history allows.
func TestUnboundedCloseHalfDone(t *testing.T) {
	q := queue.NewUnbounded[int]()
	require.True(t, q.TryPush(100))       // index 0
	finish := queue.UnboundedClaimPush(q) // index 1, claimed, item not stored yet
	v, ok := q.TryPop()                   // takes index 0
	require.True(t, ok)
	require.Equal(t, 100, v)
	_, ok = q.TryPop() // claims index 1, finds no item, abandons it
	require.False(t, ok, "index 1 holds no item yet")

	rest := queue.UnboundedCloseBegin(q)
	require.False(t, q.TryPush(301), "a push after Close began succeeded")
	_, ok = q.TryPop()
	require.False(t, ok, "the queue holds nothing: its one push is still in flight")

	// The stalled push resumes: its slot was abandoned, so it must claim
	// another index, and it must find the queue closed.
	require.False(t, finish(101),
		"the stalled push succeeded after TryPush(301) had failed on Close and a TryPop had found the queue empty")
	rest()
	_, ok = q.TryPop()
	require.False(t, ok)
	require.Equal(t, 0, q.Len())
}
