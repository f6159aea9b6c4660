package stress_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
)

// mutexQueue is a correct FIFO queue of uint64 behind a mutex: the
// reference the checks must pass (no false positives), and the base of the
// planted bugs.
type mutexQueue struct {
	mu       sync.Mutex
	items    []uint64
	capacity int // 0: unbounded
	closed   bool

	// Planted bugs, all off by default. pushes and pops count operations
	// across the queue's life; shared counters let a bug span rounds.
	pushes, pops *int64
	dropEvery    int64 // drop the item of every n-th push (reported pushed)
	dupAt        int64 // push the item of push n twice
	swapAt       int64 // after push n, swap the two newest items
	lifo         bool  // pop the newest item
	spuriousPop  int64 // every n-th pop of a non-empty queue reports empty
}

func newMutexQueue(capacity int) *mutexQueue {
	return &mutexQueue{capacity: capacity, pushes: new(int64), pops: new(int64)}
}

func (q *mutexQueue) TryPush(v uint64) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || (q.capacity > 0 && len(q.items) >= q.capacity) {
		return false
	}
	*q.pushes++
	n := *q.pushes
	if q.dropEvery > 0 && n%q.dropEvery == 0 {
		return true
	}
	q.items = append(q.items, v)
	if n == q.dupAt {
		q.items = append(q.items, v)
	}
	if n == q.swapAt && len(q.items) >= 2 {
		k := len(q.items)
		q.items[k-1], q.items[k-2] = q.items[k-2], q.items[k-1]
	}
	return true
}

func (q *mutexQueue) TryPop() (uint64, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return 0, false
	}
	*q.pops++
	if q.spuriousPop > 0 && *q.pops%q.spuriousPop == 0 {
		return 0, false
	}
	var v uint64
	if q.lifo {
		v = q.items[len(q.items)-1]
		q.items = q.items[:len(q.items)-1]
	} else {
		v = q.items[0]
		q.items = q.items[1:]
	}
	return v, true
}

func (q *mutexQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

func (q *mutexQueue) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
}

// blockingMutexQueue adds waiting Push and Pop to mutexQueue, by polling
// (good enough for a reference: correctness, not speed).
type blockingMutexQueue struct {
	*mutexQueue
	ignoreClose bool // planted bug: Push succeeds after Close
	deaf        bool // planted bug: waiting Pops and Pushes do not see Close
}

var errClosed = errors.New("test: closed")

func (q *blockingMutexQueue) Push(ctx context.Context, v uint64) error {
	for {
		q.mu.Lock()
		closed := q.closed
		q.mu.Unlock()
		if closed && !q.ignoreClose && !q.deaf {
			return errClosed
		}
		if closed && q.ignoreClose {
			q.mu.Lock()
			q.items = append(q.items, v)
			q.mu.Unlock()
			return nil
		}
		if q.TryPush(v) {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		runtime.Gosched()
	}
}

func (q *blockingMutexQueue) Pop(ctx context.Context) (uint64, error) {
	for {
		if v, ok := q.TryPop(); ok {
			return v, nil
		}
		q.mu.Lock()
		closed, empty := q.closed, len(q.items) == 0
		q.mu.Unlock()
		if closed && empty && !q.deaf {
			return 0, errClosed
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		runtime.Gosched()
	}
}
