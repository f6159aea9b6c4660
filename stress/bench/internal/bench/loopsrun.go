package bench

import (
	"sync"
)

// loopChunk is the number of operations a loop worker runs between two
// looks at the deadline.
const loopChunk = 1024

// runLoops runs cfg.Items operations split among cfg.P goroutines on one
// shared structure, then lets it check the total.
func runLoops(l Loops, cfg Config) Result {
	g := newGate()
	counts := make([]tally, cfg.P)
	var wg sync.WaitGroup
	for i := range cfg.P {
		lo, hi := split(cfg.Items, cfg.P, i)
		n := int(hi + 1 - lo)
		f := l.Worker()
		wg.Go(func() {
			defer g.catch()
			<-g.start
			t := &counts[i]
			for n > 0 && !g.stop.Load() {
				k := min(n, loopChunk)
				f(k)
				n -= k
				t.n += uint64(k)
			}
		})
	}
	elapsed, err := g.run(cfg, &wg)
	if err != nil {
		return Result{Elapsed: elapsed, Err: err}
	}
	ops, _ := total(counts)
	return Result{Ops: ops, Elapsed: elapsed, Truncated: ops < uint64(cfg.Items), Err: l.Check(ops)}
}
