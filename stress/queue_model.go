package stress

// QueueModel is the sequential specification of a FIFO queue, optionally
// bounded and closable, for property-based state-machine tests (for example
// with pgregory.net/rapid): apply each operation to the queue under test
// and to the model, and compare the results. It is the same specification
// the linearizability checks of this package use.
//
// Semantics: TryPush fails when the model is closed or holds Cap items
// (Cap 0 means unbounded); TryPop returns the oldest item, and keeps
// working after Close until the model is empty; Close is idempotent.
//
// A QueueModel is not safe for concurrent use and must not be copied after
// first use.
type QueueModel[T any] struct {
	_        noCopy
	capacity int
	items    []T
	closed   bool
}

// NewQueueModel returns an empty model of a queue that is full at exactly
// capacity items, or never full if capacity is 0. It panics if capacity is
// negative.
func NewQueueModel[T any](capacity int) *QueueModel[T] {
	if capacity < 0 {
		panic("stress: capacity must not be negative")
	}
	return &QueueModel[T]{capacity: capacity}
}

// TryPush appends v and reports whether it did: false if the model is
// closed or full.
func (m *QueueModel[T]) TryPush(v T) bool {
	if m.closed || m.Full() {
		return false
	}
	m.items = append(m.items, v)
	return true
}

// TryPop removes and returns the oldest item, or reports false if the
// model is empty.
func (m *QueueModel[T]) TryPop() (T, bool) {
	var zero T
	if len(m.items) == 0 {
		return zero, false
	}
	v := m.items[0]
	m.items[0] = zero
	m.items = m.items[1:]
	return v, true
}

// Close closes the model: later pushes fail, pops drain what is left.
func (m *QueueModel[T]) Close() { m.closed = true }

// Closed reports whether Close was called.
func (m *QueueModel[T]) Closed() bool { return m.closed }

// Full reports whether the model holds Cap items (never, if unbounded).
func (m *QueueModel[T]) Full() bool { return m.capacity > 0 && len(m.items) >= m.capacity }

// Len returns the number of items held.
func (m *QueueModel[T]) Len() int { return len(m.items) }

// Cap returns the capacity, 0 if unbounded.
func (m *QueueModel[T]) Cap() int { return m.capacity }

// Items returns a copy of the items, oldest first.
func (m *QueueModel[T]) Items() []T { return append([]T(nil), m.items...) }
