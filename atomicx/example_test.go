package atomicx_test

import (
	"fmt"
	"sync"

	"github.com/xbeam/xbeam/atomicx"
)

func ExamplePadded() {
	// One counter per worker; Padded keeps each on its own cache line so
	// that the workers' increments do not slow each other down.
	counts := make([]atomicx.Padded[atomicx.Int64], 4)
	var wg sync.WaitGroup
	for w := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				counts[w].Value.Add(1)
			}
		}()
	}
	wg.Wait()
	var total int64
	for i := range counts {
		total += counts[i].Value.Load()
	}
	fmt.Println(total)
	// Output: 4000
}

func ExampleBackoff() {
	// A CAS retry loop that doubles a shared value.
	var x atomicx.Uint64
	x.Store(21)
	var b atomicx.Backoff
	for {
		old := x.Load()
		if x.CompareAndSwap(old, old*2) {
			break
		}
		b.Spin() // lost a race: back off before retrying
	}
	fmt.Println(x.Load())
	// Output: 42
}

func ExampleBackoff_snooze() {
	// Waiting for another goroutine: spin, then yield, then park.
	var ready atomicx.Bool
	parked := make(chan struct{})
	go func() { ready.Store(true); close(parked) }()
	var b atomicx.Backoff
	for !ready.Load() {
		if b.ShouldPark() {
			<-parked // block instead of burning the core
			continue
		}
		b.Snooze()
	}
	fmt.Println("ready")
	// Output: ready
}

func ExampleCell() {
	type config struct {
		Name    string
		Retries int
	}
	var c atomicx.Cell[config]
	c.Store(config{Name: "primary", Retries: 3})
	old := c.Swap(config{Name: "standby", Retries: 5})
	fmt.Println(old.Name, c.Load().Name, c.Load().Retries, c.Lockfree())
	// Output: primary standby 5 false
}

func ExampleCompareAndSwap() {
	var c atomicx.Cell[float64]
	c.Store(1.5)
	fmt.Println(atomicx.CompareAndSwap(&c, 1.5, 2.5), atomicx.CompareAndSwap(&c, 1.5, 3.5), c.Load(), c.Lockfree())
	// Output: true false 2.5 true
}

func ExampleCounter() {
	var requests atomicx.Counter
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				requests.Add(1)
			}
		}()
	}
	wg.Wait()
	fmt.Println(requests.Load())
	requests.Reset()
	fmt.Println(requests.Load())
	// Output:
	// 800
	// 0
}

func ExampleUint64() {
	var n atomicx.Uint64
	n.Add(5)
	n.Or(0x10)
	fmt.Println(n.Load(), n.Swap(1), n.Load())
	// Output: 21 21 1
}

func ExamplePointer() {
	type node struct{ v int }
	var head atomicx.Pointer[node]
	first := &node{v: 1}
	fmt.Println(head.CompareAndSwap(nil, first), head.CompareAndSwap(nil, &node{v: 2}), head.Load().v)
	// Output: true false 1
}
