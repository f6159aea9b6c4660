package bench

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// GoroutinesImpl returns the goroutine-per-task fork-join peer,
// "goroutines": every internal node of the task tree starts a goroutine for
// one child, runs the other itself and waits on a sync.WaitGroup, with
// GOMAXPROCS lowered to the worker count for the span of the run.
func GoroutinesImpl() *Impl {
	return &Impl{
		Name:        "goroutines",
		Peer:        true,
		Doc:         "one goroutine per task, sync.WaitGroup join",
		ForkJoin:    goroutineForkJoin,
		NewTaskPool: func(int) TaskPool { return joinPool{goroutineJoiner{}} },
	}
}

func goroutineForkJoin(depth, workers int, stop Stop) uint64 {
	prev := runtime.GOMAXPROCS(0)
	if workers < prev {
		runtime.GOMAXPROCS(workers)
		defer runtime.GOMAXPROCS(prev)
	}
	var leaves atomic.Uint64
	goroutineTask(depth, stop, &leaves)
	return leaves.Load()
}

// tickEvery is how many leaves pass between two clock reads (Stop.Tick).
const tickEvery = 1024

// goroutineTask runs the subtree of 2^depth leaves below one task.
func goroutineTask(depth int, stop Stop, leaves *atomic.Uint64) {
	if depth == 0 {
		if leaves.Add(1)%tickEvery == 0 {
			stop.Tick()
		}
		return
	}
	if stop.Stopped() {
		return
	}
	// Near the leaves the tasks are too small to be worth a goroutine in
	// any real program, but the workload is defined as one task per node,
	// so every node forks.
	var wg sync.WaitGroup
	wg.Go(func() { goroutineTask(depth-1, stop, leaves) })
	goroutineTask(depth-1, stop, leaves)
	wg.Wait()
}
