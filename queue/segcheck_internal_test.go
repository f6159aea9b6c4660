//go:build race || xbeam_chaos

package queue

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSegCheckCatchesRetired: in the builds that check, a slot access in a
// segment that has been retired, or linked again under another number,
// panics.
func TestSegCheckCatchesRetired(t *testing.T) {
	const msg = "queue: internal error: a segment was retired while one of its slots was in use"
	q := NewUnbounded[int]()
	s := q.tailSeg.Load()
	require.NotPanics(t, func() { segCheck(s, 5) })
	require.PanicsWithValue(t, msg, func() { segCheck(s, segSize+5) }, "segment 0 checked as segment 1")
	s.live.Store(segNotLive) // as put does on retirement
	require.PanicsWithValue(t, msg, func() { segCheck(s, 5) })
}
