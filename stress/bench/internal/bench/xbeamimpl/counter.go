package xbeamimpl

import (
	"fmt"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/stress/bench/internal/bench"
)

func init() { registered = append(registered, CounterImpl) }

// CounterImpl returns "xbeam-counter" for counter-shared: the sharded
// atomicx.Counter, which spreads the adds that the "atomic" peer puts on one
// word.
func CounterImpl() *bench.Impl {
	return &bench.Impl{
		Name:       "xbeam-counter",
		Doc:        "atomicx.Counter (sharded) Add(1)",
		NewCounter: func() bench.Loops { return new(counterLoops) },
	}
}

type counterLoops struct{ c atomicx.Counter }

func (l *counterLoops) Worker() func(n int) {
	return func(n int) {
		for range n {
			l.c.Add(1)
		}
	}
}

func (l *counterLoops) Check(ops uint64) error {
	if got := l.c.Load(); got != int64(ops) {
		return fmt.Errorf("counter reads %d after %d adds", got, ops)
	}
	return nil
}
