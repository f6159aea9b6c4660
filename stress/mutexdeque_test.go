package stress_test

import "sync"

// The mutex deque is a correct work-stealing deque behind a mutex, shaped
// like xbeam's (generic Worker and Stealer, a Status type), so that the
// tests exercise AdaptDeque and AdaptInjector as the deque package will.

type status int

const (
	statusEmpty status = iota
	statusSuccess
	statusRetry
)

type mdeque[T any] struct {
	mu    sync.Mutex
	items []T // oldest first
	fifo  bool

	// Planted bugs.
	steals       int
	newestEvery  int // every n-th successful steal takes the newest item
	retryOnEmpty bool
}

type worker[T any] struct{ d *mdeque[T] }

func newWorker[T any](fifo bool) *worker[T] { return &worker[T]{d: &mdeque[T]{fifo: fifo}} }

func (w *worker[T]) Push(v T) {
	w.d.mu.Lock()
	defer w.d.mu.Unlock()
	w.d.items = append(w.d.items, v)
}

func (w *worker[T]) Pop() (T, bool) {
	d := w.d
	d.mu.Lock()
	defer d.mu.Unlock()
	var v T
	if len(d.items) == 0 {
		return v, false
	}
	if d.fifo {
		v, d.items = d.items[0], d.items[1:]
	} else {
		v, d.items = d.items[len(d.items)-1], d.items[:len(d.items)-1]
	}
	return v, true
}

func (w *worker[T]) Stealer() *stealer[T] { return &stealer[T]{d: w.d} }

type stealer[T any] struct{ d *mdeque[T] }

// take removes up to n of the oldest items.
func (d *mdeque[T]) take(n int) ([]T, status) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.items) == 0 {
		if d.retryOnEmpty {
			return nil, statusRetry
		}
		return nil, statusEmpty
	}
	d.steals++
	if d.newestEvery > 0 && d.steals%d.newestEvery == 0 && len(d.items) > 1 {
		v := d.items[len(d.items)-1]
		d.items = d.items[:len(d.items)-1]
		return []T{v}, statusSuccess
	}
	n = min(n, len(d.items))
	out := append([]T(nil), d.items[:n]...)
	d.items = d.items[n:]
	return out, statusSuccess
}

func (s *stealer[T]) Steal() (T, status) {
	var zero T
	got, st := s.d.take(1)
	if st != statusSuccess {
		return zero, st
	}
	return got[0], st
}

func (s *stealer[T]) batchSize() int {
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	return min((len(s.d.items)+1)/2, 32)
}

func (s *stealer[T]) StealBatch(dst *worker[T]) status {
	got, st := s.d.take(max(s.batchSize(), 1))
	for _, v := range got {
		dst.Push(v)
	}
	return st
}

func (s *stealer[T]) StealBatchAndPop(dst *worker[T]) (T, status) {
	var zero T
	got, st := s.d.take(max(s.batchSize(), 1))
	if st != statusSuccess {
		return zero, st
	}
	for _, v := range got[1:] {
		dst.Push(v)
	}
	return got[0], st
}

// injector is a mutex FIFO shaped like xbeam's deque.Injector.
type injector[T any] struct{ d *mdeque[T] }

func newInjector[T any]() *injector[T] { return &injector[T]{d: &mdeque[T]{fifo: true}} }

func (i *injector[T]) Push(v T)                         { (&worker[T]{d: i.d}).Push(v) }
func (i *injector[T]) Steal() (T, status)               { return (&stealer[T]{d: i.d}).Steal() }
func (i *injector[T]) StealBatch(dst *worker[T]) status { return (&stealer[T]{d: i.d}).StealBatch(dst) }
func (i *injector[T]) StealBatchAndPop(dst *worker[T]) (T, status) {
	return (&stealer[T]{d: i.d}).StealBatchAndPop(dst)
}
