package bench

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config sizes one run of a workload.
type Config struct {
	// Items is the number of values moved (queue and deque workloads), of
	// operations run (deque-owner pairs, epoch-pin pairs, counter adds), or
	// of fork-join leaves (rounded down to a power of two). At least 1.
	Items int
	// P is the workload's parallelism: producers (and as many consumers in
	// mpmc), thieves in deque-steal, workers in fork-join, goroutines in
	// epoch-pin and counter-shared. Ignored by spsc and deque-owner.
	P int
	// Deadline, if positive, stops producers (and every other source of
	// work) that long after the start even if not all Items are done;
	// consumers still drain, so the checks stay exact. Result.Truncated then
	// reports it.
	Deadline time.Duration
	// Work, if positive, is the local work done per item outside the
	// structure: that many rounds of a xorshift step by each producer
	// before it pushes and by each consumer after it pops (queue
	// workloads), or by the deque-steal owner before each push and by
	// whoever takes an item. It shows how an implementation fares when the
	// structure is not the only thing the goroutines do.
	Work int
	// Timeout, if positive, declares the run stuck that long after the start
	// (default: Deadline plus one minute, or ten minutes without a
	// Deadline). A stuck run returns an error; goroutines blocked inside a
	// broken blocking queue may be left behind.
	Timeout time.Duration
}

func (c Config) timeout() time.Duration {
	switch {
	case c.Timeout > 0:
		return c.Timeout
	case c.Deadline > 0:
		return c.Deadline + time.Minute
	default:
		return 10 * time.Minute
	}
}

// Result is the outcome of one run.
type Result struct {
	// Ops is the number of operations done: items moved, pairs run or
	// leaves reached, as the workload defines.
	Ops uint64
	// Elapsed is the measured span, from releasing the goroutines to the
	// last one finishing.
	Elapsed time.Duration
	// Truncated reports whether the deadline stopped the run before Items
	// were all done.
	Truncated bool
	// Err is non-nil if the run failed its check (items lost or duplicated,
	// a value out of place) or got stuck. A failed run has no meaningful
	// throughput: report FAIL, never a number.
	Err error
}

// Mops returns the throughput in millions of operations per second, or 0
// for a failed or empty run.
func (r Result) Mops() float64 {
	if r.Err != nil || r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Ops) / r.Elapsed.Seconds() / 1e6
}

// Workload is one of the benchmark workloads (docs/benchmarks.md).
type Workload struct {
	// Name is the workload's name (spsc, mpsc, ...).
	Name string
	// Doc defines the workload in one line.
	Doc string
	// Unit names what one operation is, in the plural (items, pairs, ...):
	// the throughput is in millions of them per second.
	Unit string
	// PMeaning says what P counts (producers, thieves, workers, ...); empty
	// for a workload with a fixed P.
	PMeaning string
	// FixedP is 1 for workloads whose parallelism is fixed (spsc,
	// deque-owner) and 0 when P varies.
	FixedP int
	// Queue reports whether the workload moves items through a queue, so
	// that the Go channel is its yardstick.
	Queue bool
	// Tasks reports whether the workload is a task workload (run by
	// Impl.NewTaskPool), so that the sequential loop is its yardstick.
	Tasks bool

	supports func(*Impl) bool
	run      func(*Impl, Config) Result
}

// Base returns the name of the implementation that the first ratio column
// compares with: the Go channel for the queue workloads, the sequential
// loop for the task workloads (the speed-up), none for the others.
func (w *Workload) Base() string {
	switch {
	case w.Queue:
		return ChanName
	case w.Tasks:
		return SequentialName
	}
	return ""
}

// Supports reports whether the workload can run impl.
func (w *Workload) Supports(impl *Impl) bool { return w.supports(impl) }

// Run runs the workload once on a fresh instance of impl. It panics if
// impl is not supported or cfg.Items < 1.
func (w *Workload) Run(impl *Impl, cfg Config) Result {
	if !w.supports(impl) {
		panic(fmt.Sprintf("bench: workload %s cannot run %s", w.Name, impl.Name))
	}
	if cfg.Items < 1 {
		panic("bench: Config.Items must be at least 1")
	}
	if cfg.P < 1 || w.FixedP != 0 {
		cfg.P = max(w.FixedP, 1)
	}
	return w.run(impl, cfg)
}

