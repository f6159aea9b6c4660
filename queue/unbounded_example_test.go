package queue_test

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/xbeam/xbeam/queue"
)

// A producer and a consumer hand items over through an Unbounded queue; the
// producer closes it when done, and the consumer's Pop reports ErrClosed once
// everything has been taken.
func ExampleUnbounded() {
	q := queue.NewUnbounded[string]()
	go func() {
		for _, w := range []string{"fetch", "add", "claims", "a", "slot"} {
			_ = q.Push(w) // never waits
		}
		q.Close()
	}()
	for {
		w, err := q.Pop(context.Background())
		if errors.Is(err, queue.ErrClosed) {
			break
		}
		fmt.Println(w)
	}
	// Output:
	// fetch
	// add
	// claims
	// a
	// slot
}

// Items are stored by value: a struct goes into the queue's slots as it is,
// with no boxing and no allocation per item.
func ExampleUnbounded_TryPush() {
	type point struct{ X, Y, Z, W float64 }
	q := queue.NewUnbounded[point]()
	q.TryPush(point{1, 2, 3, 4})
	q.TryPush(point{5, 6, 7, 8})
	fmt.Println(q.Len())
	p, ok := q.TryPop()
	fmt.Println(p, ok)
	// Output:
	// 2
	// {1 2 3 4} true
}

// TryPop never waits: on an empty queue it reports false at once.
func ExampleUnbounded_TryPop() {
	q := queue.NewUnbounded[int]()
	_, ok := q.TryPop()
	fmt.Println(ok)
	q.TryPush(42)
	v, ok := q.TryPop()
	fmt.Println(v, ok)
	// Output:
	// false
	// 42 true
}

// Pop waits while the queue is empty, until an item arrives, the queue is
// closed and drained, or its context is done.
func ExampleUnbounded_Pop() {
	q := queue.NewUnbounded[int]()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := q.Pop(ctx)
	fmt.Println(err)

	var wg sync.WaitGroup
	wg.Go(func() {
		v, err := q.Pop(context.Background()) // parks until the Push below
		fmt.Println(v, err)
	})
	_ = q.Push(7)
	wg.Wait()
	// Output:
	// context canceled
	// 7 <nil>
}

// After Close, pushes fail and pops drain what is left.
func ExampleUnbounded_Close() {
	q := queue.NewUnbounded[int]()
	_ = q.Push(1)
	q.Close()
	fmt.Println(q.Push(2))
	fmt.Println(q.TryPush(3))
	v, err := q.Pop(context.Background())
	fmt.Println(v, err)
	_, err = q.Pop(context.Background())
	fmt.Println(err)
	// Output:
	// queue: closed
	// false
	// 1 <nil>
	// queue: closed
}

// Len counts the items in the queue; it is exact when nothing runs
// concurrently.
func ExampleUnbounded_Len() {
	q := queue.NewUnbounded[int]()
	for i := range 3000 {
		q.TryPush(i)
	}
	for range 1000 {
		q.TryPop()
	}
	fmt.Println(q.Len())
	// Output:
	// 2000
}
