package bench

import (
	"fmt"
	"math"
	"sync"
)

// runDequeOwner: the owner alternates Push(v); Pop() on its own deque; every
// Pop must return the v just pushed. ops = pairs. A deque that implements
// [OwnerLoop] runs the pairs itself.
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
		pairs := func(lo, hi uint64) (uint64, uint64, error) { return ownerPairs(d, lo, hi) }
		if l, ok := d.(OwnerLoop); ok {
			pairs = l.PushPopRange
		}
		for lo := uint64(1); lo <= uint64(cfg.Items) && !g.stop.Load(); lo += 1024 {
			n, sum, err := pairs(lo, min(lo+1023, uint64(cfg.Items)))
			t.n += n
			t.sum += sum
			if err != nil {
				bad = err
				return
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

// ownerPairs is deque-owner's inner loop through the [Deque] interface:
// Push(v); Pop() for each v from lo to hi, with the results of
// [OwnerLoop.PushPopRange].
func ownerPairs(d Deque, lo, hi uint64) (n, sum uint64, err error) {
	for v := lo; v <= hi; v++ {
		d.Push(v)
		x, ok := d.Pop()
		if !ok || x != v {
			return n, sum, fmt.Errorf("Push(%d); Pop() = %d, %v", v, x, ok)
		}
		n++
		sum += x
	}
	return n, sum, nil
}

// runDequeBatch: the owner pushes batch values, then pops batch times, on
// its own deque; every Pop must succeed, and the values popped must be the
// values pushed (count and sum). ops = items.
func runDequeBatch(impl *Impl, cfg Config, batch int) Result {
	d := impl.NewDeque()
	g := newGate()
	var in, out tally
	var bad error
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer g.catch()
		<-g.start
		burst := burstOf(d)
		for v := uint64(1); v <= uint64(cfg.Items) && !g.stop.Load(); {
			end := min(v+uint64(batch), uint64(cfg.Items)+1)
			in.addRange(v, end-1)
			n, sum := burst(v, end-1, int(end-v))
			out.n += n
			out.sum += sum
			if n != end-v {
				bad = fmt.Errorf("Pop found the deque empty with %d items pushed and %d popped", in.n, out.n)
				return
			}
			v = end
		}
	}()
	g.open(cfg)
	elapsed, err := g.wait(cfg, done)
	if err == nil {
		err = bad
	}
	if err == nil && (in.n != out.n || in.sum != out.sum) {
		err = fmt.Errorf("pushed %d values with sum %d, popped %d with sum %d", in.n, in.sum, out.n, out.sum)
	}
	return Result{Ops: out.n, Elapsed: elapsed, Truncated: out.n < uint64(cfg.Items), Err: err}
}

// dequeRound is the number of items the deque-steal and
// deque-owner-burst256 owner pushes before it pops until empty.
const dequeRound = 256

// thiefTaskWork is the local work (xorshift rounds) a deque-owner-burst256
// thief does with each item it steals, as a scheduler's idle worker runs the
// task it stole before it looks for another.
const thiefTaskWork = 64

// runDequeSteal: one owner pushes dequeRound items, then pops until empty,
// repeated; cfg.P thieves loop Steal, doing thiefWork rounds of local work
// with each item they take (besides cfg.Work). Every item must leave
// exactly once (count and sum). ops = items.
func runDequeSteal(impl *Impl, cfg Config, thiefWork int) Result {
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
		if cfg.Work == 0 {
			burst := burstOf(d)
			for v := uint64(1); v <= uint64(cfg.Items) && !g.stop.Load(); {
				end := min(v+dequeRound, uint64(cfg.Items)+1)
				pushed.addRange(v, end-1)
				n, sum := burst(v, end-1, math.MaxInt)
				popped.n += n
				popped.sum += sum
				v = end
			}
			return
		}
		// With local work per item, through the Deque interface.
		for v := uint64(1); v <= uint64(cfg.Items) && !g.stop.Load(); {
			for end := min(v+dequeRound, uint64(cfg.Items)+1); v < end; v++ {
				pushed.work(cfg.Work, v)
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
				popped.work(cfg.Work, x)
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
					if cfg.Work+thiefWork > 0 {
						t.work(cfg.Work+thiefWork, x)
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
