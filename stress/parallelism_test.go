package stress_test

import (
	"runtime"
	"sync/atomic"
	"time"
)

// parallelism returns the fraction of a short interval during which two
// goroutines of this process really ran at the same time (on a busy
// machine a niced test binary often gets one CPU at a time, and then no
// harness can make operations overlap except by preempting them).
func parallelism() float64 {
	old := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(old)
	var (
		other atomic.Int64
		stop  atomic.Bool
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		for !stop.Load() {
			other.Add(1)
		}
	}()
	samples, both := 0, 0
	last := other.Load()
	for deadline := time.Now().Add(50 * time.Millisecond); time.Now().Before(deadline); samples++ {
		for i := 0; i < 200; i++ {
			sink.Add(1)
		}
		if cur := other.Load(); cur != last {
			both++
			last = cur
		}
	}
	stop.Store(true)
	<-done
	return float64(both) / float64(max(samples, 1))
}

var sink atomic.Int64