// The workloads, in the order of the report.
var (
	// SPSC is spsc: one producer, one consumer, values 1..Items.
	SPSC = &Workload{Name: "spsc", Unit: "items", Queue: true, FixedP: 1,
		Doc:      "1 producer, 1 consumer; ops = items",
		supports: func(i *Impl) bool { return i.NewTry != nil || i.NewBlocking != nil },
		run:      func(i *Impl, c Config) Result { return runQueue(i, c, 1, 1, false) }}
	// MPSC is mpsc: P producers, one consumer.
	MPSC = &Workload{Name: "mpsc", Unit: "items", PMeaning: "producers (1 consumer)", Queue: true,
		Doc:      "P producers, 1 consumer; ops = items",
		supports: func(i *Impl) bool { return i.NewTry != nil || i.NewBlocking != nil },
		run:      func(i *Impl, c Config) Result { return runQueue(i, c, c.P, 1, false) }}
	// MPMC is mpmc: P producers, P consumers (2P goroutines).
	MPMC = &Workload{Name: "mpmc", Unit: "items", PMeaning: "producers, and as many consumers", Queue: true,
		Doc:      "P producers, P consumers; ops = items",
		supports: func(i *Impl) bool { return !i.SingleConsumer && (i.NewTry != nil || i.NewBlocking != nil) },
		run:      func(i *Impl, c Config) Result { return runQueue(i, c, c.P, c.P, false) }}
	// MPMCBlocking is mpmc-blocking: P producers, P consumers, through the
	// blocking Push and Pop (the peer: a channel's send and receive).
	MPMCBlocking = &Workload{Name: "mpmc-blocking", Unit: "items", PMeaning: "producers, and as many consumers", Queue: true,
		Doc:      "P producers, P consumers, blocking Push/Pop; ops = items",
		supports: func(i *Impl) bool { return !i.SingleConsumer && i.NewBlocking != nil },
		run:      func(i *Impl, c Config) Result { return runQueue(i, c, c.P, c.P, true) }}
	// DequeOwner is deque-owner: the owner alternates Push(v); Pop() on its
	// own deque and checks that Pop returns v; ops = pairs.
	DequeOwner = &Workload{Name: "deque-owner", Unit: "pairs", FixedP: 1,
		Doc:      "the owner alternates Push(v); Pop(); ops = pairs",
		supports: func(i *Impl) bool { return i.NewDeque != nil },
		run:      runDequeOwner}
	// DequeOwnerBatch8 is deque-owner-batch8: the owner pushes 8 items,
	// then pops 8, on its own deque (a task that spawns a few children and
	// runs them itself: only the last Pop of a batch can meet a thief);
	// ops = items.
	DequeOwnerBatch8 = &Workload{Name: "deque-owner-batch8", Unit: "items", FixedP: 1,
		Doc:      "the owner pushes 8 then pops 8; ops = items",
		supports: func(i *Impl) bool { return i.NewDeque != nil },
		run:      func(i *Impl, c Config) Result { return runDequeBatch(i, c, 8) }}
	// DequeOwnerBurst256 is deque-owner-burst256: the owner pushes 256
	// items, then pops until empty, repeated, while P thieves steal and
	// run what they steal (a scheduler's busy worker beside idle siblings);
	// every item leaves exactly once; ops = items.
	DequeOwnerBurst256 = &Workload{Name: "deque-owner-burst256", Unit: "items", PMeaning: "thieves beside the owner",
		Doc:      "1 owner pushes 256, pops until empty; P thieves steal, run each item; ops = items",
		supports: func(i *Impl) bool { return i.NewDeque != nil },
		run:      func(i *Impl, c Config) Result { return runDequeSteal(i, c, thiefTaskWork) }}
	// DequeSteal is deque-steal: one owner pushes 256 items, then pops until
	// empty, repeated; P thieves loop Steal; every item leaves exactly once.
	DequeSteal = &Workload{Name: "deque-steal", Unit: "items", PMeaning: "thieves beside the owner",
		Doc:      "1 owner pushes 256, pops until empty; P thieves loop Steal; ops = items",
		supports: func(i *Impl) bool { return i.NewDeque != nil },
		run:      func(i *Impl, c Config) Result { return runDequeSteal(i, c, 0) }}
	// ForkJoin is fork-join: a binary task tree of 2^floor(log2 Items) leaves
	// on P workers, each owning a deque and stealing from the others (or by
	// Impl.ForkJoin); ops = leaves.
	ForkJoin = &Workload{Name: "fork-join", Unit: "leaves", PMeaning: "workers",
		Doc:      "binary task tree on P workers; ops = leaves",
		supports: func(i *Impl) bool { return i.NewDeque != nil || i.ForkJoin != nil },
		run:      runForkJoin}
	// Fib is fib: fib(n) with one task per call, n the largest whose call
	// count is at most Items (fib(30): 2,692,537 calls); ops = calls.
	Fib = &Workload{Name: "fib", Unit: "calls", PMeaning: "workers", Tasks: true,
		Doc:      "fib(30) on P workers, one task per call; ops = calls",
		supports: func(i *Impl) bool { return i.NewTaskPool != nil },
		run:      func(i *Impl, c Config) Result { return runTasks(i, c, "fib") }}
	// MergeSort is mergesort: a parallel merge sort of Items pseudo-random
	// uint64 values; ops = values.
	MergeSort = &Workload{Name: "mergesort", Unit: "values", PMeaning: "workers", Tasks: true,
		Doc:      "merge sort of 10M pseudo-random uint64 on P workers; ops = values",
		supports: func(i *Impl) bool { return i.NewTaskPool != nil },
		run:      func(i *Impl, c Config) Result { return runTasks(i, c, "mergesort") }}
	// ParallelFor is parallel-for: the sum of ForBody over Items indexes;
	// ops = indexes.
	ParallelFor = &Workload{Name: "parallel-for", Unit: "indexes", PMeaning: "workers", Tasks: true,
		Doc:      "a few-ns body over 10M indexes on P workers; ops = indexes",
		supports: func(i *Impl) bool { return i.NewTaskPool != nil },
		run:      func(i *Impl, c Config) Result { return runTasks(i, c, "parallel-for") }}
	// ParallelForSkewed is parallel-for-skewed: as parallel-for, with
	// SkewedBody (every tenth index 100 times slower); ops = indexes.
	ParallelForSkewed = &Workload{Name: "parallel-for-skewed", Unit: "indexes", PMeaning: "workers", Tasks: true,
		Doc:      "parallel-for with every tenth index 100x slower; ops = indexes",
		supports: func(i *Impl) bool { return i.NewTaskPool != nil },
		run:      func(i *Impl, c Config) Result { return runTasks(i, c, "parallel-for-skewed") }}
	// EpochPin is epoch-pin: P goroutines loop Pin(); Unpin(), each on its
	// own participant; ops = pairs.
	EpochPin = &Workload{Name: "epoch-pin", Unit: "pairs", PMeaning: "goroutines",
		Doc:      "P goroutines loop Pin(); Unpin(); ops = pairs",
		supports: func(i *Impl) bool { return i.NewPin != nil },
		run:      func(i *Impl, c Config) Result { return runLoops(i.NewPin(), c) }}
	// CounterShared is counter-shared: P goroutines add 1 to one shared
	// counter, which must read the number of adds at the end.
	CounterShared = &Workload{Name: "counter-shared", Unit: "adds", PMeaning: "goroutines",
		Doc:      "P goroutines add 1 to one shared counter; ops = adds",
		supports: func(i *Impl) bool { return i.NewCounter != nil },
		run:      func(i *Impl, c Config) Result { return runLoops(i.NewCounter(), c) }}
)

