package bench

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjf2000/ants/v2"
	"github.com/sourcegraph/conc/pool"
	"golang.org/x/sync/errgroup"
)

// joiner is how a Go pool peer runs the task workloads: run starts the root
// task and waits for it; join runs a and b, possibly in parallel, and
// returns once both have returned. Every peer runs a on the calling
// goroutine and hands b to its pool, or runs b inline where the pool has no
// room (a task waiting on a child that no worker will ever take would
// deadlock a bounded pool).
type joiner interface {
	run(root func())
	join(a, b func())
	close()
}

// joinPool is a [TaskPool] that runs the task workloads through a joiner:
// the same divide and conquer code for every peer.
type joinPool struct{ j joiner }

func (p joinPool) Close() { p.j.close() }

func (p joinPool) Fib(n int) uint64 {
	var r uint64
	p.j.run(func() { r = fibJoin(p.j, n) })
	return r
}

func fibJoin(j joiner, n int) uint64 {
	if n < 2 {
		return uint64(n)
	}
	var a, b uint64
	j.join(func() { a = fibJoin(j, n-1) }, func() { b = fibJoin(j, n-2) })
	return a + b
}

func (p joinPool) Sum(n int, body func(lo, hi int) uint64) uint64 {
	var r uint64
	p.j.run(func() { r = sumJoin(p.j, 0, n, body) })
	return r
}

// sumJoin halves [lo, hi) until a piece has at most ForGrain indexes.
func sumJoin(j joiner, lo, hi int, body func(lo, hi int) uint64) uint64 {
	if hi-lo <= ForGrain {
		return body(lo, hi)
	}
	mid := lo + (hi-lo)/2
	var a, b uint64
	j.join(func() { a = sumJoin(j, lo, mid, body) }, func() { b = sumJoin(j, mid, hi, body) })
	return a + b
}

func (p joinPool) Sort(s []uint64) {
	buf := make([]uint64, len(s))
	p.j.run(func() { sortJoin(p.j, s, buf, false) })
}

// sortJoin sorts the halves of s in parallel, down to SortGrain values,
// and merges them in parallel (mergeJoin), into s, or into buf (as long
// as s) if toBuf: the halves are sorted into the other slice, so that no
// level copies its result back.
func sortJoin(j joiner, s, buf []uint64, toBuf bool) {
	if len(s) <= SortGrain {
		slices.Sort(s)
		if toBuf {
			copy(buf, s)
		}
		return
	}
	mid := len(s) / 2
	j.join(func() { sortJoin(j, s[:mid], buf[:mid], !toBuf) }, func() { sortJoin(j, s[mid:], buf[mid:], !toBuf) })
	if toBuf {
		mergeJoin(j, buf, s[:mid], s[mid:])
	} else {
		mergeJoin(j, s, buf[:mid], buf[mid:])
	}
}

// mergeJoin merges the sorted a and b into dst: two independent merges
// (SplitMerge) in parallel, down to MergeGrain values.
func mergeJoin(j joiner, dst, a, b []uint64) {
	if len(a)+len(b) <= MergeGrain {
		Merge(dst, a, b)
		return
	}
	i, k := SplitMerge(a, b)
	j.join(func() { mergeJoin(j, dst[:i+k], a[:i], b[:k]) }, func() { mergeJoin(j, dst[i+k:], a[i:], b[k:]) })
}

// Merge merges the sorted slices a and b into dst, which must have room for
// both.
func Merge(dst, a, b []uint64) {
	i, k, n := 0, 0, 0
	for i < len(a) && k < len(b) {
		if b[k] < a[i] {
			dst[n] = b[k]
			k++
		} else {
			dst[n] = a[i]
			i++
		}
		n++
	}
	n += copy(dst[n:], a[i:])
	copy(dst[n:], b[k:])
}

// SplitMerge splits the merge of the sorted slices a and b into two that
// are independent: a[:i] with b[:k] fill the first i+k values of the
// result, a[i:] with b[k:] the rest. The split is the midpoint of the
// longer slice and its lower bound in the other (P-MERGE of Cormen,
// Leiserson, Rivest and Stein, 3rd ed., section 27.3; rayon's par_merge
// splits the same way), so each half has at least half of the longer
// slice's values (about a quarter of the whole, or more).
func SplitMerge(a, b []uint64) (i, k int) {
	if len(a) >= len(b) {
		i = len(a) / 2
		k, _ = slices.BinarySearch(b, a[i])
		return i, k
	}
	k = len(b) / 2
	i, _ = slices.BinarySearch(a, b[k])
	return i, k
}

// goroutineJoiner starts a goroutine for every b.
type goroutineJoiner struct{}

func (goroutineJoiner) run(root func()) { root() }
func (goroutineJoiner) close()          {}
func (goroutineJoiner) join(a, b func()) {
	var wg sync.WaitGroup
	wg.Go(b)
	a()
	wg.Wait()
}

// errgroupJoiner hands b to an errgroup.Group limited to the worker count
// (TryGo), or runs it inline when the group is at its limit.
type errgroupJoiner struct{ g *errgroup.Group }

func newErrgroupJoiner(workers int) joiner {
	g := new(errgroup.Group)
	g.SetLimit(workers)
	return errgroupJoiner{g}
}

func (e errgroupJoiner) run(root func()) {
	e.g.Go(func() error { root(); return nil })
	_ = e.g.Wait()
}

func (e errgroupJoiner) close() {}

func (e errgroupJoiner) join(a, b func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	if !e.g.TryGo(func() error { b(); wg.Done(); return nil }) {
		b()
		wg.Done()
	}
	a()
	wg.Wait()
}

