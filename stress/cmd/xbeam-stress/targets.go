package main

import (
	"context"
	"testing"

	"github.com/xbeam/xbeam/deque"
	"github.com/xbeam/xbeam/queue"
	"github.com/xbeam/xbeam/stress"
)

// target is one structure to soak: chunk runs one unit of work, reporting
// violations to t.
type target struct {
	name  string
	chunk func(t testing.TB, e *chunkEnv)
}

var targets = []*target{
	{"bounded", boundedChunk},
	{"unbounded", unboundedChunk},
	{"deque", dequeChunk},
	{"injector", injectorChunk},
	{"epoch", epochChunk},
	{"forkjoin", forkjoinChunk},
}

func findTarget(name string) *target {
	for _, t := range targets {
		if t.name == name {
			return t
		}
	}
	return nil
}

// targetNames returns the names of the targets, in order.
func targetNames() []string {
	var names []string
	for _, t := range targets {
		names = append(names, t.name)
	}
	return names
}

// boundedChunk alternates the conservation hammer (capacities from 1 to
// 1024), the strict linearizability check of TryPush/TryPop at capacities 1
// to 8, and the blocking check with Close.
func boundedChunk(t testing.TB, e *chunkEnv) {
	o := e.opts()
	switch e.k % 3 {
	case 0:
		c := []int{1, 2, 8, 64, 1024}[e.r.IntN(5)]
		o.Capacity = c
		stress.CheckQueue(t, func() stress.Queue { return queue.NewBounded[uint64](c) }, o)
	case 1:
		c := []int{1, 2, 3, 4, 8}[e.r.IntN(5)]
		o.Capacity = c
		stress.CheckQueueLinearizable(t, func() stress.Queue { return queue.NewBounded[uint64](c) }, o)
	default:
		c := []int{1, 2, 4}[e.r.IntN(3)]
		o.Capacity, o.ErrClosed = c, queue.ErrClosed
		stress.CheckBlockingQueueLinearizable(t, func() stress.BlockingQueue { return queue.NewBounded[uint64](c) }, o)
	}
}

// unbounded adapts queue.Unbounded, whose Push takes no context, to
// stress.BlockingQueue.
type unbounded struct{ *queue.Unbounded[uint64] }

func (u unbounded) Push(_ context.Context, v uint64) error { return u.Unbounded.Push(v) }

func unboundedChunk(t testing.TB, e *chunkEnv) {
	o := e.opts()
	switch e.k % 3 {
	case 0:
		stress.CheckQueue(t, func() stress.Queue { return queue.NewUnbounded[uint64]() }, o)
	case 1:
		stress.CheckQueueLinearizable(t, func() stress.Queue { return queue.NewUnbounded[uint64]() }, o)
	default:
		o.ErrClosed = queue.ErrClosed
		stress.CheckBlockingQueueLinearizable(t, func() stress.BlockingQueue {
			return unbounded{queue.NewUnbounded[uint64]()}
		}, o)
	}
}

// newDeque returns a constructor of adapted deques of the flavor.
func newDeque(f stress.Flavor) func() stress.Deque {
	if f == stress.FIFO {
		return func() stress.Deque { return stress.AdaptDeque(deque.NewFIFO[uint64]()) }
	}
	return func() stress.Deque { return stress.AdaptDeque(deque.NewLIFO[uint64]()) }
}

// dequeChunk alternates the hammer and the linearizability check, and the
// two flavors.
func dequeChunk(t testing.TB, e *chunkEnv) {
	o := e.opts()
	f := []stress.Flavor{stress.LIFO, stress.FIFO}[e.k/2%2]
	if e.k%2 == 0 {
		stress.CheckDeque(t, newDeque(f), f, o)
	} else {
		stress.CheckDequeLinearizable(t, newDeque(f), f, o)
	}
}

func injectorChunk(t testing.TB, e *chunkEnv) {
	o := e.opts()
	newInj := func() stress.Injector { return stress.AdaptInjector(deque.NewInjector[uint64]()) }
	newWorker := newDeque([]stress.Flavor{stress.LIFO, stress.FIFO}[e.k/2%2])
	if e.k%2 == 0 {
		stress.CheckInjector(t, newInj, newWorker, o)
	} else {
		stress.CheckInjectorLinearizable(t, newInj, newWorker, o)
	}
}
