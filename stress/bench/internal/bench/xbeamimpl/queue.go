package xbeamimpl

import (
	"context"

	"github.com/xbeam/xbeam/queue"
	"github.com/xbeam/xbeam/stress/bench/internal/bench"
)

func init() { registered = append(registered, BoundedImpl, UnboundedImpl) }

// BoundedImpl returns "xbeam-bounded": queue.Bounded at capacity
// bench.QueueCap, through TryPush/TryPop in spsc, mpsc and mpmc and through
// Push/Pop with a background context in mpmc-blocking.
func BoundedImpl() *bench.Impl {
	return &bench.Impl{
		Name:        "xbeam-bounded",
		Doc:         "queue.Bounded[uint64], cap 1024",
		NewTry:      func() bench.TryQueue { return queue.NewBounded[uint64](bench.QueueCap) },
		NewBlocking: func() bench.BlockingQueue { return blockingBounded{queue.NewBounded[uint64](bench.QueueCap)} },
	}
}

type blockingBounded struct{ q *queue.Bounded[uint64] }

func (b blockingBounded) Push(v uint64) {
	if err := b.q.Push(context.Background(), v); err != nil {
		panic("xbeamimpl: Bounded.Push on an open queue: " + err.Error())
	}
}

func (b blockingBounded) Pop() uint64 {
	v, err := b.q.Pop(context.Background())
	if err != nil {
		panic("xbeamimpl: Bounded.Pop on an open queue: " + err.Error())
	}
	return v
}

// UnboundedImpl returns "xbeam-unbounded": queue.Unbounded, through
// TryPush/TryPop in spsc, mpsc and mpmc and through Push/Pop with a
// background context in mpmc-blocking.
func UnboundedImpl() *bench.Impl {
	return &bench.Impl{
		Name:        "xbeam-unbounded",
		Doc:         "queue.Unbounded[uint64]",
		NewTry:      func() bench.TryQueue { return queue.NewUnbounded[uint64]() },
		NewBlocking: func() bench.BlockingQueue { return blockingUnbounded{queue.NewUnbounded[uint64]()} },
	}
}

type blockingUnbounded struct{ q *queue.Unbounded[uint64] }

func (b blockingUnbounded) Push(v uint64) {
	if err := b.q.Push(v); err != nil {
		panic("xbeamimpl: Unbounded.Push on an open queue: " + err.Error())
	}
}

func (b blockingUnbounded) Pop() uint64 {
	v, err := b.q.Pop(context.Background())
	if err != nil {
		panic("xbeamimpl: Unbounded.Pop on an open queue: " + err.Error())
	}
	return v
}
