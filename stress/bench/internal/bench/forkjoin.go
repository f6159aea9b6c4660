package bench

import (
	"fmt"
	"math/bits"
	"sync"
	"sync/atomic"
)

// runForkJoin runs a binary task tree of 2^depth leaves (depth = floor(log2
// cfg.Items)) on cfg.P workers. With a Deque: each worker owns one deque,
// runs a task by pushing one child and descending into the other, pops its
// own deque when its path ends and steals the oldest task of the others when
// that is empty. Without one, impl.ForkJoin runs it. ops = leaves.
func runForkJoin(impl *Impl, cfg Config) Result {
	depth := bits.Len(uint(cfg.Items)) - 1
	want := uint64(1) << depth
	g := newGate()
	var leaves uint64
	done := make(chan struct{})
	if impl.NewDeque == nil {
		go func() {
			defer close(done)
			defer g.catch()
			<-g.start
			leaves = impl.ForkJoin(depth, cfg.P, Stop{flag: &g.stop, deadline: g.deadline})
		}()
	} else {
		ds := make([]Deque, cfg.P)
		ss := make([]Stealer, cfg.P)
		for i := range ds {
			ds[i] = impl.NewDeque()
			ss[i] = ds[i].Stealer()
		}
		ds[0].Push(uint64(depth))
		var total atomic.Uint64 // leaves reached, flushed by each worker when it runs dry
		var wg sync.WaitGroup
		for w := range cfg.P {
			wg.Go(func() {
				defer g.catch()
				forkJoinWorker(w, ds[w], ss, g, &total, want)
			})
		}
		go func() {
			defer close(done)
			wg.Wait()
			leaves = total.Load()
		}()
	}
	g.open(cfg)
	elapsed, err := g.wait(cfg, done)
	if err != nil {
		return Result{Elapsed: elapsed, Err: err}
	}
	r := Result{Ops: leaves, Elapsed: elapsed, Truncated: leaves < want}
	if leaves > want || (leaves < want && !g.stop.Load()) {
		r.Err = fmt.Errorf("reached %d leaves of %d", leaves, want)
	}
	return r
}

func forkJoinWorker(self int, d Deque, ss []Stealer, g *gate, total *atomic.Uint64, want uint64) {
	<-g.start
	var local uint64
	rng := uint64(self)*0x9e3779b97f4a7c15 + 1
	for fails := 0; ; {
		t, ok := d.Pop()
		if !ok {
			if local > 0 {
				total.Add(local)
				local = 0
			}
			t, ok = stealAny(self, ss, &rng)
		}
		if !ok {
			if total.Load() >= want || g.stop.Load() {
				return
			}
			fails++
			if g.backoff(fails) {
				return
			}
			continue
		}
		fails = 0
		if g.stop.Load() {
			// Past the deadline: drop the task unrun. The leaves
			// reached so far are the result.
			continue
		}
		for ; t > 0; t-- {
			d.Push(t - 1)
		}
		local++
	}
}

// stealAny tries every other worker's deque once, starting at a random one,
// retrying a deque while it answers Retry.
func stealAny(self int, ss []Stealer, rng *uint64) (uint64, bool) {
	n := len(ss)
	if n < 2 {
		return 0, false
	}
	*rng ^= *rng << 13
	*rng ^= *rng >> 7
	*rng ^= *rng << 17
	start := int(*rng % uint64(n))
	for k := range n {
		i := (start + k) % n
		if i == self {
			continue
		}
		for {
			t, st := ss[i].Steal()
			if st == StealSuccess {
				return t, true
			}
			if st == StealEmpty {
				break
			}
		}
	}
	return 0, false
}
