package bench

import (
	"fmt"
	"sync"
)

// MutexDeque is a growable ring of uint64 values behind a sync.Mutex, used as
// a work-stealing deque: the owner pushes and pops at the back (LIFO), thieves
// take from the front. It is the baseline for the deque workloads; all its
// methods are safe for concurrent use. The zero value is an empty deque. It
// must not be copied after first use.
//
// Memory model: a Push of v synchronizes before the Pop or Steal that
// returns v, through the mutex.
type MutexDeque struct {
	mu   sync.Mutex
	head int      // index of the oldest value; guarded by mu
	n    int      // number of values held; guarded by mu
	buf  []uint64 // len is a power of two; guarded by mu
}

// Push adds v at the back.
func (d *MutexDeque) Push(v uint64) {
	d.mu.Lock()
	if d.n == len(d.buf) {
		d.grow()
	}
	d.buf[(d.head+d.n)&(len(d.buf)-1)] = v
	d.n++
	d.mu.Unlock()
}

func (d *MutexDeque) grow() {
	nb := make([]uint64, max(2*len(d.buf), 64))
	for i := range d.n {
		nb[i] = d.buf[(d.head+i)&(len(d.buf)-1)]
	}
	d.buf, d.head = nb, 0
}

// Pop reports whether a value was taken from the back (the newest).
func (d *MutexDeque) Pop() (uint64, bool) {
	d.mu.Lock()
	if d.n == 0 {
		d.mu.Unlock()
		return 0, false
	}
	d.n--
	v := d.buf[(d.head+d.n)&(len(d.buf)-1)]
	d.mu.Unlock()
	return v, true
}

// Steal takes the value at the front (the oldest).
func (d *MutexDeque) Steal() (uint64, StealStatus) {
	d.mu.Lock()
	if d.n == 0 {
		d.mu.Unlock()
		return 0, StealEmpty
	}
	v := d.buf[d.head]
	d.head = (d.head + 1) & (len(d.buf) - 1)
	d.n--
	d.mu.Unlock()
	return v, StealSuccess
}

// mutexDequeOwner is the mutex-deque impl's [Deque]: a MutexDeque that also
// implements [OwnerLoop] and [BurstLoop] (MutexDeque itself does not, so
// that types which embed it to plant a bug in Push or Pop are driven
// through their own).
type mutexDequeOwner struct{ *MutexDeque }

// PushPopRange implements [OwnerLoop].
func (d mutexDequeOwner) PushPopRange(lo, hi uint64) (n, sum uint64, err error) {
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

// PushPopBurst implements [BurstLoop] with direct calls of the deque's
// methods.
func (d mutexDequeOwner) PushPopBurst(lo, hi uint64, limit int) (n, sum uint64) {
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

// Stealer returns d itself.
func (d *MutexDeque) Stealer() Stealer { return d }

// MutexDequeImpl returns the mutex deque peer, "mutex-deque".
func MutexDequeImpl() *Impl {
	return &Impl{
		Name:     "mutex-deque",
		Peer:     true,
		Doc:      "sync.Mutex around a growable ring, owner LIFO, thieves FIFO",
		NewDeque: func() Deque { return mutexDequeOwner{new(MutexDeque)} },
	}
}
