package deque_test

import (
	"fmt"
	"sync"

	"github.com/xbeam/xbeam/deque"
)

func ExampleNewLIFO() {
	w := deque.NewLIFO[string]()
	w.Push("a")
	w.Push("b")
	v, _ := w.Pop()
	fmt.Println(v) // the newest
	// Output: b
}

func ExampleNewFIFO() {
	w := deque.NewFIFO[string]()
	w.Push("a")
	w.Push("b")
	v, _ := w.Pop()
	fmt.Println(v) // the oldest
	// Output: a
}

func ExampleWorker_Push() {
	w := deque.NewLIFO[int]()
	for i := range 3 {
		w.Push(i)
	}
	fmt.Println(w.Len())
	// Output: 3
}

func ExampleWorker_Pop() {
	w := deque.NewLIFO[int]()
	w.Push(1)
	w.Push(2)
	for {
		v, ok := w.Pop()
		if !ok {
			break
		}
		fmt.Println(v)
	}
	// Output:
	// 2
	// 1
}

func ExampleWorker_Len() {
	w := deque.NewFIFO[int]()
	w.Push(1)
	w.Push(2)
	w.Pop()
	fmt.Println(w.Len())
	// Output: 1
}

func ExampleWorker_IsLIFO() {
	fmt.Println(deque.NewLIFO[int]().IsLIFO(), deque.NewFIFO[int]().IsLIFO())
	// Output: true false
}

// The owner pushes; another goroutine steals through the Stealer.
func ExampleWorker_Stealer() {
	w := deque.NewLIFO[int]()
	for i := range 4 {
		w.Push(i)
	}
	s := w.Stealer()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		v, st := s.Steal()
		fmt.Println(v, st) // the oldest
	}()
	wg.Wait()
	fmt.Println(w.Len())
	// Output:
	// 0 Success
	// 3
}

func ExampleStealer_Steal() {
	w := deque.NewLIFO[int]()
	s := w.Stealer()
	w.Push(1)
	w.Push(2)
	for {
		v, st := s.Steal()
		if st == deque.Empty {
			break
		}
		if st == deque.Success {
			fmt.Println(v)
		}
		// Retry: a race was lost; look again.
	}
	// Output:
	// 1
	// 2
}

func ExampleStealer_StealBatch() {
	src := deque.NewLIFO[int]()
	for i := range 10 {
		src.Push(i)
	}
	dst := deque.NewFIFO[int]() // owned by the caller
	fmt.Println(src.Stealer().StealBatch(dst))
	fmt.Println(src.Len(), dst.Len()) // half moved
	v, _ := dst.Pop()
	fmt.Println(v) // the oldest
	// Output:
	// Success
	// 5 5
	// 0
}

func ExampleStealer_StealBatchAndPop() {
	src := deque.NewFIFO[int]()
	for i := range 10 {
		src.Push(i)
	}
	dst := deque.NewLIFO[int]()
	v, st := src.Stealer().StealBatchAndPop(dst)
	fmt.Println(v, st, dst.Len())
	next, _ := dst.Pop() // a LIFO dst still pops the batch oldest first
	fmt.Println(next)
	// Output:
	// 0 Success 4
	// 1
}

func ExampleStealer_Len() {
	w := deque.NewLIFO[int]()
	w.Push(1)
	fmt.Println(w.Stealer().Len())
	// Output: 1
}

func ExampleStatus_String() {
	fmt.Println(deque.Empty, deque.Success, deque.Retry)
	// Output: Empty Success Retry
}

func ExampleNewInjector() {
	q := deque.NewInjector[string]()
	q.Push("task")
	v, st := q.Steal()
	fmt.Println(v, st)
	// Output: task Success
}

// Any number of goroutines may push.
func ExampleInjector_Push() {
	q := deque.NewInjector[int]()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q.Push(i)
		}()
	}
	wg.Wait()
	fmt.Println(q.Len())
	// Output: 4
}

func ExampleInjector_Steal() {
	q := deque.NewInjector[int]()
	q.Push(1)
	q.Push(2)
	v, _ := q.Steal()
	fmt.Println(v) // FIFO
	_, _ = q.Steal()
	_, st := q.Steal()
	fmt.Println(st)
	// Output:
	// 1
	// Empty
}

func ExampleInjector_StealBatch() {
	q := deque.NewInjector[int]()
	for i := range 8 {
		q.Push(i)
	}
	w := deque.NewFIFO[int]()
	q.StealBatch(w)
	fmt.Println(q.Len(), w.Len())
	// Output: 4 4
}

func ExampleInjector_StealBatchAndPop() {
	q := deque.NewInjector[int]()
	for i := range 8 {
		q.Push(i)
	}
	w := deque.NewLIFO[int]()
	v, st := q.StealBatchAndPop(w)
	fmt.Println(v, st, w.Len())
	// Output: 0 Success 3
}

func ExampleInjector_Len() {
	q := deque.NewInjector[int]()
	for i := range 100 {
		q.Push(i)
	}
	fmt.Println(q.Len())
	// Output: 100
}
