package bench

import (
	"fmt"
	"sync"
)

// runDequeOwner: the owner alternates Push(v); Pop() on its own deque; every
// Pop must return the v just pushed. ops = pairs.
func runDequeOwner(impl *Impl, cfg Config) Result {
	d := impl.NewDeque()
	g := newGate()
	var t tally
	var bad error
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer g.catch()
		<-g.start
		for lo := uint64(1); lo <= uint64(cfg.Items) && !g.stop.Load(); lo += 1024 {
			hi := min(lo+1023, uint64(cfg.Items))
			for v := lo; v <= hi; v++ {
				d.Push(v)
				x, ok := d.Pop()
				if !ok || x != v {
					bad = fmt.Errorf("Push(%d); Pop() = %d, %v", v, x, ok)
					return
				}
				t.n++
				t.sum += x
			}
		}
	}()
	g.open(cfg)
	elapsed, err := g.wait(cfg, done)
	if err == nil {
		err = bad
	}
	if err == nil && t.sum != t.n*(t.n+1)/2 {
		err = fmt.Errorf("popped %d values with sum %d", t.n, t.sum)
	}
	return Result{Ops: t.n, Elapsed: elapsed, Truncated: t.n < uint64(cfg.Items), Err: err}
}

// dequeRound is the number of items the deque-steal owner pushes before it
// pops until empty.
const dequeRound = 256

// runDequeSteal: one owner pushes dequeRound items, then pops until empty,
// repeated; cfg.P thieves loop Steal. Every item must leave exactly once (count
// and sum). ops = items.
func runDequeSteal(impl *Impl, cfg Config) Result {
	d := impl.NewDeque()
	g := newGate()
	in := make([]tally, 1)
	out := make([]tally, cfg.P+1)
	ownerDone := make(chan struct{})
	var all sync.WaitGroup
	all.Go(func() {
		defer g.catch()
		defer close(ownerDone)
		<-g.start
		pushed, popped := &in[0], &out[cfg.P]
		for v := uint64(1); v <= uint64(cfg.Items) && !g.stop.Load(); {
			for end := min(v+dequeRound, uint64(cfg.Items)+1); v < end; v++ {
				if cfg.Work > 0 {
					pushed.work(cfg.Work, v)
				}
				d.Push(v)
				pushed.n++
				pushed.sum += v
			}
			for {
				x, ok := d.Pop()
				if !ok {
					break
				}
				popped.n++
				popped.sum += x
				if cfg.Work > 0 {
					popped.work(cfg.Work, x)
				}
			}
		}
	})
	for i := range cfg.P {
		s := d.Stealer()
		all.Go(func() {
			defer g.catch()
			<-g.start
			t := &out[i]
			for fails := 0; ; {
				x, st := s.Steal()
				switch st {
				case StealSuccess:
					t.n++
					t.sum += x
					if cfg.Work > 0 {
						t.work(cfg.Work, x)
					}
					fails = 0
					continue
				case StealEmpty:
					select {
					case <-ownerDone:
						// The owner popped until empty after its
						// last push: nothing can appear any more.
						return
					default:
					}
				}
				fails++
				if g.backoff(fails) {
					return
				}
			}
		})
	}
	elapsed, err := g.run(cfg, &all)
	if err != nil {
		return Result{Elapsed: elapsed, Err: err}
	}
	return queueResult(cfg, in, out, elapsed)
}