// antsJoiner hands b to an ants pool of the worker count in non-blocking
// mode, or runs it inline when Submit reports the pool overloaded.
type antsJoiner struct{ p *ants.Pool }

func newAntsJoiner(workers int) joiner {
	p, err := ants.NewPool(workers, ants.WithNonblocking(true))
	if err != nil {
		panic(err)
	}
	return antsJoiner{p}
}

// run runs root on the caller: a Submit right after the previous run may
// find its workers not yet returned to the pool, and fail.
func (a antsJoiner) run(root func()) { root() }

func (a antsJoiner) close() { _ = a.p.ReleaseTimeout(10 * time.Second) }

func (a antsJoiner) join(x, y func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	if a.p.Submit(func() { y(); wg.Done() }) != nil {
		y()
		wg.Done()
	}
	x()
	wg.Wait()
}

// concJoiner hands b to a conc pool of the worker count while fewer than
// that many of its tasks run, or runs it inline (conc's Go blocks while the
// pool is full, and has no non-blocking form).
type concJoiner struct {
	workers int
	p       *pool.Pool
	running atomic.Int64 // tasks handed to p and not yet returned
}

func newConcJoiner(workers int) joiner { return &concJoiner{workers: workers} }

// run runs root on the caller: every Go must come before Wait, which
// closes the pool (so a conc pool serves one run, and root cannot be one of
// its tasks).
func (c *concJoiner) run(root func()) {
	c.p = pool.New().WithMaxGoroutines(c.workers)
	root()
	c.p.Wait()
}

func (c *concJoiner) close() {}

func (c *concJoiner) join(a, b func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	if c.running.Add(1) <= int64(c.workers) {
		c.p.Go(func() { b(); c.running.Add(-1); wg.Done() })
	} else {
		c.running.Add(-1)
		b()
		wg.Done()
	}
	a()
	wg.Wait()
}

// chanJoiner is a pool of workers fed by one buffered channel (cap
// QueueCap). join sends b to the channel, or runs it inline when the
// channel is full; while it waits for a b that went to the channel, it runs
// tasks from the channel itself (else every worker could be waiting on a
// child that sits in the channel).
type chanJoiner struct {
	tasks chan *chanTask
	wg    sync.WaitGroup
}

type chanTask struct {
	fn   func()
	done atomic.Bool
}

func newChanJoiner(workers int) joiner {
	c := &chanJoiner{tasks: make(chan *chanTask, QueueCap)}
	for range workers {
		c.wg.Go(func() {
			for t := range c.tasks {
				t.fn()
				t.done.Store(true)
			}
		})
	}
	return c
}

func (c *chanJoiner) run(root func()) {
	done := make(chan struct{})
	c.tasks <- &chanTask{fn: func() { root(); close(done) }}
	<-done
}

func (c *chanJoiner) close() {
	close(c.tasks)
	c.wg.Wait()
}

func (c *chanJoiner) join(a, b func()) {
	t := &chanTask{fn: b}
	select {
	case c.tasks <- t:
	default:
		b()
		t.done.Store(true)
	}
	a()
	for !t.done.Load() {
		select {
		case u := <-c.tasks:
			u.fn()
			u.done.Store(true)
		default:
			// b is running on another worker.
			runtime.Gosched()
		}
	}
}

// sequentialPool is the plain loop every speed-up is measured against: the
// naive recursion, one loop, slices.Sort.
type sequentialPool struct{}

func (sequentialPool) Close() {}

func (sequentialPool) Fib(n int) uint64 { return fibSeq(n) }

func fibSeq(n int) uint64 {
	if n < 2 {
		return uint64(n)
	}
	return fibSeq(n-1) + fibSeq(n-2)
}

func (sequentialPool) Sum(n int, body func(lo, hi int) uint64) uint64 { return body(0, n) }

func (sequentialPool) Sort(s []uint64) { slices.Sort(s) }

// ErrgroupImpl returns the errgroup task-pool peer, "errgroup".
func ErrgroupImpl() *Impl {
	return &Impl{
		Name:        "errgroup",
		Peer:        true,
		Doc:         "golang.org/x/sync/errgroup, SetLimit(workers), TryGo or inline",
		NewTaskPool: func(w int) TaskPool { return joinPool{newErrgroupJoiner(w)} },
	}
}

// AntsImpl returns the ants task-pool peer, "ants".
func AntsImpl() *Impl {
	return &Impl{
		Name:        "ants",
		Peer:        true,
		Doc:         "github.com/panjf2000/ants/v2 v2.12.1 pool of workers, non-blocking Submit or inline",
		NewTaskPool: func(w int) TaskPool { return joinPool{newAntsJoiner(w)} },
	}
}

// ConcImpl returns the conc task-pool peer, "conc".
func ConcImpl() *Impl {
	return &Impl{
		Name:        "conc",
		Peer:        true,
		Doc:         "github.com/sourcegraph/conc v0.3.0 pool, WithMaxGoroutines(workers), Go while not full or inline",
		NewTaskPool: func(w int) TaskPool { return joinPool{newConcJoiner(w)} },
	}
}

// SequentialName is the name of the sequential baseline, the yardstick of
// the task workloads' first ratio column (the speed-up).
const SequentialName = "sequential"

// SequentialImpl returns the sequential baseline, "sequential": the task
// workloads as plain code on one goroutine.
func SequentialImpl() *Impl {
	return &Impl{
		Name:        SequentialName,
		Peer:        true,
		Doc:         "the plain recursion, loop or slices.Sort on one goroutine (the speed-up baseline)",
		NewTaskPool: func(int) TaskPool { return sequentialPool{} },
	}
}
