package bench

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// RWMutexImpl returns the epoch-pin peer "rwmutex": every goroutine runs
// RLock/RUnlock on one shared sync.RWMutex, the nearest Go primitive to an
// epoch pin (a read-side section that a writer must wait out).
func RWMutexImpl() *Impl {
	return &Impl{
		Name:   "rwmutex",
		Peer:   true,
		Doc:    "sync.RWMutex RLock/RUnlock, one shared lock",
		NewPin: func() Loops { return new(rwLoops) },
	}
}

type rwLoops struct{ mu sync.RWMutex }

func (l *rwLoops) Worker() func(n int) {
	return func(n int) {
		for range n {
			l.mu.RLock()
			//lint:ignore SA2001 an empty read section is the operation measured
			l.mu.RUnlock()
		}
	}
}

func (l *rwLoops) Check(uint64) error { return nil }

// AtomicCounterImpl returns the counter-shared peer "atomic": every
// goroutine adds 1 to one shared word with sync/atomic, the ceiling for
// anything that serializes on one cache line.
func AtomicCounterImpl() *Impl {
	return &Impl{
		Name:       "atomic",
		Peer:       true,
		Doc:        "sync/atomic Add on one shared word",
		NewCounter: func() Loops { return new(atomicLoops) },
	}
}

type atomicLoops struct{ n atomic.Uint64 }

func (l *atomicLoops) Worker() func(n int) {
	return func(n int) {
		for range n {
			l.n.Add(1)
		}
	}
}

func (l *atomicLoops) Check(ops uint64) error {
	if got := l.n.Load(); got != ops {
		return fmt.Errorf("counter reads %d after %d adds", got, ops)
	}
	return nil
}

// MutexCounterImpl returns the counter-shared peer "mutex": a sync.Mutex
// around one shared word.
func MutexCounterImpl() *Impl {
	return &Impl{
		Name:       "mutex",
		Peer:       true,
		Doc:        "sync.Mutex around one shared word",
		NewCounter: func() Loops { return new(mutexLoops) },
	}
}

type mutexLoops struct {
	mu sync.Mutex
	n  uint64 // guarded by mu
}

func (l *mutexLoops) Worker() func(n int) {
	return func(n int) {
		for range n {
			l.mu.Lock()
			l.n++
			l.mu.Unlock()
		}
	}
}

func (l *mutexLoops) Check(ops uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n != ops {
		return fmt.Errorf("counter reads %d after %d adds", l.n, ops)
	}
	return nil
}
