package deque_test

import (
	"testing"

	"github.com/xbeam/xbeam/deque"
	"github.com/xbeam/xbeam/stress"
)

// injectorQueue views an Injector as the FIFO queue it is, for the queue
// model: TryPush is Push (it never fails) and TryPop is Steal, which alone
// never loses a race and so never reports Retry.
type injectorQueue struct{ inj *deque.Injector[uint64] }

func (q injectorQueue) TryPush(v uint64) bool { q.inj.Push(v); return true }

func (q injectorQueue) TryPop() (uint64, bool) {
	v, st := q.inj.Steal()
	return v, st == deque.Success
}

func (q injectorQueue) Len() int { return q.inj.Len() }

// FuzzInjector replays fuzz input as pushes and steals against an unbounded
// FIFO model, long enough runs crossing many blocks.
func FuzzInjector(f *testing.F) {
	for _, seed := range stress.FuzzSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		stress.FuzzQueue(t, data, 0, func() stress.Queue {
			return injectorQueue{deque.NewInjector[uint64]()}
		})
	})
}
