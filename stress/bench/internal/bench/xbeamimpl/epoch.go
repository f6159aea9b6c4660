package xbeamimpl

import (
	"github.com/xbeam/xbeam/epoch"
	"github.com/xbeam/xbeam/stress/bench/internal/bench"
)

func init() { registered = append(registered, EpochImpl) }

// EpochImpl returns "xbeam-epoch" for epoch-pin: each goroutine registers its
// own Handle on one shared Collector and loops h.Pin(); g.Unpin().
func EpochImpl() *bench.Impl {
	return &bench.Impl{
		Name:   "xbeam-epoch",
		Doc:    "epoch.Handle Pin/Unpin, one Handle per goroutine, one Collector",
		NewPin: func() bench.Loops { return &epochLoops{c: epoch.NewCollector()} },
	}
}

type epochLoops struct{ c *epoch.Collector }

func (l *epochLoops) Worker() func(n int) {
	h := l.c.Register()
	return func(n int) {
		for range n {
			h.Pin().Unpin()
		}
	}
}

func (l *epochLoops) Check(uint64) error { return nil }
