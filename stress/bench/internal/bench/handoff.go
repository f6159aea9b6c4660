package bench

import (
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	"github.com/xbeam/xbeam/atomicx"
)

// LineHandoff measures what it costs to move one cache line from one core to
// another on this machine now: two goroutines pass a counter back and forth
// through one atomic word, each waiting for the other's increment, for
// rounds round trips, three times; the result is the fastest of the three,
// as the time of one one-way hand-off. (The fastest, because noise only
// adds: a goroutine descheduled for a millisecond in a probe of 5,000 round
// trips adds 100 ns to every hand-off of that probe.) Every queue workload
// moves its items through lines that cross between cores, so this figure
// moves every queue's throughput with it; on a virtual machine whose cores
// the host places differently from one minute to the next it is the way to
// tell two states of the machine apart.
//
// It reports false (and measures nothing) when rounds is below 2, or when
// GOMAXPROCS is below 2: the two goroutines would then share one processor
// and the figure would be the scheduler's.
func LineHandoff(rounds int) (time.Duration, bool) {
	if runtime.GOMAXPROCS(0) < 2 || rounds < 2 {
		return 0, false
	}
	var runs [3]time.Duration
	for i := range runs {
		runs[i] = handoffOnce(rounds)
	}
	return slices.Min(runs[:]), true
}

// handoffOnce is one LineHandoff measurement: the mean one-way time over
// rounds round trips (less the first hand-off, which starts the clock).
func handoffOnce(rounds int) time.Duration {
	// The word sits alone on its line, so that nothing else moves it.
	w := new(struct {
		_ atomicx.Pad
		x atomic.Int64
		_ atomicx.Pad
	})
	last := 2 * int64(rounds)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := int64(1); i < last; i += 2 {
			awaitValue(&w.x, i-1)
			w.x.Store(i)
		}
	}()
	// The clock starts once the partner runs: its first increment.
	awaitValue(&w.x, 1)
	t0 := time.Now()
	for i := int64(2); i < last; i += 2 {
		w.x.Store(i)
		awaitValue(&w.x, i+1)
	}
	elapsed := time.Since(t0)
	<-done
	return elapsed / time.Duration(last-2)
}

// awaitValue spins until x holds v, yielding now and then so that it cannot
// starve the goroutine it waits for of a processor.
func awaitValue(x *atomic.Int64, v int64) {
	for spins := 1; x.Load() != v; spins++ {
		if spins%1024 == 0 {
			runtime.Gosched()
		}
	}
}
