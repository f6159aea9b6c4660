package xbeamimpl

import (
	"fmt"

	"github.com/xbeam/xbeam/deque"
	"github.com/xbeam/xbeam/stress/bench/internal/bench"
)

func init() { registered = append(registered, DequeLIFOImpl, DequeFIFOImpl) }

// DequeLIFOImpl returns "xbeam-deque-lifo": deque.NewLIFO, the owner popping
// newest first.
func DequeLIFOImpl() *bench.Impl {
	return &bench.Impl{
		Name:     "xbeam-deque-lifo",
		Doc:      "deque.NewLIFO[uint64] Worker and Stealers",
		NewDeque: func() bench.Deque { return worker{deque.NewLIFO[uint64]()} },
	}
}

// DequeFIFOImpl returns "xbeam-deque-fifo": deque.NewFIFO, the owner popping
// in push order.
func DequeFIFOImpl() *bench.Impl {
	return &bench.Impl{
		Name:     "xbeam-deque-fifo",
		Doc:      "deque.NewFIFO[uint64] Worker and Stealers",
		NewDeque: func() bench.Deque { return worker{deque.NewFIFO[uint64]()} },
	}
}

type worker struct{ *deque.Worker[uint64] }

// PushPopRange implements bench.OwnerLoop with direct calls of the Worker's
// methods.
func (w worker) PushPopRange(lo, hi uint64) (n, sum uint64, err error) {
	d := w.Worker
	for v := lo; v <= hi; v++ {
		d.Push(v)
		x, ok := d.Pop()
		if !ok || x != v {
			return n, sum, fmt.Errorf("Push(%d); Pop() = %d, %v", v, x, ok)
		}
		n++
		sum += x
	}
	return n, sum, nil
}

// PushPopBurst implements bench.BurstLoop with direct calls of the
// Worker's methods.
func (w worker) PushPopBurst(lo, hi uint64, limit int) (n, sum uint64) {
	d := w.Worker
	for v := lo; v <= hi; v++ {
		d.Push(v)
	}
	for ; n < uint64(limit); n++ {
		x, ok := d.Pop()
		if !ok {
			break
		}
		sum += x
	}
	return n, sum
}

func (w worker) Stealer() bench.Stealer { return stealer{w.Worker.Stealer()} }

type stealer struct{ s *deque.Stealer[uint64] }

func (s stealer) Steal() (uint64, bench.StealStatus) {
	v, st := s.s.Steal()
	switch st {
	case deque.Success:
		return v, bench.StealSuccess
	case deque.Retry:
		return v, bench.StealRetry
	default:
		return v, bench.StealEmpty
	}
}
