package bench

import (
	"sync"
	"sync/atomic"
)

// ChanPoolImpl returns the channel-fed worker pool fork-join peer,
// "chan-pool": the pool most Go programs write by hand. workers goroutines
// receive tasks from one buffered channel (cap [QueueCap]); a task forks by
// sending a child to the channel, and runs the child itself when the channel
// is full (a send must not block: every worker could be blocked sending, and
// nobody receiving). It runs the same task tree as the deque workers: a task
// of depth t forks t children (depths t-1 down to 0) on its way down to one
// leaf, so 2^depth tasks reach 2^depth leaves after 2^depth-1 forks.
func ChanPoolImpl() *Impl {
	return &Impl{
		Name:        "chan-pool",
		Peer:        true,
		Doc:         "workers fed by one buffered channel (cap 1024); a full channel runs the child inline",
		ForkJoin:    chanPoolForkJoin,
		NewTaskPool: func(w int) TaskPool { return joinPool{newChanJoiner(w)} },
	}
}

func chanPoolForkJoin(depth, workers int, stop Stop) uint64 {
	p := &chanPool{tasks: make(chan int, QueueCap), done: make(chan struct{}), stop: stop}
	p.pending.Store(1)
	p.tasks <- depth
	var wg sync.WaitGroup
	for range workers {
		wg.Go(p.work)
	}
	wg.Wait()
	return p.leaves.Load()
}

type chanPool struct {
	tasks chan int
	// pending counts the tasks sent and not yet finished; a task adds its
	// children before it finishes, so it reaches 0 only when the whole
	// tree is done (or dropped after the deadline), and then done closes.
	pending atomic.Int64
	done    chan struct{}
	leaves  atomic.Uint64
	stop    Stop
}

// work is one worker: it runs tasks until the tree is done.
func (p *chanPool) work() {
	var leaves uint64
	defer func() { p.leaves.Add(leaves) }()
	for {
		select {
		case t := <-p.tasks:
			if !p.stop.Stopped() {
				p.run(t, &leaves)
			}
			if p.pending.Add(-1) == 0 {
				close(p.done)
			}
		case <-p.done:
			return
		}
	}
}

// run runs the task of depth t: it forks its t children and counts its leaf.
func (p *chanPool) run(t int, leaves *uint64) {
	for ; t > 0; t-- {
		if p.stop.Stopped() {
			return // past the deadline: the rest of this path is dropped
		}
		p.pending.Add(1)
		select {
		case p.tasks <- t - 1:
		default:
			// Full: run the child here rather than block.
			p.pending.Add(-1)
			p.run(t-1, leaves)
		}
	}
	*leaves++
}
