package bench

import (
	"fmt"
	"sync"
	"time"
)

// yieldEvery is the number of consecutive failed Try operations after which
// a loop calls runtime.Gosched: spin (one pause) on failure, yield every
// 64th consecutive failure.
const yieldEvery = 64

// runQueue moves the values 1..cfg.Items, split evenly among producers,
// through one fresh queue to consumers, and checks that the count and the
// sum taken out equal those put in. blocking selects impl's blocking form;
// otherwise its Try form is used when it has one.
func runQueue(impl *Impl, cfg Config, producers, consumers int, blocking bool) Result {
	if impl.SingleConsumer && consumers > 1 {
		panic("bench: " + impl.Name + " allows one consumer")
	}
	if uint64(cfg.Items) >= 1<<32 {
		panic("bench: Config.Items must be below 1<<32 for queue workloads")
	}
	if blocking || impl.NewTry == nil {
		return runBlockingQueue(impl.NewBlocking(), cfg, producers, consumers)
	}
	return runTryQueue(impl.NewTry(), cfg, producers, consumers)
}

func runTryQueue(q TryQueue, cfg Config, producers, consumers int) Result {
	g := newGate()
	in := make([]tally, producers)
	out := make([]tally, consumers)
	var producing sync.WaitGroup // producers still running
	var prodDone = make(chan struct{})
	var all sync.WaitGroup
	for i := range producers {
		lo, hi := split(cfg.Items, producers, i)
		producing.Add(1)
		all.Go(func() {
			defer g.catch()
			defer producing.Done()
			<-g.start
			t := &in[i]
			for v := lo; v <= hi && !g.stop.Load(); v++ {
				if cfg.Work > 0 {
					t.work(cfg.Work, v)
				}
				for fails := 1; !q.TryPush(v); fails++ {
					if g.backoff(fails) {
						return
					}
				}
				t.n++
				t.sum += v
			}
		})
	}
	go func() { producing.Wait(); close(prodDone) }()
	for i := range consumers {
		all.Go(func() {
			defer g.catch()
			<-g.start
			t := &out[i]
			for fails := 0; ; {
				if v, ok := q.TryPop(); ok {
					t.n++
					t.sum += v
					if cfg.Work > 0 {
						t.work(cfg.Work, v)
					}
					fails = 0
					continue
				}
				fails++
				select {
				case <-prodDone:
					// Every push has returned: an empty TryPop
					// now means empty for good (stragglers of a
					// queue whose TryPop may fail spuriously are
					// drained below).
					return
				default:
				}
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
	var rest tally
	for v, ok := q.TryPop(); ok; v, ok = q.TryPop() {
		rest.n++
		rest.sum += v
	}
	return queueResult(cfg, in, append(out, rest), elapsed)
}

func runBlockingQueue(q BlockingQueue, cfg Config, producers, consumers int) Result {
	g := newGate()
	in := make([]tally, producers)
	out := make([]tally, consumers)
	var producing, consuming sync.WaitGroup
	for i := range producers {
		lo, hi := split(cfg.Items, producers, i)
		producing.Go(func() {
			defer g.catch()
			<-g.start
			t := &in[i]
			for v := lo; v <= hi && !g.stop.Load(); v++ {
				if cfg.Work > 0 {
					t.work(cfg.Work, v)
				}
				q.Push(v)
				t.n++
				t.sum += v
			}
		})
	}
	for i := range consumers {
		consuming.Go(func() {
			defer g.catch()
			<-g.start
			t := &out[i]
			for {
				v := q.Pop()
				if v == 0 {
					return
				}
				t.n++
				t.sum += v
				if cfg.Work > 0 {
					t.work(cfg.Work, v)
				}
			}
		})
	}
	done := make(chan struct{})
	go func() {
		defer g.catch()
		producing.Wait()
		// One end marker per consumer, pushed after every value: in a
		// FIFO queue each consumer that takes a marker finds only
		// markers behind it.
		for range consumers {
			q.Push(0)
		}
		consuming.Wait()
		close(done)
	}()
	g.open(cfg)
	elapsed, err := g.wait(cfg, done)
	if err != nil {
		return Result{Elapsed: elapsed, Err: err}
	}
	return queueResult(cfg, in, out, elapsed)
}

func queueResult(cfg Config, in, out []tally, elapsed time.Duration) Result {
	pn, psum := total(in)
	cn, csum := total(out)
	r := Result{Ops: cn, Elapsed: elapsed, Truncated: pn < uint64(cfg.Items)}
	switch {
	case pn != cn || psum != csum:
		r.Err = fmt.Errorf("lost or duplicated items: pushed %d (sum %d), popped %d (sum %d)", pn, psum, cn, csum)
	case pn > uint64(cfg.Items):
		r.Err = fmt.Errorf("pushed %d items of %d", pn, cfg.Items)
	}
	return r
}
