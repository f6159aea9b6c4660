package queue_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/xbeam/xbeam/queue"
)

// A pipeline: producers push while there is room, consumers pop until the
// queue is closed and drained.
func ExampleBounded() {
	q := queue.NewBounded[int](8)
	ctx := context.Background()

	var producers sync.WaitGroup
	for p := 0; p < 3; p++ {
		producers.Add(1)
		go func() {
			defer producers.Done()
			for i := 1; i <= 100; i++ {
				if err := q.Push(ctx, i); err != nil { // waits while full
					panic(err)
				}
			}
		}()
	}

	sums := make(chan int)
	for c := 0; c < 2; c++ {
		go func() {
			sum := 0
			for {
				v, err := q.Pop(ctx) // waits while empty
				if errors.Is(err, queue.ErrClosed) {
					sums <- sum // closed and drained
					return
				}
				sum += v
			}
		}()
	}

	producers.Wait()
	q.Close()
	fmt.Println(<-sums + <-sums)
	// Output: 15150
}

// TryPush and TryPop never wait: they report whether they could act at once.
func ExampleBounded_TryPush() {
	q := queue.NewBounded[string](2)
	fmt.Println(q.TryPush("a"), q.TryPush("b"), q.TryPush("c"))
	fmt.Println(q.Len(), q.Cap())
	v, ok := q.TryPop()
	fmt.Println(v, ok)
	// Output:
	// true true false
	// 2 2
	// a true
}

// TryPop reports false when the queue is empty.
func ExampleBounded_TryPop() {
	q := queue.NewBounded[int](4)
	_, ok := q.TryPop()
	fmt.Println(ok)
	q.TryPush(42)
	v, ok := q.TryPop()
	fmt.Println(v, ok)
	// Output:
	// false
	// 42 true
}

// Pop waits only as long as its context allows; a Pop that gives up has
// taken nothing.
func ExampleBounded_Pop() {
	q := queue.NewBounded[int](4)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := q.Pop(ctx)
	fmt.Println(errors.Is(err, context.DeadlineExceeded), q.Len())
	// Output: true 0
}

// Push waits while the queue is full, until a pop makes room, Close, or the
// context ends the wait.
func ExampleBounded_Push() {
	q := queue.NewBounded[int](1)
	ctx := context.Background()
	_ = q.Push(ctx, 1)
	done := make(chan error)
	go func() { done <- q.Push(ctx, 2) }() // waits: the queue is full
	v, _ := q.Pop(ctx)                     // makes room
	fmt.Println(v, <-done)
	v, _ = q.Pop(ctx)
	fmt.Println(v)
	// Output:
	// 1 <nil>
	// 2
}

// After Close, pushes fail and pops drain what is left, then report
// ErrClosed.
func ExampleBounded_Close() {
	q := queue.NewBounded[int](4)
	q.TryPush(1)
	q.TryPush(2)
	q.Close()
	fmt.Println(q.TryPush(3), q.Push(context.Background(), 3))
	for {
		v, err := q.Pop(context.Background())
		if err != nil {
			fmt.Println(err)
			break
		}
		fmt.Println(v)
	}
	// Output:
	// false queue: closed
	// 1
	// 2
	// queue: closed
}

// The capacity is exact: a queue of capacity 3 is full at exactly 3 values.
func ExampleNewBounded() {
	q := queue.NewBounded[struct{ x, y float64 }](3)
	n := 0
	for q.TryPush(struct{ x, y float64 }{1, 2}) {
		n++
	}
	fmt.Println(n, q.Cap())
	// Output: 3 3
}
