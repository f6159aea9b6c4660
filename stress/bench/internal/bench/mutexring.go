package bench

import "sync"

// MutexRing is a ring buffer of QueueCap uint64 values behind a sync.Mutex:
// the plainest correct bounded queue, and the baseline every lock-free queue
// must beat. The zero value is an empty ring. It is safe for concurrent use
// and must not be copied after first use.
//
// Memory model: a TryPush of v synchronizes before the TryPop that returns
// v, through the mutex; so does every operation before any later one.
type MutexRing struct {
	mu   sync.Mutex
	head int // index of the oldest value; guarded by mu
	n    int // number of values held; guarded by mu
	buf  [QueueCap]uint64
}

// TryPush reports whether v was enqueued (false when full).
func (r *MutexRing) TryPush(v uint64) bool {
	r.mu.Lock()
	if r.n == len(r.buf) {
		r.mu.Unlock()
		return false
	}
	r.buf[(r.head+r.n)%len(r.buf)] = v
	r.n++
	r.mu.Unlock()
	return true
}

// TryPop reports whether a value was dequeued (false when empty).
func (r *MutexRing) TryPop() (uint64, bool) {
	r.mu.Lock()
	if r.n == 0 {
		r.mu.Unlock()
		return 0, false
	}
	v := r.buf[r.head]
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	r.mu.Unlock()
	return v, true
}

// MutexRingImpl returns the mutex ring peer, "mutex-ring".
func MutexRingImpl() *Impl {
	return &Impl{
		Name:   "mutex-ring",
		Peer:   true,
		Doc:    "sync.Mutex around a ring buffer, cap 1024",
		NewTry: func() TryQueue { return new(MutexRing) },
	}
}