// Workloads returns every workload, in the order of the report.
func Workloads() []*Workload {
	return []*Workload{SPSC, MPSC, MPMC, MPMCBlocking, DequeOwner, DequeOwnerBatch8, DequeOwnerBurst256, DequeSteal, ForkJoin, Fib, MergeSort, ParallelFor, ParallelForSkewed, EpochPin, CounterShared}
}

// WorkloadByName returns the workload called name, or nil.
func WorkloadByName(name string) *Workload {
	ws := Workloads()
	i := slices.IndexFunc(ws, func(w *Workload) bool { return strings.EqualFold(w.Name, name) })
	if i < 0 {
		return nil
	}
	return ws[i]
}

// gate starts a run's goroutines together and watches the clock: it sets
// stop at the deadline and abort at the timeout.
type gate struct {
	start chan struct{}
	stop  atomic.Bool // producers stop taking new work; set at the deadline
	abort atomic.Bool // everyone gives up; set at the timeout or a panic
	t0    time.Time
	timer *time.Timer
	// deadline is t0 + Config.Deadline, zero without one; written by
	// open before it closes start, so read safely after <-start.
	deadline time.Time

	failOnce sync.Once
	failed   chan struct{} // closed at the first panic, after failErr is set
	failErr  error
}

func newGate() *gate { return &gate{start: make(chan struct{}), failed: make(chan struct{})} }

