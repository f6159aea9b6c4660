package stress_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/xbeam/xbeam/stress"
)

func TestCheckQueueMutex(t *testing.T) {
	for _, capacity := range []int{0, 4, 64} {
		stress.CheckQueue(t, func() stress.Queue { return newMutexQueue(capacity) }, stress.Options{Capacity: capacity})
	}
}

func TestCheckQueueLinearizableMutex(t *testing.T) {
	for _, capacity := range []int{0, 1, 3} {
		stress.CheckQueueLinearizable(t, func() stress.Queue { return newMutexQueue(capacity) }, stress.Options{Capacity: capacity})
	}
}

func TestPlantedQueueBugs(t *testing.T) {
	shared := func(bug func(q *mutexQueue)) func() stress.Queue {
		pushes, pops := new(int64), new(int64)
		return func() stress.Queue {
			q := newMutexQueue(8)
			q.pushes, q.pops = pushes, pops
			bug(q)
			return q
		}
	}
	cases := []struct {
		name, want string
		newQueue   func() stress.Queue
		lin        bool
	}{
		{"drop1in10000", "lost", shared(func(q *mutexQueue) { q.dropEvery = 10000 }), false},
		{"duplicate", "duplicate", shared(func(q *mutexQueue) { q.dupAt = 5000 }), false},
		{"swap", "order", func() stress.Queue { q := newMutexQueue(8); q.swapAt = 1000; return q }, false},
		{"lifo", "order", func() stress.Queue { q := newMutexQueue(8); q.lifo = true; return q }, false},
		{"lifo/linearizable", "not linearizable", func() stress.Queue { q := newMutexQueue(8); q.lifo = true; return q }, true},
		{"swap/linearizable", "not linearizable", func() stress.Queue { q := newMutexQueue(8); q.swapAt = 3; return q }, true},
		{"drop/linearizable", "not linearizable", func() stress.Queue { q := newMutexQueue(8); q.dropEvery = 5; return q }, true},
		{"spuriousEmpty", "not linearizable", func() stress.Queue { q := newMutexQueue(8); q.spuriousPop = 7; return q }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := expectFailure(t, c.want, func(tb testing.TB) {
				if c.lin {
					stress.CheckQueueLinearizable(tb, c.newQueue, stress.Options{Capacity: 8})
				} else {
					stress.CheckQueue(tb, c.newQueue, stress.Options{Capacity: 8})
				}
			})
			t.Logf("caught:\n%s", msg)
		})
	}
}

// When porcupine cannot decide a whole history in time, the checker looks
// for a smaller illegal part of it instead of only reporting "unknown":
// with a 1ns timeout every verdict is unknown, and the checker must still
// find an illegal prefix. Every pop of a non-empty queue reports empty, so
// the first history is illegal as soon as one push completes before a pop
// (a rarer bug could leave the first history legal).
func TestUndecidedHistoryStillCaught(t *testing.T) {
	msg := expectFailure(t, "not linearizable", func(tb testing.TB) {
		stress.CheckQueueLinearizable(tb, func() stress.Queue { q := newMutexQueue(0); q.spuriousPop = 1; return q },
			stress.Options{CheckTimeout: time.Nanosecond})
	})
	t.Logf("caught:\n%s", msg)
}

func TestCheckBlockingQueueLinearizableMutex(t *testing.T) {
	for _, capacity := range []int{0, 2} {
		stress.CheckBlockingQueueLinearizable(t, func() stress.BlockingQueue {
			return &blockingMutexQueue{mutexQueue: newMutexQueue(capacity)}
		}, stress.Options{Capacity: capacity, ErrClosed: errClosed})
	}
}

// A queue whose Push succeeds after Close is caught by a history that is
// not linearizable or, when no history before it has a push after a Close,
// by the Close wake-up check that every eighth history runs, whose waiting
// Push then returns nil.
func TestPlantedBlockingQueueBugs(t *testing.T) {
	msg := expectFailure(t, "", func(tb testing.TB) {
		stress.CheckBlockingQueueLinearizable(tb, func() stress.BlockingQueue {
			return &blockingMutexQueue{mutexQueue: newMutexQueue(2), ignoreClose: true}
		}, stress.Options{Capacity: 2, ErrClosed: errClosed})
	})
	if !strings.Contains(msg, "not linearizable") && !strings.Contains(msg, "Push on a closed queue returned (0, <nil>)") {
		t.Fatalf("the check failed without naming a push after Close:\n%s", msg)
	}
	t.Logf("caught:\n%s", msg)
}

// A queue whose waiting Pop and Push sleep through Close passes the
// linearizability model (a Pop that ends with its context's error is
// legal) but not the check that Close wakes its waiters.
func TestPlantedCloseDoesNotWake(t *testing.T) {
	msg := expectFailure(t, "parked through Close", func(tb testing.TB) {
		stress.CheckBlockingQueueLinearizable(tb, func() stress.BlockingQueue {
			return &blockingMutexQueue{mutexQueue: newMutexQueue(2), deaf: true}
		}, stress.Options{Capacity: 2, ErrClosed: errClosed, Stall: time.Second})
	})
	require.Contains(t, msg, "goroutine ", "the report carries the goroutines' stacks")
	t.Logf("caught:\n%.600s", msg)
}

// A hammer round that stops making progress is reported as such, first,
// with the goroutines' stacks, and the check returns although the stuck
// goroutines never do.
func TestStallIsAViolation(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	msg := expectFailure(t, "no progress for", func(tb testing.TB) {
		stress.CheckQueue(tb, func() stress.Queue { return &stuckQueue{mutexQueue: newMutexQueue(4), after: 100, release: release} },
			stress.Options{Capacity: 4, Stall: 200 * time.Millisecond, Procs: []int{2}, Producers: []int{1}, Consumers: []int{1}})
	})
	require.Contains(t, msg, "goroutine ")
	require.Regexp(t, `items=\d+: no progress for`, msg, "the stall comes first")
}

// stuckQueue is a mutexQueue whose pops hang after the first few, as a
// lock-free queue spinning on a link that is never published would.
type stuckQueue struct {
	*mutexQueue
	after   int64
	pops    atomic.Int64
	release chan struct{}
}

func (q *stuckQueue) TryPop() (uint64, bool) {
	if q.pops.Add(1) > q.after {
		<-q.release
		return 0, false
	}
	return q.mutexQueue.TryPop()
}
