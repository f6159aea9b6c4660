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

// A worker goroutine owns a Worker: it pushes the tasks it spawns and pops
// them back, newest first for a LIFO Worker.
func ExampleWorker() {
	w := deque.NewLIFO[string]()
	w.Push("parse")
	w.Push("compile")
	w.Push("link")
	for {
		task, ok := w.Pop()
		if !ok {
			break
		}
		fmt.Println(task)
	}
	// Output:
	// link
	// compile
	// parse
}

// Idle goroutines take the oldest items of a busy Worker through its
// Stealer, one at a time or in batches into a Worker of their own.
func ExampleStealer() {
	busy := deque.NewFIFO[int]()
	for i := range 10 {
		busy.Push(i)
	}
	s := busy.Stealer()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // an idle worker
		defer wg.Done()
		mine := deque.NewFIFO[int]()
		if v, st := s.StealBatchAndPop(mine); st == deque.Success {
			fmt.Println("ran", v, "and kept", mine.Len()) // half of 10: one run, four kept
		}
	}()
	wg.Wait()
	fmt.Println("left to the owner:", busy.Len())
	// Output:
	// ran 0 and kept 4
	// left to the owner: 5
}

// Goroutines outside the scheduler submit work to an Injector; workers
// take it, here in a batch into a Worker of their own.
func ExampleInjector() {
	q := deque.NewInjector[string]()
	var wg sync.WaitGroup
	for _, job := range []string{"a", "b", "c", "d"} {
		wg.Add(1)
		go func() { defer wg.Done(); q.Push(job) }()
	}
	wg.Wait()
	w := deque.NewFIFO[string]()
	n := 0
	for q.StealBatch(w) == deque.Success {
		for {
			if _, ok := w.Pop(); !ok {
				break
			}
			n++
		}
	}
	fmt.Println("ran", n, "jobs")
	// Output: ran 4 jobs
}