// catch, deferred by every goroutine of a run, turns a panic (a broken
// implementation, or an adapter that met an error) into the run's error and
// tells the other goroutines to give up.
func (g *gate) catch() {
	if r := recover(); r != nil {
		g.failOnce.Do(func() {
			g.failErr = fmt.Errorf("panic: %v", r)
			g.stop.Store(true)
			g.abort.Store(true)
			close(g.failed)
		})
	}
}

// open releases the goroutines waiting on g.start and starts the clock.
func (g *gate) open(cfg Config) {
	if cfg.Deadline > 0 {
		g.timer = time.AfterFunc(cfg.Deadline, func() { g.stop.Store(true) })
	}
	g.t0 = time.Now()
	if cfg.Deadline > 0 {
		g.deadline = g.t0.Add(cfg.Deadline)
	}
	close(g.start)
}

// backoff is a Try loop's answer to its fails-th consecutive failure: one
// spin-wait hint (pause), and every yieldEvery-th time a yield of the
// processor instead, as crossbeam-ref's loops do (std::hint::spin_loop and
// thread::yield_now). It reports whether the run was aborted, in which case
// the loop must give up. Without the hint a loop polls the line that the
// other side is writing as fast as the core can issue loads.
func (g *gate) backoff(fails int) (abort bool) {
	if fails%yieldEvery == 0 {
		return g.yield()
	}
	pause()
	return false
}

// yield is backoff's slow path: it reports an abort, or yields.
func (g *gate) yield() (abort bool) {
	if g.abort.Load() {
		return true
	}
	runtime.Gosched()
	return false
}

// run opens the gate for the goroutines counted in all and waits for them
// (see wait).
func (g *gate) run(cfg Config, all *sync.WaitGroup) (time.Duration, error) {
	done := make(chan struct{})
	go func() { all.Wait(); close(done) }()
	g.open(cfg)
	return g.wait(cfg, done)
}

// wait waits for done to be closed or for the timeout, and returns the
// elapsed time and an error if the run got stuck.
func (g *gate) wait(cfg Config, done <-chan struct{}) (time.Duration, error) {
	tm := time.NewTimer(cfg.timeout())
	defer tm.Stop()
	if g.timer != nil {
		defer g.timer.Stop()
	}
	select {
	case <-done:
		select {
		case <-g.failed:
			return time.Since(g.t0), g.failErr
		default:
			return time.Since(g.t0), nil
		}
	case <-g.failed:
		// Goroutines blocked in a broken blocking queue may be left
		// behind; the others see abort and return.
		return time.Since(g.t0), g.failErr
	case <-tm.C:
	}
	g.stop.Store(true)
	g.abort.Store(true)
	// Non-blocking loops notice abort within microseconds; give them a
	// moment so that they do not outlive the run, but never hang on a
	// goroutine stuck inside a blocking queue.
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	return time.Since(g.t0), fmt.Errorf("stuck: not finished after %v", cfg.timeout())
}

// split returns the values [lo, hi] of part i when 1..items is cut into n
// nearly equal parts.
func split(items, n, i int) (lo, hi uint64) {
	lo = uint64(items)*uint64(i)/uint64(n) + 1
	hi = uint64(items) * uint64(i+1) / uint64(n)
	return lo, hi
}

// tally is one goroutine's count and sum, alone on its cache lines.
type tally struct {
	n, sum uint64
	sink   uint64 // the result of the local work, so that it is not optimized away
	_      [128 - 24]byte
}

// addRange counts the values lo to hi, lo <= hi < 1<<63, in t: as adding
// each one would, the sum wrapping modulo 1<<64.
func (t *tally) addRange(lo, hi uint64) {
	n, s := hi-lo+1, lo+hi
	// One of n and s is even, and halving it first keeps the product
	// exact modulo 1<<64.
	if n%2 == 0 {
		t.sum += n / 2 * s
	} else {
		t.sum += n * (s / 2)
	}
	t.n += n
}

// work runs n rounds of local work seeded with v and folds the result into
// t.sink.
func (t *tally) work(n int, v uint64) {
	x := v | 1
	for range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	t.sink += x
}

func total(ts []tally) (n, sum uint64) {
	for i := range ts {
		n += ts[i].n
		sum += ts[i].sum
	}
	return n, sum
}
