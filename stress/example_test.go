package stress_test

import (
	"fmt"

	"github.com/xbeam/xbeam/stress"
)

// A QueueModel is the sequential specification a rapid state machine
// compares a queue with.
func ExampleQueueModel() {
	m := stress.NewQueueModel[int](2)
	fmt.Println(m.TryPush(1), m.TryPush(2), m.TryPush(3)) // full at 2
	v, ok := m.TryPop()
	fmt.Println(v, ok, m.Len())
	m.Close()
	fmt.Println(m.TryPush(4)) // closed
	v, ok = m.TryPop()        // pops still drain
	fmt.Println(v, ok)
	_, ok = m.TryPop()
	fmt.Println(ok)
	// Output:
	// true true false
	// 1 true 1
	// false
	// 2 true
	// false
}

// A DequeModel checks what a batch steal took: some number of the oldest
// items, in any order.
func ExampleDequeModel() {
	m := stress.NewDequeModel[int](stress.LIFO)
	for i := 1; i <= 5; i++ {
		m.Push(i)
	}
	v, _ := m.Pop() // the owner pops the newest
	fmt.Println("pop", v)
	v, _ = m.Steal() // thieves take the oldest
	fmt.Println("steal", v)
	fmt.Println(m.StealBatch([]int{3, 2})) // the two oldest, in any order
	fmt.Println(m.StealBatch([]int{5}))    // not the oldest
	fmt.Println(m.Items())
	// Output:
	// pop 5
	// steal 1
	// <nil>
	// a batch steal of 1 items took 5, not among the 1 oldest [4]
	// [4]
}

// AdaptDeque turns a generic deque shaped like xbeam's (here the tests'
// mutex deque; with xbeam: stress.AdaptDeque(deque.NewLIFO[uint64]())) into
// a stress.Deque; the type arguments are inferred.
func ExampleAdaptDeque() {
	d := stress.AdaptDeque(newWorker[uint64](false))
	for i := uint64(1); i <= 4; i++ {
		d.Push(i)
	}
	s := d.Stealer()
	v, st := s.Steal()
	fmt.Println(v, st)
	dst := stress.AdaptDeque(newWorker[uint64](false))
	fmt.Println(s.StealBatch(dst))
	v, ok := d.Pop()
	fmt.Println(v, ok)
	// Output:
	// 1 Success
	// Success
	// 4 true
}
