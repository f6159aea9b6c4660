package stress

import (
	"fmt"
	"slices"
)

// DequeModel is the sequential specification of a work-stealing deque of
// either flavor, for property-based state-machine tests (for example with
// pgregory.net/rapid) and for the deque checks of this package.
//
// Items are kept oldest first. Push adds the newest item; Pop removes the
// newest (LIFO) or the oldest (FIFO); Steal removes the oldest. A batch
// steal takes an implementation-chosen number of the oldest items, so the
// model does not produce one: StealBatch checks the items a real batch
// steal took (in any order) and removes them.
//
// A DequeModel is not safe for concurrent use and must not be copied after
// first use.
type DequeModel[T comparable] struct {
	_      noCopy
	flavor Flavor
	items  []T
}

// NewDequeModel returns an empty model of the given flavor. It panics if
// flavor is neither FIFO nor LIFO.
func NewDequeModel[T comparable](flavor Flavor) *DequeModel[T] {
	flavor.check()
	return &DequeModel[T]{flavor: flavor}
}

// Push adds v as the newest item.
func (m *DequeModel[T]) Push(v T) { m.items = append(m.items, v) }

// Pop removes and returns the newest (LIFO) or oldest (FIFO) item, or
// reports false if the model is empty.
func (m *DequeModel[T]) Pop() (T, bool) {
	var zero T
	if len(m.items) == 0 {
		return zero, false
	}
	if m.flavor == FIFO {
		return m.Steal()
	}
	v := m.items[len(m.items)-1]
	m.items = m.items[:len(m.items)-1]
	return v, true
}

// Steal removes and returns the oldest item, or reports false if the model
// is empty.
func (m *DequeModel[T]) Steal() (T, bool) {
	var zero T
	if len(m.items) == 0 {
		return zero, false
	}
	v := m.items[0]
	m.items = m.items[1:]
	return v, true
}

// StealBatch checks that taken, in any order, are the len(taken) oldest
// items, and removes them. Taking nothing is an error unless the model is
// empty. It does not check the batch size bound (see CheckDeque).
func (m *DequeModel[T]) StealBatch(taken []T) error {
	if len(taken) == 0 {
		if len(m.items) > 0 {
			return fmt.Errorf("a batch steal took nothing from %d items", len(m.items))
		}
		return nil
	}
	if len(taken) > len(m.items) {
		return fmt.Errorf("a batch steal took %d items from %d: %v", len(taken), len(m.items), taken)
	}
	oldest := m.items[:len(taken)]
	for _, v := range taken {
		if !slices.Contains(oldest, v) {
			return fmt.Errorf("a batch steal of %d items took %v, not among the %d oldest %v", len(taken), v, len(taken), oldest)
		}
	}
	for i, v := range taken {
		if slices.Contains(taken[:i], v) {
			return fmt.Errorf("a batch steal took %v twice", v)
		}
	}
	m.items = m.items[len(taken):]
	return nil
}

// Len returns the number of items held.
func (m *DequeModel[T]) Len() int { return len(m.items) }

// Flavor returns the model's flavor.
func (m *DequeModel[T]) Flavor() Flavor { return m.flavor }

// Items returns a copy of the items, oldest first.
func (m *DequeModel[T]) Items() []T { return slices.Clone(m.items) }
