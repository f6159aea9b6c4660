package queue_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/xbeam/xbeam/queue"
)

// The panic messages of misuse, part of the documented contract.
const (
	zeroBoundedMsg   = "queue: use NewBounded to create a Bounded"
	zeroUnboundedMsg = "queue: use NewUnbounded to create an Unbounded"
	nilCtxMsg        = "queue: nil Context"
)

// TestMisusePanics calls every operation on a zero Bounded and a zero
// Unbounded, and every context method with a nil Context whether or not the
// call would have to wait: each panics at once with the message that names
// the constructor or the argument (none hangs, none dereferences nil).
func TestMisusePanics(t *testing.T) {
	bg := context.Background()
	var nilCtx context.Context
	// Made queues in each state a context method can find.
	bEmpty := func() *queue.Bounded[int] { return queue.NewBounded[int](1) }
	bFull := func() *queue.Bounded[int] { q := bEmpty(); q.TryPush(1); return q }
	bClosed := func() *queue.Bounded[int] { q := bEmpty(); q.Close(); return q }
	uEmpty := func() *queue.Unbounded[int] { return queue.NewUnbounded[int]() }
	uFull := func() *queue.Unbounded[int] { q := uEmpty(); q.TryPush(1); return q }
	uClosed := func() *queue.Unbounded[int] { q := uEmpty(); q.Close(); return q }

	cases := []struct {
		name string
		op   func()
		want string
	}{
		{"zero Bounded TryPush", func() { new(queue.Bounded[int]).TryPush(1) }, zeroBoundedMsg},
		{"zero Bounded TryPop", func() { new(queue.Bounded[int]).TryPop() }, zeroBoundedMsg},
		{"zero Bounded Push", func() { _ = new(queue.Bounded[int]).Push(bg, 1) }, zeroBoundedMsg},
		{"zero Bounded Pop", func() { _, _ = new(queue.Bounded[int]).Pop(bg) }, zeroBoundedMsg},
		{"zero Bounded Close", func() { new(queue.Bounded[int]).Close() }, zeroBoundedMsg},
		{"zero Bounded Len", func() { new(queue.Bounded[int]).Len() }, zeroBoundedMsg},
		{"zero Bounded Cap", func() { new(queue.Bounded[int]).Cap() }, zeroBoundedMsg},
		{"zero Bounded of pointers TryPush", func() { new(queue.Bounded[*int]).TryPush(nil) }, zeroBoundedMsg},
		{"zero Bounded Push nil ctx", func() { _ = new(queue.Bounded[int]).Push(nilCtx, 1) }, nilCtxMsg},

		{"zero Unbounded TryPush", func() { new(queue.Unbounded[int]).TryPush(1) }, zeroUnboundedMsg},
		{"zero Unbounded Push", func() { _ = new(queue.Unbounded[int]).Push(1) }, zeroUnboundedMsg},
		{"zero Unbounded TryPop", func() { new(queue.Unbounded[int]).TryPop() }, zeroUnboundedMsg},
		{"zero Unbounded Pop", func() { _, _ = new(queue.Unbounded[int]).Pop(bg) }, zeroUnboundedMsg},
		{"zero Unbounded Close", func() { new(queue.Unbounded[int]).Close() }, zeroUnboundedMsg},
		{"zero Unbounded Len", func() { new(queue.Unbounded[int]).Len() }, zeroUnboundedMsg},
		{"zero Unbounded Pop nil ctx", func() { _, _ = new(queue.Unbounded[int]).Pop(nilCtx) }, nilCtxMsg},

		{"Bounded Push nil ctx, room", func() { _ = bEmpty().Push(nilCtx, 1) }, nilCtxMsg},
		{"Bounded Push nil ctx, full", func() { _ = bFull().Push(nilCtx, 1) }, nilCtxMsg},
		{"Bounded Push nil ctx, closed", func() { _ = bClosed().Push(nilCtx, 1) }, nilCtxMsg},
		{"Bounded Pop nil ctx, value ready", func() { _, _ = bFull().Pop(nilCtx) }, nilCtxMsg},
		{"Bounded Pop nil ctx, empty", func() { _, _ = bEmpty().Pop(nilCtx) }, nilCtxMsg},
		{"Bounded Pop nil ctx, closed", func() { _, _ = bClosed().Pop(nilCtx) }, nilCtxMsg},
		{"Unbounded Pop nil ctx, item ready", func() { _, _ = uFull().Pop(nilCtx) }, nilCtxMsg},
		{"Unbounded Pop nil ctx, empty", func() { _, _ = uEmpty().Pop(nilCtx) }, nilCtxMsg},
		{"Unbounded Pop nil ctx, closed", func() { _, _ = uClosed().Pop(nilCtx) }, nilCtxMsg},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.PanicsWithValue(t, c.want, c.op)
		})
	}
}

// TestMisuseNilCtxTakesNothing: a Pop or Push that panics on its nil
// Context has not changed the queue.
func TestMisuseNilCtxTakesNothing(t *testing.T) {
	var nilCtx context.Context
	b := queue.NewBounded[int](2)
	require.True(t, b.TryPush(1))
	require.Panics(t, func() { _, _ = b.Pop(nilCtx) })
	require.Panics(t, func() { _ = b.Push(nilCtx, 2) })
	require.Equal(t, 1, b.Len())
	u := queue.NewUnbounded[int]()
	require.True(t, u.TryPush(1))
	require.Panics(t, func() { _, _ = u.Pop(nilCtx) })
	require.Equal(t, 1, u.Len())
}

// TestBoundedNewPanics: NewBounded rejects a capacity out of range, and a
// capacity whose stamps and values would need more than 1<<34 bytes, before
// it allocates anything.
func TestBoundedNewPanics(t *testing.T) {
	const (
		minMsg   = "queue: NewBounded: capacity must be at least 1"
		maxMsg   = "queue: NewBounded: capacity must be at most 1<<30"
		bytesMsg = "queue: NewBounded: capacity * (8 + size of T, rounded up to 8) must be at most 1<<34 bytes"
	)
	cases := []struct {
		name string
		op   func()
		want string
	}{
		{"0", func() { queue.NewBounded[int](0) }, minMsg},
		{"-1", func() { queue.NewBounded[int](-1) }, minMsg},
		{"-1<<40", func() { queue.NewBounded[int](-1 << 40) }, minMsg},
		{"1<<30+1", func() { queue.NewBounded[int](1<<30 + 1) }, maxMsg},
		{"1<<62", func() { queue.NewBounded[struct{}](1 << 62) }, maxMsg},
		{"1 KiB values, 1<<30", func() { queue.NewBounded[[1024]byte](1 << 30) }, bytesMsg},
		{"1 KiB values, 1<<24", func() { queue.NewBounded[[1024]byte](1 << 24) }, bytesMsg},
		{"1 MiB values, 1<<14", func() { queue.NewBounded[[1 << 20]byte](1 << 14) }, bytesMsg},
		{"just over, 1<<30 of 9 bytes", func() { queue.NewBounded[[9]byte](1 << 30) }, bytesMsg},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.PanicsWithValue(t, c.want, c.op)
		})
	}
	// Well below the limit (1 MiB).
	require.NotPanics(t, func() { queue.NewBounded[[1 << 10]byte](1 << 10) })
}
